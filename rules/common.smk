# The wildcard constraints every rule obeys, from the study registry (dse_repro.workflow). Every
# rule file imports what it needs from dse_repro.workflow itself.
from dse_repro.pipeline.config import SCALES
from dse_repro.workflow import collected, figures


wildcard_constraints:
    scale="|".join(SCALES),
    table="|".join(collected()),
    fig="|".join(figures()),
