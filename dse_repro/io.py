"""The one way this project writes files: atomically (temp file in the target's directory with a
unique name, then ``os.replace``), so a killed job never leaves a half-written output, and the
temp file is removed on any exception.

Used by the study jobs (tidy CSVs), ``collect``, the summaries, the claims, the plots and the
training checkpoints.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd

__all__ = ["atomic_write", "write_text", "write_tidy"]


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` to fill a fresh temp file beside ``path``, then rename it onto
    ``path`` (readable by all, like a normal file). On any exception the temp file is removed
    and the exception re-raised; ``path`` keeps its old content."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_tidy(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``df`` as CSV to ``path`` atomically. Floats are written with 12 significant
    digits, so reruns are byte-identical."""
    def write(tmp: Path) -> None:
        with open(tmp, "w", newline="") as f:
            df.to_csv(f, index=False, float_format="%.12g")

    return atomic_write(path, write)
