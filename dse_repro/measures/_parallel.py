"""Independent pieces of work (SLQ probes, the class and subset eigensolves of DSMI) run one
per core in threads, each with single-threaded BLAS.

numpy's ufuncs, its LAPACK calls and scipy's sparse products release the GIL, so threads use
every core; with BLAS held to one thread inside each, the numbers do not depend on how many
threads run them (OpenBLAS's own threading may split a product differently per core count).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["cores", "map_single_blas"]


def cores() -> int:
    """The cores this process may use (a SLURM allocation or ``taskset`` included)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_single_blas(fn: Callable[[T], R], items: Iterable[T], workers: int | None = None
                    ) -> list[R]:
    """``[fn(x) for x in items]``, in order, on ``workers`` threads (default: :func:`cores`),
    BLAS single-threaded while it runs."""
    # threadpoolctl limits only the BLAS libraries loaded when the limit is set: load scipy's
    # (its LAPACK serves the float32 eigensolves, see _lapack) first, or the first call in a
    # process runs it multithreaded and its numbers differ from every later call's.
    import scipy.linalg.cython_lapack  # noqa: F401
    from threadpoolctl import threadpool_limits

    items = list(items)
    workers = max(1, min(len(items), cores() if workers is None else workers))
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        return list(pool.map(fn, items))
