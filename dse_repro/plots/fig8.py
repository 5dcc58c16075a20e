"""Fig. 8 - DSMI(Z; X) vs accuracy during training."""
from __future__ import annotations

import pandas as pd

from ._training import plot_measure


def plot(df: pd.DataFrame, *, measure: str = "DSMI_ZX"):
    """Fig. 8: ``measure`` (a name of the measures registry; ``conf/figures.yaml`` says
    which) against validation accuracy, per data set and architecture."""
    return plot_measure(df, measure, "Fig. 8")
