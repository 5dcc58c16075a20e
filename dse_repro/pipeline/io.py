"""The one way this project writes files: atomically (temp file in the target's directory with a
unique name, then ``os.replace``), so a killed job never leaves a half-written output, and the
temp file is removed on any exception. A write first removes the temp files a killed earlier
write of the same path left behind (a path is written by one job at a time).

Used by the study jobs (tidy CSVs), ``collect``, the summaries, the claims, the plots and the
training checkpoints.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

__all__ = ["atomic_write", "check_seal", "check_writable", "remove_stale_temps", "seal_path",
           "write_text", "write_tidy"]


def remove_stale_temps(path: str | os.PathLike) -> list[Path]:
    """Remove the temp files that interrupted writes of ``path`` left beside it (this module's
    ``.<name>.*.tmp`` and the older ``.<name>.tmp-<pid>`` / ``<name>.tmp`` forms); returns
    them."""
    path = Path(path)
    if not path.parent.is_dir():
        return []
    stale = [p for pattern in (f".{path.name}.*.tmp", f".{path.name}.tmp-*", f"{path.name}.tmp")
             for p in path.parent.glob(pattern) if p.is_file()]
    for p in stale:
        p.unlink(missing_ok=True)
    return stale


def check_writable(path: str | os.PathLike, name: str = "out") -> Path:
    """Raise a ValueError naming ``name`` now, before any compute, when ``path`` cannot be
    written (its folder cannot be made or takes no new file)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise ValueError(f"{name}={path} cannot be written: {err.strerror or err} "
                         f"({type(err).__name__})") from None
    if path.is_dir():
        raise ValueError(f"{name}={path} is a directory, not a file path")
    return path


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` to fill a fresh temp file beside ``path``, then rename it onto
    ``path`` (readable by all, like a normal file). On any exception the temp file is removed
    and the exception re-raised; ``path`` keeps its old content."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
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


def write_tidy(df: pd.DataFrame, path: str | os.PathLike, *, seal: bool = False) -> Path:
    """Write ``df`` as CSV to ``path`` atomically. Floats are written with 12 significant
    digits, so reruns are byte-identical. ``seal``: also write ``<path>.sha256`` (the file's
    SHA-256 and its number of rows), which :func:`check_seal` compares the file with."""
    def write(tmp: Path) -> None:
        with open(tmp, "w", newline="") as f:
            df.to_csv(f, index=False, float_format="%.12g")

    out = atomic_write(path, write)
    if seal:
        write_text(seal_path(out), f"{_sha256(out)} {len(df)}\n")
    return out


def seal_path(path: str | os.PathLike) -> Path:
    """Where the seal of a results file lives: ``<path>.sha256`` beside it."""
    path = Path(path)
    return path.with_name(path.name + ".sha256")


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_seal(path: str | os.PathLike) -> None:
    """A ValueError naming ``path`` when it is not the file its job wrote: its seal
    (``<path>.sha256``) names another SHA-256 -- a line cut, pasted, edited or deleted, even
    at a line boundary. Files without a seal (written by hand, or before seals) pass."""
    seal = seal_path(path)
    if not seal.is_file():
        return
    expected, _, rows = seal.read_text().strip().partition(" ")
    if _sha256(Path(path)) != expected:
        raise ValueError(f"{path} is not the file its job wrote ({rows} rows, sha256 "
                         f"{expected[:12]}...; it has been cut, edited or damaged): delete it to "
                         f"rerun the job, or delete {seal} if the edit is deliberate")
