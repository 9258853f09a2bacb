"""FAQ 1, "What do learning curves look like, and how do you read them?".

Two kinds of learning curve, both measured on real MNIST digits:

- **curves against epochs** (training vs validation loss and accuracy), drawn
  by the shared :func:`helpers.plotting.plot_history` from a Keras ``History``;
- **curves against training-set size** (:func:`size_curve`,
  :func:`plot_size_curve`): the final training and validation accuracy of the
  same model trained on more and more examples.

:func:`diagnose` turns a history into the words a practitioner would use
(healthy fit, overfitting, underfitting) with the numbers behind them, and
:func:`curve_figure` is the render function of the chapter's learning-curve
explorer (:func:`curve_explorer`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .cache import cached
from . import widgets
from .exercises import Feedback, check_array, check_scalar, combine
from .plotting import PALETTE, plot_history
from .training import accuracy, fit as fit_model, validation_callback
from .validation import as_array, check_choice, check_float, check_int, check_same_length, check_features_labels

__all__ = [
    "VERDICTS",
    "to_inputs",
    "train_curves",
    "Diagnosis",
    "diagnose",
    "SizeCurve",
    "size_curve",
    "plot_size_curve",
    "curve_figure",
    "curve_explorer",
    "check_diagnosis",
    "check_early_stop",
    "check_epoch_gaps",
]

#: The three shapes this chapter teaches to recognise.
VERDICTS: tuple[str, ...] = ("healthy", "overfitting", "underfitting")


def to_inputs(images: Any) -> np.ndarray:
    """Flatten ``(n, 28, 28)`` uint8 images to ``float32`` rows in [0, 1] (as in Chapter 5)."""
    images = as_array(images, "images", ndim=(2, 3), dtype=None)
    if images.size and (images.min() < 0 or images.max() > 255):
        raise ValueError("images must hold raw pixel values in 0..255")
    return images.reshape(len(images), -1).astype("float32") / 255


_check_xy = check_features_labels  # shared check, see helpers.validation


@cached
def train_curves(
    x: Any,
    y: Any,
    x_val: Any,
    y_val: Any,
    *,
    hidden_units: int = 128,
    epochs: int = 10,
    batch_size: int = 64,
    seed: int = 0,
) -> dict[str, list[float]]:
    """Train a fresh one-hidden-layer network (Adam) and return its per-epoch curves.

    ``x`` are flattened images (``float32``, shape ``(n, 784)``), ``y`` integer
    labels. The model is Chapter 5's ``Dense(hidden_units, relu) → Dense(10,
    softmax)``, compiled with Adam and sparse categorical cross-entropy. The
    result is the ``History.history`` dict: ``loss``, ``accuracy``,
    ``val_loss``, ``val_accuracy``, one value per epoch.
    """
    import keras

    from .mnist_keras import build_model

    x, y = _check_xy(x, y, "x", "y")
    x_val, y_val = _check_xy(x_val, y_val, "x_val", "y_val")
    hidden_units = check_int(hidden_units, "hidden_units", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    keras.utils.set_random_seed(seed)
    model = build_model(hidden_units, optimizer="adam", inputs=x.shape[1],
                        loss="sparse_categorical_crossentropy")
    history = fit_model(model, x, y, epochs=epochs, batch_size=batch_size,
                        callbacks=[validation_callback(x_val, y_val)], verbose=0)
    return {key: [float(v) for v in values] for key, values in history.history.items()}


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


@dataclass(frozen=True)
class Diagnosis:
    """What a history's curves say, with the numbers behind the verdict."""

    verdict: str
    train_accuracy: float
    val_accuracy: float
    gap: float
    best_epoch: int
    val_loss_rise: float

    def __str__(self) -> str:
        return (f"{self.verdict}: final training accuracy {self.train_accuracy:.3f}, validation "
                f"{self.val_accuracy:.3f} (gap {self.gap:+.3f}); validation loss lowest at epoch "
                f"{self.best_epoch}, then up by {self.val_loss_rise:.3f}")


