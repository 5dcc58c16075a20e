"""The paper's claims, checked against the tidy results of the scale that ran.

Each claim names its figure, a statement, the number behind it and a threshold; its status is
``held``, ``not held`` or ``not run`` (the results it needs are missing). Later figures add
their rows to :data:`CLAIMS`.

CLI: ``python -m dse_repro.claims --scale smoke --results results/smoke/fig2.csv ...
--csv results/smoke/claims.csv --md results/smoke/claims.md``
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

Results = dict[str, pd.DataFrame]
#: Thresholds that live in conf/ (read by :func:`settings_from_conf`): name -> config key.
SETTINGS = {"target_acc": "studies.sigma_init.compare.target_acc"}
LOG2_3 = float(np.log2(3))
#: Noise levels up to this count as "low noise" in the corruption claims.
LOW_NOISE = 0.1


@dataclass(frozen=True)
class Claim:
    """One checkable statement of the paper."""

    id: str
    figure: str
    statement: str
    threshold: str
    needs: str  # study whose results it reads
    # -> (measured value, held?) or (value, held?, detail: the other numbers behind it)
    check: Callable[..., tuple]
    #: one row per value of this column of the results (e.g. "dataset"), id suffixed [value]
    per: str | None = None
    #: names of settings from conf the check takes as keyword arguments (see SETTINGS)
    settings: tuple[str, ...] = ()


def _spearman(x: pd.Series, y: pd.Series) -> float:
    if len(x) < 3 or np.ptp(y) == 0:
        return float("nan")
    return float(spearmanr(x, y).statistic)


# --- Fig. 2 ------------------------------------------------------------------------------
def _at_max_t(df: pd.DataFrame, dataset: str, measure: str) -> pd.Series:
    sub = df[(df["dataset"] == dataset) & (df["measure"] == measure)]
    return sub[sub["t"] == sub["t"].max()]["value"]


def _fig2_three_blobs(df):
    err = float((_at_max_t(df, "3 blobs", "DSE") - LOG2_3).abs().max())
    return err, err <= 0.05


def _fig2_one_blob(df):
    v = float(_at_max_t(df, "1 blob", "DSE").max())
    return v, v < 0.1


def _fig2_dsmi_clustered(df):
    v = float(df[(df["dataset"] == "3 blobs") & (df["measure"] == "DSMI")]["value"].min())
    return v, v > 0.5


def _fig2_dsmi_random(df):
    v = float(df[(df["dataset"] == "1 blob") & (df["measure"] == "DSMI")]["value"].abs().max())
    return v, v < 0.1 * LOG2_3


# --- Fig. 3A -----------------------------------------------------------------------------
def _fig3a_spd_rises(df):
    means = df[df["panel"] == "spd"].groupby(["size", "alpha"])["value"].mean().reset_index()
    rho = min(_spearman(g["alpha"], g["value"]) for _, g in means.groupby("size"))
    return rho, rho >= 0.99


def _fig3a_spd_identity(df):
    spd = df[(df["panel"] == "spd") & np.isclose(df["alpha"], 1.0)]
    err = float((spd["value"] - np.log2(spd["size"])).abs().max())
    return err, err < 1e-6


def _fig3a_dse_rises_with_d(df, low_noise=True):
    sub = df[df["panel"].isin(["uniform", "gaussian"]) & (df["measure"] == "DSE")]
    sub = sub[sub["noise"] <= LOW_NOISE] if low_noise else sub[sub["noise"] == sub["noise"].max()]
    means = sub.groupby(["panel", "noise", "intrinsic_dim"])["value"].mean().reset_index()
    rho = min(_spearman(g["intrinsic_dim"], g["value"]) for _, g in means.groupby(["panel", "noise"]))
    return rho, rho >= 0.9


def _fig3a_cse_saturates(df):
    sub = df[df["panel"].isin(["uniform", "gaussian"]) & (df["measure"] == "CSE")]
    err = float((sub["value"] - np.log2(sub["n_points"])).abs().max())
    return err, err < 0.05


# --- Fig. 3B -----------------------------------------------------------------------------
def _fig3b_means(df, measure, low_noise=True):
    sub = df[df["measure"] == measure]
    sub = sub[sub["noise"] <= LOW_NOISE] if low_noise else sub[sub["noise"] == sub["noise"].max()]
    return sub.groupby(["branches", "noise", "corruption"])["value"].mean().reset_index()


def _fig3b_dsmi_falls(df, low_noise=True):
    means = _fig3b_means(df, "DSMI", low_noise)
    rho = max(_spearman(g["corruption"], g["value"]) for _, g in means.groupby(["branches", "noise"]))
    return rho, rho <= -0.9


def _fig3b_dsmi_zero(df):
    means = _fig3b_means(df, "DSMI")
    v = float(means[np.isclose(means["corruption"], 1.0)]["value"].abs().max())
    return v, v < 0.05


def _fig3b_csmi_flat(df):
    means = df[df["measure"] == "CSMI"].groupby(
        ["branches", "noise", "corruption"])["value"].mean().reset_index()
    ratios = []
    for _, g in means.groupby(["branches", "noise"]):
        clean = g[np.isclose(g["corruption"], 0.0)]["value"].iloc[0]
        full = g[np.isclose(g["corruption"], 1.0)]["value"].iloc[0]
        ratios.append(full / clean)
    v = float(min(ratios))
    return v, v >= 0.5


# --- Figs. 4-5 (mi_compare) -------------------------------------------------------------
BASELINES = ("npeet_mi", "mine", "csmi_5", "csmi_10", "csmi_100")


def _mi_low_noise(df: pd.DataFrame, sweep: str) -> pd.DataFrame:
    sub = df[(df["sweep"] == sweep)]
    return sub[sub["noise"] == sub["noise"].min()]


def _mi_dsmi_falls(df):
    sub = _mi_low_noise(df, "corruption")
    sub = sub[sub["estimator"] == "dsmi"]
    means = sub.groupby(["dim", "corruption"])["value"].mean().reset_index()
    rhos = {int(d): _spearman(g["corruption"], g["value"]) for d, g in means.groupby("dim")}
    full = means[np.isclose(means["corruption"], 1.0)]
    zero = float(full["value"].abs().max())
    rho = max(rhos.values())
    detail = ", ".join(f"d={d}: rho={r:.3f}" for d, r in rhos.items()) + f"; max |DSMI(1.0)| = {zero:.4f}"
    return rho, rho <= -0.9 and zero < 0.05, detail


def _mi_fractions(df) -> dict[str, float]:
    """Mean MI at the largest d divided by mean MI at the smallest d (lowest noise), per
    estimator; an estimator with no information at the smallest d (<= 0.01 bits) keeps 0."""
    sub = _mi_low_noise(df, "dimension")
    means = sub.groupby(["estimator", "dim"])["value"].mean()
    out = {}
    for est in sub["estimator"].unique():
        m = means[est]
        lo, hi = m[m.index.min()], m[m.index.max()]
        out[est] = float(hi / lo) if lo > 0.01 else 0.0
    return out


def _mi_dsmi_keeps_info(df):
    f = _mi_fractions(df)
    others = {e: f[e] for e in BASELINES if e in f}
    detail = ", ".join(f"{e}: {v:.3f}" for e, v in others.items())
    return f["dsmi"], bool(others) and f["dsmi"] > max(others.values()), detail


def _mi_dsmi_vs_micd(df):
    f = _mi_fractions(df)
    sub = _mi_low_noise(df, "dimension")
    dmax = sub["dim"].max()
    m = sub[sub["dim"] == dmax].groupby("estimator")["value"].mean()
    detail = (f"fraction kept: DSMI {f['dsmi']:.3f}, micd {f['npeet_micd']:.3f}; at d = {dmax}: "
              f"DSMI {m['dsmi']:.3f} bits, micd {m['npeet_micd']:.3f} bits (H(Y) = {LOG2_3:.3f})")
    return f["dsmi"] - f["npeet_micd"], f["dsmi"] > f["npeet_micd"], detail


def _mi_csmi100_zero(df):
    sub = _mi_low_noise(df, "dimension")
    sub = sub[(sub["estimator"] == "csmi_100") & (sub["dim"] >= 20)]
    v = float(sub.groupby("dim")["value"].mean().abs().max())
    return v, v < 0.05


def _mi_runtime_growth(df):
    timed = df[df["sweep"].isin(["dimension", "runtime"])]
    t = timed.groupby(["estimator", "dim"])["seconds"].mean()
    growth = {e: float(t[e].iloc[-1] / t[e].iloc[0]) for e in ("dsmi", "npeet_mi")}
    dmax = int(t["dsmi"].index.max())
    ratio = float(t["npeet_mi"].iloc[-1] / t["dsmi"].iloc[-1])
    detail = (f"time(d_max)/time(d_min): DSMI {growth['dsmi']:.2f}x, NPEET {growth['npeet_mi']:.2f}x;"
              f" at d = {dmax}: NPEET {t['npeet_mi'].iloc[-1]:.3g} s, DSMI {t['dsmi'].iloc[-1]:.3g} s")
    return ratio, growth["dsmi"] < growth["npeet_mi"], detail


# --- Ground truth (beyond the paper) -----------------------------------------------------
def _gt_monotone(df, estimator="dsmi"):
    from dse_repro.summaries import groundtruth_summary

    summ = groundtruth_summary(df)
    rho = summ[summ["estimator"] == estimator].groupby(["family", "dim"])["spearman_vs_truth"].first()
    top = summ.loc[summ.groupby(["family", "dim", "estimator"])["true_mi"].idxmax()]
    bias = ", ".join(f"{r.estimator}@{r.family}/D{r.dim}: {r.bias:+.2f}" for r in top.itertuples()
                     if r.family == "mixture")
    detail = ", ".join(f"{f}/D{d}: {v:.2f}" for (f, d), v in rho.items()) + \
        f"; bias at the largest true MI: {bias}"
    return float(rho.min()), bool(rho.min() >= 0.9), detail


# --- Figs. 6-8 (training) ----------------------------------------------------------------
def _train_first_last(df: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Mean over models and seeds of ``measure`` at the first and last epoch, per
    (dataset, method)."""
    sub = df[df["measure"] == measure]
    first = sub[sub["epoch"] == sub["epoch"].min()].groupby(["dataset", "method"])["value"].mean()
    last = sub[sub["epoch"] == sub["epoch"].max()].groupby(["dataset", "method"])["value"].mean()
    return pd.DataFrame({"first": first, "last": last}).reset_index()


