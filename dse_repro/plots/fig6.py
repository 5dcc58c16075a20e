"""Fig. 6 - DSE of the embedding vs accuracy during training."""
from __future__ import annotations

import pandas as pd

from ._training import plot_measure


def plot(df: pd.DataFrame):
    return plot_measure(df, "DSE_Z", r"$S_D(Z)$ (bits)",
                        "Fig. 6 - DSE of the embedding vs accuracy during training")
