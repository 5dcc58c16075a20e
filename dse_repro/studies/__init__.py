"""One Hydra entry point per study: ``python -m dse_repro.studies.<name> scale=... out=...``.

Each writes one tidy (long-format) CSV to ``out``, atomically.
"""
