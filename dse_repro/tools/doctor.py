"""``dse-repro doctor [--scale paper]``: a preflight for a new machine or a cluster node, run
before sending a thousand jobs.

Checks, as a table (``check, status, detail``; status ``ok``, ``warn`` or ``FAIL``):

* the device torch sees; on a GPU, DSE and DSMI of the same data on the GPU and the CPU (must
  agree within 1e-6 bits) and one timm model's forward and backward there, with the seconds
  each took (on a CPU-only machine the forward/backward runs on the CPU);
* the data sets the scale's studies need under ``paths.data_root`` (a missing required one is a
  FAIL naming the jobs that would fail; a missing optional one is dropped from the DAG);
* at ``scale=paper`` with the timm zoo: the ImageNet validation folder (FAIL when absent) and
  how many of the zoo's pretrained weights are in the local cache (the others are skipped);
* the CPU eigensolver exact DSE and DSMI use at each size (OpenBLAS ``dsyevr``, or from a
  size measured per CPU maker MKL's ``dsyevd`` from torch's library; information);
* whether ``sbatch`` and ``squeue`` answer (information: a local run does not need them).

Exit code 0 only when the chosen scale can run here (no FAIL).
"""
from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable

Row = tuple[str, str, str]  # check, status, detail
#: GPU and CPU DSE/DSMI must agree within this many bits.
GPU_TOLERANCE = 1e-6


def device_rows(forward_model: str = "resnet18") -> list[Row]:
    """Device, GPU/CPU agreement of DSE and DSMI (on a GPU), a timm forward/backward."""
    import numpy as np
    import timm
    import torch

    from dse_repro.measures import dse, dsmi

    cuda = torch.cuda.is_available()
    dev = torch.device("cuda" if cuda else "cpu")
    name = torch.cuda.get_device_name(0) if cuda else "CPU only (no CUDA device visible)"
    rows: list[Row] = [("device", "ok" if cuda else "warn",
                        f"torch {torch.__version__} sees {name}"
                        + ("" if cuda else "; training jobs will be slow"))]
    if cuda:
        rng = np.random.default_rng(0)
        x = rng.normal(size=(1000, 32))
        y = rng.integers(0, 5, size=1000)
        t0 = time.perf_counter()
        gpu = (dse(torch.as_tensor(x, device=dev)), dsmi(torch.as_tensor(x, device=dev), y))
        t1 = time.perf_counter()
        cpu = (dse(x), dsmi(x, y))
        t2 = time.perf_counter()
        diff = max(abs(a - b) for a, b in zip(gpu, cpu))
        rows.append(("DSE/DSMI on the GPU", "ok" if diff <= GPU_TOLERANCE else "FAIL",
                     f"max |GPU - CPU| = {diff:.2g} bits (tolerance {GPU_TOLERANCE:g}); "
                     f"GPU {t1 - t0:.2f} s, CPU {t2 - t1:.2f} s"))
    model = timm.create_model(forward_model, pretrained=False, num_classes=10).to(dev)
    batch = torch.randn(8, 3, 224, 224, device=dev)
    t0 = time.perf_counter()
    loss = model(batch).logsumexp(1).mean()
    loss.backward()
    if cuda:
        torch.cuda.synchronize()
    ok = all(p.grad is not None and torch.isfinite(p.grad).all() for p in model.parameters()
             if p.requires_grad)
    rows.append((f"timm {forward_model} forward + backward", "ok" if ok else "FAIL",
                 f"batch of 8 at 224 px on {dev.type} in {time.perf_counter() - t0:.2f} s"
                 + ("" if ok else "; gradients missing or not finite")))
    return rows


def data_rows(cfg) -> list[Row]:
    """Every data set the scale's studies read, and the jobs a missing one would fail."""
    from dse_repro.data import location, missing_reason
    from dse_repro.studies.registry import specs

    needed: dict[str, dict[str, int]] = {}  # dataset -> study -> jobs reading it
    optional: set[str] = set()
    for name, spec in specs().items():
        s = cfg.studies[name]
        if "datasets" not in s:
            continue
        optional |= set(s.get("optional_datasets", []))
        for d in s.datasets:
            needed.setdefault(str(d), {})
        for _kind, job in spec.slices(cfg):
            for d in s.datasets:
                if job.get("dataset", d) == d:  # jobs without a dataset key read them all
                    needed[str(d)][name] = needed[str(d)].get(name, 0) + 1
    rows: list[Row] = []
    for d, by_study in needed.items():
        where = location(d, cfg.paths.data_root)
        if where is not None:
            rows.append((f"data: {d}", "ok", f"found: {where}"))
        elif d in optional:
            rows.append((f"data: {d}", "warn", "not found; optional, so left out of the DAG. "
                         + missing_reason(d, cfg.paths.data_root)))
        else:
            jobs = ", ".join(f"{n} {k} jobs" for n, k in by_study.items())
            rows.append((f"data: {d}", "FAIL", f"would fail {jobs}. "
                         + missing_reason(d, cfg.paths.data_root)))
    return rows


