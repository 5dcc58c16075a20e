"""``dse-repro measure``: DSE, DSMI and the cheap competitors of embeddings you already have
(``dse-repro doctor``: the preflight of :mod:`dse_repro.tools.doctor`).

    dse-repro measure Z.npy --labels y.npy --inputs X.npz:images --t 1 3 \\
        --sigma 10 median knn --out measures.csv

Reads ``.npy``, ``.npz`` (``file.npz:key`` picks an array; a file with one array needs no key),
``.pt`` (a tensor, or ``file.pt:key`` in a dict of tensors) and ``.csv`` (numbers only; a first line
that is not all numbers is a header and skipped). Embeddings ``Z`` are ``(n, D)``; labels ``(n,)``
class labels (integers, or class names such as ``cat``: numbered in sorted order, and said so);
inputs ``(n, ...)`` vectors (flattened, spectrally clustered into ``--n-clusters`` for DSMI(Z; X)).
Computes, per diffusion time ``t`` and kernel width ``sigma`` (a number in Z's units, or ``knn`` --
the default --, ``knn_median``, ``median``): ``DSE_Z`` (bits), ``DSMI_ZY`` with labels and
``DSMI_ZX`` with inputs (bits); once: ``rankme``, ``alpha_req`` (unitless) and, with labels,
``knn_acc`` (fraction). Prints a table and writes ``--out`` (``.csv`` or ``.json``) atomically. A
bad file, key or shape is one line naming it (exit code 2); nothing is written then.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from dse_repro.errors import DseReproError
from dse_repro.measures.bandwidth import DEFAULT_SIGMA, POLICIES
from dse_repro.tools.embedding_measures import MEASURE_UNITS

#: The measures ``--measures`` may name (default: every one the given files allow).
MEASURES = tuple(MEASURE_UNITS)
#: Show a progress bar from this many points on.
PROGRESS_FROM = 5000


class CLIError(DseReproError):
    """A one-line user error (bad file, key, shape or option)."""


def _split(spec: str) -> tuple[Path, str | None]:
    """``file.npz:key`` / ``file.pt:key`` -> (path, key); anything else -> (path, None)."""
    head, sep, key = spec.rpartition(":")
    if sep and Path(head).suffix.lower() in (".npz", ".pt"):
        return Path(head), key or None
    return Path(spec), None


def load_array(spec: str, what: str, rows: int | None = None,
               names: bool = False) -> tuple[np.ndarray, str]:
    """The array in ``spec`` (see the module docstring) as float64 or integer numpy, and a line
    saying what was read (shape, dtype, file, key, a CSV's header); ``rows``: how many rows it
    must have, if known (settles whether a CSV's first line is a header); ``names``: a column
    of strings (class names) is allowed too."""
    header = ""
    path, key = _split(spec)
    if not path.is_file():
        raise CLIError(f"{what}: no such file: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            arr = np.load(path, allow_pickle=False)
        elif suffix == ".npz":
            with np.load(path, allow_pickle=False) as f:
                keys = list(f.keys())
                if key is None and len(keys) != 1:
                    raise CLIError(f"{what}: {path} holds {len(keys)} arrays ({', '.join(keys)}); "
                                   f"name one as {path}:<key>")
                if key is not None and key not in keys:
                    raise CLIError(f"{what}: {path} has no array {key!r} (it has "
                                   f"{', '.join(keys)})")
                arr = f[key or keys[0]]
        elif suffix == ".pt":
            import torch

            obj = torch.load(path, map_location="cpu", weights_only=True)
            if isinstance(obj, dict):
                tensors = {k: v for k, v in obj.items() if isinstance(v, torch.Tensor)}
                if key is None and len(obj) != 1:
                    # a dict of several entries (tensors, nested dicts, ...) is ambiguous:
                    # never pick the one tensor among them silently
                    raise CLIError(f"{what}: {path} holds a dict of {len(obj)} entries "
                                   f"({', '.join(map(str, obj))}); name the tensor as "
                                   f"{path}:<key>")
                if key is not None and key not in tensors:
                    raise CLIError(f"{what}: {path} has no tensor {key!r} (its tensors: "
                                   f"{', '.join(map(str, tensors)) or 'none'})")
                key = key if key is not None else next(iter(obj))
                obj = obj[key]
            elif key is not None:
                raise CLIError(f"{what}: {path} holds one {type(obj).__name__}, not a dict: "
                               f"it has no key {key!r} (drop ':{key}')")
            if not isinstance(obj, torch.Tensor):
                raise CLIError(f"{what}: {path} holds a {type(obj).__name__}, not a tensor")
            arr = obj.detach().cpu().numpy()
        elif suffix == ".csv":
            arr, header = _read_csv(path, rows, names)
        else:
            raise CLIError(f"{what}: {path}: unknown format {suffix or '(no suffix)'} "
                           "(.npy, .npz, .pt, .csv)")
    except CLIError:
        raise
    except Exception as err:  # noqa: BLE001 - any reader failure is the file's fault
        raise CLIError(f"{what}: cannot read {path} ({type(err).__name__}: "
                       f"{str(err).splitlines()[0] if str(err) else ''})") from None
    if arr.dtype.kind not in "biuf" and not (names and arr.dtype.kind in "US"):
        raise CLIError(f"{what}: {path} holds {arr.dtype} values, not numbers")
    if arr.size == 0:
        raise CLIError(f"{what}: {path} is empty")
    said = (f"{what}: read {' x '.join(map(str, arr.shape))} {arr.dtype} from {path}"
            + (f", key {key!r}" if key is not None else "") + (f" ({header})" if header else ""))
    return arr, said


def _read_csv(path: Path, rows: int | None = None,
              names: bool = False) -> tuple[np.ndarray, str]:
    """Numbers of a CSV file. The first line is a header when it is not all numbers, or when it
    is exactly ``0,1,...,D-1`` -- the header pandas writes for an unnamed frame
    (``pd.DataFrame(Z).to_csv(index=False)``). For one column (``0``: a header or a first value
    0?) the expected number of ``rows`` decides; without it, or when neither fits, the file is
    refused: write it without a header or with a named one. With ``names``, one column of
    words (class names; no number below the first line) is returned as strings, its first line
    a header when the file has one row more than ``rows``. Returns the values and what was
    made of the first line ("" when it was data)."""
    import pandas as pd

    df = pd.read_csv(path, header=None, dtype=str, keep_default_na=False)
    if names and rows is not None and df.shape[1] == 1:
        words = pd.to_numeric(df.iloc[1:, 0], errors="coerce").isna()
        if len(df) > 1 and words.all():
            if len(df) == rows + 1:
                return df.iloc[1:, 0].to_numpy(dtype=str), "header line skipped; class names"
            return df.iloc[:, 0].to_numpy(dtype=str), "class names"
    first = pd.to_numeric(df.iloc[0], errors="coerce")
    if first.isna().any():
        header = "header line skipped"
    elif df.shape[1] >= 2 and list(df.iloc[0]) == [str(i) for i in range(df.shape[1])]:
        header = "first line 0,1,...,D-1 read as pandas' column header"
    elif df.shape[1] == 1 and df.iloc[0, 0] == "0" and rows != len(df):
        if rows is None or rows != len(df) - 1:
            raise CLIError(f"{path}: a one-column file starting with a line '0' is ambiguous "
                           "(the header pandas writes, or a first value 0); write it with "
                           "header=False or a named header")
        header = "first line 0 read as pandas' column header (one row more than embeddings)"
    else:
        header = ""
    if header:
        df = df.iloc[1:]
    values = df.apply(pd.to_numeric, errors="coerce")
    if values.isna().any().any():
        row, col = np.argwhere(values.isna().to_numpy())[0]
        raise CLIError(f"{path}: line {row + 1 + bool(header)}, column {col + 1} is not a "
                       "number")
    arr = values.to_numpy()
    return (arr[:, 0] if arr.shape[1] == 1 else arr), header


def _width(text: str) -> float | str:
    if text in POLICIES:
        return text
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"sigma must be a positive number or one of "
                                         f"{', '.join(POLICIES)}, got {text!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"sigma must be a positive number, got {text!r}")
    return value


def _table(rows: list[dict]) -> str:
    lines = [f"{'measure':<10} {'t':>3} {'sigma':>8} {'value':>10}  unit"]
    for r in rows:
        t = "" if r["t"] is None else str(r["t"])
        sigma = "" if r["sigma"] is None else (f"{r['sigma']:g}" if isinstance(r["sigma"], float)
                                               else r["sigma"])
        lines.append(f"{r['measure']:<10} {t:>3} {sigma:>8} {r['value']:>10.4f}  {r['unit']}")
    return "\n".join(lines)


def _write(rows: list[dict], out: Path) -> None:
    """``rows`` to ``out`` atomically: JSON, or CSV as every tidy table (:func:`write_tidy`)."""
    from dse_repro.pipeline.io import write_text, write_tidy

    if out.suffix.lower() == ".json":
        write_text(out, json.dumps(rows, indent=1) + "\n")
    else:
        import pandas as pd

        write_tidy(pd.DataFrame(rows, columns=["measure", "t", "sigma", "value", "unit"]), out)


def measure(args: argparse.Namespace) -> int:
    Z, said_z = load_array(args.embeddings, "embeddings")
    read = [said_z]  # printed once every input is valid (an error stays one line)
    if Z.ndim == 1:
        Z = Z[:, None]
    if Z.ndim != 2:
        raise CLIError(f"embeddings: {args.embeddings} has shape {Z.shape}; expected (n, D)")
    Z = Z.astype(np.float64)
    if not np.isfinite(Z).all():
        raise CLIError(f"embeddings: {args.embeddings} holds NaN or infinite values")
    n = Z.shape[0]
    labels = inputs = None
    if args.labels:
        labels, said = load_array(args.labels, "labels", n, names=True)
        read.append(said)
        labels = labels.reshape(-1) if labels.ndim == 2 and 1 in labels.shape else labels
        if labels.ndim != 1 or labels.shape[0] != n:
            raise CLIError(f"labels: {args.labels} has shape {labels.shape}; expected ({n},) "
                           f"for {n} embeddings")
        if labels.dtype.kind in "US":  # class names: numbered in sorted order
            classes, labels = np.unique(labels, return_inverse=True)
            shown = ", ".join(f"{i} = {c}" for i, c in enumerate(classes[:10]))
            read.append(f"labels: {len(classes)} class names ({shown}"
                        + (", ..." if len(classes) > 10 else "") + ")")
        if labels.dtype.kind == "f" and not np.all(labels == np.round(labels)):
            raise CLIError(f"labels: {args.labels} holds non-integer values; labels are classes")
        labels = labels.astype(np.int64)
    if args.inputs:
        inputs, said = load_array(args.inputs, "inputs", n)
        read.append(said)
        if inputs.shape[0] != n:
            raise CLIError(f"inputs: {args.inputs} has {inputs.shape[0]} rows; expected {n}")
        inputs = inputs.reshape(n, -1).astype(np.float64)
    allowed = {"DSE_Z", "rankme", "alpha_req"} | ({"DSMI_ZY", "knn_acc"} if labels is not None
                                                  else set()) | (
        {"DSMI_ZX"} if inputs is not None else set())
    wanted = args.measures or [m for m in MEASURES if m in allowed]
    missing = [m for m in wanted if m not in allowed]
    if missing:
        raise CLIError(f"--measures {' '.join(missing)} need "
                       f"{'--labels' if {'DSMI_ZY', 'knn_acc'} & set(missing) else '--inputs'}")
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".csv", ".json"):
        raise CLIError(f"--out {out}: write .csv or .json")
    if out is not None:  # before any compute, as the study jobs do
        from dse_repro.pipeline.io import check_writable

        try:
            check_writable(out, "--out")
        except ValueError as err:
            raise CLIError(str(err)) from None
    from dse_repro.tools.embedding_measures import measure_rows

    for line in read:
        print(line, file=sys.stderr)
    skipped: dict[str, str] = {}
    try:
        rows = measure_rows(Z, labels, inputs, args.t, args.sigma, wanted, k=args.k,
                            n_clusters=args.n_clusters, seed=args.seed,
                            progress=n >= PROGRESS_FROM, skipped=skipped)
    except (ValueError, TypeError) as err:
        raise CLIError(str(err).splitlines()[0]) from None
    for name, reason in skipped.items():
        print(f"{name}: not computed ({reason})", file=sys.stderr)
    print(_table(rows))
    if out is not None:
        _write(rows, out)
        print(f"wrote {len(rows)} rows to {out}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="dse-repro", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="measure embeddings you already have",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    m.add_argument("embeddings", help="Z, (n, D): .npy, .npz[:key], .pt[:key] or .csv")
    m.add_argument("--labels", help="class labels (n,) for DSMI(Z; Y) and k-NN accuracy")
    m.add_argument("--inputs", help="inputs X (n, ...) for DSMI(Z; X)")
    m.add_argument("--measures", nargs="+", choices=MEASURES,
                   help="which (default: all that the given files allow)")
    m.add_argument("--t", nargs="+", type=int, default=[1], help="diffusion times (default 1)")
    m.add_argument("--sigma", nargs="+", type=_width, default=[DEFAULT_SIGMA],
                   help=f"kernel widths: numbers (units of Z; the paper: 10), "
                        f"{', '.join(POLICIES)} (default {DEFAULT_SIGMA})")
    m.add_argument("--k", type=int, default=7, help="neighbour of the knn width (default 7)")
    m.add_argument("--n-clusters", type=int, default=10,
                   help="clusters of the inputs for DSMI(Z; X) (default 10)")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--out", help="write the rows here (.csv or .json)")
    from dse_repro.tools import doctor

    d = sub.add_parser("doctor", help="preflight: device, data, weights, SLURM",
                       description=doctor.__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    d.add_argument("--scale", default="laptop", choices=["smoke", "laptop", "paper"])
    d.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. paths.data_root=/data")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: exit 0 (done), 1 (``doctor``: the scale cannot run), 2 (a usage or
    input error, one line on stderr)."""
    try:
        return _main(argv)
    except BrokenPipeError:  # the reader stopped early (``dse-repro measure ... | head``)
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return 0


def _main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "doctor":
        from dse_repro.tools.doctor import doctor, table

        try:
            rows = doctor(args.scale, args.overrides)
        except Exception as err:  # noqa: BLE001 - a bad override or a missing checkout
            print(f"dse-repro: error: doctor: {str(err).splitlines()[0] if str(err) else ''} "
                  f"({type(err).__name__})", file=sys.stderr)
            return 2
        print(table(rows))
        failed = [c for c, s, _ in rows if s == "FAIL"]
        print(f"scale={args.scale}: " + ("ready" if not failed else
                                          f"cannot run ({', '.join(failed)})"))
        return 1 if failed else 0
    try:
        if any(t < 1 for t in args.t):
            raise CLIError(f"--t: diffusion times are integers >= 1, got {args.t}")
        return measure(args)
    except CLIError as err:
        print(f"dse-repro: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
