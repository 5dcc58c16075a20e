"""The paper's claims, checked against the tidy results of the scale that ran.

One module per figure family (:mod:`.toys`, :mod:`.mi`, :mod:`.training`, :mod:`.sigma_init`,
:mod:`.model_zoo`), each with its ``CLAIMS``; :mod:`.core` holds the claim type and the
evaluation. A claim reads the collected table of its figure (from the study registry).

CLI: ``python -m dse_repro.claims --scale smoke --results results/smoke/fig2.csv ...
--csv results/smoke/claims.csv --md results/smoke/claims.md``
"""
from __future__ import annotations

import pandas as pd

from dse_repro.claims import mi, model_zoo, sigma_init, toys, training
from dse_repro.claims.core import Claim, Results, evaluate_claims, settings_from_conf, to_markdown

__all__ = ["CLAIMS", "Claim", "evaluate", "settings_from_conf", "to_markdown"]

#: Every claim, in the order of the table.
CLAIMS: list[Claim] = [*toys.CLAIMS, *mi.CLAIMS, *training.CLAIMS, *sigma_init.CLAIMS,
                       *model_zoo.CLAIMS]


def evaluate(results: Results, scale: str, settings: dict | None = None) -> pd.DataFrame:
    """One row per claim (per data set for claims with ``per``): ``id, figure, statement,
    value, threshold, status, detail, scale``. ``results``: collected table name -> frame;
    ``settings``: thresholds from conf (default: :func:`settings_from_conf` at ``scale``)."""
    settings = settings_from_conf(scale) if settings is None else settings
    return evaluate_claims(CLAIMS, results, scale, settings)
