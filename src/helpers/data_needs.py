"""Chapter 9, FAQ 7: "How do you deal with deep learning's need for data?" (如何解决数据需求问题？).

Three measurements on the book's MNIST sample:

- a *learning curve in the number of examples*: validation accuracy of the same
  small network trained on 50 … 3,000 digits (:func:`data_curve`), with a
  power law fitted to the error (:func:`fit_power_law`) and extrapolated;
- *data augmentation* at a small training-set size (shifted copies, from
  :func:`helpers.overfitting.shift_augment`);
- *transfer learning*: features learned on the digits 0–4 reused, frozen, to
  learn the digits 5–9 from a handful of labelled examples
  (:func:`pretrain`, :func:`transfer_head`), against training from scratch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .cache import cached
from .exercises import Feedback, check_array, check_scalar, combine
from .overfitting import build_mlp
from .plotting import PALETTE
# accuracy, epoch_order and fit_steps are shared; re-exported here for this chapter's readers
from .training import STEPS_PER_EXECUTION, accuracy, epoch_order, fit_steps
from .validation import as_array, check_float, check_int, check_same_length

__all__ = [
    "CurvePoint",
    "balanced_subset",
    "epoch_order",
    "fit_steps",
    "accuracy",
    "train_and_score",
    "data_curve",
    "fit_power_law",
    "predict_error",
    "plot_data_curve",
    "select_classes",
    "pretrain",
    "transfer_model",
    "check_extrapolation",
    "check_class_counts",
    "check_doubling",
]


@dataclass(frozen=True)
class CurvePoint:
    """Validation accuracy of a network trained on ``n`` examples for ``steps`` mini-batches."""

    n: int
    val_acc: float
    steps: int

    @property
    def error(self) -> float:
        """Validation error rate, ``1 - val_acc``."""
        return 1.0 - self.val_acc


def balanced_subset(labels: Any, n: int, *, seed: int = 0) -> np.ndarray:
    """Indices of ``n`` examples with the classes as equally represented as possible.

    Each class gets ``n // k`` examples (``k`` classes present), the first
    ``n % k`` classes one more; within a class the examples are drawn at random
    (seeded). The indices are returned shuffled. ``n = len(labels)`` returns
    every example (in whatever class proportions the data have).
    """
    labels = as_array(labels, "labels", ndim=1, dtype=None)
    n = check_int(n, "n", minimum=1, maximum=len(labels))
    classes = np.unique(labels)
    rng = np.random.default_rng(seed)
    if n == len(labels):
        return rng.permutation(n)
    per_class = [n // len(classes) + (1 if i < n % len(classes) else 0) for i in range(len(classes))]
    chosen = []
    for c, k in zip(classes, per_class):
        pool = np.flatnonzero(labels == c)
        if k > len(pool):
            raise ValueError(f"n = {n} needs {k} examples of class {c}, but only {len(pool)} exist")
        chosen.append(rng.choice(pool, size=k, replace=False))
    return rng.permutation(np.concatenate(chosen))


@cached
def train_and_score(x: Any, y: Any, x_val: Any, y_val: Any, *, hidden: Sequence[int] = (128,),
                    steps: int = 300, batch_size: int = 32, classes: int = 10, seed: int = 0) -> float:
    """Train a fresh dense network on ``(x, y)`` for ``steps`` mini-batches; return validation accuracy."""
    import keras

    x = as_array(x, "x", ndim=2)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model = build_mlp(hidden, inputs=x.shape[1], classes=classes)
    fit_steps(model, x, y, steps=steps, batch_size=batch_size, seed=seed)
    return accuracy(model, x_val, y_val)


@cached
def data_curve(x: Any, y: Any, x_val: Any, y_val: Any, sizes: Sequence[int], *, steps: int = 300,
               hidden: Sequence[int] = (128,), seed: int = 0) -> list[CurvePoint]:
    """Validation accuracy for each training-set size in ``sizes`` (balanced subsets, seeded)."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
        raise TypeError("sizes must be a non-empty list of integers")
    y = as_array(y, "y", ndim=1, dtype=int)
    out = []
    for n in sizes:
        n = check_int(n, "training-set size", minimum=10, maximum=len(y))
        idx = balanced_subset(y, n, seed=seed)
        acc = train_and_score(np.asarray(x)[idx], y[idx], x_val, y_val, hidden=hidden, steps=steps, seed=seed)
        out.append(CurvePoint(n, acc, steps))
    return out


