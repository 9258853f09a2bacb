"""Argument checks shared by all helpers.

Helpers are called by learners, so bad input must fail early with a message
that names the argument and says what was expected, instead of a numpy
traceback ten frames deep. Each function returns the checked (and possibly
converted) value, so it can be used inline::

    x = as_array(x, "x", ndim=2)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["as_array", "check_int", "check_float", "check_choice", "check_same_length", "check_features_labels"]


def _type_name(value: Any) -> str:
    return type(value).__name__


def as_array(
    value: Any,
    name: str,
    *,
    ndim: int | Iterable[int] | None = None,
    shape: tuple[int | None, ...] | None = None,
    dtype: Any = float,
    finite: bool = True,
) -> np.ndarray:
    """Convert ``value`` to a numpy array and check its rank, shape and values.

    Parameters
    ----------
    value: anything array-like (list, tuple, numpy array, tensor).
    name: the argument's name, used in error messages.
    ndim: required number of dimensions (an int or a collection of allowed ints).
    shape: required shape; ``None`` entries match any size.
    dtype: dtype to convert to (``None`` keeps the input's dtype).
    finite: if true, reject NaN and infinity.

    Raises
    ------
    TypeError: ``value`` is not numeric / array-like.
    ValueError: wrong rank, shape, or non-finite values.
    """
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be array-like numbers, got {_type_name(value)}")
    try:
        arr = np.asarray(value) if dtype is None else np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like numbers, got {_type_name(value)} ({exc})") from None
    if arr.dtype == object:
        raise TypeError(f"{name} must be a regular array of numbers (ragged or object input given)")
    if ndim is not None:
        allowed = {ndim} if isinstance(ndim, int) else set(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(n) for n in sorted(allowed))
            raise ValueError(f"{name} must have {want} dimension(s), got shape {arr.shape}")
    if shape is not None:
        ok = arr.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, arr.shape))
        if not ok:
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if finite and np.issubdtype(arr.dtype, np.number) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def check_int(value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Check that ``value`` is an integer (not a bool) within ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {_type_name(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_float(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
) -> float:
    """Check that ``value`` is a finite real number within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {_type_name(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if minimum is not None:
        if strict_minimum and value <= minimum:
            raise ValueError(f"{name} must be > {minimum}, got {value}")
        if not strict_minimum and value < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_choice(value: Any, name: str, choices: Iterable[Any]) -> Any:
    """Check that ``value`` is one of ``choices``; the error lists the valid ones."""
    choices = tuple(choices)
    if value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"unknown {name} {value!r}; valid choices are: {valid}")
    return value


def check_same_length(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Check that two arrays have the same number of rows (examples)."""
    if len(a) != len(b):
        raise ValueError(f"{name_a} and {name_b} must have the same length, got {len(a)} and {len(b)}")


def check_features_labels(x: Any, y: Any, name_x: str = "x", name_y: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """Check a design matrix and its integer labels: ``x`` of shape (n, features), ``y`` of shape (n,).

    Returns ``x`` as float32 and ``y`` unchanged; raises a clear error for a wrong rank,
    non-integer labels, different lengths or no examples.
    """
    x = as_array(x, name_x, ndim=2, dtype="float32")
    y = as_array(y, name_y, ndim=1, dtype=None)
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name_y} must hold integer class labels, got dtype {y.dtype}")
    check_same_length(x, y, name_x, name_y)
    if len(x) == 0:
        raise ValueError(f"{name_x} is empty")
    return x, y
