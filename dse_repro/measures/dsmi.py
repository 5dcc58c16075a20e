"""Diffusion Spectral Mutual Information (DSMI).

``I_D(Z; Y) = S_D(Z) - sum_y p(y) S_D(Z | Y = y)``, in **bits**, with the authors' bias
correction: for each class ``y`` of size ``n_y``, ``S_D(Z)`` is replaced by the mean DSE of
``n_repeats`` random subsets of ``Z`` of size ``n_y`` (drawn with Python's ``random`` seeded with
``seed`` anew for every class, as in ``dse-dsmi``), so that both terms see the same number of
points::

    DSMI = sum_y p(y) [ mean_r S_D(Z*_r) - S_D(Z | Y = y) ],   |Z*_r| = n_y.

Default mode: when it is cheaper (few large classes), the squared-distance matrix of all of
``Z`` is computed once with BLAS and every class and subset kernel is cut from it (the reference
recomputes distances ~6 x n_classes times); with many small classes each kernel is built from
its own points. The same subsets are drawn as in the reference, so values agree with
``reference=True`` to < 1e-6 bits.

Large n (``method="slq" | "lanczos" | "auto"``): every class and subset entropy comes from
its own sparse radius-truncated operator (:mod:`dse_repro.measures.large_n`); ``auto`` keeps
the exact path for n <= ``AUTO_EXACT_MAX_N`` and, above it, computes exactly every class and
subset that is itself that small (a subset always has its class's size, so both terms of a
difference use the same estimator). SLQ's probes are seeded alike for every set, so the
random errors of the two terms are correlated (common random numbers); the DSMI error is
absolute, in bits (see ``tests/measures/test_large_n.py`` for the tolerance checked). Each
set's entropy is deflated SLQ with its own standard error (``large_n.dse_slq_curve``; ``auto``
adds probes per set to its error target); the DSMI's standard error, combined from them, is
logged on the ``dse_repro.measures`` logger and returned, with an error bar, by
:func:`dsmi_curve_approx`.
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np

from . import large_n  # its AUTO_EXACT_MAX_N is read at call time (adjustable)
from ._kernel import (
    Precision,
    check_method,
    check_precision,
    check_reference_sigma,
    check_scalar_width,
    check_ts,
    eigvalsh_inplace,
    kernel_eigenvalues,
    kernel_from_gram,
    kernel_from_sq,
    kernel_torch,
    spectral_entropy,
    width,
)
from ._parallel import map_single_blas
from ._validation import (
    check_int,
    check_points,
    check_same_length,
    check_sq_distances,
    is_torch,
    to_numpy,
)
from .bandwidth import DEFAULT_SIGMA
from .distances import gram, rescale, safe_exp, sq_distances
from .labels import class_partition, conditional_subsets, discretize

__all__ = ["dsmi", "dsmi_curve", "dsmi_curve_approx"]

#: Above this many points the full distance matrix is not kept (8 n^2 bytes) and each
#: class/subset kernel is built from its own points instead.
_FULL_DISTANCE_MAX_N = 20_000
#: Sets of fewer points are solved one per core in threads; from this size on one at a time,
#: each on every core.
_SETS_IN_THREADS_MAX_N = 3000


def _cut(sigma: float | np.ndarray, idx: np.ndarray) -> float | np.ndarray:
    """The width(s) of the points ``idx``: per-point widths are those of the whole set."""
    return sigma[idx] if isinstance(sigma, np.ndarray) else sigma


def _eigs_from_sq(S: np.ndarray, idx: np.ndarray, sigma: float | np.ndarray) -> np.ndarray:
    """Diffusion eigenvalues of the points ``idx``, from the full squared-distance matrix."""
    # The points in index order: the same eigenvalues (a permutation is a similarity), and two
    # row-then-column takes read S in order -- 3.7x faster than np.ix_ on random indices
    # (n = 5000, 1667 points: 0.45 s vs 1.68 s for 18 sets). A copy, which the kernel overwrites.
    idx = np.sort(idx)
    sub = S.take(idx, axis=0).take(idx, axis=1)
    np.fill_diagonal(sub, 0.0)
    return eigvalsh_inplace(kernel_from_sq(sub, _cut(sigma, idx)))


def _full_matrix_pays(plan: list, n: int) -> bool:
    """True when one ``n x n`` distance matrix costs less than a Gram matrix per class and
    subset (each ``m x m``): with few large classes (e.g. 3 blobs) the full matrix is computed
    once and cut; with many small classes (e.g. 10) per-subset matrices are cheaper."""
    per_subset = sum(idx.size**2 * (1 + len(subsets)) for idx, subsets in plan)
    return per_subset > n * n


def _plan_eigenvalues(Z: Any, plan: list, sigma: float, precision: str,
                      precomputed: bool = False) -> list:
    """Eigenvalues for every class and subset: ``[(eig_class, [eig_subset, ...]), ...]``.
    With ``precomputed``, ``Z`` is already the ``(n, n)`` squared-distance matrix."""
    if precomputed:
        S = to_numpy(Z).astype(np.dtype(precision).type, copy=False)

        def eigs(idx: np.ndarray) -> np.ndarray:
            return _eigs_from_sq(S, idx, sigma)
    elif is_torch(Z):
        import torch


        def eigs(idx: np.ndarray) -> np.ndarray:
            sel = torch.as_tensor(idx, device=Z.device)
            return eigvalsh_inplace(kernel_torch(Z[sel], _cut(sigma, idx),
                                                   getattr(torch, precision)))
    elif Z.shape[0] <= _FULL_DISTANCE_MAX_N and _full_matrix_pays(plan, Z.shape[0]):
        S = sq_distances(Z, np.dtype(precision).type)

        def eigs(idx: np.ndarray) -> np.ndarray:
            return _eigs_from_sq(S, idx, sigma)
    else:
        def eigs(idx: np.ndarray) -> np.ndarray:
            G_idx = gram(Z[idx], np.dtype(precision).type)
            return eigvalsh_inplace(kernel_from_gram(G_idx, _cut(sigma, idx)))
    sets = _distinct_sets(plan)
    if is_torch(Z) or max(s.size for s in sets.values()) >= _SETS_IN_THREADS_MAX_N:
        eig_sets = [eigs(s) for s in sets.values()]  # every core in each solve
    else:
        # An eigensolve of a few thousand points gains little from a second core (1.7x at
        # 1667 points); one set per core does better, the kernels' elementwise passes
        # included: ?syevr in place without the GIL (see _lapack), amortised two at once on
        # 2 cores, 0.18 s a float64 set (numpy's eigvalsh: 0.18 s) and 0.095 s a float32 one
        # (0.19 s).
        eig_sets = map_single_blas(eigs, sets.values())
    return _regroup(plan, dict(zip(sets, eig_sets)))


def _distinct_sets(plan: list) -> dict[bytes, np.ndarray]:
    """Every class and subset of ``plan`` once, keyed by its indices' bytes. The subsets are
    drawn anew from the same seed for every class, so classes of equal size share them (3
    classes of 1667, 1667 and 1666 points: 13 distinct sets of 18; 10 equal classes: 15 of
    60) -- each distinct set's entropy is computed once."""
    return {s.tobytes(): s for idx, subsets in plan for s in (idx, *subsets)}


