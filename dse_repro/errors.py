"""The base of every error dse_repro raises on purpose (``except DseReproError`` catches them
all); each specific error also derives from the built-in it refines (``ConfigError`` is a
``ValueError``, ``DatasetNotFoundError`` a ``FileNotFoundError`` ...). The library
(:mod:`dse_repro.measures`) raises plain ``ValueError`` / ``TypeError`` and imports nothing
from here, so that it stands alone."""
from __future__ import annotations


class DseReproError(Exception):
    """An error of the dse_repro pipeline or tools with a message meant for the user."""
