"""Fig. 8 - DSMI(Z; X) vs accuracy during training."""
from __future__ import annotations

import pandas as pd

from ._training import plot_measure


def plot(df: pd.DataFrame):
    return plot_measure(df, "DSMI_ZX", r"$I_D(Z; X)$ (bits)",
                        "Fig. 8 - DSMI(Z; X) vs accuracy during training")
