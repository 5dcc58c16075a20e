"""Input checks shared by every estimator.

Every public estimator funnels its arguments through these helpers so that bad input fails
early with a ``ValueError``/``TypeError`` naming the argument, never with a NaN or a
traceback from deep inside LAPACK, scikit-learn or NPEET.
"""
from __future__ import annotations

import numbers
import sys
from typing import Any

import numpy as np


def is_torch(x: Any) -> bool:
    """True if ``x`` is a ``torch.Tensor``.

    torch is not imported for this (a tensor can only exist once torch is imported), so the
    numpy-only paths of the library start without torch's ~2 s import.
    """
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def check_numeric_array(x: Any, name: str, *, allow_bool: bool = True) -> Any:
    """Return ``x`` as a numpy array or torch tensor with a numeric dtype.

    Raises ``TypeError`` for non-array-like input or non-numeric dtypes (strings,
    objects, complex numbers) and ``ValueError`` for empty input.
    """
    if x is None:
        raise TypeError(f"{name} must be an array or tensor, got None")
    if is_torch(x):
        if x.device.type == "meta" or x.layout != _torch_strided():
            raise TypeError(f"{name} must hold data (a dense tensor on a CPU or GPU), got a "
                            f"{x.layout} tensor on the {x.device.type!r} device")
        # A tensor from inside a training loop: measure its values, never its graph.
        x = x.detach()
        if x.is_complex() or not (x.is_floating_point() or _torch_is_intlike(x)):
            raise TypeError(f"{name} must have a real numeric dtype, got {x.dtype}")
        if x.numel() == 0:
            raise ValueError(f"{name} is empty (shape {tuple(x.shape)})")
        return x
    if isinstance(x, (str, bytes, dict, set)):
        raise TypeError(f"{name} must be an array or tensor, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged lists, etc.
        raise TypeError(f"{name} could not be converted to a numeric array: {err}") from None
    if arr.dtype == bool and allow_bool:
        arr = arr.astype(np.int64)
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must have a real numeric dtype, got {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    return arr


def _torch_strided() -> Any:
    import torch

    return torch.strided


def _torch_is_intlike(x: Any) -> bool:
    import torch

    return x.dtype in (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8,
                       torch.bool)


def check_finite(x: Any, name: str) -> None:
    """Raise ``ValueError`` if ``x`` holds NaN or infinity."""
    if is_torch(x):
        import torch

        ok = bool(torch.isfinite(x).all()) if x.is_floating_point() else True
    else:
        ok = bool(np.isfinite(x).all()) if np.issubdtype(x.dtype, np.floating) else True
    if not ok:
        raise ValueError(f"{name} contains NaN or infinite values")


def check_points(x: Any, name: str, *, min_points: int = 2, keep_float32: bool = False) -> Any:
    """Validate a point cloud of shape ``(n, D)`` (a 1-D input is read as ``(n, 1)``).

    Returns a float64 numpy array, or a floating torch tensor on the input's device;
    ``keep_float32``: a float32 numpy array is returned as it is (no float64 copy), for callers
    that cast it in blocks themselves.
    """
    x = check_numeric_array(x, name)
    if x.ndim == 1:
        x = x.reshape(-1, 1)
    if x.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_points, n_dims), got shape {tuple(x.shape)}")
    check_finite(x, name)
    if x.shape[0] < min_points:
        raise ValueError(f"{name} needs at least {min_points} points, got {x.shape[0]}")
    if is_torch(x):
        if not x.is_floating_point():
            return x.double()
        # half precisions (bfloat16, float16) have no numpy type and too few digits for the
        # kernel: compute in float32 at least (``precision=`` chooses float32 or float64)
        return x.float() if x.element_size() < 4 else x
    if keep_float32 and x.dtype == np.float32:
        return x
    return np.ascontiguousarray(x, dtype=np.float64)


def check_same_length(a: Any, a_name: str, b: Any, b_name: str) -> None:
    """Raise ``ValueError`` if the first dimensions of ``a`` and ``b`` differ."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{a_name} and {b_name} must have the same number of points, "
            f"got {a.shape[0]} and {b.shape[0]}"
        )


def check_positive_real(value: Any, name: str) -> float:
    """Return ``value`` as a float, requiring a finite number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def check_int(value: Any, name: str, *, minimum: int, maximum: int | None = None) -> int:
    """Return ``value`` as an int in ``[minimum, maximum]``.

    Accepts Python and numpy integers and integral floats (``2.0``); rejects bools and
    non-integral numbers with ``TypeError``/``ValueError``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if not float(value).is_integer():
        raise ValueError(f"{name} must be an integer, got {value}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def unit_exponent(m: float, limit_exp: int) -> int | None:
    """The ``k`` for which ``m * 2**k`` is near 1, when ``m`` (a largest |value|) lies outside
    ``[2**-limit_exp, 2**limit_exp]``; None when ``m`` is 0 or inside (nothing to rescale)."""
    if m == 0.0 or 2.0 ** -limit_exp <= m <= 2.0 ** limit_exp:
        return None
    return -round(np.log2(m))


def unit_scale(x: np.ndarray, limit_exp: int = 200) -> np.ndarray:
    """``x`` times the power of two that brings its largest |value| near 1, when that value
    lies outside ``[2**-limit_exp, 2**limit_exp]`` (else ``x`` itself). Exact, so estimators
    that do not depend on the scale of their input give the same value at any scale, while
    data of ordinary scale are not touched."""
    k = unit_exponent(float(np.abs(x).max()) if x.size else 0.0, limit_exp)
    return x if k is None else np.ldexp(x, k)


def standardise(x: np.ndarray) -> np.ndarray:
    """Every column centred and scaled to unit variance (a constant column centred only),
    computed after :func:`unit_scale` so that no scale overflows."""
    x = unit_scale(np.asarray(x, dtype=np.float64), limit_exp=0)
    x = x - x.mean(axis=0, keepdims=True)
    sd = x.std(axis=0, keepdims=True)
    return x / np.where(sd > 0, sd, 1.0)


def to_numpy(x: Any) -> np.ndarray:
    """Detach a tensor (any device) to numpy; pass numpy arrays through."""
    if is_torch(x):
        x = x.detach().cpu()
        return (x.float() if x.is_floating_point() and x.element_size() < 4 else x).numpy()
    return np.asarray(x)


def check_ts(ts: Any) -> list[int]:
    """Diffusion times as a non-empty list of integers >= 1 (a scalar becomes one time)."""
    ts = [ts] if np.isscalar(ts) or isinstance(ts, bool) else list(ts)
    if not ts:
        raise ValueError("ts is empty")
    return [check_int(t, "t", minimum=1) for t in ts]


def check_sq_distances(S: np.ndarray, name: str) -> None:
    """A ValueError unless ``S`` (finite, numpy) looks like squared Euclidean distances: square,
    a zero diagonal, no negative entry, symmetric up to rounding (relative 1e-6 of the largest
    entry, which a float32 Gram product stays within). ``name`` names it in the message, e.g.
    ``"Z with precomputed=True"``."""
    if S.ndim != 2 or S.shape[0] != S.shape[1]:
        raise ValueError(f"{name} must be a square (n, n) matrix of squared distances, got "
                         f"shape {tuple(S.shape)}")
    if np.any(np.diag(S) != 0):
        raise ValueError(f"{name} must have a zero diagonal (squared distances of each point "
                         "to itself); got a point cloud or a similarity matrix?")
    if np.any(S < 0):
        raise ValueError(f"{name} must hold squared distances >= 0; it has negative entries "
                         f"(min {float(S.min()):.3g})")
    scale = float(S.max()) if S.size else 0.0
    for s in range(0, S.shape[0], 2048):  # row blocks right of the diagonal block against
        e = s + 2048                        # their column blocks: no second n x n matrix
        if np.any(np.abs(S[s:e, s:] - S[s:, s:e].T) > 1e-6 * scale):
            raise ValueError(f"{name} must be symmetric (squared distances); rows {s}.. "
                             "differ from their columns")
