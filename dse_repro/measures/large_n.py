"""DSE for large n: a sparse diffusion operator, and its spectral entropy by Lanczos (top
eigenvalues) or stochastic Lanczos quadrature (SLQ).

**Sparse operator.** ``G_ij = exp(-d_ij^2 / 2 sigma^2)`` is kept only within the radius
``r = sigma sqrt(2 ln(1 / tol))``: every dropped entry is ``< tol``, so each row loses less than
``(n - 1) tol`` of its degree ``d_i >= 1`` (the diagonal is 1). With the default
``tol = 1e-4 / n`` the row-sum (infinity-norm) perturbation of ``G`` is below ``1e-4`` and the
eigenvalues of ``K = D^-1/2 G D^-1/2`` move by at most ~``3e-4`` (Weyl, using
``||D^-1/2 E D^-1/2|| <= ||E||_inf / min d`` plus the degree change). The graph is found
by a radius search (scikit-learn's ``NearestNeighbors``; a ball tree suits data of low
intrinsic dimension). The operator is sparse only when a ball of radius ``r`` holds few
points: :func:`neighbourhood_size` estimates that from a sample first, and the sparse path
refuses (``ValueError``) when the kernel is effectively dense -- use the exact ``dse`` (with
``max_n`` subsampling) there.

**Entropy.** ``S = -sum_i alpha_i log2 alpha_i``, ``alpha_i = lambda_i^t / Z``,
``Z = sum_i lambda_i^t`` (K is positive semi-definite up to the truncation; magnitudes are
used). Two estimators:

* ``lanczos`` (for large t, where the powered spectrum decays fast): the ``m`` largest eigenvalues by ARPACK (``eigsh``); ``Z`` is exact
  for t = 1 (``tr K``) and t = 2 (``||K||_F^2``), else the top-m sum plus the tail bound. ``m``
  doubles (up to n / 2) until the tail bound ``(n - m) lambda_m^t <= rtol * Z`` holds. The
  tail's share of ``S`` is bounded on both sides (packed vs spread mass); the estimate is the
  mid-point and ``info["tail_entropy_half_width_bits"]`` is the worst-case error from the tail,
  at most ``rtol * log2(n / rtol)`` bits once the bound holds.
* ``slq`` (any t, meant for t = 1): Hutchinson's trace estimator with ``n_probes`` Rademacher
  vectors and ``steps``-step Lanczos quadrature per probe (full re-orthogonalisation) for
  ``tr h(K)``, ``h(x) = -x^t log2 x^t``, and ``Z`` (exact for t = 1, 2). Its error is random,
  ``O(sqrt(2 / (n_probes n)))`` relative for spread-out spectra; the seed fixes it.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ._validation import check_int, check_points, check_positive_real, to_numpy

__all__ = ["sparse_diffusion_operator", "neighbourhood_size", "dse_lanczos", "dse_slq",
           "slq_nodes", "dse_approx", "dse_curve_approx", "AUTO_EXACT_MAX_N"]

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


def sparse_diffusion_operator(X: Any, sigma: float = 10.0, *, tol: float | None = None,
                              max_neighbors: int = 2000, algorithm: str = "auto"):
    """``K = D^-1/2 G D^-1/2`` of the radius-truncated Gaussian kernel, as a scipy CSR matrix
    ``(n, n)`` (float64), with ``G_ii = 1``. Raises ``ValueError`` when the mean neighbourhood
    exceeds ``max_neighbors`` points (the kernel is effectively dense)."""
    import scipy.sparse as sp
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
    graph = NearestNeighbors(radius=r, algorithm=algorithm).fit(X).radius_neighbors_graph(
        mode="distance", sort_results=False)
    graph = graph.tocsr()
    graph.data = np.exp(-(graph.data ** 2) / (2.0 * sigma ** 2))
    G = (graph + sp.identity(n, format="csr")).tocsr()
    G = (G + G.T) * 0.5  # exact symmetry (the radius search is symmetric up to round-off)
    d = np.asarray(G.sum(axis=1)).ravel()
    s = sp.diags(1.0 / np.sqrt(d))
    return (s @ G @ s).tocsr()


def _entropy_from_top(lam: np.ndarray, t: int, z: float, n: int) -> tuple[float, float]:
    """Entropy (bits) from the top eigenvalues ``lam`` (descending) and the exact or bounded
    total ``z``; the remaining mass ``M`` sits on ``n - m`` eigenvalues each ``<= lam[-1]^t``,
    so its share lies between ``-M log2(lam_m^t / z)`` (packed) and
    ``-M log2(M / (n - m))`` (spread). Returns (estimate = mid-point, half-width)."""
    a = np.abs(lam) ** t / z
    head = float(-(a[a > 0] * np.log2(a[a > 0])).sum())
    mass = max(0.0, 1.0 - float(a.sum()))
    if mass <= 0 or lam.size >= n:
        return head, 0.0
    packed = -mass * math.log2(max(a[-1], 1e-300))
    spread = -mass * math.log2(mass / (n - lam.size))
    return head + 0.5 * (packed + spread), 0.5 * abs(spread - packed)


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
        z = _exact_z(K, t)
        z = top + tail if z is None else max(z, top)
        if tail <= rtol * z or m >= n // 2 or m >= 4096:
            break
        m = min(2 * m, n // 2)
    s, half_width = _entropy_from_top(lam, t, z, n)
    return s, {"method": "lanczos", "eigenvalues": int(m), "tail_bound": tail / z,
               "tail_entropy_half_width_bits": half_width}


def _lanczos_tridiag(K, v: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Ritz values and quadrature weights (first components squared) of ``steps`` Lanczos
    steps from ``v`` with full re-orthogonalisation."""
    n = v.size
    steps = min(steps, n)
    Q = np.empty((steps, n))
    alpha, beta = np.zeros(steps), np.zeros(steps)
    q = v / np.linalg.norm(v)
    k_used = steps
    for j in range(steps):
        Q[j] = q
        w = K @ q
        alpha[j] = q @ w
        w -= Q[: j + 1].T @ (Q[: j + 1] @ w)  # full re-orthogonalisation (twice is enough)
        w -= Q[: j + 1].T @ (Q[: j + 1] @ w)
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


