"""FAQ 2, "How do I choose a model?".

A ladder of candidate models for MNIST, each trained and scored the same way:

- ``"majority"``: always predict the most frequent training class (the floor
  any model must beat);
- ``"logistic"``: multinomial logistic regression, a linear model, written as
  a network with no hidden layer (``Dense(10, softmax)`` on the pixels);
- ``"dense"``: Chapter 5's network, one hidden ``Dense`` layer;
- ``"cnn"``: a small convolutional network.

:func:`fit_and_score` measures one candidate (validation accuracy, parameters,
training time), :func:`compare_models` runs the ladder, :func:`format_table`
and :func:`plot_comparison` present it, and :func:`kfold_indices` /
:func:`cross_validate` implement k-fold cross-validation from scratch for
small data sets.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .cache import cached
from .exercises import Feedback, check_scalar
from .plotting import PALETTE
from .training import STEPS_PER_EXECUTION, accuracy as model_accuracy, fit_epochs
from .validation import as_array, check_choice, check_int, check_same_length, check_features_labels

__all__ = [
    "MODELS",
    "majority_baseline",
    "build_cnn",
    "Result",
    "fit_and_score",
    "compare_models",
    "format_table",
    "plot_comparison",
    "kfold_indices",
    "cross_validate",
    "plot_cross_validation",
    "check_majority_accuracy",
    "cnn_param_count",
    "check_cnn_params",
    "check_folds",
]

#: The candidate models, simplest first.
MODELS: tuple[str, ...] = ("majority", "logistic", "dense", "cnn")


_check_xy = check_features_labels  # shared check, see helpers.validation


def majority_baseline(y_train: Any, y_eval: Any) -> float:
    """Accuracy on ``y_eval`` of always predicting ``y_train``'s most frequent class.

    Ties go to the smallest class number (``np.bincount(...).argmax()``).
    """
    y_train = as_array(y_train, "y_train", ndim=1, dtype=int)
    y_eval = as_array(y_eval, "y_eval", ndim=1, dtype=int)
    if len(y_train) == 0 or len(y_eval) == 0:
        raise ValueError("y_train and y_eval must not be empty")
    if y_train.min() < 0:
        raise ValueError("y_train must hold class numbers >= 0")
    majority = int(np.bincount(y_train).argmax())
    return float(np.mean(y_eval == majority))


def build_cnn(filters: Sequence[int] = (8, 16), *, inputs: int = 28 * 28, classes: int = 10) -> Any:
    """A small convolutional network on flattened 28×28 images, compiled (Adam).

    ``Reshape`` back to 28×28×1, then per entry of ``filters`` a 3×3 ``Conv2D``
    (ReLU) and a 2×2 max-pooling, then ``Flatten`` and a ``Dense`` softmax.
    """
    import keras

    if isinstance(filters, (str, bytes)) or not isinstance(filters, Sequence) or len(filters) == 0:
        raise TypeError("filters must be a non-empty list of integers")
    filters = [check_int(f, "filters", minimum=1) for f in filters]
    side = int(round(np.sqrt(inputs)))
    if side * side != inputs:
        raise ValueError(f"inputs must be a square number of pixels, got {inputs}")
    layers: list[Any] = [keras.Input(shape=(inputs,)), keras.layers.Reshape((side, side, 1))]
    for f in filters:
        layers += [keras.layers.Conv2D(f, 3, activation="relu"), keras.layers.MaxPooling2D()]
    layers += [keras.layers.Flatten(), keras.layers.Dense(classes, activation="softmax")]
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=STEPS_PER_EXECUTION)
    return model


@dataclass(frozen=True)
class Result:
    """One candidate's score: validation accuracy, size and training time."""

    name: str
    val_accuracy: float
    params: int
    seconds: float


