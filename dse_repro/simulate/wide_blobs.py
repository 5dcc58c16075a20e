"""Labelled Gaussian blobs in very high dimension, generated block by block.

Same distribution as ``sklearn.datasets.make_blobs(n, d, centers=k, cluster_std=std,
center_box=box)`` -- centres uniform in the box, isotropic Gaussian scatter, classes as equal as
possible -- but generated in column blocks of ``block`` dimensions, each from its own seeded
stream. A study can therefore stream a 5000 x 500 000 data set through a Gram-matrix
accumulation without ever holding it (10 GB in float32), and the values of any column are the
same whether the data are streamed or materialised. Uniform noise of amplitude
``noise * max(|box|)`` is added to every coordinate (from the clean data, never accumulated
across noise levels).
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from dse_repro.pipeline.seeding import rng_for


@dataclass
class WideBlobs:
    """``n`` points in ``dim`` dimensions around ``n_centers`` centres, with labels.

    Attributes:
        labels: shape ``(n,)``, clean blob labels.
        generation_seconds: wall time spent generating blocks so far (to subtract from
            estimator timings).
    """

    n: int
    dim: int
    n_centers: int = 3
    noise: float = 0.0
    seed: int = 0
    cluster_std: float = 1.0
    center_box: tuple[float, float] = (-10.0, 10.0)
    block: int = 4096
    dtype: str = "float32"
    labels: np.ndarray = field(init=False)
    generation_seconds: float = field(default=0.0, init=False)
    _full: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.n < 2 or self.dim < 1 or self.n_centers < 1 or self.block < 1:
            raise ValueError(f"bad WideBlobs sizes: n={self.n}, dim={self.dim}, "
                             f"n_centers={self.n_centers}, block={self.block}")
        rng = rng_for(self.seed, "wide_blobs.labels", self.n, self.n_centers)
        sizes = [self.n // self.n_centers + (i < self.n % self.n_centers)
                 for i in range(self.n_centers)]
        self.labels = rng.permutation(np.repeat(np.arange(self.n_centers), sizes)).astype(np.int64)

    def _block(self, j: int) -> np.ndarray:
        t0 = time.perf_counter()
        lo, hi = j * self.block, min((j + 1) * self.block, self.dim)
        rng = rng_for(self.seed, "wide_blobs.block", self.n, self.n_centers, j)
        centers = rng.uniform(*self.center_box, size=(self.n_centers, hi - lo))
        X = centers[self.labels] + self.cluster_std * rng.standard_normal((self.n, hi - lo))
        if self.noise > 0:
            noise_rng = rng_for(self.seed, "wide_blobs.noise", self.n, j, self.noise)
            X += self.noise * max(map(abs, self.center_box)) * noise_rng.uniform(-1, 1, X.shape)
        X = X.astype(self.dtype, copy=False)
        self.generation_seconds += time.perf_counter() - t0
        return X

    def blocks(self) -> Iterator[np.ndarray]:
        """Column blocks ``(n, <= block)`` in order; their concatenation is :meth:`full`."""
        for j in range(-(-self.dim // self.block)):
            yield self._block(j)

    def full(self) -> np.ndarray:
        """The whole data set, shape ``(n, dim)`` (generated once, then cached)."""
        if self._full is None:
            self._full = np.concatenate(list(self.blocks()), axis=1)
        return self._full
