"""``dse-repro doctor``: the preflight's verdicts on this CPU machine (the GPU branch runs
wherever a GPU is present)."""
from __future__ import annotations

import subprocess

import pytest
import torch

from dse_repro.tools import doctor
from dse_repro.tools.cli import main


def test_smoke_scale_is_ready_here(capsys):
    assert main(["doctor", "--scale", "smoke"]) == 0
    out = capsys.readouterr().out
    assert "data: digits" in out and "forward + backward" in out and "scale=smoke: ready" in out


def test_paper_scale_without_data_names_what_would_fail(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    import huggingface_hub.constants as hc

    monkeypatch.setattr(hc, "HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    rows = doctor.doctor("paper", [f"paths.data_root={tmp_path}"], device=False)
    status = {c: (s, d) for c, s, d in rows}
    for d in ("mnist", "cifar10", "stl10"):
        assert status[f"data: {d}"][0] == "FAIL" and str(tmp_path) in status[f"data: {d}"][1]
    assert "training 54 jobs" in status["data: cifar10"][1]
    # each missing data set says the layout it needs, not torchvision's download=True advice
    assert "Place MNIST/raw/{train,t10k}-*-idx*-ubyte there" in status["data: mnist"][1]
    assert "Extract cifar-10-python.tar.gz" in status["data: cifar10"][1]
    assert all("download=True" not in status[f"data: {d}"][1] for d in ("mnist", "cifar10"))
    assert status["data: ImageNet validation"][0] == "FAIL"
    assert "<wnid>/*.JPEG" in status["data: ImageNet validation"][1]
    assert status["timm weights in the local cache"][1].startswith("0 of ")
    assert main(["doctor", "--scale", "paper", f"paths.data_root={tmp_path}"]) == 1
    assert "scale=paper: cannot run" in capsys.readouterr().out


def test_optional_data_set_is_a_warning_not_a_failure(tmp_path, monkeypatch):
    from dse_repro.data import datasets

    monkeypatch.setattr(datasets, "DEBIAN_FASHION_MNIST", tmp_path / "none")
    from dse_repro.studies.registry import compose_config

    rows = doctor.data_rows(compose_config("laptop", [f"paths.data_root={tmp_path}"]))
    status = {c: (s, d) for c, s, d in rows}
    assert status["data: fashion_mnist"][0] == "warn" and status["data: digits"][0] == "ok"
    assert str(tmp_path / "none") in status["data: fashion_mnist"][1]  # where it looked


def test_slurm_rows(monkeypatch):
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    assert doctor.slurm_rows()[0][1] == "warn"
    monkeypatch.setattr(doctor.shutil, "which", lambda name: f"/usr/bin/{name}")
    answer = subprocess.CompletedProcess([], 0, stdout="12\n13\n", stderr="")
    assert doctor.slurm_rows(lambda *a, **k: answer)[0] == ("SLURM", "ok",
                                                           "squeue answers (2 jobs queued)")
    broken = subprocess.CompletedProcess([], 1, stdout="", stderr="error: no controller\nmore")
    row = doctor.slurm_rows(lambda *a, **k: broken)[0]
    assert row[1] == "warn" and row[2] == "squeue failed: error: no controller"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no GPU on this machine")
def test_gpu_agrees_with_cpu():
    rows = {c: s for c, s, _ in doctor.device_rows()}
    assert rows["device"] == "ok" and rows["DSE/DSMI on the GPU"] == "ok"


def test_fashion_mnist_needs_all_four_files_and_names_where(tmp_path, monkeypatch):
    """A folder with only the test labels is not Fashion-MNIST; a found copy is named by its
    own folder, not by data_root."""
    from dse_repro.data import datasets

    monkeypatch.setattr(datasets, "DEBIAN_FASHION_MNIST", tmp_path / "nowhere")
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-labels-idx1-ubyte").write_bytes(b"\x00")
    assert datasets.location("fashion_mnist", tmp_path) is None
    assert not datasets.available("fashion_mnist", tmp_path)
    for stem in datasets.FASHION_STEMS:
        (raw / (stem + ".gz")).write_bytes(b"\x00")
    assert datasets.location("fashion_mnist", tmp_path) == str(raw)
    assert datasets.location("digits", tmp_path) == "bundled with scikit-learn"


def test_a_bad_override_is_one_line_and_exit_2(capsys):
    """Exit 2 for a usage error, apart from 1 ("the scale cannot run")."""
    assert main(["doctor", "--scale", "smoke", "foo=bar"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dse-repro: error: doctor:") and len(err.splitlines()) == 1


def test_the_cpu_eigensolver_row_names_the_switch_and_the_solver(monkeypatch):
    from dse_repro.measures import _kernel, _lapack

    monkeypatch.setattr(_kernel, "EIGENSOLVER_SWITCH_N", 1234)
    (check, status, detail), = doctor.eigensolver_rows()
    assert (check, status) == ("CPU eigensolver", "ok")
    assert "below n = 1234" in detail and "EIGENSOLVER_SWITCH_N" in detail
    assert "OpenBLAS dsyevr in place" in detail
    monkeypatch.setattr(_lapack, "_mkl_syevd", lambda prefix: None)
    assert "torch.linalg.eigvalsh" in doctor.eigensolver_rows()[0][2]
    monkeypatch.setattr(_lapack, "syevr_library", lambda dtype: None)
    assert "numpy.linalg.eigvalsh" in doctor.eigensolver_rows()[0][2]
