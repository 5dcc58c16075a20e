"""Diffusion Spectral Entropy / Mutual Information and their peers, as a standalone library.

Everything here takes numpy arrays or torch tensors of shape ``(n_points, n_dims)`` and returns
Python floats; entropies and mutual informations are in **bits** unless a function says
otherwise (:func:`mine_mi` returns nats by default). Nothing in this package imports the
pipeline (``dse_repro.studies``, ``dse_repro.plots``, ...).

>>> from dse_repro.measures import dse, dsmi
"""
from .bandwidth import DegenerateSigmaWarning, mean_norm, median_distance
from .diffusion import (
    diffusion_eigenvalues,
    diffusion_matrix,
    dse,
    dse_curve,
    dse_from_matrix,
    spectral_entropy,
    squared_distances,
)
from .dsmi import dsmi, dsmi_curve
from .knn import ksg_mi
from .labels import discretize, spectral_clusters
from .mine import mine_mi
from .predictors import alpha_req, knn_accuracy, rankme
from .shannon import cse, csmi

__all__ = [
    "dse",
    "dsmi",
    "dse_curve",
    "dsmi_curve",
    "dse_from_matrix",
    "diffusion_matrix",
    "diffusion_eigenvalues",
    "spectral_entropy",
    "squared_distances",
    "cse",
    "csmi",
    "ksg_mi",
    "mine_mi",
    "rankme",
    "alpha_req",
    "knn_accuracy",
    "spectral_clusters",
    "discretize",
    "mean_norm",
    "median_distance",
    "DegenerateSigmaWarning",
]