def slq_nodes(K, *, n_probes: int = 30, steps: int = 40, seed: int = 0
              ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Gauss quadrature nodes of ``K`` for stochastic Lanczos quadrature: one
    ``(ritz_values, weights)`` pair per Rademacher probe, so that
    ``tr f(K) ~= n / n_probes * sum_probes weights @ f(ritz_values)`` for any ``f`` (every
    diffusion time reuses the same nodes). Seeded."""
    n_probes = check_int(n_probes, "n_probes", minimum=1)
    steps = check_int(steps, "steps", minimum=2)
    rng = np.random.default_rng(seed)
    return [_lanczos_tridiag(K, rng.choice([-1.0, 1.0], size=K.shape[0]), steps)
            for _ in range(n_probes)]


def _slq_entropy(K, nodes: list[tuple[np.ndarray, np.ndarray]], t: int) -> float:
    """DSE (bits) at diffusion time ``t`` from the SLQ nodes of ``K``."""
    n = K.shape[0]
    h_sum, z_sum = 0.0, 0.0
    for theta, w in nodes:
        a = np.abs(theta) ** t
        with np.errstate(divide="ignore", invalid="ignore"):
            h = np.where(a > 0, -a * np.log2(np.where(a > 0, a, 1.0)), 0.0)
        h_sum += n * float(w @ h)
        z_sum += n * float(w @ a)
    h_tr, z_est = h_sum / len(nodes), z_sum / len(nodes)
    z = _exact_z(K, t)
    z = z_est if z is None else z
    # S = -sum (l^t/Z) log2 (l^t/Z) = tr h(K) / Z + log2 Z
    return h_tr / z + math.log2(z)


def dse_slq(K, t: int = 1, *, n_probes: int = 30, steps: int = 40, seed: int = 0
            ) -> tuple[float, dict]:
    """DSE (bits) of a sparse symmetric operator ``K`` by stochastic Lanczos quadrature;
    returns ``(dse, info)``. Seeded: the same call gives the same number."""
    t = check_int(t, "t", minimum=1)
    nodes = slq_nodes(K, n_probes=n_probes, steps=steps, seed=seed)
    return _slq_entropy(K, nodes, t), {"method": "slq", "probes": n_probes, "steps": steps}


def _check_method(method: str) -> str:
    if method not in ("lanczos", "slq", "auto"):
        raise ValueError(f"method must be 'lanczos', 'slq' or 'auto', got {method!r}")
    return "slq" if method == "auto" else method


def dse_curve_approx(X: Any, sigma: float = 10.0, ts: Sequence[int] = (1,),
                     method: str = "auto", *, tol: float | None = None, seed: int = 0,
                     **options: Any) -> tuple[np.ndarray, dict]:
    """DSE in bits of the point cloud ``X`` ``(n, D)`` at each diffusion time of ``ts``, by the
    sparse operator and ``method`` (``lanczos``, ``slq``, or ``auto`` = ``slq``: a local
    kernel has a slowly decaying spectrum, so the top-eigenvalue path needs many eigenvalues
    unless t is large). One operator for all ``ts``; SLQ also shares its quadrature nodes.
    Returns ``(values (len(ts),), info)`` where ``info`` says what ran (method, non-zeros per
    row, timings, ...). ``options`` go to :func:`slq_nodes` / :func:`dse_lanczos`
    (``max_neighbors`` to :func:`sparse_diffusion_operator`)."""
    import time

    ts = [check_int(t, "t", minimum=1) for t in ts]
    method = _check_method(method)
    t0 = time.perf_counter()
    K = sparse_diffusion_operator(X, sigma, tol=tol,
                                  **({"max_neighbors": options.pop("max_neighbors")}
                                     if "max_neighbors" in options else {}))
    t1 = time.perf_counter()
    if method == "slq":
        nodes = slq_nodes(K, seed=seed, **options)
        values = [_slq_entropy(K, nodes, t) for t in ts]
        info = {"method": "slq", "probes": len(nodes), "steps": options.get("steps", 40)}
    else:
        runs = [dse_lanczos(K, t, seed=seed, **options) for t in ts]
        values = [v for v, _ in runs]
        info = runs[-1][1] if len(runs) == 1 else {"method": "lanczos",
                                                   "per_t": [i for _, i in runs]}
    info.update(nnz_per_row=K.nnz / K.shape[0], operator_seconds=t1 - t0,
                entropy_seconds=time.perf_counter() - t1)
    return np.asarray(values, dtype=np.float64), info


def dse_approx(X: Any, sigma: float = 10.0, t: int = 1, method: str = "auto", *,
               tol: float | None = None, seed: int = 0, **options: Any) -> tuple[float, dict]:
    """DSE in bits of the point cloud ``X`` ``(n, D)`` at diffusion time ``t``: the one-``t``
    case of :func:`dse_curve_approx`; returns ``(dse, info)``."""
    values, info = dse_curve_approx(X, sigma, [t], method, tol=tol, seed=seed, **options)
    return float(values[0]), info