def _train_rises(df, measure, methods, datasets=None):
    fl = _train_first_last(df, measure)
    fl = fl[fl["method"].isin(methods)]
    if datasets is not None:
        fl = fl[fl["dataset"].isin(datasets)]
    if fl.empty:
        raise ValueError("no matching runs")
    gains = fl["last"] - fl["first"]
    detail = ", ".join(f"{r.dataset}/{r.method}: {r.first:.3f} -> {r.last:.3f}"
                       for r in fl.itertuples())
    return float(gains.min()), bool((gains > 0).all()), detail


def _train_random_lower(df):
    fl = _train_first_last(df, "DSMI_ZY").set_index(["dataset", "method"])["last"]
    gaps = {d: fl[(d, "supervised")] - fl[(d, "random_labels")]
            for d in fl.index.get_level_values(0).unique()}
    detail = ", ".join(f"{d}: supervised - random = {g:.3f}" for d, g in gaps.items())
    return float(min(gaps.values())), min(gaps.values()) > 0.1, detail


# --- Fig. 9 (sigma-initialization) ---------------------------------------------------------
def _sigma_init_rises(df):
    init = df[(df["part"] == "init") & (df["measure"] == "DSE_Z")]
    if init.empty:
        raise ValueError("no init-sweep rows")
    rho = {}
    for (model, arch), g in init.groupby(["model", "arch"]):
        m = g.groupby("init_sigma")["value"].mean()
        rho[(model, arch)] = _spearman(pd.Series(m.index), m)
    conv = [v for (_, arch), v in rho.items() if arch == "convnet"]
    if not conv:
        raise ValueError("no ConvNet in the init sweep")
    detail = ", ".join(f"{m} ({a}): Spearman {v:.2f}" for (m, a), v in rho.items())
    return float(min(conv)), bool(min(conv) >= 0.8 - 1e-9), detail


