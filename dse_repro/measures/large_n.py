"""DSE for large n: a sparse diffusion operator, and its spectral entropy by Lanczos (top
eigenvalues) or stochastic Lanczos quadrature (SLQ).

**Sparse operator.** ``G_ij = exp(-d_ij^2 / 2 sigma^2)`` is kept only within the radius
``r = sigma sqrt(2 ln(1 / tol))``: every dropped entry is ``< tol``, so each row loses less than
``(n - 1) tol`` of its degree ``d_i >= 1`` (the diagonal is 1). With the default
``tol = 1e-4 / n`` the row-sum (infinity-norm) perturbation of ``G`` is below ``1e-4`` and the
eigenvalues of ``K = D^-1/2 G D^-1/2`` move by at most ~``3e-4`` (Weyl, using
``||D^-1/2 E D^-1/2|| <= ||E||_inf / min d`` plus the degree change). The graph is found
by a radius search (scikit-learn's ``NearestNeighbors``; a ball tree suits data of low
intrinsic dimension) in blocks of query points, each keeping only its pairs ``j > i``; ``G``
is that upper triangle plus its transpose, so ``G`` and ``K`` are exactly symmetric. The
operator is sparse only when a ball of radius ``r`` holds few points:
:func:`neighbourhood_size` estimates that from a sample first, and the sparse path refuses
(``ValueError``) when the kernel is effectively dense -- use the exact ``dse`` (with ``max_n``
subsampling) there.

**Entropy.** ``S = -sum_i alpha_i log2 alpha_i``, ``alpha_i = lambda_i^t / Z``,
``Z = sum_i lambda_i^t`` (K is positive semi-definite up to the truncation; magnitudes are
used). Two estimators:

* ``lanczos`` (for large t, where the powered spectrum decays fast): the ``m`` largest eigenvalues
  by ARPACK (``eigsh``); ``Z`` is exact for t = 1 (``tr K``) and t = 2 (``||K||_F^2``), else the
  top-m sum plus the tail bound. ``m`` doubles (up to n / 2) until the tail bound ``(n - m)
  lambda_m^t <= rtol * Z`` holds. The tail's share of ``S`` is bounded on both sides (packed vs
  spread mass); the estimate is the mid-point and ``info["tail_entropy_half_width_bits"]`` is the
  worst-case error from the tail, at most ``rtol * log2(n / rtol)`` bits once the bound holds. For t
  >= 3 ``Z`` is not known: the tail's total lies anywhere between 0 and its bound, and the bounds
  are taken over that range (before, the tail was put at its bound, which made the two bounds
  coincide and the error bar about 0 while the value was off by up to 0.5 bits).
* ``slq`` (any t): deflated stochastic Lanczos quadrature. Hutchinson's estimate of
  ``tr h(K^t)``, ``h(x) = -x log2 x``, and of ``Z`` (exact for t = 1, 2) has a variance set
  by the largest eigenvalues of ``K^t``: on clustered data at t >= 3 a handful of eigenvalues
  near 1 carry almost all of ``Z``, and plain SLQ with 30 probes was up to 14 % off (5 blobs,
  32-D, n = 3000, sigma = 5, t = 3, ten seeds). So the top ``m`` eigenpairs are computed
  exactly (ARPACK) and the probes, projected onto their complement, estimate only the rest
  (:func:`dse_slq_curve`); ``m`` (16, 32, ... <= ``MAX_DEFLATION``) grows while a doubling
  cuts the estimated error by a third, and ``auto`` then adds probes (<= ``MAX_PROBES``)
  until every value's standard error is <= 0.5 % of it (or <= 1e-3 bits), warning when it
  cannot. One deflation and one probe set serve every t.

**Error model (measured, ``tests/measures/test_large_n.py``).** The standard error is the jackknife
over probes of ``S = H / Z + log2 Z``; ``info["error_bars"]`` is ``max(3 x standard error, 1e-3
bits)`` per value (the floor covers the kernel truncation and the eigensolver's tolerance, which the
probes do not see). On clustered data (3-20 blobs, 8-32-D, 100-900 kernel neighbours per point), a
tree and uniform data, n = 2000, t in {1, 2, 3, 5, 10}, ``auto`` is within 0.9 % of the exact DSE in
every case and the error bar covers the true error in 29 of the 30 cases (the miss: uniform data at
t = 10, 3.7 standard errors). Over 8 seeds of those 30 cases the errors in units of the standard
error have an RMS of 0.98 and the bar covers 238 of 240 (99.2 %; the test checks RMS 0.8-1.2 and
>= 98 %); per case the spread is 0.33-1.59 standard errors (``benchmarks/README.md``); plain
probes without deflation have a relative error of order ``sqrt(2 / (n_probes k))`` when ``k``
eigenvalues dominate ``Z``.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._kernel import check_scalar_width, check_ts, limit_weights, width
from ._parallel import cores, map_single_blas
from ._validation import check_int, check_points, check_positive_real, to_numpy

__all__ = ["sparse_diffusion_operator", "neighbourhood_size", "dse_lanczos", "dse_slq",
           "dse_slq_curve", "slq_nodes", "top_eigenpairs", "dse_approx", "dse_curve_approx",
           "AUTO_EXACT_MAX_N"]

#: ``method="auto"`` computes exactly up to this many points, approximately above.
AUTO_EXACT_MAX_N = 8000


def _radius(sigma: float, tol: float) -> float:
    return sigma * math.sqrt(2.0 * math.log(1.0 / tol))


def _tol(n: int, tol: float | None) -> float:
    tol = 1e-4 / n if tol is None else float(tol)
    if not 0 < tol < 1:
        raise ValueError(f"tol must be in (0, 1), got {tol}")
    return tol


def neighbourhood_size(X: Any, sigma: float, tol: float | None = None, sample: int = 256,
                       seed: int = 0) -> float:
    """Estimated mean number of points within the kernel's radius (see module docstring) of a
    point, from ``sample`` random query points. Cost O(sample * n * D)."""
    from sklearn.neighbors import NearestNeighbors

    X = to_numpy(check_points(X, "X"))
    n = X.shape[0]
    r = _radius(check_positive_real(sigma, "sigma"), _tol(n, tol))
    idx = np.random.default_rng(seed).choice(n, size=min(sample, n), replace=False)
    nn = NearestNeighbors(radius=r, algorithm="brute").fit(X)
    counts = [len(a) for a in nn.radius_neighbors(X[idx], return_distance=False)]
    return float(np.mean(counts))


#: Query points per block of the radius search. scikit-learn returns one array of neighbours
#: per query point; for all n at once those arrays and the graph built from them were most of
#: the peak memory (6.1 GB at n = 100 000 with ~1000 neighbours per point; in blocks 2.6 GB).
SEARCH_BLOCK = 2048


def _symmetric_kernel(nn, X: np.ndarray, sigma: float):
    """``G`` (CSR, float64, ``G_ii = 1``) with ``G_ij = G_ji = exp(-d_ij^2 / 2 sigma^2)`` for
    every pair the fitted radius search ``nn`` finds. Searched in blocks of query points, each
    block keeping its pairs ``j > i`` only (the upper triangle ``U``, with ``U_ii = 1/2``), and
    ``G = U + U^T``: exactly symmetric, and the full search results never exist at once --
    the peak is ``U``, its transpose and ``G`` (~4 copies of the upper triangle)."""
    import scipy.sparse as sp

    n = X.shape[0]
    blocks = []
    for lo in range(0, n, SEARCH_BLOCK):
        hi = min(lo + SEARCH_BLOCK, n)
        dist, ind = nn.radius_neighbors(X[lo:hi], return_distance=True, sort_results=False)
        rows = np.repeat(np.arange(hi - lo), [a.size for a in ind])
        cols = np.concatenate(ind)
        keep = cols > rows + lo
        w = np.concatenate(dist)[keep]  # exp(-d^2 / (2 sigma^2)), in place
        if not limit_weights(w, sigma):  # a width beyond TINY_SIGMA (sigma ** 2 overflows)
            np.square(w, out=w)
            np.negative(w, out=w)
            w /= 2.0 * sigma * sigma
            np.exp(w, out=w)
        diag = np.arange(hi - lo)
        # each row: its diagonal 1/2 first, then its pairs j > i (COO -> CSR keeps that order)
        blocks.append(sp.csr_matrix(
            (np.concatenate((np.full(hi - lo, 0.5), w)),
             (np.concatenate((diag, rows[keep])), np.concatenate((diag + lo, cols[keep])))),
            shape=(hi - lo, n)))
        del dist, ind, rows, cols, keep, w
    U = sp.vstack(blocks, format="csr")
    del blocks
    return (U + U.T.tocsr()).tocsr()


def sparse_diffusion_operator(X: Any, sigma: float = 10.0, *, tol: float | None = None,
                              max_neighbors: int = 2000, algorithm: str = "auto"):
    """``K = D^-1/2 G D^-1/2`` of the radius-truncated Gaussian kernel, as a scipy CSR matrix
    ``(n, n)`` (float64), with ``G_ii = 1``. Raises ``ValueError`` when the mean neighbourhood
    exceeds ``max_neighbors`` points (the kernel is effectively dense)."""
    from sklearn.neighbors import NearestNeighbors

    X = to_numpy(check_points(X, "X"))
    n = X.shape[0]
    sigma = check_positive_real(sigma, "sigma")
    tol = _tol(n, tol)
    r = _radius(sigma, tol)
    mean_nb = neighbourhood_size(X, sigma, tol)
    if mean_nb > max_neighbors:
        raise ValueError(
            f"the kernel is effectively dense at sigma={sigma}: a point has ~{mean_nb:.0f} "
            f"neighbours within the kernel's reach (radius {r:.3g}) > "
            f"max_neighbors={max_neighbors}; use the exact dse (with max_n= to subsample) or a "
            "smaller sigma")
    G = _symmetric_kernel(NearestNeighbors(radius=r, algorithm=algorithm).fit(X), X, sigma)
    inv_sqrt_d = 1.0 / np.sqrt(np.asarray(G.sum(axis=1)).ravel())
    for lo in range(0, n, 4096):  # rows in blocks: the temporaries stay small
        hi = min(lo + 4096, n)
        a, b = G.indptr[lo], G.indptr[hi]
        scale = np.repeat(inv_sqrt_d[lo:hi], np.diff(G.indptr[lo:hi + 1]))  # 1 / sqrt(d_i)
        scale *= inv_sqrt_d[G.indices[a:b]]  # ... / sqrt(d_j): the same product for (j, i)
        G.data[a:b] *= scale  # so K is exactly symmetric, as ARPACK and Lanczos assume
    return G


def _entropy_from_top(lam: np.ndarray, t: int, z: float | None, n: int,
                      tail_max: float = 0.0) -> tuple[float, float]:
    """Entropy (bits) from the top eigenvalues ``lam`` (descending) and the total
    ``z = sum_i lambda_i^t``: exact (t = 1, 2), or unknown (``z=None``) with the tail's total
    ``T = z - sum(lam^t)`` anywhere in ``[0, tail_max]``. For a tail of total ``T`` on the
    ``n - m`` remaining eigenvalues, each ``<= lam[-1]^t``, the tail's share of the entropy lies
    between packed (``-M log2(lam_m^t / z)``) and spread (``-M log2(M / (n - m))``) with
    ``M = T / z``; with ``T`` unknown the bounds are taken over 65 values of ``T`` spread
    evenly over ``[0, tail_max]`` (a grid, so between its points the extremes are
    interpolated, not proven). Returns (estimate = mid-point of the bounds, half-width)."""
    top = np.abs(lam) ** t
    head_total = float(top.sum())
    if lam.size >= n:
        a = top / head_total
        return float(-(a[a > 0] * np.log2(a[a > 0])).sum()), 0.0
    tails = ([z - head_total] if z is not None else
             list(np.linspace(0.0, tail_max, 65)))
    lo, hi = np.inf, -np.inf
    for T in tails:
        T = max(0.0, float(T))
        total = head_total + T
        a = top / total
        head = float(-(a[a > 0] * np.log2(a[a > 0])).sum())
        mass = T / total
        if mass <= 0:
            lo, hi = min(lo, head), max(hi, head)
            continue
        packed = -mass * math.log2(max(min(a[-1], mass), 1e-300))
        spread = -mass * math.log2(mass / (n - lam.size))
        lo, hi = min(lo, head + min(packed, spread)), max(hi, head + max(packed, spread))
    return 0.5 * (lo + hi), 0.5 * (hi - lo)


def _exact_z(K, t: int) -> float | None:
    if t == 1:
        return float(K.diagonal().sum())
    if t == 2:
        return float(K.multiply(K).sum())
    return None


def dse_lanczos(K, t: int = 2, *, rtol: float = 1e-3, m0: int = 64, seed: int = 0
                ) -> tuple[float, dict]:
    """DSE (bits) of a sparse symmetric operator ``K`` from its top eigenvalues; returns
    ``(dse, info)`` with the number of eigenvalues used and the tail bound."""
    from scipy.sparse.linalg import ArpackNoConvergence, eigsh

    t = check_int(t, "t", minimum=1)
    n = K.shape[0]
    m = min(m0, n // 2)
    v0 = np.random.default_rng(seed).standard_normal(n)
    while True:
        try:
            lam = eigsh(K, k=m, which="LM", v0=v0, return_eigenvectors=False)
        except ArpackNoConvergence as err:
            raise ValueError(
                f"method='lanczos': ARPACK did not converge for the top {m} eigenvalues "
                f"({err}); the spectrum is too flat for a top-eigenvalue estimate (small sigma "
                "or t): use method='slq'") from None
        lam = np.sort(np.abs(lam))[::-1]
        top = float((lam ** t).sum())
        tail = (n - m) * float(lam[-1]) ** t
        z_exact = _exact_z(K, t)
        z = top + tail if z_exact is None else max(z_exact, top)
        if tail <= rtol * z or m >= n // 2 or m >= 4096:
            break
        m = min(2 * m, n // 2)
    s, half_width = _entropy_from_top(
        lam, t, None if z_exact is None else z, n, tail_max=tail)
    return s, {"method": "lanczos", "eigenvalues": int(m), "tail_bound": tail / z,
               "tail_entropy_half_width_bits": half_width}


def _lanczos_tridiag(K, v: np.ndarray, steps: int, V: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Ritz values and quadrature weights (first components squared) of ``steps`` Lanczos
    steps from ``v`` with full re-orthogonalisation (also against the columns of ``V``, the
    deflated eigenvectors, so that the Krylov space stays in their complement)."""
    n = v.size
    steps = min(steps, n - (0 if V is None else V.shape[1]))
    Q = np.empty((steps, n))
    alpha, beta = np.zeros(steps), np.zeros(steps)
    q = v / np.linalg.norm(v)
    k_used = steps
    for j in range(steps):
        Q[j] = q
        w = K @ q
        alpha[j] = q @ w
        for _ in range(2):  # full re-orthogonalisation (twice is enough)
            w -= Q[: j + 1].T @ (Q[: j + 1] @ w)
            if V is not None:
                w -= V @ (V.T @ w)
        b = np.linalg.norm(w)
        if j + 1 < steps:
            if b < 1e-12:
                k_used = j + 1
                break
            beta[j] = b
            q = w / b
    T = np.diag(alpha[:k_used]) + np.diag(beta[: k_used - 1], 1) + np.diag(beta[: k_used - 1], -1)
    theta, U = np.linalg.eigh(T)
    return theta, U[0] ** 2


