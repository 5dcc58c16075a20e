"""Fig. 7 - DSMI(Z; Y) vs accuracy during training."""
from __future__ import annotations

import pandas as pd

from ._training import plot_measure


def plot(df: pd.DataFrame):
    return plot_measure(df, "DSMI_ZY", r"$I_D(Z; Y)$ (bits)",
                        "Fig. 7 - DSMI(Z; Y) vs accuracy during training")