def _sigma_curves(df, measure: str) -> pd.DataFrame:
    """Seed-mean ``measure`` per epoch (rows) and init sigma (columns) of the training part."""
    sub = df[(df["part"] == "train") & (df["measure"] == measure)]
    if sub["init_sigma"].nunique() < 2:
        raise ValueError("needs training runs from two sigmas")
    return sub.pivot_table(index="epoch", columns="init_sigma", values="value", aggfunc="mean")


def _sigma_small_ends_higher(df):
    curves = _sigma_curves(df, "val_acc")
    lo, hi = curves.columns.min(), curves.columns.max()
    last = curves.iloc[-1]
    n = df[(df["part"] == "train")].groupby("init_sigma")["seed"].nunique()
    detail = (f"final mean val acc: sigma {lo:g}: {last[lo]:.3f}, sigma {hi:g}: {last[hi]:.3f} "
              f"({int(n.min())} seeds, epoch {int(curves.index[-1])})")
    return float(last[lo] - last[hi]), bool(last[lo] > last[hi]), detail


def _sigma_small_faster(df, target_acc: float):
    curves = _sigma_curves(df, "val_acc")
    lo, hi = curves.columns.min(), curves.columns.max()

    def first_epoch(col) -> float:
        hit = curves.index[curves[col].to_numpy() >= target_acc]
        return float(hit[0]) if len(hit) else float("inf")

    e_lo, e_hi = first_epoch(lo), first_epoch(hi)
    last = int(curves.index[-1])

    def shown(e: float) -> str:
        return f"{e:g}" if np.isfinite(e) else f"never in {last} epochs (counted as {last + 1})"

    detail = (f"first epoch with mean val acc >= {target_acc:g}: sigma {lo:g}: {shown(e_lo)}, "
              f"sigma {hi:g}: {shown(e_hi)}")
    if not (np.isfinite(e_lo) or np.isfinite(e_hi)):
        return float("nan"), False, detail
    # "never" counts as one epoch past the last, so the value stays finite and comparable.
    value = min(e_hi, last + 1) - min(e_lo, last + 1)
    return float(value), bool(value > 0), detail


