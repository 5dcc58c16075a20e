"""Which kernel width keeps DSE's meaning, and at which diffusion time t?

Evaluates every width policy on data of known structure and prints Markdown tables (the
README's "Choosing sigma" quotes them):

1. **Separated blobs** (``simulate.separated_blobs``: k = 1..20 blobs whose spreads differ up
   to fourfold, D = 2, 8, 32, n = 50 per blob): DSE at t = 1, 3, 10, 30, 100 against log2 k
   (Fig. 2's defining property). Per policy and t: the largest |DSE - log2 k| over the
   cases with D >= 8, and over D = 2.
2. **Structure beyond blobs**: a 5-branch tree (``random_tree``), uniform data of intrinsic
   dimension 1, 2, 8 in 32-D (DSE should rise with the dimension at t = 1), one 2-D blob.
3. **Stability across n** (one 8-D 5-blob distribution at n = 200, 1000, 3000) and **scale
   invariance** (the data x 1e-100 and x 1e100 against x 1).

Policies: ``knn`` (the library's default), ``knn_median``, ``median``, the paper's fixed
``sigma = 10``, and two operators the library does not offer, evaluated here only:
``knn+a1`` (the ``knn`` kernel with the anisotropic density normalisation alpha = 1 of
Coifman and Lafon's diffusion maps) and ``peer`` (the ``manylatents`` DSE default: a sparse
k-NN graph, k = 15, union of neighbourhoods, kernel ``exp(-d^2 / (sigma_i sigma_j))``,
alpha = 1).

Usage: ``python benchmarks/width_policies.py [--quick]`` (``--quick``: k in {1, 3, 10, 20}).
Takes about 2 minutes on 2 cores.
"""
from __future__ import annotations

import argparse
import platform
import time
import warnings

import numpy as np

from dse_repro.measures import DegenerateSigmaWarning, dse_curve
from dse_repro.measures.bandwidth import resolve_sigma
from dse_repro.measures.diffusion import spectral_entropy
from dse_repro.measures.distances import sq_distances
from dse_repro.simulate import embedded_manifold, random_tree, separated_blobs

TS = (1, 3, 10, 30, 100)
LIBRARY = ("knn", "knn_median", "median", 10.0)
EXTRA = ("knn+a1", "peer")


def _extra_curve(X: np.ndarray, policy: str, ts: tuple[int, ...]) -> np.ndarray:
    """DSE at ``ts`` under an operator the library does not offer (dense matrices; small n)."""
    S = sq_distances(X, np.float64)
    T = S.copy()
    np.fill_diagonal(T, np.inf)
    if policy == "knn+a1":
        w = resolve_sigma(X, "knn", k=7)
        G = np.exp(-S / (2 * w[:, None] * w[None, :]))
    else:  # peer: sparse k-NN union graph, k = 15
        k = 15
        idx = np.argpartition(T, k - 1, axis=1)[:, :k]
        mask = np.zeros(S.shape, dtype=bool)
        mask[np.arange(S.shape[0])[:, None], idx] = True
        mask |= mask.T
        np.fill_diagonal(mask, True)
        w = np.sqrt(np.partition(T, k - 1, axis=1)[:, k - 1])
        G = np.where(mask, np.exp(-S / (w[:, None] * w[None, :])), 0.0)
    q = G.sum(axis=1)
    G /= np.outer(q, q)  # alpha = 1
    d = 1.0 / np.sqrt(G.sum(axis=1))
    lam = np.linalg.eigvalsh(G * d[:, None] * d[None, :])
    return np.array([spectral_entropy(lam, t) for t in ts])


def curve(X: np.ndarray, policy, ts=TS) -> np.ndarray:
    """DSE (bits) of ``X`` at ``ts`` under ``policy``."""
    if policy in EXTRA:
        return _extra_curve(X, policy, ts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateSigmaWarning)
        return dse_curve(X, policy, ts)


def name(policy) -> str:
    return f"sigma={policy:g}" if isinstance(policy, float) else policy


