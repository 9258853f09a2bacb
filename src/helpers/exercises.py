"""Exercise checkers that tell a learner *what* is wrong.

A checker takes the learner's answer and returns :class:`Feedback`: a verdict
plus specific messages (a wrong shape, a value off by how much, a missing edge
case). Chapter modules build their checkers from the primitives here, e.g.::

    def check_param_count(answer):
        return check_scalar(answer, expected=407_050, name="parameter count", exact=True)

In a notebook the returned object prints itself; ``bool(feedback)`` is the
verdict, so solutions can be asserted with ``assert check_...(answer)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Feedback", "check_scalar", "check_array", "combine"]


@dataclass
class Feedback:
    """The result of a checker: ``passed`` and human-readable ``messages``."""

    passed: bool
    messages: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        head = "✅ Correct." if self.passed else "❌ Not yet."
        return "\n".join([head, *("  - " + m for m in self.messages)])

    def __repr__(self) -> str:
        return str(self)


def combine(*results: Feedback) -> Feedback:
    """Merge several checks into one verdict (all must pass)."""
    for r in results:
        if not isinstance(r, Feedback):
            raise TypeError(f"combine takes Feedback objects (what checkers return), got {type(r).__name__}")
    messages = [m for r in results for m in r.messages]
    return Feedback(all(r.passed for r in results), messages)


def check_scalar(
    answer: Any,
    *,
    expected: float,
    name: str,
    exact: bool = False,
    rtol: float = 1e-6,
    atol: float = 0.0,
    hint: str = "",
) -> Feedback:
    """Compare a number with the expected value and say how far off it is."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        if isinstance(answer, np.ndarray) and answer.size == 1:
            answer = answer.item()
        else:
            return Feedback(False, [f"{name} should be a single number, got {type(answer).__name__}"])
    answer = float(answer)
    if not np.isfinite(answer):
        return Feedback(False, [f"{name} is {answer}; expected a finite number"])
    ok = answer == expected if exact else bool(np.isclose(answer, expected, rtol=rtol, atol=atol))
    if ok:
        return Feedback(True, [f"{name} = {answer:g}"])
    diff = answer - expected
    msg = f"{name} is {answer:g}, expected {expected:g} (off by {diff:+g}"
    if expected:
        msg += f", {diff / expected:+.1%}"
    msg += ")"
    return Feedback(False, [msg] + ([hint] if hint else []))


def check_array(
    answer: Any,
    *,
    expected: Any,
    name: str,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    hint: str = "",
) -> Feedback:
    """Compare an array with the expected one: type, shape, then values.

    On a mismatch, the message gives the largest difference and where it is.
    """
    expected = np.asarray(expected)
    try:
        arr = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, [f"{name} should be an array of numbers, got {type(answer).__name__}"])
    if arr.shape != expected.shape:
        msg = f"{name} has shape {arr.shape}, expected {expected.shape}"
        if arr.size == expected.size:
            msg += " (same number of entries: a reshape or transpose missing?)"
        return Feedback(False, [msg] + ([hint] if hint else []))
    if not np.all(np.isfinite(arr)):
        return Feedback(False, [f"{name} contains NaN or infinite values"])
    close = np.isclose(arr, expected, rtol=rtol, atol=atol)
    if close.all():
        return Feedback(True, [f"{name}: shape {arr.shape}, all values match"])
    diff = np.abs(arr - expected)
    where = np.unravel_index(int(np.argmax(diff)), arr.shape)
    msg = (f"{name}: {int((~close).sum())} of {arr.size} values differ; the largest difference is "
           f"{diff[where]:.3g} at index {tuple(int(i) for i in where)} "
           f"(got {arr[where]:.6g}, expected {expected[where]:.6g})")
    return Feedback(False, [msg] + ([hint] if hint else []))