# --- Fig. 10 (model zoo) ------------------------------------------------------------------
COMPETITORS = ("rankme", "alpha_req", "knn_acc")


def _zoo_table(df) -> pd.DataFrame:
    from dse_repro.summaries import zoo_correlations

    table = zoo_correlations(df)
    table = table[table["group"] == "all"].set_index("measure")
    if "DSMI_ZY" not in table.index or not np.isfinite(table.loc["DSMI_ZY", "spearman"]):
        raise ValueError("fewer than 3 measured models")
    return table


def _zoo_dsmi_zy_correlates(df):
    t = _zoo_table(df).loc["DSMI_ZY"]
    detail = (f"{int(t.n_models)} models ({int(t.n_skipped)} skipped): Spearman "
              f"{t.spearman:.3f} (p={t.spearman_p:.2g}), Pearson {t.pearson:.3f} "
              f"(p={t.pearson_p:.2g})")
    return float(t.spearman), bool(t.spearman > 0 and t.spearman_p < 1e-3), detail


def _zoo_dsmi_vs_competitors(df):
    t = _zoo_table(df)
    comp = t.loc[[c for c in COMPETITORS if c in t.index], "spearman"]
    best = comp.abs().idxmax()
    gap = abs(float(t.loc["DSMI_ZY", "spearman"])) - abs(float(comp[best]))
    detail = ", ".join(f"{m}: {t.loc[m, 'spearman']:.3f}" for m in ["DSMI_ZY", *comp.index]
                       ) + f"; best competitor: {best}"
    return gap, bool(gap >= 0), detail


