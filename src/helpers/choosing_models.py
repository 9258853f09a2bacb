"""FAQ 2, "How do I choose a model?".

The chapter's procedure, on MNIST, with plain Keras:

- :func:`majority_baseline`: the floor every model must beat;
- :func:`build_candidate`: the candidates, simplest first (logistic regression, a dense network, a small
  CNN), each a ``keras.Sequential`` compiled with Adam;
- :func:`train_and_score`: ``model.fit(..., validation_data=...)`` then ``model.evaluate`` on the
  validation data; run over seeds with :func:`helpers.experiments.run` (:func:`candidate_runs`) and
  compared with :func:`helpers.experiments.compare`;
- :func:`one_standard_error_choice`: the one-standard-error rule;
- :func:`kfold_indices` and :func:`cross_validate`: k-fold cross-validation from scratch, one result
  per fold, so that two models are compared fold by fold (paired);
- :func:`sample_config` and :func:`random_search`: random hyperparameter search (Bergstra & Bengio 2012)
  scored on validation data.

Checkers for the exercises follow.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from . import experiments
from .exercises import Feedback, check_scalar
from .plotting import PALETTE
from .runtime import quiet_tensorflow
from .validation import as_array, check_choice, check_features_labels, check_float, check_int

__all__ = [
    "MODELS",
    "majority_baseline",
    "build_candidate",
    "train_and_score",
    "candidate_runs",
    "format_table",
    "one_standard_error_choice",
    "kfold_indices",
    "cross_validate",
    "sample_config",
    "random_search",
    "plot_search",
    "check_majority_accuracy",
    "cnn_param_count",
    "check_cnn_params",
    "check_folds",
]

#: The trained candidates, simplest first.
MODELS: tuple[str, ...] = ("logistic", "dense", "cnn")


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


def build_candidate(name: str, *, width: int | None = None, learning_rate: float = 1e-3) -> Any:
    """A compiled candidate for flattened 28×28 digits: ``"logistic"``, ``"dense"`` or ``"cnn"``.

    - logistic: ``Dense(10, softmax)`` on the 784 pixels (softmax regression, no hidden layer);
    - dense: ``Dense(width, relu)`` (default 128 units), then the softmax layer;
    - cnn: ``Reshape`` to 28×28×1, ``Conv2D(width, 3×3)`` (default 8 filters) and ``Conv2D(2·width, 3×3)``,
      each followed by 2×2 max-pooling, then ``Flatten`` and the softmax layer.

    All are compiled with Adam at ``learning_rate``, sparse cross-entropy and accuracy.
    """
    quiet_tensorflow()
    import keras

    check_choice(name, "model", MODELS)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    layers: list[Any] = [keras.Input(shape=(784,))]
    if name == "dense":
        layers.append(keras.layers.Dense(check_int(width or 128, "width", minimum=1), activation="relu"))
    elif name == "cnn":
        f = check_int(width or 8, "width", minimum=1)
        layers += [keras.layers.Reshape((28, 28, 1)),
                   keras.layers.Conv2D(f, 3, activation="relu"), keras.layers.MaxPooling2D(2),
                   keras.layers.Conv2D(2 * f, 3, activation="relu"), keras.layers.MaxPooling2D(2),
                   keras.layers.Flatten()]
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers, name=name)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def train_and_score(name: str, x: Any, y: Any, x_val: Any, y_val: Any, *, epochs: int = 4, batch_size: int = 64,
                    seed: int = 0, width: int | None = None, learning_rate: float = 1e-3) -> dict[str, float]:
    """Train a fresh :func:`build_candidate` on ``(x, y)`` and score it on the validation data.

    Returns validation accuracy and loss (``model.evaluate``), the parameter count and the
    wall-clock training time in seconds on this machine.
    """
    import keras

    x, y = check_features_labels(x, y, "x", "y")
    x_val, y_val = check_features_labels(x_val, y_val, "x_val", "y_val")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model = build_candidate(name, width=width, learning_rate=learning_rate)
    start = time.perf_counter()
    model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_data=(x_val, y_val), verbose=0)
    seconds = time.perf_counter() - start
    val_loss, val_accuracy = model.evaluate(x_val, y_val, batch_size=1024, verbose=0)
    return {"val_accuracy": float(val_accuracy), "val_loss": float(val_loss),
            "params": float(model.count_params()), "seconds": seconds}


def candidate_runs(names: Sequence[str], x: Any, y: Any, x_val: Any, y_val: Any, *, seeds: Sequence[int] = range(5),
                   **settings: Any) -> dict[str, experiments.Runs]:
    """:func:`train_and_score` for every candidate and every seed: ``{name: Runs}``, all on the same seeds."""
    if isinstance(names, str) or not isinstance(names, Sequence) or len(names) == 0:
        raise TypeError("names must be a non-empty list of model names, e.g. ['logistic', 'dense']")
    for name in names:
        check_choice(name, "model", MODELS)
    seeds = list(seeds)
    return {name: experiments.run(lambda s, name=name: train_and_score(name, x, y, x_val, y_val, seed=s, **settings),
                                  seeds, name=name) for name in names}


def _check_runs(runs: Any) -> dict[str, experiments.Runs]:
    if not isinstance(runs, Mapping) or not runs or not all(isinstance(r, experiments.Runs) for r in runs.values()):
        raise TypeError("runs must be a non-empty dict {name: Runs} (from candidate_runs)")
    return dict(runs)


def format_table(runs: Mapping[str, experiments.Runs]) -> str:
    """Model, mean validation accuracy with its 95% interval over seeds, parameters, mean training time."""
    runs = _check_runs(runs)
    lines = [f"{'model':<10}{'val accuracy (95% CI over seeds)':>36}{'parameters':>12}  training time (mean)"]
    for name, r in runs.items():
        mean, low, high = r.interval("val_accuracy")
        lines.append(f"{name:<10}{mean:>14.3f} ({low:.3f} to {high:.3f}){'':>4}{int(r.mean('params')):>12,}"
                     f"  {r.mean('seconds'):.1f} s (wall)")
    return "\n".join(lines)


def one_standard_error_choice(runs: Mapping[str, experiments.Runs], metric: str = "val_accuracy") -> str:
    """The one-standard-error rule: the *first* (simplest) candidate whose mean is within one standard
    error of the best mean.

    The standard error is that of the best candidate's mean, ``std / sqrt(n)`` over its ``n`` seeds or
    folds (not the standard deviation of single runs). ``runs`` must be ordered simplest first.
    Higher ``metric`` is better.
    """
    runs = _check_runs(runs)
    means = {name: r.mean(metric) for name, r in runs.items()}
    best = max(means, key=means.get)
    scores = runs[best][metric]
    if len(scores) < 2:
        raise ValueError("the one-standard-error rule needs at least two seeds or folds per candidate")
    se = float(np.std(scores, ddof=1) / np.sqrt(len(scores)))
    return next(name for name in runs if means[name] >= means[best] - se)


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


def cross_validate(name: str, x: Any, y: Any, *, k: int = 5, epochs: int = 8, seed: int = 0) -> experiments.Runs:
    """k-fold cross-validation of candidate ``name``: one result per fold, as a ``Runs`` keyed by fold number.

    The folds (and the training seed) are the same for every model, so two models' results can be
    compared fold by fold with :func:`helpers.experiments.compare`.
    """
    check_choice(name, "model", MODELS)
    x, y = check_features_labels(x, y, "x", "y")
    folds = kfold_indices(len(x), k, seed=seed)

    def one_fold(fold: int) -> dict[str, float]:
        train_idx, val_idx = folds[fold]
        return train_and_score(name, x[train_idx], y[train_idx], x[val_idx], y[val_idx], epochs=epochs, seed=seed)

    return experiments.run(one_fold, list(range(k)), name=name)


def sample_config(rng: np.random.Generator, name: str = "dense") -> dict[str, float]:
    """One random configuration: learning rate log-uniform in [1e-4, 1e-2], width log-uniform
    (dense: 16 to 512 units; cnn: 4 to 32 first-layer filters), epochs uniform in 2..8."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    check_choice(name, "model", ("dense", "cnn"))
    lo, hi = (16, 512) if name == "dense" else (4, 32)
    return {"learning_rate": float(10 ** rng.uniform(-4, -2)),
            "width": int(round(np.exp(rng.uniform(np.log(lo), np.log(hi))))),
            "epochs": int(rng.integers(2, 9))}