def blobs_table(ks: list[int], policies) -> str:
    cases = [(k, dim) for dim in (2, 8, 32) for k in ks]
    err = {(name(p), dim): np.zeros(len(TS)) for p in policies for dim in (2, 8, 32)}
    rng = np.random.default_rng(20261201)
    for k, dim in cases:
        X, _ = separated_blobs(k, dim, 50, rng)
        for p in policies:
            e = np.abs(curve(X, p) - np.log2(k))
            err[name(p), dim] = np.maximum(err[name(p), dim], e)
    lines = ["| policy | D | " + " | ".join(f"t = {t}" for t in TS) + " | reads log2 k from t |",
             "|---|---|" + "---|" * len(TS) + "---|"]
    for p in policies:
        for group, dims in (("8, 32", (8, 32)), ("2", (2,))):
            e = np.max([err[name(p), d] for d in dims], axis=0)
            first = next((t for t, v in zip(TS, e) if v <= 0.2), None)
            lines.append(f"| {name(p)} | {group} | " + " | ".join(f"{v:.2f}" for v in e)
                         + f" | {first if first else 'never (<= 100)'} |")
    return "\n".join(lines)


def structure_table(policies) -> str:
    rng = np.random.default_rng(7)
    data = {"tree, 5 branches (20-D)": random_tree(5, 200, 20, rng)[0],
            "one 2-D blob": rng.normal(size=(1000, 2)),
            "one 8-D blob": rng.normal(size=(1000, 8))}
    for d in (1, 2, 8):
        data[f"uniform, intrinsic dim {d} (32-D)"] = embedded_manifold(1000, d, 32, "uniform",
                                                                      rng)
    lines = ["| data | " + " | ".join(name(p) for p in policies) + " |",
             "|---|" + "---|" * len(policies)]
    for label, X in data.items():
        cells = []
        for p in policies:
            c = curve(X, p, (1, 10, 100))
            cells.append(" / ".join(f"{v:.2f}" for v in c))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "DSE at t = 1 / 10 / 100 (bits; log2 5 = 2.32, log2 1000 = 9.97)\n\n" + "\n".join(
        lines)


def stability_table(policies) -> str:
    lines = ["| policy | n = 200 / 1000 / 3000 at t = 10 (log2 5 = 2.32) | "
             "max |DSE(c X) - DSE(X)|, c = 1e-100, 1e100 |", "|---|---|---|"]
    for p in policies:
        vals = []
        for n in (200, 1000, 3000):
            X, _ = separated_blobs(5, 8, n // 5, np.random.default_rng(n))
            vals.append(curve(X, p, (10,))[0])
        X, _ = separated_blobs(5, 8, 40, np.random.default_rng(3))
        base = curve(X, p, (1, 10))
        if isinstance(p, float):  # a fixed width is not scale-free: scale it with the data
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateSigmaWarning)
                shift = max(np.abs(dse_curve(c * X, c * p, (1, 10)) - base).max()
                            for c in (1e-100, 1e100))
        else:
            shift = max(np.abs(curve(c * X, p, (1, 10)) - base).max() for c in (1e-100, 1e100))
        lines.append(f"| {name(p)} | " + " / ".join(f"{v:.2f}" for v in vals)
                     + f" | {shift:.1e}" + (" (sigma scaled with X)" if isinstance(p, float)
                                            else "") + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="k in {1, 3, 10, 20} only")
    args = ap.parse_args()
    ks = [1, 3, 10, 20] if args.quick else [1, 2, 3, 5, 8, 12, 16, 20]
    policies = [*LIBRARY, *EXTRA]
    t0 = time.perf_counter()
    print(f"# width policies ({platform.machine()}, {time.strftime('%Y-%m-%d')})\n")
    print("## Separated blobs: max |DSE - log2 k| (bits) over k in", ks, "\n")
    print(blobs_table(ks, policies), "\n")
    print("## Structure beyond blobs\n")
    print(structure_table(policies), "\n")
    print("## Stability across n and scale invariance\n")
    print(stability_table([p for p in policies if p not in EXTRA]), "\n")
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
