"""Speed and memory of the DSE/DSMI estimators, side by side in one run.

For n in ``--sizes`` (default 1000, 2000, 4000; issue 28 asks 8000 too) and D = 64 (Gaussian
data, sigma = 10) this times, interleaved and repeated (best of ``--repeats``), each call after
a 0.2 s pause (:data:`PAUSE`: no library's idle threads still spin from the call before):

* ``eig_numpy``, ``eig_evd``, ``eig_evr``, ``eig_torch`` -- one float64 symmetric eigensolve
  (values only) of the n x n kernel by ``numpy.linalg.eigvalsh``, ``scipy.linalg.eigvalsh``
  (drivers ``evd`` and ``evr``) and ``torch.linalg.eigvalsh``: the yardstick is the fastest,
* ``dse``         -- our default mode (one kernel and one eigensolve),
* ``dse_f32``     -- our documented fast option (``precision="float32"``),
* ``dse_ref``     -- our ``reference=True`` mode,
* ``dse_dsmi``    -- the authors' ``dse_dsmi.diffusion_spectral_entropy``,

and the same for DSMI with 10 classes at n = 4000. Times are printed as ratios to the fastest
eigensolve and speed-ups over ``dse_dsmi``; errors of the fast option vs float64 in bits.
Peak memory is measured in a fresh child process per method (Linux ``VmHWM`` after resetting it
through ``/proc/self/clear_refs``), reported in units of one n x n float64 matrix.

``OPENBLAS_CORETYPE`` is removed from the environment (the script restarts itself without it) so
that OpenBLAS picks its kernel for the machine by itself.

Usage: ``python benchmarks/bench_measures.py [--sizes 1000 2000 4000 8000] [--repeats 3]
[--methods eig_numpy eig_evr eig_torch dse]`` (``dse_ref`` and ``dse_dsmi`` take minutes at
n = 8000; leave them out there).

``--solvers`` times instead the eigensolvers ``dse`` chooses from, each on a fresh copy of the
kernel (numpy's ``eigvalsh``, OpenBLAS ``dsyevr`` and MKL ``dsyevd`` called in place through
``dse_repro.measures._lapack``, and ``torch.linalg.eigvalsh``) at each of ``--sizes``, and prints
the size from which ``dse`` switches to MKL on this machine
(``dse_repro.measures._kernel.eigensolver_switch_n()``): the measurement that sets it.

``--parts`` times ``dse`` and its parts at each of ``--sizes``, each after a 0.2 s pause (so
that no library's threads still spin from the step before): the width check
(``bandwidth.degenerate_sigma``), the kernel (``_kernel.kernel_upper``, threaded), the
eigensolve ``dse`` runs (``_kernel.eigvalsh_inplace`` on a fresh copy), beside numpy's and
scipy's ``evr`` eigensolves; it prints the floor (kernel + solve, no check) over the faster of
the two.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def _data(n: int, d: int = 64, classes: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=3.0, size=(classes, d))
    y = rng.integers(0, classes, size=n)
    return centers[y] + rng.normal(size=(n, d)), y


def _methods(n: int) -> dict[str, Callable[[], float]]:
    import dse_dsmi
    import scipy.linalg
    import torch

    from dse_repro.measures import dse, dsmi
    from dse_repro.measures.diffusion import diffusion_matrix

    X, y = _data(n)
    K = diffusion_matrix(X, 10.0)
    return {
        "eig_numpy": lambda: float(np.linalg.eigvalsh(K)[-1]),
        "eig_evd": lambda: float(scipy.linalg.eigvalsh(K, driver="evd", check_finite=False)[-1]),
        "eig_evr": lambda: float(scipy.linalg.eigvalsh(K, driver="evr", check_finite=False)[-1]),
        "eig_torch": lambda: float(torch.linalg.eigvalsh(torch.from_numpy(K))[-1]),
        "dse": lambda: dse(X, 10.0),
        "dse_f32": lambda: dse(X, 10.0, precision="float32"),
        "dse_ref": lambda: dse(X, 10.0, reference=True),
        "dse_dsmi": lambda: float(dse_dsmi.diffusion_spectral_entropy(X, 10.0)),
        "dsmi": lambda: dsmi(X, y, 10.0),
        "dsmi_f32": lambda: dsmi(X, y, 10.0, precision="float32"),
        "dsmi_ref": lambda: dsmi(X, y, 10.0, reference=True),
        "dse_dsmi.dsmi": lambda: float(dse_dsmi.diffusion_spectral_mutual_information(
            X, y.reshape(-1, 1), gaussian_kernel_sigma=10.0)[0]),
    }


def _peak_child(n: int, name: str, queue: mp.Queue) -> None:
    import torch

    fn = _methods(n)[name]
    # Load torch/MKL and their workspaces before the baseline: library code pages are not
    # the estimator's working memory.
    torch.linalg.eigvalsh(torch.eye(3000, dtype=torch.float64))
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak-RSS counter
    base = _rss_kib("VmRSS")
    fn()
    queue.put((_rss_kib("VmHWM") - base) * 1024)


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def peak_bytes(n: int, name: str) -> float:
    ctx = mp.get_context("spawn")  # fork after MKL/OpenMP use can deadlock
    q = ctx.Queue()
    p = ctx.Process(target=_peak_child, args=(n, name, q))
    p.start()
    out = q.get()
    p.join()
    return out


#: Seconds of quiet before each timed call: OpenBLAS's idle threads spin for ~0.1 s after a
#: threaded call (and torch's OpenMP threads for a while), taking a core from whatever runs
#: next -- back to back, each method was timed partly against the one before it (n = 1000:
#: numpy's eigensolve 73 ms right after ``dse`` against 45 ms from a quiet machine).
PAUSE = 0.2


def best_of(methods: dict[str, Callable[[], float]], names: list[str],
            repeats: int) -> tuple[dict[str, float], dict[str, float]]:
    """Run ``names`` interleaved ``repeats`` times, each after :data:`PAUSE`: (best wall time
    in s, last value) per name."""
    best = {m: np.inf for m in names}
    vals: dict[str, float] = {}
    for _ in range(repeats):
        for m in names:
            time.sleep(PAUSE)
            t0 = time.perf_counter()
            vals[m] = methods[m]()
            best[m] = min(best[m], time.perf_counter() - t0)
    return best, vals


EIGENSOLVERS = ["eig_numpy", "eig_evd", "eig_evr", "eig_torch"]


def best_on_copies(fns: dict[str, Callable[[Any], object]], K: np.ndarray,
                   repeats: int) -> dict[str, float]:
    """Call each of ``fns`` on a fresh copy of ``K``, interleaved ``repeats`` times, each after
    :data:`PAUSE` (the copy is not timed): the best wall time of each, seconds."""
    best = {m: np.inf for m in fns}
    for _ in range(repeats):
        for m, fn in fns.items():
            A = K.copy()
            time.sleep(PAUSE)
            t0 = time.perf_counter()
            fn(A)
            best[m] = min(best[m], time.perf_counter() - t0)
    return best


def solvers(sizes: list[int], repeats: int) -> None:
    """Time the solvers ``dse`` chooses from at each size (see the module docstring)."""
    import torch

    from dse_repro.measures import _lapack
    from dse_repro.measures._kernel import eigensolver_switch_n
    from dse_repro.measures.diffusion import diffusion_matrix

    fns = {"numpy": np.linalg.eigvalsh,
           "torch": lambda A: torch.linalg.eigvalsh(torch.from_numpy(A)).numpy()}
    if _lapack.syevr_available(np.float64):
        fns["openblas_evr"] = _lapack.syevr_eigenvalues
    if _lapack.mkl_syevd_available(np.float64):
        fns["mkl_evd"] = _lapack.mkl_syevd_eigenvalues
    print(f"{'n':>6} " + " ".join(f"{m:>13}" for m in fns) + "  fastest")
    for n in sizes:
        best = best_on_copies(fns, diffusion_matrix(_data(n)[0], 10.0), repeats)
        print(f"{n:>6} " + " ".join(f"{best[m]:>12.4f}s" for m in fns)
              + f"  {min(best, key=best.__getitem__)}", flush=True)
    print(f"dse switches from OpenBLAS ?syevr (in place) to MKL at n = "
          f"{eigensolver_switch_n()} on this machine")


def _parts(n: int) -> tuple[dict[str, Callable[[Any], object]], np.ndarray]:
    """``dse``, its parts and two eigensolves at size ``n``, each taking a fresh copy of the
    kernel (only ``solve`` uses it), and the kernel."""
    import scipy.linalg

    from dse_repro.measures import dse
    from dse_repro.measures._kernel import eigvalsh_inplace, kernel_matrix, kernel_upper
    from dse_repro.measures.bandwidth import degenerate_sigma

    X = _data(n)[0]
    K = kernel_matrix(X, 10.0, "float64")
    return {"eig_numpy": lambda _: np.linalg.eigvalsh(K),
            "eig_evr": lambda _: scipy.linalg.eigvalsh(K, driver="evr", check_finite=False),
            "dse": lambda _: dse(X, 10.0),
            "check": lambda _: degenerate_sigma(X, 10.0),
            "kernel": lambda _: kernel_upper(X, 10.0, np.float64),
            "solve": eigvalsh_inplace}, K


def parts(sizes: list[int], repeats: int) -> None:
    """Time ``dse`` beside its parts at each size (see the module docstring)."""
    print(f"{'n':>6} {'eig_numpy':>10} {'eig_evr':>10} {'dse':>10} {'check':>10} {'kernel':>10} "
          f"{'solve':>10}  dse/fastest  (kernel + solve)/fastest")
    for n in sizes:
        best = best_on_copies(*_parts(n), repeats)
        fastest = min(best["eig_numpy"], best["eig_evr"])
        floor = (best["kernel"] + best["solve"]) / fastest
        print(f"{n:>6} " + " ".join(f"{v * 1e3:>8.1f}ms" for v in best.values())
              + f"  {best['dse'] / fastest:>11.3f}  {floor:>11.3f}", flush=True)


DSE_METHODS = ["dse", "dse_f32", "dse_ref", "dse_dsmi"]


def main() -> None:
    if os.environ.pop("OPENBLAS_CORETYPE", None) is not None:  # read when OpenBLAS loads
        os.execv(sys.executable, [sys.executable, *sys.argv])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dsmi-n", type=int, default=4000)
    ap.add_argument("--methods", nargs="+", default=EIGENSOLVERS + DSE_METHODS,
                    choices=EIGENSOLVERS + DSE_METHODS, help="what to time at each n")
    ap.add_argument("--solvers", action="store_true",
                    help="time the eigensolvers dse chooses from instead (see above)")
    ap.add_argument("--parts", action="store_true",
                    help="time dse beside its parts instead (see above)")
    args = ap.parse_args()
    import threadpoolctl

    blas = [f"{i['internal_api']} {i.get('version')} ({i['num_threads']} threads)"
            for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    print(f"# machine: {platform.processor() or platform.machine()}, {mp.cpu_count()} cores; "
          f"BLAS: {'; '.join(blas)}")
    print(f"# best of {args.repeats} interleaved repeats; D = 64, sigma = 10\n")
    if args.solvers or args.parts:
        (solvers if args.solvers else parts)(args.sizes, args.repeats)
        return

    names = [m for m in EIGENSOLVERS + DSE_METHODS if m in args.methods]
    eigs = [m for m in EIGENSOLVERS if m in names]
    print(f"{'n':>6} " + " ".join(f"{m:>10}" for m in names)
          + ("  fastest eig    dse/fastest" if eigs and "dse" in names else ""))
    for n in args.sizes:
        best, vals = best_of(_methods(n), names, args.repeats)
        line = f"{n:>6} " + " ".join(f"{best[m]:>9.3f}s" for m in names)
        if eigs and "dse" in names:
            fastest = min(eigs, key=best.__getitem__)
            line += f"  {fastest:>11}  {best['dse'] / best[fastest]:>13.3f}"
        print(line, flush=True)
        if "dse_f32" in names and "dse" in names:
            print(f"{'':>6} |dse_f32 - dse| {abs(vals['dse_f32'] - vals['dse']):.2e} bits"
                  + (f", dse_dsmi / dse {best['dse_dsmi'] / best['dse']:.2f}x, dse_dsmi / "
                     f"dse_f32 {best['dse_dsmi'] / best['dse_f32']:.2f}x"
                     if "dse_dsmi" in names else ""))
        if "dse_dsmi" in names and "dse" in names:
            assert abs(vals["dse"] - vals["dse_dsmi"]) < 1e-6, (vals["dse"], vals["dse_dsmi"])
    everything = set(DSE_METHODS) <= set(names)
    if everything:
        n = args.dsmi_n
        dsmis = ["eig_numpy", "dsmi", "dsmi_f32", "dsmi_ref", "dse_dsmi.dsmi"]
        best, vals = best_of(_methods(n), dsmis, args.repeats)
        print(f"\nDSMI, n = {n}, 10 classes: " + ", ".join(f"{m} {best[m]:.3f}s" for m in dsmis))
        print(f"  dsmi/eig_numpy {best['dsmi'] / best['eig_numpy']:.2f}, "
              f"dse_dsmi.dsmi/dsmi {best['dse_dsmi.dsmi'] / best['dsmi']:.2f}x, "
              f"dse_dsmi.dsmi/dsmi_f32 {best['dse_dsmi.dsmi'] / best['dsmi_f32']:.2f}x, "
              f"|dsmi - dse_dsmi| {abs(vals['dsmi'] - vals['dse_dsmi.dsmi']):.1e} bits, "
              f"|dsmi_f32 - dsmi| {abs(vals['dsmi_f32'] - vals['dsmi']):.1e} bits")

    n = max(args.sizes)
    mat = n * n * 8
    measured = [m for m in ["eig_numpy", "eig_torch", *DSE_METHODS] if m in names]
    if everything and n == args.dsmi_n:
        measured += ["dsmi", "dse_dsmi.dsmi"]
    print(f"\nPeak memory at n = {n} (units of one n x n float64 matrix = {mat / 2**20:.0f} MiB):")
    for m in measured:
        print(f"  {m:>14}: {peak_bytes(n, m) / mat:5.2f}", flush=True)


if __name__ == "__main__":
    main()