def random_search(name: str, x: Any, y: Any, x_val: Any, y_val: Any, *, trials: int = 8,
                  seed: int = 0) -> list[dict[str, float]]:
    """Random search: ``trials`` configurations from :func:`sample_config`, each trained once and scored on
    the validation data. Returns one dict per trial (the configuration and its scores), in the order tried."""
    trials = check_int(trials, "trials", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    results = []
    for _ in range(trials):
        config = sample_config(rng, name)
        scores = train_and_score(name, x, y, x_val, y_val, seed=seed, **config)
        results.append({**config, **scores})
    return results


def plot_search(results: Sequence[Mapping[str, float]], *, title: str = "Random search") -> plt.Figure:
    """Validation accuracy of each trial against its learning rate (log scale), marker size by width."""
    if isinstance(results, Mapping) or not isinstance(results, Sequence) or not results:
        raise TypeError("results must be a non-empty list of trials (from random_search)")
    lr = np.array([r["learning_rate"] for r in results])
    acc = np.array([r["val_accuracy"] for r in results])
    width = np.array([r["width"] for r in results], dtype=float)
    fig, ax = plt.subplots(figsize=(7.0, 3.8))
    ax.scatter(lr, acc, s=20 + 120 * width / width.max(), color=PALETTE[0], alpha=0.8)
    best = int(np.argmax(acc))
    ax.scatter(lr[best], acc[best], s=220, facecolors="none", edgecolors=PALETTE[1], linewidths=2, label="best trial")
    for r, a, l in zip(results, acc, lr):
        ax.annotate(f"{int(r['width'])}, {int(r['epochs'])} ep", (l, a), textcoords="offset points", xytext=(6, 4),
                    fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("validation accuracy")
    ax.set_title(title)
    ax.legend(loc="lower right")
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
    """Parameters of :func:`build_candidate`("cnn"), counted by hand.

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
    """Check a hand count of the CNN candidate's parameters, with a hint for forgotten biases."""
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
