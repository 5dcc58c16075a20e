"""What a claim's check may raise besides its verdict (see :mod:`.core`)."""
from __future__ import annotations

from dse_repro.errors import DseReproError


class PremiseAbsent(ValueError):
    """Raised by a check whose claim presupposes something the results do not show (e.g. two
    initialisations whose DSE at init differs): the claim is not tested at this scale."""


class NotMeasured(LookupError):
    """Raised by a check when the results do not hold what it reads (a data set, method,
    estimator or sweep that this scale did not run; too few points to rank): ``not run``."""


class ClaimCheckError(DseReproError, RuntimeError):
    """A claim's check failed on its results for another reason than :class:`NotMeasured` or
    :class:`PremiseAbsent`: the results are malformed or the check has a bug."""
