"""DSE, DSMI and the cheap competitors of one embedding as tidy rows: what ``dse-repro
measure`` prints and :class:`dse_repro.tools.monitor.DSEMonitor` logs every epoch."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

#: Measure -> unit. The kernel measures (DSE_Z, DSMI_ZY, DSMI_ZX) come per t and kernel width;
#: DSMI_ZY and knn_acc need labels, DSMI_ZX inputs. (The tools keep this short list of their
#: own rather than read conf/measures/: they work from an installed wheel, which has no conf/;
#: the names are those of the registry.)
MEASURE_UNITS = {"DSE_Z": "bits", "DSMI_ZY": "bits", "DSMI_ZX": "bits", "rankme": "unitless",
                 "alpha_req": "unitless", "knn_acc": "fraction"}


def measure_rows(Z: np.ndarray, labels: np.ndarray | None, inputs: np.ndarray | None,
                 ts: Sequence[int], sigmas: Sequence[float | str], measures: Sequence[str],
                 k: int = 7, n_clusters: int = 10, seed: int = 0,
                 progress: bool = False,
                 skipped: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The rows ``{measure, t, sigma, value, unit}`` of every requested measure (``t`` and
    ``sigma`` empty for the measures without them). With ``skipped`` (a dict), a measure of
    RankMe / alpha-ReQ / k-NN accuracy that is undefined for ``Z`` (a ValueError, e.g.
    alpha-ReQ with fewer than 3 non-zero eigenvalues) is left out and its reason recorded
    there instead of aborting the others."""
    from tqdm.auto import tqdm

    from dse_repro.measures import (
        alpha_req,
        discretize,
        dse_curve,
        dsmi_curve,
        knn_accuracy,
        rankme,
    )

    # The inputs' clusters do not depend on the kernel width: cluster once, not per sigma.
    x_labels = (discretize(inputs, y_discrete=False, n_clusters=n_clusters, seed=seed)
                if "DSMI_ZX" in measures else None)
    jobs: list[tuple[str, Any, Callable[[], Any]]] = []
    for sigma in sigmas:
        if "DSE_Z" in measures:
            jobs.append(("DSE_Z", sigma, lambda s=sigma: dse_curve(Z, s, ts, k=k)))
        if "DSMI_ZY" in measures:
            jobs.append(("DSMI_ZY", sigma, lambda s=sigma: dsmi_curve(
                Z, labels, s, ts, y_discrete=True, seed=seed, k=k)))
        if "DSMI_ZX" in measures:
            jobs.append(("DSMI_ZX", sigma, lambda s=sigma: dsmi_curve(
                Z, x_labels, s, ts, y_discrete=True, seed=seed, k=k)))
    once = {"rankme": lambda: rankme(Z), "alpha_req": lambda: alpha_req(Z),
            "knn_acc": lambda: knn_accuracy(Z, labels, seed=seed)}
    rows = []
    for name, sigma, fn in tqdm(jobs, desc="kernel measures", disable=not progress):
        for t, value in zip(ts, fn()):
            rows.append(dict(measure=name, t=int(t), sigma=sigma, value=float(value),
                             unit=MEASURE_UNITS[name]))
    for name in measures:
        if name in once:
            try:
                value = float(once[name]())
            except ValueError as err:
                if skipped is None:
                    raise
                skipped[name] = str(err).splitlines()[0]
                continue
            rows.append(dict(measure=name, t=None, sigma=None, value=value,
                             unit=MEASURE_UNITS[name]))
    return rows