def slq_nodes(K, *, n_probes: int = 30, steps: int = 40, seed: int = 0,
              V: np.ndarray | None = None, first: int = 0
              ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Gauss quadrature nodes of ``K`` for stochastic Lanczos quadrature: one
    ``(ritz_values, weights)`` pair per Rademacher probe, so that
    ``tr f(K) ~= 1 / n_probes * sum_probes weights @ f(ritz_values)`` for any ``f`` (every
    diffusion time reuses the same nodes; the weights carry the probe's squared norm, ``n``
    for a plain probe). With ``V`` ``(n, m)`` (orthonormal eigenvectors of ``K``) each probe is
    projected onto their complement first, and the nodes estimate ``tr f`` of ``K`` there.
    Seeded: probe ``i`` is the ``first + i``-th of the seed's stream, so more probes extend a
    run instead of repeating it."""
    n_probes = check_int(n_probes, "n_probes", minimum=1)
    steps = check_int(steps, "steps", minimum=2)
    rng = np.random.default_rng(seed)
    n = K.shape[0]
    for _ in range(first):  # skip the probes already drawn, one by one as they were drawn
        rng.choice([-1.0, 1.0], size=n)
    probes = [rng.choice([-1.0, 1.0], size=n) for _ in range(n_probes)]

    def node(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if V is not None and V.shape[1]:
            v = v - V @ (V.T @ v)
        theta, w = _lanczos_tridiag(K, v, steps, V)
        return theta, w * float(v @ v)

    # The probes are independent: one per core (scipy's sparse product is single-threaded,
    # so without this the run used one core), each with single-threaded BLAS -- the numbers
    # do not depend on how many threads run them.
    return map_single_blas(node, probes, workers=_cores())


def _cores() -> int:
    """The cores the probes run on (a seam for the tests)."""
    return cores()


def _h(mu: np.ndarray) -> np.ndarray:
    """``-mu log2 mu`` (0 at 0) of non-negative ``mu``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mu > 0, -mu * np.log2(np.where(mu > 0, mu, 1.0)), 0.0)


