"""FAQ 1, "What do learning curves look like, and how do you read them?".

Two kinds of learning curve, both measured on real MNIST digits with plain Keras:

- **curves against epochs** (training and validation loss and accuracy): :func:`train_curves`
  builds Chapter 5's network (:func:`build_model`), trains it with ``model.fit(...,
  validation_data=...)`` and returns the ``History`` dictionary, which the shared
  :func:`helpers.plotting.plot_history` draws and the shared :func:`helpers.diagnosis.diagnose`
  reads (the one diagnosis rule of the book, used by FAQ 6 as well);
- **curves against training-set size** (:func:`size_run`, :func:`size_curve`,
  :func:`plot_size_curve`): the same model trained on more and more examples, each size trained
  to convergence (early stopping on validation loss, best weights restored), over several seeds.

The exercise checkers (:func:`check_diagnosis`, :func:`check_early_stop`,
:func:`check_epoch_gaps`) explain what a wrong answer missed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from . import experiments
from .diagnosis import LABELS, diagnose
from .exercises import Feedback, check_array, check_scalar, combine
from .plotting import PALETTE
from .runtime import quiet_tensorflow
from .validation import check_choice, check_features_labels, check_int

__all__ = [
    "build_model",
    "train_curves",
    "size_run",
    "SizeCurve",
    "size_curve",
    "plot_size_curve",
    "check_diagnosis",
    "check_early_stop",
    "check_epoch_gaps",
]


def build_model(hidden_units: int = 128, *, inputs: int = 784) -> Any:
    """Chapter 5's network: ``Dense(hidden_units, relu)`` then ``Dense(10, softmax)``, compiled with Adam."""
    quiet_tensorflow()
    import keras

    hidden_units = check_int(hidden_units, "hidden_units", minimum=1)
    model = keras.Sequential([
        keras.Input(shape=(check_int(inputs, "inputs", minimum=1),)),
        keras.layers.Dense(hidden_units, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train_curves(x: Any, y: Any, x_val: Any, y_val: Any, *, hidden_units: int = 128, epochs: int = 10,
                 batch_size: int = 64, seed: int = 0) -> dict[str, list[float]]:
    """Train a fresh :func:`build_model` network and return its per-epoch curves (``History.history``).

    ``x`` are flattened images (``float32``, shape ``(n, 784)``), ``y`` integer labels. The result
    has ``loss``, ``accuracy``, ``val_loss`` and ``val_accuracy``, one value per epoch.
    """
    import keras

    x, y = check_features_labels(x, y, "x", "y")
    x_val, y_val = check_features_labels(x_val, y_val, "x_val", "y_val")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model = build_model(hidden_units, inputs=x.shape[1])
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_data=(x_val, y_val), verbose=0)
    return {key: [float(v) for v in values] for key, values in history.history.items()}


def size_run(x: Any, y: Any, x_val: Any, y_val: Any, n: int, *, seed: int = 0, hidden_units: int = 128,
             batch_size: int | None = None, max_epochs: int = 200, patience: int = 5) -> dict[str, float]:
    """Train on the first ``n`` examples until validation loss stops improving; measure the best weights.

    ``EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)`` ends each
    run, so every size is trained to (its own) convergence rather than for a fixed budget that
    would leave the large sets undertrained. The mini-batch is 64 examples, or ``n // 10`` for
    small sets, so that every epoch makes at least about 10 updates. Returns training accuracy and
    loss on the ``n`` examples, validation accuracy and loss, and the number of epochs run.
    """
    import keras

    x, y = check_features_labels(x, y, "x", "y")
    x_val, y_val = check_features_labels(x_val, y_val, "x_val", "y_val")
    n = check_int(n, "n", minimum=10, maximum=len(x))
    batch_size = min(64, n // 10) if batch_size is None else check_int(batch_size, "batch_size", minimum=1)
    max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
    patience = check_int(patience, "patience", minimum=1)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model = build_model(hidden_units, inputs=x.shape[1])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    history = model.fit(x[:n], y[:n], epochs=max_epochs, batch_size=batch_size, validation_data=(x_val, y_val),
                        callbacks=[stop], verbose=0)
    scores = experiments.measure(model, (x[:n], y[:n]), (x_val, y_val))
    return {**scores, "epochs": float(len(history.history["loss"]))}


@dataclass(frozen=True)
class SizeCurve:
    """One :class:`helpers.experiments.Runs` per training-set size, all on the same seeds."""

    sizes: np.ndarray
    runs: tuple[experiments.Runs, ...]

    def mean(self, metric: str) -> np.ndarray:
        """The mean over seeds of ``metric`` at every size."""
        return np.array([r.mean(metric) for r in self.runs])

    @property
    def train_accuracy(self) -> np.ndarray:
        return self.mean("train_accuracy")

    @property
    def val_accuracy(self) -> np.ndarray:
        return self.mean("val_accuracy")

    @property
    def gap(self) -> np.ndarray:
        """Training minus validation accuracy, per size (means over seeds)."""
        return self.train_accuracy - self.val_accuracy


def size_curve(x: Any, y: Any, x_val: Any, y_val: Any, sizes: Sequence[int], *, seeds: Sequence[int] = range(5),
               **settings: Any) -> SizeCurve:
    """:func:`size_run` for every size in ``sizes`` and every seed (``experiments.run``), paired by seed."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) == 0:
        raise TypeError("sizes must be a non-empty list of integers")
    sizes_ = [check_int(n, "size", minimum=10, maximum=len(x)) for n in sizes]
    if sorted(sizes_) != sizes_ or len(set(sizes_)) != len(sizes_):
        raise ValueError(f"sizes must be strictly increasing, got {sizes_}")
    seeds = list(seeds)
    runs = tuple(experiments.run(lambda seed, n=n: size_run(x, y, x_val, y_val, n, seed=seed, **settings),
                                 seeds, name=f"{n:,} examples") for n in sizes_)
    return SizeCurve(np.array(sizes_), runs)


def plot_size_curve(curve: SizeCurve, *, title: str = "Accuracy against training-set size") -> plt.Figure:
    """Training and validation accuracy against the number of training examples (log x axis), every seed shown."""
    if not isinstance(curve, SizeCurve):
        raise TypeError(f"curve must be a SizeCurve (from size_curve), got {type(curve).__name__}")
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    for metric, colour, marker, label in (("train_accuracy", PALETTE[0], "o", "training"),
                                          ("val_accuracy", PALETTE[1], "s", "validation")):
        for n, r in zip(curve.sizes, curve.runs):
            ax.scatter(np.full(len(r.seeds), n), r[metric], color=colour, alpha=0.35, s=14, marker=marker)
        ax.plot(curve.sizes, curve.mean(metric), marker=marker, color=colour, label=f"{label} (mean of seeds)")
    ax.fill_between(curve.sizes, curve.val_accuracy, curve.train_accuracy, color=PALETTE[3], alpha=0.12,
                    label="generalization gap")
    ax.set_xscale("log")
    ax.set_xticks(curve.sizes, [f"{n:,}" for n in curve.sizes])
    ax.minorticks_off()
    ax.set_xlabel("training examples (log scale)")
    ax.set_ylabel("accuracy at the best epoch")
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


# --- exercise checkers -------------------------------------------------------

def _curves(history: Any) -> Mapping[str, Sequence[float]]:
    curves = getattr(history, "history", history)
    if not isinstance(curves, Mapping):
        raise TypeError(f"history must be a keras History or a dict of lists, got {type(history).__name__}")
    needed = ("loss", "val_loss", "accuracy", "val_accuracy")
    missing = [k for k in needed if k not in curves]
    if missing:
        raise ValueError(f"history has no {missing}: train with validation data")
    if any(len(curves[k]) == 0 for k in needed):
        raise ValueError("history is empty: train for at least one epoch")
    return curves


def check_diagnosis(answer: Any, history: Any, **rule: Any) -> Feedback:
    """Check a learner's reading of a history against :func:`helpers.diagnosis.diagnose` (one of its LABELS)."""
    d = diagnose(_curves(history), **rule)
    if not isinstance(answer, str):
        return Feedback(False, [f"the answer should be one of {list(LABELS)}, got {type(answer).__name__}"])
    answer = answer.strip().lower()
    try:
        check_choice(answer, "diagnosis", LABELS)
    except ValueError as exc:
        return Feedback(False, [str(exc)])
    if answer == d.label:
        return Feedback(True, [str(d)])
    hints = {
        "overfitting": (f"validation loss was lowest at epoch {d.best_epoch} of {d.epochs} and is only "
                        f"{d.val_loss_rise:.0%} above that now: a gap alone ({d.gap:+.3f}) is not overfitting"),
        "still learning": (f"training loss fell only {d.last_train_drop:.1%} in the last epoch: it has levelled off"),
        "underfitting": (f"read the training accuracy ({d.train_accuracy:.3f}) and whether training has levelled off "
                         "first"),
        "good fit": f"look again at the validation loss and the last epoch's training loss: {d}",
    }
    return Feedback(False, [f"not {answer}: {hints[answer]}"])


def check_early_stop(epoch: Any, acc_at_best: Any, acc_final: Any, history: Any) -> Feedback:
    """Check the early-stopping epoch (counted from 1) and the validation accuracies read off a history."""
    h = _curves(history)
    val_loss = np.asarray(h["val_loss"], dtype=float)
    val_acc = np.asarray(h["val_accuracy"], dtype=float)
    best = int(np.argmin(val_loss))
    hint = ""
    if isinstance(epoch, (int, np.integer)) and not isinstance(epoch, bool):
        if int(epoch) == best:
            hint = "np.argmin counts from 0; epochs are counted from 1, so add 1"
        elif int(epoch) == int(np.argmax(val_acc)) + 1 and int(np.argmax(val_acc)) != best:
            hint = "that is the epoch of the highest validation ACCURACY; early stopping here watches the validation LOSS"
        elif int(epoch) == int(np.argmin(h["loss"])) + 1:
            hint = "that is the lowest TRAINING loss; early stopping watches the VALIDATION loss"
        elif int(epoch) == len(val_loss):
            hint = "that is the last epoch; look for the minimum of the validation loss"
    epoch_fb = check_scalar(epoch, expected=best + 1, name="early-stopping epoch", exact=True, hint=hint)
    best_fb = check_scalar(acc_at_best, expected=float(val_acc[best]), name="validation accuracy at that epoch",
                           atol=5e-4, rtol=0.0,
                           hint="read val_accuracy at the SAME (0-based) index as the lowest val_loss")
    final_fb = check_scalar(acc_final, expected=float(val_acc[-1]), name="validation accuracy at the final epoch",
                            atol=5e-4, rtol=0.0, hint="the final epoch is the last entry, val_accuracy[-1]")
    return combine(epoch_fb, best_fb, final_fb)


def check_epoch_gaps(answer: Any, history: Any) -> Feedback:
    """Check the generalization gap per epoch (training minus validation accuracy) of a history."""
    h = _curves(history)
    expected = np.asarray(h["accuracy"], dtype=float) - np.asarray(h["val_accuracy"], dtype=float)
    hint = ""
    try:
        arr = np.asarray(answer, dtype=float)
        if arr.shape == expected.shape and np.allclose(arr, -expected, atol=5e-4):
            hint = "the sign is reversed: the gap is TRAINING minus VALIDATION accuracy (positive when overfitting)"
        elif arr.shape == expected.shape and np.allclose(arr, np.asarray(h["loss"]) - np.asarray(h["val_loss"]),
                                                         atol=5e-4):
            hint = "that is the gap in LOSS; use the accuracies, history['accuracy'] and history['val_accuracy']"
    except (TypeError, ValueError):
        pass
    return check_array(answer, expected=expected, name="gap per epoch", atol=5e-4, rtol=0.0,
                       hint=hint or f"one number per epoch ({len(expected)} of them): accuracy[i] - val_accuracy[i]")
