"""Independent pieces of work (SLQ probes, the class and subset eigensolves of DSMI) run one
per core in threads, each with single-threaded BLAS.

numpy's ufuncs, its LAPACK calls and scipy's sparse products release the GIL, so threads use
every core; with BLAS held to one thread inside each, the numbers do not depend on how many
threads run them (OpenBLAS's own threading may split a product differently per core count).
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["cores", "in_worker", "map_single_blas", "single_threaded_blas"]

_local = threading.local()


def cores() -> int:
    """The cores this process may use (a SLURM allocation or ``taskset`` included)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def in_worker() -> bool:
    """True inside a :func:`map_single_blas` task: every core is busy with one task each, so
    eigensolves there pick single-threaded solvers."""
    return getattr(_local, "worker", False)


def map_single_blas(fn: Callable[[T], R], items: Iterable[T], workers: int | None = None
                    ) -> list[R]:
    """``[fn(x) for x in items]``, in order, on ``workers`` threads (default: :func:`cores`),
    BLAS single-threaded while it runs (:func:`single_threaded_blas`)."""

    def task(x: T) -> R:
        _local.worker = True
        try:
            return fn(x)
        finally:
            _local.worker = False

    items = list(items)
    workers = max(1, min(len(items), cores() if workers is None else workers))
    with single_threaded_blas(), ThreadPoolExecutor(workers) as pool:
        return list(pool.map(task, items))


@cache
def _blas_controller() -> Any:
    """threadpoolctl's view of the BLAS libraries numpy and scipy load, kept: building it takes
    ~1 ms, limiting through it ~0.01 ms."""
    # threadpoolctl sees only the libraries loaded when it looks: load scipy's OpenBLAS (its
    # LAPACK serves the float32 eigensolves, see _lapack) first, or the first DSMI in a process
    # ran its ssyevr calls multithreaded and its numbers differed from every later call's.
    import scipy.linalg.cython_lapack  # noqa: F401
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().select(user_api="blas")


_blas_lock = threading.Lock()
_blas_holders = 0
_blas_limiter: Any = None


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """A context in which numpy's and scipy's BLAS run on one thread: for one task per core
    (:func:`map_single_blas`), and so that BLAS threads are not woken and do not spin on a core
    for ~0.1 s after a call while another library's threads (MKL's eigensolve) need it.

    Safe to nest and to enter from several threads at once: the first to enter sets the limit,
    the last to leave restores the threads there were (threadpoolctl's own contexts, each
    restoring what it found, would leave BLAS on one thread when two overlap)."""
    global _blas_holders, _blas_limiter
    with _blas_lock:
        if _blas_holders == 0:
            _blas_limiter = _blas_controller().limit(limits=1)
        _blas_holders += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_holders -= 1
            if _blas_holders == 0:
                _blas_limiter.restore_original_limits()
                _blas_limiter = None
