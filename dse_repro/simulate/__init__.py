"""Seeded toy-data generators for the paper's synthetic studies (Figs. 2-5).

Every generator takes a ``numpy.random.Generator`` (or a seed) and never touches global
random state, so the same seed gives the same data in any process.
"""
from .toys import (
    add_uniform_noise,
    corrupt_labels,
    embedded_manifold,
    gaussian_blobs,
    random_spd,
    random_tree,
    separated_blobs,
)
from .wide_blobs import WideBlobs

__all__ = [
    "gaussian_blobs",
    "random_tree",
    "separated_blobs",
    "embedded_manifold",
    "random_spd",
    "add_uniform_noise",
    "corrupt_labels",
    "WideBlobs",
]