def diagnose(
    history: Any,
    *,
    target_accuracy: float = 0.85,
    max_gap: float = 0.08,
    max_loss_rise: float = 0.10,
) -> Diagnosis:
    """Read a history's curves the way the chapter teaches.

    - **underfitting** when even the *training* accuracy ends below
      ``target_accuracy``: the model has not learned the training data, so the
      problem is capacity or optimization, not generalization;
    - **overfitting** when the final train–validation accuracy gap exceeds
      ``max_gap``, or the validation loss has risen more than ``max_loss_rise``
      above its minimum (the model keeps improving on data it has seen and
      gets worse on data it has not);
    - **healthy** otherwise.

    The thresholds suit MNIST-sized problems; another task needs its own
    ``target_accuracy`` (what is good enough depends on the task).
    """
    curves = _curves(history)
    target_accuracy = check_float(target_accuracy, "target_accuracy", minimum=0.0, maximum=1.0)
    max_gap = check_float(max_gap, "max_gap", minimum=0.0)
    max_loss_rise = check_float(max_loss_rise, "max_loss_rise", minimum=0.0)
    train_acc = float(curves["accuracy"][-1])
    val_acc = float(curves["val_accuracy"][-1])
    val_loss = np.asarray(curves["val_loss"], dtype=float)
    best = int(np.argmin(val_loss))
    rise = float(val_loss[-1] - val_loss[best])
    gap = train_acc - val_acc
    if train_acc < target_accuracy:
        verdict = "underfitting"
    elif gap > max_gap or rise > max_loss_rise:
        verdict = "overfitting"
    else:
        verdict = "healthy"
    return Diagnosis(verdict, train_acc, val_acc, gap, best + 1, rise)


@dataclass(frozen=True)
class SizeCurve:
    """Final accuracies of one model trained on growing subsets of the data."""

    sizes: np.ndarray
    train_accuracy: np.ndarray
    val_accuracy: np.ndarray

    @property
    def gap(self) -> np.ndarray:
        """Training minus validation accuracy, per size."""
        return self.train_accuracy - self.val_accuracy