def _regroup(plan: list, by_key: dict[bytes, Any]) -> list:
    """``[(value of the class, [value of each subset]), ...]`` from values by set key."""
    return [(by_key[idx.tobytes()], [by_key[s.tobytes()] for s in subsets])
            for idx, subsets in plan]


def _combine(eig_plan: list, counts: np.ndarray, t: int) -> float:
    parts = [np.mean([spectral_entropy(e, t) for e in subs]) - spectral_entropy(ec, t)
             for ec, subs in eig_plan]
    return float(np.dot(counts / counts.sum(), parts))


def _approx_curve(Z: Any, plan: list, counts: np.ndarray, sigma: float, ts: list[int],
                  method: str, seed: int, precision: str) -> tuple[np.ndarray, dict]:
    """DSMI at each of ``ts`` (bits) with every set's entropy from the sparse large-n path
    (``method``), or exact for sets of at most ``AUTO_EXACT_MAX_N`` points under ``auto``;
    and what ran: ``method``, ``sets`` (how many sets each estimator did), ``std_errors`` and
    ``error_bars`` (bits, per t)."""

    Zn = to_numpy(Z)
    used: dict[str, int] = {}

    def entropies(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The set's entropies at ``ts`` and their standard errors (0 when exact)."""
        if method == "auto" and idx.size <= large_n.AUTO_EXACT_MAX_N:
            used["exact"] = used.get("exact", 0) + 1
            lam = kernel_eigenvalues(Zn[idx], sigma, precision)  # width resolved once, for all sets
            return np.array([spectral_entropy(lam, t) for t in ts]), np.zeros(len(ts))
        values, info = large_n.dse_curve_approx(Zn[idx], sigma, ts, method, seed=seed)
        used[info["method"]] = used.get(info["method"], 0) + 1
        # lanczos: its tail bound stands in for a standard error
        return values, np.asarray(info.get("std_errors", info["error_bars"]))

    parts, variances = [], []
    sets = _distinct_sets(plan)  # the probes are seeded alike: equal sets, equal values
    for (cond, cond_se), subs in _regroup(plan, {k: entropies(s) for k, s in sets.items()}):
        parts.append(np.mean([v for v, _ in subs], axis=0) - cond)
        # the variances added as if independent: an upper bound when the common seeds
        # correlate the two terms positively (their difference cancels part of the error)
        variances.append(sum(se ** 2 for _, se in subs) / len(subs) ** 2 + cond_se ** 2)
    w = counts / counts.sum()
    std_errors = np.sqrt((w ** 2) @ np.array(variances))
    logging.getLogger(__name__).info(
        "dsmi(n=%d, method=%s): entropies of %s sets; standard errors %s bits at t = %s",
        Zn.shape[0], method, used, np.round(std_errors, 5).tolist(), ts)
    info = {"method": method, "sets": used, "std_errors": std_errors.tolist(),
            "error_bars": [max(3 * se, large_n.SLQ_ATOL) for se in std_errors]}
    return w @ np.array(parts), info


def dsmi(
    Z: Any,
    Y: Any,
    sigma: float | str = DEFAULT_SIGMA,
    t: int = 1,
    y_discrete: bool | None = None,
    n_clusters: int = 10,
    *,
    reference: bool = False,
    n_repeats: int = 5,
    seed: int = 0,
    precision: Precision = "float64",
    precomputed: bool = False,
    method: str = "exact",
    k: int = 7,
) -> float:
    """Diffusion Spectral Mutual Information ``I_D(Z; Y)`` in **bits**.

    Args:
        Z: embeddings, shape ``(n, D)``; numpy array or torch tensor (kept on its device).
        Y: the other variable, ``n`` rows: class labels ``(n,)``/``(n, 1)``, a continuous scalar
            ``(n,)``/``(n, 1)`` (binned into ``n_clusters``), or vectors ``(n, D')`` such as
            flattened images (spectrally clustered into ``n_clusters``).
        sigma: kernel width policy ``"knn"`` (default), ``"knn_median"``, ``"median"``, or a
            fixed Gaussian width (> 0) in the units of ``Z`` (the paper: 10), as in
            :func:`~dse_repro.measures.dse`: read off the whole set ``Z`` once and used for
            every class and bias-correction subset (``knn``: each point keeps its width).
        t: diffusion time, integer >= 1.
        y_discrete: ``True`` = ``Y`` holds labels; ``False`` = continuous; ``None`` (default)
            infers: one column with an integer/bool dtype means labels, anything else is
            continuous (so float-typed labels need ``y_discrete=True``).
        n_clusters: number of clusters/bins for a continuous ``Y``.
        reference: reproduce ``dse-dsmi`` 1.1 exactly (slow; for parity).
        n_repeats: random subsets per class in the bias correction (paper: 5).
        seed: seed of the subsets and of the spectral clustering (paper: 0).
        precision: ``"float64"`` or ``"float32"`` eigensolves (see :func:`dse`).
        precomputed: ``Z`` is not points but their ``(n, n)`` squared Euclidean distances, e.g.
            from :func:`squared_distances` over column blocks of a very wide ``Z``.
        method: ``"exact"`` (default: dense eigensolves); ``"slq"`` / ``"lanczos"``: every
            class and subset entropy from a sparse radius-truncated kernel (large n, local
            kernel; see :mod:`dse_repro.measures.large_n`); ``"auto"``: exact while n <=
            ``large_n.AUTO_EXACT_MAX_N``, above it exact for the sets that small and SLQ for
            the others, logged on the ``dse_repro.measures`` logger.
        k: the neighbour that sets each point's width under ``sigma="knn"``.

    Returns:
        DSMI in bits; close to 0 for ``Y`` independent of ``Z``, at most about ``H(Y)``.

    Example:
        >>> import numpy as np
        >>> from sklearn.datasets import make_blobs
        >>> from dse_repro.measures import dsmi
        >>> Z, y = make_blobs(300, n_features=5, centers=3, random_state=0)
        >>> dsmi(Z, y, sigma=1.0) > 0.5
        True
    """
    check_int(t, "t", minimum=1)
    return float(dsmi_curve(Z, Y, sigma, [t], y_discrete, n_clusters, reference=reference,
                            n_repeats=n_repeats, seed=seed, precision=precision,
                            precomputed=precomputed, method=method, k=k)[0])


def dsmi_curve(
    Z: Any,
    Y: Any,
    sigma: float | str = DEFAULT_SIGMA,
    ts: Any = (1,),
    y_discrete: bool | None = None,
    n_clusters: int = 10,
    *,
    reference: bool = False,
    n_repeats: int = 5,
    seed: int = 0,
    precision: Precision = "float64",
    precomputed: bool = False,
    method: str = "exact",
    k: int = 7,
) -> np.ndarray:
    """:func:`dsmi` for several diffusion times at the cost of one: shape ``(len(ts),)``, bits.

    Eigenvalues of every class and subset are computed once and powered for each ``t``.
    """
    return _dsmi_curve(Z, Y, sigma, ts, y_discrete, n_clusters, reference=reference,
                       n_repeats=n_repeats, seed=seed, precision=precision,
                       precomputed=precomputed, method=method, k=k)[0]


def dsmi_curve_approx(Z: Any, Y: Any, sigma: float | str = "knn_median", ts: Any = (1,),
                      y_discrete: bool | None = None, n_clusters: int = 10, *,
                      method: str = "auto", n_repeats: int = 5, seed: int = 0,
                      k: int = 7) -> tuple[np.ndarray, dict]:
    """:func:`dsmi_curve` by the large-n path, with its error: returns ``(values, info)``,
    values shape ``(len(ts),)`` in bits; ``info``: ``method``, ``sets`` (how many class and
    subset entropies each estimator computed), ``std_errors`` (bits per t: the sets' jackknife
    standard errors combined as if independent -- an upper bound, since the common probe seeds
    correlate the two terms of each difference positively) and ``error_bars`` =
    ``max(3 x std_error, 1e-3 bits)``. ``method``: ``"slq"``, ``"lanczos"`` (its tail bounds
    stand in for standard errors) or ``"auto"`` (exact, with zero error, while n <=
    ``large_n.AUTO_EXACT_MAX_N``). ``sigma`` defaults to ``"knn_median"``, not the library's
    ``"knn"``: the sparse path takes one width. Other arguments as :func:`dsmi`."""
    if check_method(method) == "exact":
        raise ValueError("dsmi_curve_approx needs method='slq', 'lanczos' or 'auto' "
                         "(method='exact' has no error to report: use dsmi_curve)")
    return _dsmi_curve(Z, Y, sigma, ts, y_discrete, n_clusters, n_repeats=n_repeats,
                       seed=seed, method=method, k=k)


def _dsmi_curve(Z: Any, Y: Any, sigma: float | str, ts: Any, y_discrete: bool | None,
                n_clusters: int, *, reference: bool = False, n_repeats: int = 5,
                seed: int = 0, precision: Precision = "float64", precomputed: bool = False,
                method: str = "exact", k: int = 7) -> tuple[np.ndarray, dict]:
    """:func:`dsmi_curve` and what ran (see :func:`dsmi_curve_approx`)."""
    Z = check_points(Z, "Z")
    if check_method(method) != "exact" and (precomputed or reference):
        raise ValueError(f"method={method!r} needs the points: it cannot be combined with "
                         f"{'precomputed=True' if precomputed else 'reference=True'}")
    if precomputed:
        if reference:
            raise ValueError("reference=True needs the points, not precomputed distances")
        check_sq_distances(to_numpy(Z), "Z with precomputed=True")
    ts = check_ts(ts)
    sigma = width(Z, sigma, k, squared=precomputed, seed=seed, ts=ts)  # from the whole set
    check_scalar_width(sigma, method, reference)
    check_precision(precision)
    Z, sigma = rescale(Z, sigma, squared=precomputed, limit_exp=safe_exp(precision))
    n_repeats = check_int(n_repeats, "n_repeats", minimum=1)
    if y_discrete is not None and not isinstance(y_discrete, (bool, np.bool_)):
        raise TypeError(f"y_discrete must be True, False or None, got {y_discrete!r}")
    Y_np = to_numpy(Y) if is_torch(Y) else Y
    labels = discretize(Y_np, y_discrete=y_discrete, n_clusters=n_clusters, seed=seed)
    check_same_length(Z, "Z", labels, "Y")
    _, counts = class_partition(labels)
    plan = conditional_subsets(labels, n_repeats=n_repeats, seed=seed)

    if reference:
        from .reference import reference_dse

        Zn = to_numpy(Z)
        check_reference_sigma(sigma)
        out = []
        for t in ts:
            parts = []
            for idx, subsets in plan:
                h_cond = reference_dse(Zn[idx], sigma=sigma, t=t)
                h_sub = np.mean([reference_dse(Zn[s], sigma=sigma, t=t) for s in subsets])
                parts.append(h_sub - h_cond)
            out.append(np.sum(counts / np.sum(counts) * np.array(parts)))
        return np.array(out, dtype=np.float64), _exact_info(ts, "reference")

    if method != "exact":

        if method != "auto" or Z.shape[0] > large_n.AUTO_EXACT_MAX_N:
            values, info = _approx_curve(Z, plan, counts, sigma, ts, method, seed, precision)
            return np.asarray(values, dtype=np.float64), info
    eig_plan = _plan_eigenvalues(Z, plan, sigma, precision, precomputed)
    values = np.array([_combine(eig_plan, counts, t) for t in ts], dtype=np.float64)
    return values, _exact_info(ts, "exact")


def _exact_info(ts: list[int], method: str) -> dict:
    """What ran, for the exact paths: no random error (rounding only)."""
    return {"method": method, "std_errors": [0.0] * len(ts), "error_bars": [0.0] * len(ts)}