@cached
def fit_and_score(
    name: str,
    x: Any,
    y: Any,
    x_val: Any,
    y_val: Any,
    *,
    epochs: int = 8,
    hidden_units: int = 128,
    seed: int = 0,
) -> Result:
    """Train candidate ``name`` (one of :data:`MODELS`) on ``(x, y)``; score it on the validation data.

    Every trained candidate is a Keras model fitted for ``epochs`` passes over
    the data (batch 64, Adam, cross-entropy), laid end to end as one Keras
    epoch by :func:`helpers.training.fit_epochs`; logistic regression is the network
    without a hidden layer. ``seconds`` is wall-clock training time here.
    """
    check_choice(name, "model", MODELS)
    x, y = _check_xy(x, y, "x", "y")
    x_val, y_val = _check_xy(x_val, y_val, "x_val", "y_val")
    epochs = check_int(epochs, "epochs", minimum=1)
    hidden_units = check_int(hidden_units, "hidden_units", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    start = time.perf_counter()
    if name == "majority":
        accuracy, params = majority_baseline(y, y_val), 0
    else:
        import keras

        from .mnist_keras import build_model

        keras.utils.set_random_seed(seed)
        if name == "logistic":
            model = keras.Sequential([keras.Input(shape=(x.shape[1],)),
                                      keras.layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                          steps_per_execution=STEPS_PER_EXECUTION)
        elif name == "dense":
            model = build_model(hidden_units, optimizer="adam", inputs=x.shape[1],
                                loss="sparse_categorical_crossentropy")
        else:
            model = build_cnn(inputs=x.shape[1])
        fit_epochs(model, x, y, epochs=epochs, batch_size=64, seed=seed)  # one Keras epoch: see helpers.training
        accuracy = model_accuracy(model, x_val, y_val)
        params = int(model.count_params())
    return Result(name, accuracy, params, time.perf_counter() - start)


def compare_models(x: Any, y: Any, x_val: Any, y_val: Any, *, models: Sequence[str] = MODELS,
                   epochs: int = 8, seed: int = 0) -> list[Result]:
    """Run :func:`fit_and_score` for each name in ``models``, same data and seed."""
    if isinstance(models, str) or not isinstance(models, Sequence) or len(models) == 0:
        raise TypeError("models must be a non-empty list of model names")
    return [fit_and_score(m, x, y, x_val, y_val, epochs=epochs, seed=seed) for m in models]


def _check_results(results: Any) -> list[Result]:
    if isinstance(results, Result) or not isinstance(results, Sequence) or len(results) == 0:
        raise TypeError("results must be a non-empty list of Result objects")
    for r in results:
        if not isinstance(r, Result):
            raise TypeError(f"results must hold Result objects, got {type(r).__name__}")
    return list(results)


def format_table(results: Sequence[Result]) -> str:
    """A fixed-width text table: model, validation accuracy, parameters, training time (last)."""
    results = _check_results(results)
    lines = [f"{'model':<10}{'val accuracy':>14}{'parameters':>12}  training time"]
    for r in results:
        lines.append(f"{r.name:<10}{r.val_accuracy:>14.3f}{r.params:>12,}  {r.seconds:.2f} s (wall)")
    return "\n".join(lines)


def plot_comparison(results: Sequence[Result], *, title: str = "Candidate models") -> plt.Figure:
    """Two panels: validation accuracy per model, and accuracy against parameters (log scale)."""
    results = _check_results(results)
    names = [r.name for r in results]
    acc = np.array([r.val_accuracy for r in results])
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 3.8))
    bars = left.bar(names, acc, color=[PALETTE[i % len(PALETTE)] for i in range(len(results))])
    for bar, a in zip(bars, acc):
        left.text(bar.get_x() + bar.get_width() / 2, a + 0.01, f"{a:.3f}", ha="center", fontsize=9)
    left.set_ylim(0, 1.08)
    left.set_xlabel("model")
    left.set_ylabel("validation accuracy")
    left.set_title("Validation accuracy")
    for i, r in enumerate(results):
        if r.params > 0:
            right.scatter(r.params, r.val_accuracy, s=60, color=PALETTE[i % len(PALETTE)])
            right.annotate(f"{r.name}\n{r.seconds:.1f} s", (r.params, r.val_accuracy),
                           textcoords="offset points", xytext=(6, -14), fontsize=9)
    right.set_xscale("log")
    right.margins(x=0.25, y=0.2)
    right.set_xlabel("trainable parameters (log scale)")
    right.set_ylabel("validation accuracy")
    right.set_title("Accuracy against size (labels: training time)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def kfold_indices(n: int, k: int = 5, *, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split ``range(n)`` into ``k`` folds after a seeded shuffle.

    Returns ``k`` pairs ``(train_idx, val_idx)``: each example is in exactly
    one validation fold, and fold sizes differ by at most one.
    """
    n = check_int(n, "n", minimum=2)
    k = check_int(k, "k", minimum=2, maximum=n)
    seed = check_int(seed, "seed", minimum=0)
    order = np.random.default_rng(seed).permutation(n)
    folds = np.array_split(order, k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]


def cross_validate(name: str, x: Any, y: Any, *, k: int = 5, epochs: int = 8, seed: int = 0) -> np.ndarray:
    """k-fold cross-validation of candidate ``name``: one validation accuracy per fold."""
    check_choice(name, "model", MODELS)
    x, y = _check_xy(x, y, "x", "y")
    scores = []
    for train_idx, val_idx in kfold_indices(len(x), k, seed=seed):
        r = fit_and_score(name, x[train_idx], y[train_idx], x[val_idx], y[val_idx], epochs=epochs, seed=seed)
        scores.append(r.val_accuracy)
    return np.array(scores)


def plot_cross_validation(scores: dict[str, Any], *, title: str = "k-fold cross-validation") -> plt.Figure:
    """Each model's per-fold accuracies (dots) with their mean ± one standard deviation."""
    if not isinstance(scores, dict) or not scores:
        raise TypeError("scores must be a non-empty dict {model name: per-fold accuracies}")
    fig, ax = plt.subplots(figsize=(7.0, 3.8))
    for i, (name, values) in enumerate(scores.items()):
        values = as_array(values, f"scores[{name!r}]", ndim=1)
        jitter = np.linspace(-0.12, 0.12, len(values))
        ax.scatter(i + jitter, values, color=PALETTE[i % len(PALETTE)], alpha=0.7, label=None)
        ax.errorbar(i + 0.3, values.mean(), yerr=values.std(), fmt="D", color="black", capsize=4)
        ax.text(i + 0.38, values.mean(), f"{values.mean():.3f} ± {values.std():.3f}", va="center", fontsize=9)
    ax.set_xticks(range(len(scores)), list(scores))
    ax.set_xlim(-0.5, len(scores) - 1 + 0.95)
    ax.set_xlabel("model")
    ax.set_ylabel("validation accuracy per fold")
    ax.set_title(title)
    fig.tight_layout()
    return fig


# --- exercise checkers -------------------------------------------------------

def check_majority_accuracy(answer: Any, y_train: Any, y_eval: Any) -> Feedback:
    """Check a learner's majority-class accuracy, with a hint for the usual slip."""
    expected = majority_baseline(y_train, y_eval)
    hint = ""
    y_eval_arr = np.asarray(y_eval)
    if isinstance(answer, (float, np.floating)) and len(y_eval_arr):
        own = float(np.mean(y_eval_arr == np.bincount(y_eval_arr.astype(int)).argmax()))
        if np.isclose(answer, own) and not np.isclose(own, expected):
            hint = "the majority class must come from the TRAINING labels, not from the ones you score on"
    return check_scalar(answer, expected=expected, name="majority-class accuracy", atol=1e-9, hint=hint)


def cnn_param_count(filters: Sequence[int] = (8, 16), *, side: int = 28, classes: int = 10) -> int:
    """Parameters of :func:`build_cnn`, counted by hand.

    A 3×3 convolution from ``c_in`` to ``c_out`` channels has ``9 · c_in · c_out``
    weights and ``c_out`` biases; it shrinks the image by 2 pixels ("valid"
    padding) and each 2×2 pooling halves it (rounding down). The final
    ``Dense`` layer sees ``side² · c_last`` numbers.
    """
    if isinstance(filters, (str, bytes)) or not isinstance(filters, Sequence) or len(filters) == 0:
        raise TypeError("filters must be a non-empty list of integers")
    filters = [check_int(f, "filters", minimum=1) for f in filters]
    side = check_int(side, "side", minimum=1)
    classes = check_int(classes, "classes", minimum=2)
    total, c_in = 0, 1
    for c_out in filters:
        total += 9 * c_in * c_out + c_out
        side = (side - 2) // 2
        if side < 1:
            raise ValueError("too many convolution blocks for this image size")
        c_in = c_out
    return total + side * side * c_in * classes + classes


def check_cnn_params(answer: Any, filters: Sequence[int] = (8, 16)) -> Feedback:
    """Check a hand count of :func:`build_cnn`'s parameters, with a hint for forgotten biases."""
    expected = cnn_param_count(filters)
    hint = ""
    no_bias = expected - sum(filters) - 10
    if isinstance(answer, (int, np.integer)) and int(answer) == no_bias:
        hint = "every convolution filter and every output unit also has a bias"
    return check_scalar(answer, expected=expected, name=f"parameters of the CNN {list(filters)}",
                        exact=True, hint=hint)


def check_folds(answer: Any, n: int, k: int) -> Feedback:
    """Check a learner's k-fold split of ``n`` examples: a list of ``k`` ``(train, validation)`` index arrays.

    Any shuffling is accepted; what is checked is what makes it k-fold
    cross-validation: ``k`` folds, indices in ``range(n)``, validation folds
    of sizes differing by at most one that together cover every example
    exactly once, and each fold's training part being exactly the rest.
    """
    n = check_int(n, "n", minimum=2)
    k = check_int(k, "k", minimum=2, maximum=n)
    if isinstance(answer, (str, bytes, np.ndarray)) or not isinstance(answer, Sequence):
        return Feedback(False, [f"folds should be a list of {k} (train, validation) pairs, "
                                f"got {type(answer).__name__}"])
    if len(answer) != k:
        return Feedback(False, [f"there are {len(answer)} folds, expected k = {k}"])
    problems: list[str] = []
    val_parts = []
    for f, pair in enumerate(answer):
        try:
            tr, va = pair
            tr = np.asarray(tr).ravel()
            va = np.asarray(va).ravel()
        except (TypeError, ValueError):
            return Feedback(False, [f"fold {f} should be a (train, validation) pair of index arrays"])
        if not (np.issubdtype(tr.dtype, np.integer) or tr.size == 0) or \
                not (np.issubdtype(va.dtype, np.integer) or va.size == 0):
            return Feedback(False, [f"fold {f}: indices must be integers (got {tr.dtype} and {va.dtype}); "
                                    "a boolean mask can be turned into indices with np.flatnonzero"])
        both = np.concatenate([tr, va])
        if both.size and (both.min() < 0 or both.max() >= n):
            problems.append(f"fold {f}: indices must lie in 0..{n - 1}, found {int(both.min())}..{int(both.max())}")
            continue
        overlap = np.intersect1d(tr, va)
        if overlap.size:
            problems.append(f"fold {f}: {overlap.size} examples are in both the training and the validation "
                            f"part (e.g. index {int(overlap[0])}): the model would be scored on data it saw")
        missing = np.setdiff1d(np.arange(n), both)
        if missing.size:
            problems.append(f"fold {f}: {missing.size} examples are in neither part (e.g. index {int(missing[0])}); "
                            "the training part should be every example not in the validation part")
        if len(np.unique(va)) != len(va) or len(np.unique(tr)) != len(tr):
            problems.append(f"fold {f}: some indices appear twice within one part")
        val_parts.append(va)
    if problems:
        return Feedback(False, problems)
    counts = np.bincount(np.concatenate(val_parts), minlength=n)
    never, twice = np.flatnonzero(counts == 0), np.flatnonzero(counts > 1)
    if never.size or twice.size:
        msgs = []
        if never.size:
            msgs.append(f"{never.size} examples are never in a validation part (e.g. index {int(never[0])})")
        if twice.size:
            msgs.append(f"{twice.size} examples are validated more than once (e.g. index {int(twice[0])})")
        msgs.append("split a permutation of 0..n-1 into k consecutive chunks (np.array_split) and use "
                    "chunk i as fold i's validation part")
        return Feedback(False, msgs)
    sizes = [len(v) for v in val_parts]
    if max(sizes) - min(sizes) > 1:
        return Feedback(False, [f"validation parts have sizes {sizes}: they should differ by at most one "
                                f"(about n/k = {n / k:g} each)"])
    return Feedback(True, [f"{k} folds of {n} examples: validation sizes {sizes}, each example validated once, "
                           "training part = the rest"])