def zoo_rows(cfg) -> list[Row]:
    """At the timm zoo: the ImageNet folder and the cached pretrained weights."""
    from pathlib import Path

    from dse_repro.studies.model_zoo import missing_weights, zoo_model_names

    s = cfg.studies.model_zoo
    if s.source != "timm_pretrained":
        return [("model zoo", "ok", f"self-trained zoo ({s.self_trained.dataset}, offline)")]
    folder = Path(cfg.paths.data_root) / s.imagenet.folder
    rows: list[Row] = [("data: ImageNet validation", "ok" if folder.is_dir() else "FAIL",
                        ("found: " + str(folder)) if folder.is_dir() else
                        f"{folder} is missing: every zoo job would fail. It holds ImageNet's "
                        "validation images in class folders, <wnid>/*.JPEG (torchvision's "
                        "ImageNet(split='val') layout); set paths.data_root or "
                        "studies.model_zoo.imagenet.folder")]
    names = zoo_model_names(s)
    cached = sum(missing_weights(n) is None for n in names)
    rows.append(("timm weights in the local cache", "ok" if cached == len(names) else "warn",
                 f"{cached} of {len(names)} zoo models (the others are skipped, with their "
                 "reason in model_zoo.csv)"))
    return rows


def slurm_rows(run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> list[Row]:
    """Whether ``sbatch`` and ``squeue`` are there and answer (information only)."""
    if shutil.which("sbatch") is None or shutil.which("squeue") is None:
        return [("SLURM", "warn", "sbatch/squeue not found: local runs only")]
    try:
        proc = run(["squeue", "-h", "-o", "%i"], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return [("SLURM", "warn", "squeue did not answer in 20 s")]
    if proc.returncode != 0:
        first = ((proc.stderr or "").strip().splitlines() or [f"exit code {proc.returncode}"])[0]
        return [("SLURM", "warn", f"squeue failed: {first[:160]}")]
    return [("SLURM", "ok", f"squeue answers ({len(proc.stdout.split())} jobs queued)")]


def eigensolver_rows() -> list[Row]:
    """Which CPU eigensolver exact DSE/DSMI use from which size, on this machine."""
    import numpy as np

    from dse_repro.measures import _kernel, _lapack

    switch = _kernel.eigensolver_switch_n()
    vendor = _kernel._cpu_vendor() or "an unknown CPU maker"
    large = ("MKL's dsyevd from torch's library, in place"
             if _lapack.mkl_syevd_available(np.float64)
             else "torch.linalg.eigvalsh (this torch has no MKL dsyevd to call)")
    library = _lapack.syevr_library(np.float64)
    small = (f"{library} dsyevr in place (the kernel's products there too)" if library
             else "numpy.linalg.eigvalsh (no OpenBLAS dsyevr could be reached)")
    return [("CPU eigensolver", "ok",
             f"{small} below n = {switch}, {large} from there ({vendor}; measured with "
             "python benchmarks/bench_measures.py --solvers, set by "
             "dse_repro.measures._kernel.EIGENSOLVER_SWITCH_N)")]


def doctor(scale: str, overrides: list[str] | None = None, device: bool = True) -> list[Row]:
    """Every check's row at ``scale`` (with Hydra ``overrides``, e.g. ``paths.data_root=…``)."""
    from dse_repro.studies.registry import compose_config

    cfg = compose_config(scale, list(overrides or []))
    rows = device_rows() if device else []
    return rows + eigensolver_rows() + data_rows(cfg) + zoo_rows(cfg) + slurm_rows()


def table(rows: list[Row]) -> str:
    width = max(len(c) for c, _, _ in rows)
    return "\n".join(f"{c:<{width}}  {s:<4}  {d}" for c, s, d in rows)