def fit_power_law(sizes: Any, errors: Any) -> tuple[float, float]:
    """Fit ``error ≈ a · n^(−b)`` by least squares on log–log axes; returns ``(a, b)``.

    A straight line on a log–log plot is a power law; its slope is ``−b``.
    """
    n = as_array(sizes, "sizes", ndim=1)
    e = as_array(errors, "errors", ndim=1)
    check_same_length(n, e, "sizes", "errors")
    if len(n) < 2:
        raise ValueError("fitting a power law needs at least two points")
    if np.any(n <= 0) or np.any(e <= 0):
        raise ValueError("sizes and errors must be positive (they are put on a log scale)")
    slope, intercept = np.polyfit(np.log(n), np.log(e), 1)
    return float(np.exp(intercept)), float(-slope)


def predict_error(n: Any, a: float, b: float) -> np.ndarray:
    """The fitted power law's error at ``n`` examples: ``a · n^(−b)``."""
    n = as_array(n, "n", ndim=(0, 1))
    if np.any(n <= 0):
        raise ValueError("n must be positive")
    a = check_float(a, "a", minimum=0.0, strict_minimum=True)
    b = check_float(b, "b")
    return a * n ** (-b)


def plot_data_curve(points: Sequence[CurvePoint], *, fit: tuple[float, float] | None = None,
                    extra: dict[str, tuple[int, float]] | None = None) -> plt.Figure:
    """Validation error against training-set size on log–log axes, with the fitted law.

    ``extra`` adds labelled single points, e.g. ``{"augmented": (200, 0.12)}``
    (size, error).
    """
    if not points or not all(isinstance(p, CurvePoint) for p in points):
        raise TypeError("points must be a non-empty list of CurvePoint")
    ns = np.array([p.n for p in points], dtype=float)
    errs = np.array([p.error for p in points])
    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    ax.plot(ns, errs, marker="o", color=PALETTE[0], label="measured (from scratch)")
    if fit is not None:
        grid = np.geomspace(ns.min(), ns.max() * 20, 50)
        ax.plot(grid, predict_error(grid, *fit), ls=":", color=PALETTE[7],
                label=f"fit: {fit[0]:.2f} · n^(−{fit[1]:.2f})")
    for k, (label, (n, err)) in enumerate((extra or {}).items()):
        ax.plot([n], [err], marker="*", ms=14, ls="none", color=PALETTE[(k + 1) % len(PALETTE)], label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("training examples n (log scale)")
    ax.set_ylabel("validation error (log scale)")
    ax.set_title("More data, fewer errors: a power law")
    ax.legend()
    fig.tight_layout()
    return fig


def select_classes(x: Any, y: Any, classes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The examples whose label is in ``classes``, relabelled ``0 … len(classes) − 1``."""
    x = as_array(x, "x", ndim=2)
    y = as_array(y, "y", ndim=1, dtype=int)
    check_same_length(x, y, "x", "y")
    if isinstance(classes, (str, bytes)) or not isinstance(classes, Sequence) or not classes:
        raise TypeError("classes must be a non-empty list of labels")
    cls = [check_int(c, "class", minimum=0) for c in classes]
    if len(set(cls)) != len(cls):
        raise ValueError(f"classes must not repeat, got {cls}")
    mask = np.isin(y, cls)
    remap = {c: i for i, c in enumerate(cls)}
    return x[mask], np.array([remap[v] for v in y[mask]], dtype=int)


@cached
def pretrain(x: Any, y: Any, *, hidden: int = 128, classes: int = 5, steps: int = 300, seed: int = 0) -> Any:
    """Train a 784-``hidden``-``classes`` network on a source task; returns the Keras model."""
    import keras

    x = as_array(x, "x", ndim=2)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model = build_mlp((check_int(hidden, "hidden", minimum=1),), inputs=x.shape[1],
                      classes=check_int(classes, "classes", minimum=2))
    return fit_steps(model, x, y, steps=steps, seed=seed)


def transfer_model(source_model: Any, *, classes: int = 5, freeze: bool = True,
                   learning_rate: float = 1e-3) -> Any:
    """A new network: ``source_model``'s hidden layers (copied weights) under a fresh softmax head.

    With ``freeze`` the copied layers are not trained (they are a fixed feature
    extractor, "pretrained features"); without it they are fine-tuned too. The
    network is a ``Sequential`` compiled as :func:`helpers.overfitting.build_mlp`
    compiles its own, so the fine-tuned one trains through the step already
    traced for a fresh network of its shape (:func:`helpers.training.fit`).
    """
    import keras

    hidden = [layer for layer in getattr(source_model, "layers", []) if isinstance(layer, keras.layers.Dense)][:-1]
    if not hidden:
        raise ValueError("source_model has no hidden Dense layer to transfer")
    model = keras.Sequential([keras.Input(shape=(hidden[0].kernel.shape[0],))]
                             + [keras.layers.Dense(layer.units, activation=layer.activation) for layer in hidden]
                             + [keras.layers.Dense(check_int(classes, "classes", minimum=2), activation="softmax")])
    for copy, layer in zip(model.layers, hidden):
        copy.set_weights(layer.get_weights())
        copy.trainable = not freeze
    model.compile(optimizer=keras.optimizers.Adam(check_float(learning_rate, "learning_rate", minimum=0.0,
                                                              strict_minimum=True)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=STEPS_PER_EXECUTION)
    return model


# --- exercise checkers -------------------------------------------------------

def check_extrapolation(answer: Any, *, n: float, a: float, b: float) -> Feedback:
    """Check the learner's power-law prediction of the error at ``n`` examples."""
    expected = float(predict_error(float(n), a, b))
    hint = ""
    if isinstance(answer, (int, float, np.floating)) and np.isclose(float(answer), a * float(n) ** b, rtol=1e-3):
        hint = "the exponent's sign: the error falls with n, so it is n to the power −b"
    return check_scalar(answer, expected=expected, name=f"predicted error at n = {n:g}", rtol=1e-3, hint=hint)


def check_class_counts(answer: Any, labels: Any, *, classes: int = 10) -> Feedback:
    """Check a count of examples per class (one entry per class, zeros included)."""
    labels = as_array(labels, "labels", ndim=1, dtype=int)
    expected = np.bincount(labels, minlength=classes)
    arr = np.asarray(answer)
    hint = ""
    if arr.ndim == 1 and len(arr) < classes:
        hint = f"give one count for each of the {classes} classes: np.bincount(labels, minlength={classes})"
    elif arr.ndim == 1 and len(arr) == len(labels):
        hint = "that is the list of labels; count how many times each class occurs (np.bincount)"
    fb = check_array(answer, expected=expected, name="examples per class", hint=hint or
                     "count the labels of the SAME examples you trained on, e.g. y_pool[:50]")
    if fb and int(expected.max()) == int(expected.min()):
        return fb
    if fb:
        fb.messages.append(f"the classes are unbalanced: from {int(expected.min())} to {int(expected.max())} examples")
    return fb


def check_doubling(factor: Any, n_halve: Any, *, b: float) -> Feedback:
    """Check the power law's error factor per doubling (``2**-b``) and the data factor that halves the error (``2**(1/b)``)."""
    b = check_float(b, "b", minimum=0.0, strict_minimum=True)
    f_exp, n_exp = 2.0 ** (-b), 2.0 ** (1.0 / b)
    f_hint = n_hint = ""
    if isinstance(factor, (int, float, np.floating)) and not isinstance(factor, bool):
        if np.isclose(float(factor), 2.0 ** b, rtol=1e-3):
            f_hint = "the exponent's sign: error ∝ n^(−b), so doubling n multiplies the error by 2^(−b) < 1"
        elif np.isclose(float(factor), 1 - f_exp, rtol=1e-3):
            f_hint = "that is the fraction of errors REMOVED; give the factor the error is multiplied by"
    if isinstance(n_halve, (int, float, np.floating)) and not isinstance(n_halve, bool):
        if np.isclose(float(n_halve), 2.0 ** b, rtol=1e-3):
            n_hint = "solve 2^(−b·log2 k) = 1/2 for k: the data factor is 2^(1/b), not 2^b"
        elif np.isclose(float(n_halve), 2.0, rtol=1e-3):
            n_hint = "halving the error would need only twice the data if b were 1; here b < 1"
    return combine(
        check_scalar(factor, expected=f_exp, name="error factor per doubling of the data", rtol=1e-3, hint=f_hint),
        check_scalar(n_halve, expected=n_exp, name="data factor that halves the error", rtol=1e-3, hint=n_hint),
    )