@cached
def size_curve(
    x: Any,
    y: Any,
    x_val: Any,
    y_val: Any,
    sizes: Sequence[int],
    *,
    hidden_units: int = 128,
    steps: int = 300,
    batch_size: int = 64,
    seed: int = 0,
) -> SizeCurve:
    """Train on the first ``n`` examples for each ``n`` in ``sizes``; record final accuracies.

    Every run takes the same number of gradient ``steps``, so small subsets
    are not short-changed: the ``n`` examples are repeated until they fill
    ``steps × batch_size`` slots (about ``steps × batch_size / n`` passes) and
    shuffled, then trained on in one call.
    Training accuracy is measured on the subset the model was trained on,
    validation accuracy on the whole of ``x_val``.
    """
    import keras

    from .mnist_keras import build_model

    x, y = _check_xy(x, y, "x", "y")
    x_val, y_val = _check_xy(x_val, y_val, "x_val", "y_val")
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) == 0:
        raise TypeError("sizes must be a non-empty list of integers")
    sizes_ = [check_int(n, "size", minimum=10, maximum=len(x)) for n in sizes]
    if sorted(sizes_) != sizes_ or len(set(sizes_)) != len(sizes_):
        raise ValueError(f"sizes must be strictly increasing, got {sizes_}")
    hidden_units = check_int(hidden_units, "hidden_units", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    train_acc, val_acc = [], []
    for n in sizes_:
        keras.utils.set_random_seed(seed)
        model = build_model(hidden_units, optimizer="adam", inputs=x.shape[1],
                            loss="sparse_categorical_crossentropy")
        repeated = np.resize(np.arange(n), steps * batch_size)
        fit_model(model, x[repeated], y[repeated], epochs=1, batch_size=batch_size, shuffle=True, verbose=0)
        train_acc.append(accuracy(model, x[:n], y[:n]))
        val_acc.append(accuracy(model, x_val, y_val))
    return SizeCurve(np.array(sizes_), np.array(train_acc), np.array(val_acc))


def plot_size_curve(curve: SizeCurve, *, title: str = "Accuracy against training-set size") -> plt.Figure:
    """Training and validation accuracy against the number of training examples (log x axis)."""
    if not isinstance(curve, SizeCurve):
        raise TypeError(f"curve must be a SizeCurve (from size_curve), got {type(curve).__name__}")
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    ax.plot(curve.sizes, curve.train_accuracy, marker="o", color=PALETTE[0], label="training")
    ax.plot(curve.sizes, curve.val_accuracy, marker="s", ls="--", color=PALETTE[1], label="validation")
    ax.fill_between(curve.sizes, curve.val_accuracy, curve.train_accuracy, color=PALETTE[3], alpha=0.12,
                    label="generalization gap")
    ax.set_xscale("log")
    ax.set_xticks(curve.sizes, [f"{n:,}" for n in curve.sizes])
    ax.minorticks_off()
    ax.set_xlabel("training examples (log scale)")
    ax.set_ylabel("accuracy after training")
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def curve_figure(
    data: Any,
    *,
    hidden_units: int = 128,
    n_train: int = 3000,
    epochs: int = 5,
) -> plt.Figure:
    """The explorer's view: train with these settings and plot the curves, diagnosed.

    ``data`` is ``((x, y), (x_val, y_val))`` with flattened inputs and integer
    labels; the first ``n_train`` training examples are used. The defaults are
    the chapter's healthy run, called the same way (``seed=0``), so with the
    model cache on the explorer's default view is read back, not trained again.
    """
    try:
        (x, y), (x_val, y_val) = data
    except (TypeError, ValueError):
        raise TypeError("data must be ((x, y), (x_val, y_val))") from None
    n_train = check_int(n_train, "n_train", minimum=10, maximum=len(x))
    history = train_curves(x[:n_train], y[:n_train], x_val, y_val, hidden_units=hidden_units,
                           epochs=epochs, seed=0)
    d = diagnose(history)
    return plot_history(history, title=f"{hidden_units} hidden units, {n_train:,} examples, {epochs} epochs: "
                                       f"{d.verdict} (gap {d.gap:+.3f})")


def curve_explorer(data: Any) -> widgets.Explorer:
    """Learning-curve explorer: choose model size, training-set size and epochs, press Train."""

    def render(hidden_units: int, n_train: int, epochs: int) -> plt.Figure:
        return curve_figure(data, hidden_units=hidden_units, n_train=n_train, epochs=epochs)

    (x, _), _ = data
    controls = {
        "hidden_units": widgets.dropdown("hidden units", [2, 8, 32, 128, 512], 128),
        "n_train": widgets.int_slider("training examples", min(3000, len(x)), 100, len(x), 100),
        "epochs": widgets.int_slider("epochs", 5, 1, 60),
    }
    return widgets.Explorer(render, controls, title="Learning-curve explorer", manual=True,
                            button_text="Train")


# --- exercise checkers -------------------------------------------------------

def check_diagnosis(answer: Any, history: Any) -> Feedback:
    """Check a learner's verdict ("healthy", "overfitting" or "underfitting") for a history."""
    d = diagnose(history)
    if not isinstance(answer, str):
        return Feedback(False, [f"the answer should be one of {list(VERDICTS)}, got {type(answer).__name__}"])
    answer = answer.strip().lower()
    try:
        check_choice(answer, "verdict", VERDICTS)
    except ValueError as exc:
        return Feedback(False, [str(exc)])
    if answer == d.verdict:
        return Feedback(True, [str(d)])
    hints = {
        "underfitting": (f"the training accuracy reaches {d.train_accuracy:.3f}: the model does fit the "
                         "data it sees, so it is not underfitting"),
        "overfitting": (f"the gap is only {d.gap:+.3f} and the validation loss rose by "
                        f"{d.val_loss_rise:.3f}: look at how well it fits the training data first"),
        "healthy": (f"look again: training accuracy {d.train_accuracy:.3f}, gap {d.gap:+.3f}, validation "
                    f"loss up {d.val_loss_rise:.3f} after epoch {d.best_epoch}"),
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
