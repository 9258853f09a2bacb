"""Chapter 9, FAQ 5: "How do you fix overfitting?" (如何解决过拟合问题？).

The experiment: a dense network trained on 300 MNIST digits memorises them, and its validation
loss turns upward. Each remedy (early stopping, an L2 penalty with Adam, decoupled weight decay
with AdamW, dropout, a smaller network, shifted copies of the digits, more real digits) is then
one change to that recipe, run over the same seeds, and judged against the baseline on
validation loss *and* validation accuracy with :func:`helpers.experiments.compare`.

- :func:`build_model`: the chapter's network in plain Keras, with the remedy's one change;
- :func:`scores`: cross-entropy and accuracy from the model's outputs (no L2 penalty in the loss,
  so that runs with and without one compare fairly);
- :func:`recipe`: a function of the seed that builds one model and trains and scores it with
  :func:`helpers.recipes.fit_and_score` (one plain ``model.fit``), for :func:`helpers.experiments.run`;
- :func:`shift_image`, :func:`shift_augment`: data augmentation by shifting digits;
- :func:`plot_sweep`: validation loss and accuracy against a regularization strength, per seed;
- checkers for the exercises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .exercises import Feedback, check_scalar
from .experiments import scores  # shared by FAQ 3, 5 and 8's recipes
from .plotting import PALETTE
from .recipes import check_fit_settings, fit_and_score
from .validation import as_array, check_float, check_int, check_same_length

__all__ = ["build_model", "scores", "recipe", "shift_image", "shift_augment", "plot_sweep",
           "check_gap", "check_verdict"]

Data = tuple[Any, Any]


def build_model(hidden: Sequence[int] = (256, 256), *, l2: float = 0.0, weight_decay: float = 0.0,
                dropout: float = 0.0, learning_rate: float = 1e-3) -> Any:
    """The chapter's dense network, compiled: 784 inputs, ReLU layers of the ``hidden`` widths, softmax over 10.

    One remedy at a time: ``l2`` adds ``l2 * sum(w ** 2)`` over every kernel to the loss (and
    the optimizer stays Adam); ``weight_decay`` switches to AdamW, which shrinks every weight by
    ``learning_rate * weight_decay * w`` at each step, outside Adam's scaling
    (Loshchilov & Hutter 2019); ``dropout`` adds a ``Dropout`` layer after each hidden layer.
    """
    import keras

    if isinstance(hidden, (int, str, bytes)) or not isinstance(hidden, Sequence):
        raise TypeError(f"hidden must be a list of layer widths, e.g. (256, 256); got {hidden!r}")
    widths = [check_int(w, "hidden layer width", minimum=1) for w in hidden]
    l2 = check_float(l2, "l2", minimum=0.0)
    weight_decay = check_float(weight_decay, "weight_decay", minimum=0.0)
    dropout = check_float(dropout, "dropout", minimum=0.0, maximum=0.95)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    if l2 > 0 and weight_decay > 0:
        raise ValueError("use l2 or weight_decay, not both: the chapter changes one thing at a time")
    penalty = keras.regularizers.L2(l2) if l2 > 0 else None
    layers: list[Any] = [keras.Input(shape=(784,))]
    for width in widths:
        layers.append(keras.layers.Dense(width, activation="relu", kernel_regularizer=penalty))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax", kernel_regularizer=penalty))
    model = keras.Sequential(layers)
    if weight_decay > 0:
        optimizer = keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay)
    else:
        optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model



def recipe(train: Data, val: Data, *, epochs: int, batch_size: int = 32, patience: int | None = None,
           augment: int = 0, measure_train: Data | None = None,
           **model_settings: Any) -> Callable[[int], dict[str, Any]]:
    """A training recipe for :func:`helpers.experiments.run`: a function of the seed.

    For a seed it seeds Keras, builds ``build_model(**model_settings)`` and trains and scores it
    with :func:`helpers.recipes.fit_and_score` on ``train`` (with ``augment`` shifted copies of
    each digit added, shifted with the same seed), validating on ``val``, with ``EarlyStopping``
    when ``patience`` is given; training scores are on ``measure_train`` if given (e.g. the
    originals of an augmented set).
    """
    import keras

    fit = check_fit_settings(train, val, epochs=epochs, batch_size=batch_size, patience=patience)
    augment = check_int(augment, "augment", minimum=0)
    build_model(**model_settings)       # check the settings now, not at the first seed
    x, y = train

    def run_one(seed: int) -> dict[str, Any]:
        keras.utils.set_random_seed(seed)
        x_fit, y_fit = shift_augment(x, y, copies=augment, seed=seed) if augment else (x, y)
        model = build_model(**model_settings)
        return fit_and_score(model, (x_fit, y_fit), val, **fit, measure_train=measure_train or train)

    return run_one


def shift_image(image: Any, dy: int, dx: int) -> np.ndarray:
    """Move a 2-D image ``dy`` pixels down and ``dx`` pixels right, filling with 0.

    Pixels pushed past the edge are dropped (unlike ``np.roll``, nothing wraps round to the
    other side). Negative shifts move up or left.
    """
    image = as_array(image, "image", ndim=2, dtype=None)
    rows, cols = image.shape
    dy = check_int(dy, "dy", minimum=-(rows - 1), maximum=rows - 1)
    dx = check_int(dx, "dx", minimum=-(cols - 1), maximum=cols - 1)
    out = np.zeros_like(image)
    src = image[max(0, -dy):rows - max(0, dy), max(0, -dx):cols - max(0, dx)]
    out[max(0, dy):max(0, dy) + src.shape[0], max(0, dx):max(0, dx) + src.shape[1]] = src
    return out


def shift_augment(x: Any, y: Any, *, copies: int = 4, max_shift: int = 2, seed: int = 0,
                  side: int = 28) -> tuple[np.ndarray, np.ndarray]:
    """The originals followed by ``copies`` randomly shifted versions of every image: ``(1 + copies) * n`` examples.

    Each copy moves the whole digit by a random whole number of pixels between ``-max_shift``
    and ``+max_shift`` in each direction (:func:`shift_image`); the labels are copied unchanged.
    """
    x = as_array(x, "x", ndim=2, dtype=None)
    y = as_array(y, "y", ndim=1, dtype=None)
    check_same_length(x, y, "x", "y")
    copies = check_int(copies, "copies", minimum=0)
    side = check_int(side, "side", minimum=1)
    max_shift = check_int(max_shift, "max_shift", minimum=0, maximum=side - 1)
    seed = check_int(seed, "seed", minimum=0)
    if x.shape[1] != side * side:
        raise ValueError(f"x must have {side * side} columns (flattened {side}×{side} images), got {x.shape[1]}")
    rng = np.random.default_rng(seed)
    images = x.reshape(-1, side, side)
    out_x, out_y = [x], [y]
    for _ in range(copies):
        shifts = rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))
        shifted = np.stack([shift_image(img, int(a), int(b)) for img, (a, b) in zip(images, shifts)]) \
            if len(images) else images.copy()
        out_x.append(shifted.reshape(len(images), -1))
        out_y.append(y)
    return np.concatenate(out_x), np.concatenate(out_y)


def plot_sweep(strengths: Sequence[float], runs: Sequence[Any], *, xlabel: str,
               title: str = "A regularization sweep: validation loss and accuracy per seed") -> plt.Figure:
    """Validation loss (left) and accuracy (right) against a strength (log axis), every seed and the mean.

    ``runs[k]`` is the :class:`helpers.experiments.Runs` of ``strengths[k]``; a strength of 0
    is drawn at the left edge, a decade below the smallest positive one.
    """
    lams = as_array(strengths, "strengths", ndim=1)
    if len(lams) != len(runs) or len(runs) < 2:
        raise ValueError(f"strengths and runs must have the same length (at least 2), got {len(lams)} and {len(runs)}")
    if np.any(lams < 0):
        raise ValueError("strengths must be >= 0")
    positive = lams[lams > 0]
    floor = positive.min() / 10 if positive.size else 1e-6
    xs = np.where(lams > 0, lams, floor)
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.6))
    for ax, metric, label in zip(axes, ("val_loss", "val_accuracy"), ("validation loss", "validation accuracy")):
        table = np.stack([r[metric] for r in runs], axis=1)          # seeds x strengths
        for row in table:
            ax.plot(xs, row, color="0.75", lw=0.8, marker=".")
        ax.plot(xs, table.mean(axis=0), color=PALETTE[0], lw=2, marker="o", label="mean over seeds")
        ax.set_xscale("log")
        ax.set_xlabel(xlabel + (" (0 at the left edge)" if np.any(lams == 0) else ""))
        ax.set_ylabel(label)
        ax.legend(loc="best", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


# --- exercise checkers -------------------------------------------------------

def check_gap(answer: Any, runs: Any) -> Feedback:
    """Check the mean accuracy gap (training minus validation accuracy, averaged over seeds) of ``runs``."""
    from .experiments import Runs

    if not isinstance(runs, Runs):
        raise TypeError(f"runs must be a Runs from experiments.run, got {type(runs).__name__}")
    gap = float(np.mean(runs["train_accuracy"] - runs["val_accuracy"]))
    hint = ""
    if isinstance(answer, (int, float, np.floating)) and not isinstance(answer, bool):
        if np.isclose(float(answer), -gap):
            hint = "the sign is flipped: the gap is training accuracy minus validation accuracy"
        elif np.isclose(float(answer), float(runs["train_accuracy"][0] - runs["val_accuracy"][0])) and runs.std(
                "val_accuracy") > 0:
            hint = "that is the first seed's gap: average over every seed"
    return check_scalar(answer, expected=gap, name=f"mean gap of {runs.name}", atol=1e-9, hint=hint)


def check_verdict(answer: Any, comparison: Any) -> Feedback:
    """Check a verdict ``"better"``, ``"worse"`` or ``"indistinguishable"`` read off a comparison's interval."""
    from .experiments import Comparison

    if not isinstance(comparison, Comparison):
        raise TypeError(f"comparison must be a Comparison from experiments.compare, got {type(comparison).__name__}")
    choices = ("better", "worse", "indistinguishable")
    if not isinstance(answer, str) or answer not in choices:
        return Feedback(False, [f"answer must be one of {', '.join(map(repr, choices))}, got {answer!r}"])
    interval = f"the 95% interval is {comparison.low:+.3f} to {comparison.high:+.3f}"
    if answer == comparison.verdict:
        return Feedback(True, [f"{comparison.a} against {comparison.b}: {answer} ({interval})"])
    if comparison.verdict == "indistinguishable":
        why = "it includes 0, so the data cannot tell which is better"
    elif answer == "indistinguishable":
        why = "it excludes 0"
    else:
        why = ("for a loss, lower is better" if not comparison.higher_is_better
               else "for an accuracy, higher is better")
    return Feedback(False, [f"not {answer!r}: {interval}; {why}"])