CLAIMS: list[Claim] = [
    Claim("fig2.dse_three_blobs", "fig2", "DSE of 3 separated blobs tends to log2 3 at large t",
          "max |DSE - log2 3| at the largest t <= 0.05 bits", "fig2", _fig2_three_blobs),
    Claim("fig2.dse_one_blob", "fig2", "DSE of 1 blob tends to 0 at large t",
          "DSE at the largest t < 0.1 bits", "fig2", _fig2_one_blob),
    Claim("fig2.dsmi_clustered", "fig2", "DSMI is clearly positive for labels that follow the blobs",
          "min over t of DSMI(3 blobs; blob labels) > 0.5 bits", "fig2", _fig2_dsmi_clustered),
    Claim("fig2.dsmi_random", "fig2", "DSMI is about 0 for random labels",
          "max over t of |DSMI(1 blob; random labels)| < 0.1 log2 3 = 0.158 bits", "fig2",
          _fig2_dsmi_random),
    Claim("fig3a.spd_rises", "fig3a", "DSE of (1-a)S + aI rises with a toward the identity",
          "min over sizes of Spearman(a, mean DSE) >= 0.99", "fig3a", _fig3a_spd_rises),
    Claim("fig3a.spd_identity", "fig3a", "DSE of the identity equals log2 n",
          "max |DSE(I_n) - log2 n| < 1e-6 bits", "fig3a", _fig3a_spd_identity),
    Claim("fig3a.dse_rises_with_d", "fig3a",
          "DSE rises with the intrinsic dimension d (noise <= 10 %)",
          "min over distribution and noise of Spearman(d, mean DSE) >= 0.9", "fig3a",
          _fig3a_dse_rises_with_d),
    Claim("fig3a.dse_rises_with_d_high_noise", "fig3a",
          "DSE still rises with d at the highest noise level (beyond the paper's text; "
          "informative)",
          "min over distribution of Spearman(d, mean DSE) >= 0.9", "fig3a",
          lambda df: _fig3a_dse_rises_with_d(df, low_noise=False)),
    Claim("fig3a.cse_saturates", "fig3a", "CSE sits at log2 n whatever d (it cannot see structure)",
          "max |CSE - log2 n| < 0.05 bits", "fig3a", _fig3a_cse_saturates),
    Claim("fig3b.dsmi_falls", "fig3b", "DSMI falls with label corruption (noise <= 10 %)",
          "max over k and noise of Spearman(corruption, mean DSMI) <= -0.9", "fig3b",
          _fig3b_dsmi_falls),
    Claim("fig3b.dsmi_zero_at_full", "fig3b",
          "DSMI reaches about 0 at full corruption (noise <= 10 %)",
          "max over k and noise of |mean DSMI| at corruption 1 < 0.05 bits", "fig3b",
          _fig3b_dsmi_zero),
    Claim("fig3b.csmi_flat", "fig3b", "CSMI does not track label corruption",
          "min over k and noise of CSMI(corruption 1) / CSMI(corruption 0) >= 0.5", "fig3b",
          _fig3b_csmi_flat),
    Claim("fig3b.dsmi_falls_high_noise", "fig3b",
          "DSMI still falls with label corruption at the highest noise level (beyond the paper's "
          "text; informative)",
          "max over k of Spearman(corruption, mean DSMI) <= -0.9", "fig3b",
          lambda df: _fig3b_dsmi_falls(df, low_noise=False)),
    Claim("fig4.dsmi_falls_with_corruption", "fig4",
          "DSMI falls with label corruption at d = 20 and d = 100 and is about 0 at full "
          "corruption (lowest noise)",
          "max over d of Spearman(corruption, mean DSMI) <= -0.9 and |DSMI(1.0)| < 0.05 bits",
          "mi_compare", _mi_dsmi_falls),
    Claim("fig4.dsmi_keeps_information", "fig4",
          "At the largest d, DSMI keeps a larger fraction of its d = 20 value than the paper's "
          "NPEET call, MINE and CSMI (lowest noise)",
          "DSMI(d_max)/DSMI(d_min) > the same ratio of each baseline (0 if it had no information)",
          "mi_compare", _mi_dsmi_keeps_info),
    Claim("fig4.dsmi_vs_micd", "fig4",
          "Beyond the paper, not a claim of it: DSMI vs NPEET micd -- does DSMI keep a larger "
          "fraction of its d = 20 value than micd?",
          "value = DSMI fraction - micd fraction; held if > 0", "mi_compare", _mi_dsmi_vs_micd),
    Claim("fig4.csmi100_zero", "fig4", "CSMI with 100 bins is about 0 at every d >= 20",
          "max over d of |mean CSMI (100 bins)| < 0.05 bits", "mi_compare", _mi_csmi100_zero),
    Claim("fig5.dsmi_runtime_grows_slower", "fig5",
          "DSMI's runtime grows more slowly with d than NPEET's",
          "time(d_max)/time(d_min) of DSMI < that of NPEET mi; value = NPEET/DSMI time at d_max",
          "mi_compare_timings", _mi_runtime_growth),
    Claim("groundtruth.dsmi_monotone", "figS1",
          "Beyond the paper: DSMI rises monotonically with the true Shannon MI (correlated "
          "Gaussians, labelled mixture)",
          "min over family and D of Spearman(true MI, mean DSMI) >= 0.9", "mi_groundtruth",
          _gt_monotone),
    Claim("fig6.dse_rises", "fig6", "DSE(Z) ends higher than it starts, in all three methods "
          "(every data set that ran)", "min over data set and method of DSE(last) - DSE(first) > 0",
          "training", lambda df: _train_rises(df, "DSE_Z", ["supervised", "simclr", "random_labels"]),
          per="dataset"),
    Claim("fig7.dsmi_zy_rises", "fig7", "DSMI(Z; Y) rises for supervised and SimCLR training",
          "min over data set of DSMI(last) - DSMI(first) > 0", "training",
          lambda df: _train_rises(df, "DSMI_ZY", ["supervised", "simclr"]), per="dataset"),
    Claim("fig7.random_labels_lower", "fig7",
          "DSMI(Z; Y) ends clearly lower with random labels than with supervised training",
          "min over data set of DSMI_sup(last) - DSMI_random(last) > 0.1 bits", "training",
          _train_random_lower, per="dataset"),
    Claim("fig8.dsmi_zx_rises_digits", "fig8", "DSMI(Z; X) rises on digits",
          "min over method of DSMI(Z; X)(last) - (first) > 0 on digits", "training",
          lambda df: _train_rises(df, "DSMI_ZX", ["supervised", "simclr", "random_labels"],
                                  ["digits"])),
    Claim("fig9.init_dse_rises_with_sigma", "fig9",
          "DSE(Z) at initialization increases with the conv-weight sigma for the ResNet",
          "min over ConvNets of Spearman(sigma, seed-mean DSE at init) >= 0.8", "sigma_init",
          _sigma_init_rises, per="dataset"),
    Claim("fig9.small_sigma_ends_higher", "fig9",
          "Training from sigma = 0.01 ends with a higher mean validation accuracy than from 0.1",
          "mean final val acc (small sigma) - (large sigma) > 0", "sigma_init",
          _sigma_small_ends_higher, per="dataset"),
    Claim("fig9.small_sigma_faster", "fig9",
          "Training from sigma = 0.01 reaches a set accuracy in fewer epochs than from 0.1",
          "epochs to a seed-mean val acc >= target: large sigma - small sigma > 0 "
          "(target: studies.sigma_init.compare.target_acc)", "sigma_init",
          _sigma_small_faster, per="dataset", settings=("target_acc",)),
    Claim("fig10.dsmi_zy_correlates", "fig10",
          "DSMI(Z; Y) correlates positively with accuracy across the zoo",
          "Spearman(DSMI(Z; Y), accuracy) > 0 with p < 0.001", "model_zoo",
          _zoo_dsmi_zy_correlates),
    Claim("fig10.dsmi_zy_vs_competitors", "fig10",
          "Beyond the paper: does DSMI(Z; Y) predict accuracy at least as well as RankMe, "
          "alpha-ReQ and k-NN accuracy on Z?",
          "value = |Spearman| of DSMI(Z; Y) - the best competitor's; held if >= 0", "model_zoo",
          _zoo_dsmi_vs_competitors),
]


