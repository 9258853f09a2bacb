"""One reading of training curves, shared by FAQ 1 (learning curves) and FAQ 6 (underfitting).

:func:`diagnose` reads a Keras ``History`` (or its ``.history`` dict) the way the book teaches,
in this order:

1. **Overfitting**: validation loss reached its minimum before the last epoch and has since
   risen by more than ``rise`` (relative) while training loss kept falling. The cure starts with
   stopping at the best epoch (``EarlyStopping(restore_best_weights=True)``).
2. **Still learning**: training loss fell by more than ``still_falling`` (relative) over the last
   epoch: the run is too short to judge; train longer before changing anything else.
3. **Underfitting**: training has levelled off, but training accuracy is below ``target``
   (when one is given): the model cannot fit even the data it sees (capacity, optimization or
   the input); fix that before worrying about generalization.
4. **Good fit** otherwise.

A gap between training and validation accuracy alone is a *generalization gap*, not a diagnosis:
every model that learns anything has one. The diagnosis reports it but does not act on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .validation import check_float

__all__ = ["Diagnosis", "diagnose", "LABELS"]

LABELS = ("overfitting", "still learning", "underfitting", "good fit")


@dataclass(frozen=True)
class Diagnosis:
    """What the curves say, with the numbers behind it."""

    label: str
    reason: str
    best_epoch: int          # 1-based epoch of the lowest validation loss
    epochs: int
    val_loss_rise: float     # relative rise of validation loss from its minimum to the last epoch
    last_train_drop: float   # relative fall of training loss over the last epoch
    train_accuracy: float | None
    gap: float | None        # final training accuracy minus final validation accuracy

    def __str__(self) -> str:
        return f"{self.label}: {self.reason}"


def _curves(history: Any) -> Mapping[str, Sequence[float]]:
    curves = getattr(history, "history", history)
    if not isinstance(curves, Mapping):
        raise TypeError(f"history must be a Keras History or its .history dict, got {type(history).__name__}")
    for key in ("loss", "val_loss"):
        if key not in curves:
            raise ValueError(f"history needs '{key}' per epoch (train with validation data); it has {sorted(curves)}")
    n = len(curves["loss"])
    if n < 2 or len(curves["val_loss"]) != n:
        raise ValueError("history needs at least two epochs of 'loss' and 'val_loss', of the same length")
    for key in ("loss", "val_loss"):
        if not np.all(np.isfinite(np.asarray(curves[key], dtype=float))):
            raise ValueError(f"history['{key}'] contains NaN or infinite values: the training diverged")
    return curves


def diagnose(history: Any, *, target: float | None = None, rise: float = 0.05,
             still_falling: float = 0.03) -> Diagnosis:
    """Read the curves of one run (see the module): overfitting, still learning, underfitting or a good fit."""
    curves = _curves(history)
    rise = check_float(rise, "rise", minimum=0.0, maximum=1.0)
    still_falling = check_float(still_falling, "still_falling", minimum=0.0, maximum=1.0)
    if target is not None:
        target = check_float(target, "target", minimum=0.0, maximum=1.0)
    loss = np.asarray(curves["loss"], dtype=float)
    val = np.asarray(curves["val_loss"], dtype=float)
    best = int(np.argmin(val))
    val_rise = float((val[-1] - val[best]) / max(val[best], 1e-12))
    drop = float((loss[-2] - loss[-1]) / max(loss[-2], 1e-12))
    acc = curves.get("accuracy")
    train_acc = float(acc[-1]) if acc is not None else None
    val_acc = curves.get("val_accuracy")
    gap = float(acc[-1] - val_acc[-1]) if acc is not None and val_acc is not None else None
    common = dict(best_epoch=best + 1, epochs=len(loss), val_loss_rise=val_rise, last_train_drop=drop,
                  train_accuracy=train_acc, gap=gap)
    if best < len(val) - 1 and val_rise > rise and loss[-1] < loss[best]:
        return Diagnosis("overfitting", f"validation loss was lowest at epoch {best + 1} and has risen "
                         f"{val_rise:.0%} since, while training loss kept falling", **common)
    if drop > still_falling:
        return Diagnosis("still learning", f"training loss fell {drop:.0%} in the last epoch: train longer "
                         "before judging", **common)
    if target is not None and train_acc is not None and train_acc < target:
        return Diagnosis("underfitting", f"training has levelled off at accuracy {train_acc:.3f}, below the "
                         f"target {target:.3f}: the model cannot fit the data it sees", **common)
    return Diagnosis("good fit", "validation loss has not risen and training has levelled off", **common)