def _probe_sums(nodes: list[tuple[np.ndarray, np.ndarray]], t: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Per probe: the estimates of ``tr h(K^t)`` and ``tr K^t`` (over the probed space)."""
    h = np.array([w @ _h(np.abs(theta) ** t) for theta, w in nodes])
    z = np.array([w @ (np.abs(theta) ** t) for theta, w in nodes])
    return h, z


def _entropy_and_se(h_top: float, z_top: float, h: np.ndarray, z: np.ndarray,
                    z_exact: float | None) -> tuple[float, float]:
    """DSE (bits) ``S = H / Z + log2 Z`` with ``H = h_top + mean(h)``, ``Z = z_exact`` or
    ``z_top + mean(z)``, and its jackknife standard error over the probes."""
    def entropy(hm: np.ndarray, zm: np.ndarray) -> np.ndarray:
        total = z_exact if z_exact is not None else z_top + zm
        return (h_top + hm) / total + np.log2(total)

    p = h.size
    s = float(entropy(np.array(h.mean()), np.array(z.mean())))
    if p < 2:
        return s, float("inf")
    loo = entropy((h.sum() - h) / (p - 1), (z.sum() - z) / (p - 1))
    return s, float(np.sqrt((p - 1) / p * ((loo - loo.mean()) ** 2).sum()))


def top_eigenpairs(K, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The ``m`` eigenpairs of largest magnitude of the sparse symmetric ``K``:
    ``(|eigenvalues| (m,), descending; eigenvectors (n, m))`` by ARPACK."""
    from scipy.sparse.linalg import eigsh

    v0 = np.random.default_rng(seed).standard_normal(K.shape[0])
    lam, V = eigsh(K, k=m, which="LM", v0=v0)
    order = np.argsort(-np.abs(lam))
    return np.abs(lam[order]), V[:, order]


class _Deflated:
    """SLQ on the complement of ``K``'s top ``m`` eigenvectors, the top part exact."""

    def __init__(self, K, m: int, steps: int, seed: int) -> None:
        self.K, self.steps, self.seed = K, steps, seed
        self.lam, self.V = (top_eigenpairs(K, m, seed) if m else
                            (np.zeros(0), np.zeros((K.shape[0], 0))))
        self.nodes: list = []

    def add_probes(self, count: int) -> None:
        self.nodes += slq_nodes(self.K, n_probes=count, steps=self.steps, seed=self.seed,
                                V=self.V if self.V.shape[1] else None, first=len(self.nodes))

    def estimate(self, t: int) -> tuple[float, float]:
        mu = self.lam ** t
        h, z = _probe_sums(self.nodes, t)
        return _entropy_and_se(float(_h(mu).sum()), float(mu.sum()), h, z, _exact_z(self.K, t))

    def worst(self, ts: Sequence[int], rtol: float, atol: float) -> float:
        """The largest ratio of standard error to the allowed error over ``ts``."""
        return max(se / max(rtol * abs(v), atol) for v, se in map(self.estimate, ts))


#: ``slq``'s error target: the jackknife standard error of each value <= this share of it
#: (or <= ``SLQ_ATOL`` bits for values near 0) ...
SLQ_RTOL = 0.005
SLQ_ATOL = 1e-3
#: ... reached by deflating up to this many top eigenpairs, then adding probes up to this many.
MAX_DEFLATION = 256
MAX_PROBES = 300


def dse_slq_curve(K, ts: Sequence[int], *, n_probes: int = 30, steps: int = 40, seed: int = 0,
                  max_probes: int | None = None, max_deflation: int = MAX_DEFLATION,
                  rtol: float = SLQ_RTOL, atol: float = SLQ_ATOL) -> tuple[np.ndarray, dict]:
    """DSE (bits) of a sparse symmetric operator ``K`` at each diffusion time of ``ts`` by
    deflated stochastic Lanczos quadrature, with a standard error for each value.

    Starts with ``n_probes`` plain probes. While a value's jackknife standard error exceeds
    ``max(rtol * value, atol)``: deflate (the top ``m`` eigenpairs exactly, ``m`` = 16, 32, ...
    up to ``max_deflation``; the probes then see only the complement) as long as a doubling
    cuts the error by a third or more; then add probes, 30 at a time, up to ``max_probes``
    (default ``n_probes``: no probes added). Returns ``(values (len(ts),), info)`` with
    ``std_errors`` and ``error_bars`` (bits; see the module docstring), ``deflated`` (m),
    ``probes`` and ``target_met``."""
    ts = [check_int(t, "t", minimum=1) for t in ts]
    n_probes = check_int(n_probes, "n_probes", minimum=2)
    max_probes = n_probes if max_probes is None else max(n_probes, int(max_probes))
    cap = min(int(max_deflation), K.shape[0] // 2 - 1)
    run = _Deflated(K, 0, steps, seed)
    run.add_probes(n_probes)
    worst = run.worst(ts, rtol, atol)
    m = 0
    while worst > 1 and 2 * max(m, 8) <= cap:
        m = 2 * max(m, 8)
        trial = _Deflated(K, m, steps, seed)
        trial.add_probes(n_probes)
        trial_worst = trial.worst(ts, rtol, atol)
        if trial_worst < worst:
            run, worst, gained = trial, trial_worst, trial_worst <= worst / 1.5
        else:
            gained = False
        if not gained:  # deflating further does not pay: more probes instead
            break
    while worst > 1 and len(run.nodes) < max_probes:
        run.add_probes(min(30, max_probes - len(run.nodes)))
        worst = run.worst(ts, rtol, atol)
    est = [run.estimate(t) for t in ts]
    ses = [se for _, se in est]
    return np.array([v for v, _ in est]), {
        "method": "slq", "std_errors": ses, "error_bars": [max(3 * se, atol) for se in ses],
        "deflated": int(run.lam.size), "probes": len(run.nodes), "steps": steps,
        "target_met": bool(worst <= 1)}


def dse_slq(K, t: int = 1, *, n_probes: int = 30, steps: int = 40, seed: int = 0,
            **options: Any) -> tuple[float, dict]:
    """DSE (bits) of a sparse symmetric operator ``K`` by deflated stochastic Lanczos
    quadrature (:func:`dse_slq_curve` at one ``t``); returns ``(dse, info)``. Seeded: the
    same call gives the same number."""
    values, info = dse_slq_curve(K, [t], n_probes=n_probes, steps=steps, seed=seed, **options)
    info["std_error"], info["error_bar"] = info.pop("std_errors")[0], info.pop("error_bars")[0]
    return float(values[0]), info


def _check_method(method: str) -> str:
    if method not in ("lanczos", "slq", "auto"):
        raise ValueError(f"method must be 'lanczos', 'slq' or 'auto', got {method!r}")
    return "slq" if method == "auto" else method


def dse_curve_approx(X: Any, sigma: float = 10.0, ts: Sequence[int] = (1,),
                     method: str = "auto", *, tol: float | None = None, seed: int = 0,
                     **options: Any) -> tuple[np.ndarray, dict]:
    """DSE in bits of the point cloud ``X`` ``(n, D)`` at each diffusion time of ``ts``, by the
    sparse operator and ``method``: ``slq`` (deflated SLQ with ``n_probes`` probes,
    :func:`dse_slq_curve`), ``auto`` (the same, adding probes up to ``MAX_PROBES`` until every
    value's standard error is <= 0.5 % of it; a ``UserWarning`` when it cannot) or
    ``lanczos`` (top eigenvalues only). One operator, one deflation and one probe set for all
    ``ts``. Returns ``(values (len(ts),), info)`` where ``info`` says what ran (method,
    ``std_errors`` and ``error_bars`` in bits, deflated eigenpairs, probes, non-zeros per row,
    timings, ...). ``options`` go to :func:`dse_slq_curve` / :func:`dse_lanczos`
    (``max_neighbors`` to :func:`sparse_diffusion_operator`)."""
    import time


    ts = check_ts(ts)
    auto = method == "auto"
    method = _check_method(method)
    t0 = time.perf_counter()
    if isinstance(sigma, str):  # a policy: read the width off the data, as dse() does
        sigma = width(check_points(X, "X"), sigma, seed=seed, ts=ts)
        check_scalar_width(sigma, method, False)  # one width: knn's per-point widths are refused
    K = sparse_diffusion_operator(X, sigma, tol=tol,
                                  **({"max_neighbors": options.pop("max_neighbors")}
                                     if "max_neighbors" in options else {}))
    t1 = time.perf_counter()
    if method == "slq":
        if auto:
            options.setdefault("max_probes", MAX_PROBES)
        values, info = dse_slq_curve(K, ts, seed=seed, **options)
        if auto and not info["target_met"]:
            warnings.warn(
                f"dse(method='auto', n={K.shape[0]}): the stochastic estimate did not reach "
                f"its error target (standard error <= {SLQ_RTOL:.1%} of the value) with "
                f"{info['probes']} probes and {info['deflated']} deflated eigenpairs: "
                f"standard errors {np.round(info['std_errors'], 4).tolist()} bits at "
                f"t = {ts}", UserWarning, stacklevel=4)
    else:
        runs = [dse_lanczos(K, t, seed=seed, **options) for t in ts]
        values = [v for v, _ in runs]
        info = dict(runs[-1][1]) if len(runs) == 1 else {"method": "lanczos",
                                                         "per_t": [i for _, i in runs]}
        # the tail's worst case (a bound, not a random error), at least the floor that covers
        # the kernel truncation and the eigensolver's tolerance
        info["error_bars"] = [max(i["tail_entropy_half_width_bits"], SLQ_ATOL) for _, i in runs]
    info.update(nnz_per_row=K.nnz / K.shape[0], operator_seconds=t1 - t0,
                entropy_seconds=time.perf_counter() - t1)
    return np.asarray(values, dtype=np.float64) + 0.0, info  # + 0.0: no -0.0 bits


def dse_approx(X: Any, sigma: float = 10.0, t: int = 1, method: str = "auto", *,
               tol: float | None = None, seed: int = 0, **options: Any) -> tuple[float, dict]:
    """DSE in bits of the point cloud ``X`` ``(n, D)`` at diffusion time ``t``: the one-``t``
    case of :func:`dse_curve_approx`; returns ``(dse, info)``."""
    values, info = dse_curve_approx(X, sigma, [t], method, tol=tol, seed=seed, **options)
    return float(values[0]), info