def settings_from_conf(scale: str) -> dict:
    """The claims' thresholds that live in conf/ (:data:`SETTINGS`), at ``scale``."""
    from omegaconf import OmegaConf

    from dse_repro.config import compose_config

    cfg = compose_config(scale)
    return {name: OmegaConf.select(cfg, key) for name, key in SETTINGS.items()}


def _check(c: Claim, df: pd.DataFrame, settings: dict) -> tuple[float, str, str]:
    """(value, status, detail) of one claim on its results."""
    if df is None or df.empty:
        return float("nan"), "not run", ""
    try:
        value, held, *rest = c.check(df, **{k: settings[k] for k in c.settings})
    except (KeyError, IndexError, ValueError) as err:  # results lack what it needs
        return float("nan"), f"not run ({type(err).__name__}: {err})", ""
    status = "held" if held and np.isfinite(value) else "not held"
    return value, status, rest[0] if rest else ""


def evaluate(results: Results, scale: str, settings: dict | None = None) -> pd.DataFrame:
    """One row per claim (per data set for claims with ``per``): ``id, figure, statement,
    value, threshold, status, detail, scale``. ``settings``: thresholds from conf
    (default: :func:`settings_from_conf` at ``scale``)."""
    settings = settings_from_conf(scale) if settings is None else settings
    rows = []
    for c in CLAIMS:
        df = results.get(c.needs)
        groups = [("", df)]
        if c.per and df is not None and not df.empty and c.per in df.columns:
            groups = [(f"[{key}]", g) for key, g in df.groupby(c.per, sort=True)]
        for suffix, g in groups:
            value, status, detail = _check(c, g, settings)
            rows.append(dict(id=c.id + suffix, figure=c.figure, statement=c.statement,
                             value=value, threshold=c.threshold, status=status, detail=detail,
                             scale=scale))
    return pd.DataFrame(rows)


