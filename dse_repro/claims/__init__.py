"""The paper's claims, checked against the tidy results of the scale that ran.

One module per figure family (:mod:`.toys`, :mod:`.mi`, :mod:`.training`, :mod:`.sigma_init`,
:mod:`.model_zoo`), each with its ``CLAIMS``, found like the studies: every module of this
package that defines ``CLAIMS`` is one, in the order of the first figure its claims are about
(a new module needs no edit here). :mod:`.core` holds the claim type and the evaluation. A
claim reads the collected table of its figure (from the study registry).

CLI: ``python -m dse_repro.claims --scale smoke --results results/smoke/fig2.csv ...
--csv results/smoke/claims.csv --md results/smoke/claims.md``
"""
from __future__ import annotations

import importlib
import pkgutil

import pandas as pd

from dse_repro.claims.core import Claim, Results, evaluate_claims, settings_from_conf, to_markdown
from dse_repro.studies.registry import figure_key

__all__ = ["CLAIMS", "Claim", "evaluate", "settings_from_conf", "to_markdown"]



def _discover() -> list[Claim]:
    """The ``CLAIMS`` of every module of this package, module by module in the order of the
    first figure each is about, each module's claims in their own order."""
    modules = [importlib.import_module(f"{__name__}.{info.name}")
               for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")]
    found = [m.CLAIMS for m in modules if hasattr(m, "CLAIMS")]
    found.sort(key=lambda claims: min(figure_key(c.figure) for c in claims))
    return [c for claims in found for c in claims]


#: Every claim, in the order of the table.
CLAIMS: list[Claim] = _discover()


def evaluate(results: Results, scale: str, settings: dict | None = None) -> pd.DataFrame:
    """One row per claim (per data set for claims with ``per``): ``id, figure, statement,
    value, threshold, status, detail, scale``. ``results``: collected table name -> frame;
    ``settings``: thresholds from conf (default: :func:`settings_from_conf` at ``scale``)."""
    settings = settings_from_conf(scale) if settings is None else settings
    return evaluate_claims(CLAIMS, results, scale, settings)
