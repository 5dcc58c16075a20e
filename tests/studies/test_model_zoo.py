"""Fig. 10: accuracy predictors, the model-zoo study (pretrained path on a generated ImageNet
folder, skipped models, self-trained slices) and the correlation table."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dse_repro.measures import alpha_req, knn_accuracy, rankme
from dse_repro.studies.registry import compose_config, job_dirs


# --- predictors ---------------------------------------------------------------------------
def test_rankme_known_values():
    assert rankme(np.outer(np.arange(10.0), [1.0, 2.0, 3.0])) == pytest.approx(1.0, abs=1e-4)
    # Orthogonal columns of equal norm: all singular values equal -> exp(log d) = d.
    q, _ = np.linalg.qr(np.random.default_rng(0).normal(size=(50, 8)))
    z = q - q.mean(0)
    s = np.linalg.svd(z, compute_uv=False)
    p = s / s.sum() + 1e-7
    assert rankme(z) == pytest.approx(np.exp(-(p * np.log(p)).sum()))
    assert rankme(np.eye(6) * 5) == pytest.approx(5.0, rel=1e-4)  # centred I_6 has rank 5


def test_alpha_req_recovers_a_power_law():
    rng = np.random.default_rng(0)
    lam = np.arange(1, 41) ** -2.0
    # Exact spectrum: orthonormal directions scaled by sqrt(lambda_i * n).
    q, _ = np.linalg.qr(rng.normal(size=(400, 40)))
    z = (q - q.mean(0)) * np.sqrt(lam)
    z = np.linalg.svd(z, full_matrices=False)[0] * np.sqrt(lam)
    assert alpha_req(z, fraction=1.0) == pytest.approx(2.0, abs=0.02)
    assert alpha_req(rng.normal(size=(4000, 10)), fraction=1.0) < 0.2  # white: flat spectrum


def test_knn_accuracy_separable_and_random():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 40)
    z = rng.normal(size=(120, 5)) * 0.1 + np.eye(5)[y] * 10
    assert knn_accuracy(z, y, k=5) == 1.0
    y_rand = rng.permutation(y)
    assert knn_accuracy(rng.normal(size=(120, 5)), y_rand, k=5) < 0.6
    assert knn_accuracy(z, y, k=5, seed=1) == knn_accuracy(z, y, k=5, seed=1)


@pytest.mark.parametrize("call,err,match", [
    (lambda: rankme(np.ones((5, 3))), ValueError, "constant"),
    (lambda: rankme(np.array([[np.nan, 1.0], [1.0, 2.0]])), ValueError, "NaN"),
    (lambda: alpha_req(np.random.rand(10, 4), fraction=0), ValueError, "fraction"),
    (lambda: alpha_req(np.outer(np.arange(5.0), [1.0, 1.0])), ValueError, "non-zero"),
    (lambda: knn_accuracy(np.random.rand(10, 2), np.arange(9)), ValueError, "same number"),
    (lambda: knn_accuracy(np.random.rand(10, 2), np.repeat([0, 1], 5), folds=6), ValueError,
     "folds"),
    (lambda: knn_accuracy(np.random.rand(10, 2), np.repeat([0, 1], 5), k=0), ValueError, "k"),
])
def test_predictors_bad_inputs(call, err, match):
    with pytest.raises(err, match=match):
        call()


# --- the study ------------------------------------------------------------------------------
def test_paper_zoo_is_every_known_pretrained_model_of_the_table():
    from dse_repro.data.imagenet_subset import timm_results

    slices = job_dirs(compose_config("paper"), "model_zoo")
    table = timm_results()
    assert 900 < len(slices) <= len(table)
    assert slices[0] == f"timm/{table['model'].iloc[0]}"  # best top-1 first
    assert len(set(slices)) == len(slices)


def test_laptop_zoo_asks_the_papers_question():
    """A converged group that differs by architecture, width, depth, augmentation and data
    budget (24 models), and a separate early-stopped group."""
    cfg = compose_config("laptop")
    slices = job_dirs(cfg, "model_zoo")
    z = cfg.studies.model_zoo.self_trained
    converged = [d for d in slices if f"/e{z.epochs}/" in d]
    assert len(converged) >= 24 and len(slices) > len(converged) and len(z.seeds) >= 2
    members = [z.variants[m] for m in z.members]
    archs = {z.architectures[v.arch].model for v in members}
    assert any("vit" in m for m in archs) and any("resnet" in m for m in archs)
    kwargs = [dict(z.architectures[v.arch].kwargs) for v in members]
    assert len({str(k.get("channels", k.get("embed_dim"))) for k in kwargs}) >= 3  # widths
    assert len({str(k.get("layers", k.get("depth"))) for k in kwargs}) >= 3       # depths
    assert {bool(v.get("augment", False)) for v in members} == {True, False}
    assert len({v.get("n_train") or z.n_train for v in members}) >= 3            # data budgets
    assert all(e < z.epochs for e in z.training_length.epochs)


def test_zoo_rows_carry_their_group(tmp_path):
    """One early-stopped and one converged smoke member, each a real (tiny) training run;
    the augmented member trains on other views than the plain one."""
    from dse_repro.studies.model_zoo import run

    def one(model, epochs):
        cfg = compose_config("smoke", ["out=unused.csv", f"studies.model_zoo.job.model={model}",
                                        f"studies.model_zoo.job.epochs={epochs}",
                                        "studies.model_zoo.job.seed=0",
                                        "studies.model_zoo.self_trained.n_train=64",
                                        "studies.model_zoo.self_trained.n_val=60",
                                        "studies.model_zoo.measures=[DSE_Z,Z_mean_norm]"])
        return run(cfg)

    early, plain, aug = one("vit_d48", 1), one("resnet_w16", 2), one("resnet_w16_aug", 2)
    assert set(early["group"]) == {"training_length"} and set(plain["group"]) == {"converged"}
    assert list(plain["measure"]) == ["DSE_Z", "Z_mean_norm"]
    assert plain["family"].iloc[0] == aug["family"].iloc[0] == "resnet_w16"
    assert not np.allclose(plain["value"], aug["value"])  # augmentation changed the model


def _fake_imagenet(root, per_class=3, size=40):
    from PIL import Image
    from timm.data import ImageNetInfo

    info = ImageNetInfo()
    classes = compose_config("paper").studies.model_zoo.imagenet.classes
    rng = np.random.default_rng(0)
    for k, c in enumerate(classes):
        folder = root / "imagenet" / "val" / info.index_to_label_name(int(c))
        folder.mkdir(parents=True)
        for i in range(per_class):
            base = np.zeros((size, size, 3)) + rng.uniform(0, 255, size=3) * (k % 5) / 5
            img = np.clip(base + rng.normal(0, 20, size=base.shape), 0, 255).astype(np.uint8)
            Image.fromarray(img).save(folder / f"ILSVRC2012_val_{k:03d}{i:02d}.JPEG")


def _paper_cfg(tmp_path, *extra):
    return compose_config("paper", [f"paths.data_root={tmp_path}", "out=unused.csv",
                                    "studies.model_zoo.imagenet.crops=2",
                                    "studies.model_zoo.imagenet.x_clusters=5",
                                    "studies.model_zoo.device=cpu", *extra])


def test_pretrained_path_on_generated_imagenet(tmp_path):
    """The real code path end to end, with random weights standing in for the cache."""
    from dse_repro.studies.model_zoo import run

    _fake_imagenet(tmp_path)
    cfg = _paper_cfg(tmp_path, "studies.model_zoo.pretrained=false",
                     "studies.model_zoo.job.model=resnet10t.c3_in1k")
    df = run(cfg)
    assert list(df["measure"]) == list(cfg.studies.model_zoo.measures)
    assert (df["status"] == "ok").all()
    assert df["value"].notna().all() and (df["arch"] == "convnet").all()
    from dse_repro.data.imagenet_subset import timm_results

    row, ref = df.iloc[0], timm_results().set_index("model").loc["resnet10t.c3_in1k"]
    assert float(row["accuracy"]) == pytest.approx(float(ref["top1"]) / 100)  # the table top-1
    assert float(row["param_count"]) == pytest.approx(float(ref["param_count"]))
    again = run(cfg)
    pd.testing.assert_frame_equal(df, again)  # seeded crops, same numbers


def test_vit_is_classified_by_modules_not_name(tmp_path):
    from dse_repro.studies.model_zoo import _arch_of

    assert _arch_of("vit_tiny_patch16_224.augreg_in21k_ft_in1k") == "vit"
    assert _arch_of("convnext_nano.in12k_ft_in1k") == "convnet"
    assert _arch_of("deit_tiny_patch16_224.fb_in1k") == "vit"


def test_missing_weights_skip_the_model_not_the_study(tmp_path, monkeypatch):
    from dse_repro.studies.model_zoo import run

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    import huggingface_hub.constants as hc

    monkeypatch.setattr(hc, "HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    _fake_imagenet(tmp_path)
    df = run(_paper_cfg(tmp_path, "studies.model_zoo.job.model=resnet10t.c3_in1k"))
    assert df["status"].str.startswith("skipped: weights not in the local cache").all()
    assert df["value"].isna().all() and str(tmp_path / "torch") in df["status"].iloc[0]


def test_missing_imagenet_is_a_clear_error(tmp_path):
    from dse_repro.data import DatasetNotFoundError
    from dse_repro.studies.model_zoo import run

    with pytest.raises(DatasetNotFoundError, match=str(tmp_path / "imagenet" / "val")):
        run(_paper_cfg(tmp_path, "studies.model_zoo.job.model=resnet10t.c3_in1k"))


def test_unknown_zoo_member_is_a_clear_error():
    from dse_repro.studies.model_zoo import run

    with pytest.raises(ValueError, match="studies.model_zoo.job.model"):
        run(compose_config("smoke", ["out=unused.csv", "studies.model_zoo.job.model=nope"]))


def test_correlation_table_ranks_and_counts_skips():
    from dse_repro.summaries import zoo_correlations

    acc = np.linspace(0.5, 0.9, 10)
    rows = [dict(model=f"m{i}", group="converged", arch="vit" if i % 2 else "convnet",
                 accuracy=a, measure=m, value=v, status="ok")
            for i, a in enumerate(acc)
            for m, v in (("DSMI_ZY", a), ("rankme", -a), ("knn_acc", (i * 7) % 10))]
    rows.append(dict(model="x", group="converged", arch="vit", accuracy=0.7, measure="DSMI_ZY",
                     value=np.nan, status="skipped: weights not in the local cache"))
    # early-stopped models: in "all", not in the converged groups
    rows += [dict(model=f"e{i}", group="training_length", arch="convnet", accuracy=0.1 * i,
                  measure="DSMI_ZY", value=-float(i), status="ok") for i in range(3)]
    t = zoo_correlations(pd.DataFrame(rows)).set_index(["group", "measure"])
    assert t.loc[("converged", "DSMI_ZY"), "spearman"] == pytest.approx(1.0)
    assert t.loc[("converged", "rankme"), "spearman"] == pytest.approx(-1.0)
    assert t.loc[("converged", "DSMI_ZY"), "rank"] == 1
    assert t.loc[("converged", "knn_acc"), "rank"] == 3
    assert t.loc[("converged", "DSMI_ZY"), "n_models"] == 10 and (t["n_skipped"] == 1).all()
    assert t.loc[("all", "DSMI_ZY"), "n_models"] == 13
    assert t.loc[("all", "DSMI_ZY"), "spearman"] < 0.99  # the early group breaks the order
    assert t.loc[("converged/vit", "DSMI_ZY"), "n_models"] == 5