def to_markdown(table: pd.DataFrame) -> str:
    """The claims table as a Markdown table (``|`` in cells escaped)."""
    esc = lambda s: str(s).replace("|", "\\|")  # noqa: E731
    lines = ["| id | figure | statement | value | threshold | status | detail |",
             "|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        value = "" if pd.isna(r.value) else f"{r.value:.4g}"
        lines.append(f"| {r.id} | {r.figure} | {esc(r.statement)} | {value} | "
                     f"{esc(r.threshold)} | **{r.status}** | {esc(r.detail)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    from dse_repro.studies._runner import write_tidy

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", required=True)
    ap.add_argument("--results", nargs="*", default=[],
                    help="tidy study CSVs named <study>.csv")
    ap.add_argument("--csv", required=True)
    ap.add_argument("--md", required=True)
    args = ap.parse_args(argv)
    results = {Path(p).stem: pd.read_csv(p) for p in args.results}
    table = evaluate(results, args.scale)
    write_tidy(table, args.csv)
    md = Path(args.md)
    md.parent.mkdir(parents=True, exist_ok=True)
    tmp = md.with_suffix(".md.tmp")
    tmp.write_text(f"# Claims at scale `{args.scale}`\n\n" + to_markdown(table))
    tmp.replace(md)
    print(to_markdown(table))


if __name__ == "__main__":
    main()
