# Shared settings of the workflow: the scale and the wildcard constraints every rule obeys.
# Everything a rule needs comes from dse_repro.workflow (derived from the study registry), which
# each rule file imports itself.
from dse_repro.config import SCALES
from dse_repro.workflow import collected, figures

SCALE = config.get("scale", "laptop")
if SCALE not in SCALES:
    raise ValueError(f"--config scale must be one of {SCALES}, got {SCALE!r}")


wildcard_constraints:
    scale="|".join(SCALES),
    table="|".join(collected()),
    fig="|".join(figures()),
