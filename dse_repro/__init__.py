"""dse-repro: reference reproduction of Diffusion Spectral Entropy (Liao, Liu et al., CISS 2024).

The estimators live in :mod:`dse_repro.measures` (a library on its own); the rest of the
package is the pipeline that regenerates the paper's figures.
"""
__version__ = "0.1.0"
