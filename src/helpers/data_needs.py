"""Chapter 9, FAQ 7: "How do you deal with deep learning's need for data?" (如何解决数据需求问题？).

Three measurements on the book's MNIST sample, each over several seeds:

- a *learning curve in the number of examples*: validation error of the same small network
  trained, until its validation loss stops improving, on balanced subsets of 50 … 3,000 digits
  (:func:`recipe`), with the law ``error = a · n^(−b) + c`` fitted to it (:func:`fit_learning_curve`)
  and extrapolated with its uncertainty (:func:`extrapolate`);
- *data augmentation* at 200 digits (shifted copies, :func:`shift_augment`);
- *transfer learning*: a network trained on the digits 0–4 (:func:`build_model`), its hidden
  layer reused to learn the digits 5–9 from a few labels (:func:`transfer_model`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .exercises import Feedback, check_array, check_scalar, combine
from .experiments import scores  # shared by FAQ 3, 5 and 8's recipes
from .plotting import PALETTE
from .validation import as_array, check_float, check_int, check_same_length

__all__ = [
    "balanced_subset",
    "build_model",
    "scores",
    "repeat_to",
    "shift_augment",
    "recipe",
    "fit_learning_curve",
    "predict_error",
    "extrapolate",
    "plot_learning_curve",
    "select_classes",
    "transfer_model",
    "check_extrapolation",
    "check_class_counts",
    "check_doubling",
]

Data = tuple[Any, Any]


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


def build_model(hidden: int = 128, *, classes: int = 10, learning_rate: float = 1e-3) -> Any:
    """The chapter's network, compiled: 784 inputs, one ``Dense`` ReLU layer, softmax over ``classes``; Adam."""
    import keras

    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(check_int(hidden, "hidden", minimum=1), activation="relu"),
        keras.layers.Dense(check_int(classes, "classes", minimum=2), activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(check_float(learning_rate, "learning_rate", minimum=0.0,
                                                              strict_minimum=True)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model



def repeat_to(x: Any, y: Any, minimum: int) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` repeated whole until there are at least ``minimum`` examples (unchanged if there already are).

    Used so that one epoch is at least ``minimum`` examples at every training-set size: early
    stopping then checks the validation loss after a comparable amount of training whether the
    set has 50 digits or 3,000.
    """
    x = np.asarray(x)
    y = as_array(y, "y", ndim=1, dtype=None)
    check_same_length(x, y, "x", "y")
    minimum = check_int(minimum, "minimum", minimum=1)
    if len(y) == 0:
        raise ValueError("x and y must hold at least one example")
    reps = max(1, -(-minimum // len(y)))
    return np.concatenate([x] * reps), np.concatenate([y] * reps)


def shift_augment(x: Any, y: Any, *, copies: int, max_shift: int = 1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The 28×28 digits (flattened) followed by ``copies`` shifted copies of each, labels copied.

    Each copy moves a digit by a random whole number of pixels in ``[-max_shift, max_shift]``
    each way; pixels moved past the edge are dropped and the uncovered border is 0.
    """
    x = as_array(x, "x", ndim=2, dtype=None)
    y = as_array(y, "y", ndim=1, dtype=None)
    check_same_length(x, y, "x", "y")
    if x.shape[1] != 784:
        raise ValueError(f"x must have 784 columns (flattened 28×28 digits), got {x.shape[1]}")
    copies = check_int(copies, "copies", minimum=0)
    max_shift = check_int(max_shift, "max_shift", minimum=0, maximum=27)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    images = x.reshape(-1, 28, 28)
    out_x, out_y = [x], [y]
    for _ in range(copies):
        shifted = np.zeros_like(images)
        for k, (dy, dx) in enumerate(rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))):
            src = images[k, max(0, -dy):28 - max(0, dy), max(0, -dx):28 - max(0, dx)]
            shifted[k, max(0, dy):max(0, dy) + src.shape[0], max(0, dx):max(0, dx) + src.shape[1]] = src
        out_x.append(shifted.reshape(len(images), -1))
        out_y.append(y)
    return np.concatenate(out_x), np.concatenate(out_y)


def recipe(pool: Data, val: Data, *, n: int, augment: int = 0, epoch_size: int = 1000, epochs: int = 40,
           patience: int = 3, batch_size: int = 32, source: Any = None, freeze: bool = False,
           classes: int = 10) -> Callable[[int], dict[str, Any]]:
    """A recipe for :func:`helpers.experiments.run`: train on ``n`` balanced digits of ``pool``, chosen by the seed.

    For a seed: draw the balanced subset (:func:`balanced_subset`), add ``augment`` shifted copies
    of each digit, repeat the set to at least ``epoch_size`` examples per epoch (:func:`repeat_to`),
    build the network (``build_model``, or ``transfer_model(source, freeze=...)`` when a source
    network is given), and train it with ``model.fit`` and ``EarlyStopping`` on the validation
    loss (best weights restored) for at most ``epochs`` epochs. Returns the validation loss,
    accuracy and error, and the epochs run.
    """
    import keras

    px, py = pool
    py = as_array(py, "pool labels", ndim=1, dtype=None)
    n = check_int(n, "n", minimum=1, maximum=len(py))
    augment = check_int(augment, "augment", minimum=0)
    epoch_size = check_int(epoch_size, "epoch_size", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=1)
    patience = check_int(patience, "patience", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    classes = check_int(classes, "classes", minimum=2)

    def run_one(seed: int) -> dict[str, Any]:
        keras.utils.set_random_seed(seed)
        idx = balanced_subset(py, n, seed=seed)
        x, y = np.asarray(px)[idx], py[idx]
        if augment:
            x, y = shift_augment(x, y, copies=augment, seed=seed)
        x, y = repeat_to(x, y, epoch_size)
        model = build_model(classes=classes) if source is None else transfer_model(source, classes=classes,
                                                                                   freeze=freeze)
        stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
        history = model.fit(x, y, validation_data=val, epochs=epochs, batch_size=batch_size, callbacks=[stop],
                            verbose=0)
        val_loss, val_acc = scores(model, *val)
        return {"val_loss": val_loss, "val_accuracy": val_acc, "val_error": 1.0 - val_acc,
                "epochs": len(history.history["loss"])}

    return run_one


def _law(n: Any, a: float, b: float, c: float) -> Any:
    return a * np.asarray(n, dtype=float) ** (-b) + c


def fit_learning_curve(sizes: Any, errors: Any) -> tuple[np.ndarray, np.ndarray]:
    """Fit ``error = a · n^(−b) + c`` by least squares (``scipy.optimize.curve_fit``); returns ``(params, covariance)``.

    ``sizes`` and ``errors`` hold one point per run (several seeds per size are fine). ``c`` is
    the *irreducible* error the curve levels off at (label noise, ambiguous digits, the model's
    limits); it is constrained to ``[0, 1]``, ``a`` to be positive and ``b`` to ``(0, 3]``.
    """
    from scipy.optimize import curve_fit

    n = as_array(sizes, "sizes", ndim=1)
    e = as_array(errors, "errors", ndim=1)
    check_same_length(n, e, "sizes", "errors")
    if len(np.unique(n)) < 4:
        raise ValueError("fitting a·n^(−b) + c needs at least 4 different sizes")
    if np.any(n <= 0) or np.any(e < 0) or np.any(e > 1):
        raise ValueError("sizes must be positive and errors in [0, 1]")
    params, cov = curve_fit(_law, n, e, p0=(1.0, 0.5, 0.01), bounds=([1e-9, 1e-3, 0.0], [1e3, 3.0, 1.0]),
                            maxfev=20000)
    return params, cov


def predict_error(n: Any, a: float, b: float, c: float = 0.0) -> np.ndarray:
    """The law's error at ``n`` examples: ``a · n^(−b) + c``."""
    n = as_array(n, "n", ndim=(0, 1))
    if np.any(n <= 0):
        raise ValueError("n must be positive")
    a = check_float(a, "a", minimum=0.0, strict_minimum=True)
    b = check_float(b, "b")
    c = check_float(c, "c", minimum=0.0, maximum=1.0)
    return _law(n, a, b, c)


def extrapolate(n: Any, params: Any, cov: Any, *, draws: int = 4000, seed: int = 0,
                confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fitted law at ``n`` with an interval: ``(prediction, low, high)``.

    The interval comes from drawing parameters from the fit's approximate (normal) distribution,
    ``params`` and ``cov`` from :func:`fit_learning_curve`, and taking the central ``confidence``
    range of the predicted errors. It reflects the uncertainty of the fit only, not whether the law
    still holds that far out.
    """
    n = as_array(n, "n", ndim=(0, 1))
    params = as_array(params, "params", ndim=1)
    cov = as_array(cov, "cov", ndim=2)
    if params.shape != (3,) or cov.shape != (3, 3):
        raise ValueError(f"params must have 3 entries and cov be 3×3, got {params.shape} and {cov.shape}")
    confidence = check_float(confidence, "confidence", minimum=0.5, maximum=0.999)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    samples = rng.multivariate_normal(params, cov, size=check_int(draws, "draws", minimum=100))
    samples[:, 2] = np.clip(samples[:, 2], 0.0, 1.0)
    preds = samples[:, :1] * np.atleast_1d(n)[None, :].astype(float) ** (-samples[:, 1:2]) + samples[:, 2:3]
    lo, hi = np.quantile(preds, [(1 - confidence) / 2, (1 + confidence) / 2], axis=0)
    center = _law(n, *params)
    return np.asarray(center), lo.reshape(np.shape(center)), hi.reshape(np.shape(center))


def plot_learning_curve(sizes: Sequence[int], runs: Sequence[Any], params: Any, cov: Any, *,
                        extend_to: int = 60000, extra: dict[str, tuple[float, float]] | None = None) -> plt.Figure:
    """Validation error against training-set size on log–log axes: every seed, the fitted law and its band.

    ``runs[k]`` is the :class:`helpers.experiments.Runs` at ``sizes[k]`` (metric ``val_error``);
    ``extra`` adds labelled points ``{label: (n, error)}``.
    """
    ns = as_array(sizes, "sizes", ndim=1)
    if len(ns) != len(runs) or not len(ns):
        raise ValueError(f"sizes and runs must have the same, non-zero length, got {len(ns)} and {len(runs)}")
    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    for n, r in zip(ns, runs):
        ax.scatter(np.full(len(r.seeds), n), r["val_error"], s=14, color=PALETTE[0], alpha=0.6, zorder=2)
    ax.plot(ns, [r.mean("val_error") for r in runs], "o", color=PALETTE[0], ms=7, label="measured (each seed, mean)")
    grid = np.geomspace(ns.min(), extend_to, 80)
    center, lo, hi = extrapolate(grid, params, cov)
    a, b, c = params
    ax.plot(grid, center, color=PALETTE[1], label=f"fit: {a:.2f}·n^(−{b:.2f}) + {c:.3f}")
    ax.fill_between(grid, lo, hi, color=PALETTE[1], alpha=0.2, label="95% band of the fit")
    ax.axhline(c, color="0.4", ls=":", lw=1, label="irreducible term c")
    for k, (label, (n, err)) in enumerate((extra or {}).items()):
        ax.plot([n], [err], marker="*", ms=14, ls="none", color=PALETTE[(k + 2) % len(PALETTE)], label=label)
    ax.axvline(ns.max(), color="0.7", lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("training examples n (log scale; right of the grey line: extrapolated)")
    ax.set_ylabel("validation error (log scale)")
    ax.set_title("A learning curve with an irreducible term, and what it predicts")
    ax.legend(fontsize=8)
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


def transfer_model(source_model: Any, *, classes: int = 5, freeze: bool = True,
                   learning_rate: float = 1e-3) -> Any:
    """A new network: ``source_model``'s hidden ``Dense`` layers (weights copied) under a fresh softmax head.

    With ``freeze`` the copied layers are not trained (a fixed feature extractor); without it they
    are fine-tuned too.
    """
    import keras

    hidden = [layer for layer in getattr(source_model, "layers", []) if isinstance(layer, keras.layers.Dense)][:-1]
    if not hidden:
        raise ValueError("source_model has no hidden Dense layer to transfer")
    if not isinstance(freeze, bool):
        raise TypeError(f"freeze must be True or False, got {freeze!r}")
    model = keras.Sequential([keras.Input(shape=(hidden[0].kernel.shape[0],))]
                             + [keras.layers.Dense(layer.units, activation=layer.activation) for layer in hidden]
                             + [keras.layers.Dense(check_int(classes, "classes", minimum=2), activation="softmax")])
    for copy, layer in zip(model.layers, hidden):
        copy.set_weights(layer.get_weights())
        copy.trainable = not freeze
    model.compile(optimizer=keras.optimizers.Adam(check_float(learning_rate, "learning_rate", minimum=0.0,
                                                              strict_minimum=True)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# --- exercise checkers -------------------------------------------------------

def check_extrapolation(answer: Any, *, n: float, a: float, b: float, c: float = 0.0) -> Feedback:
    """Check the learner's prediction of the error at ``n`` examples from the law ``a · n^(−b) + c``."""
    expected = float(predict_error(float(n), a, b, c))
    hint = ""
    if isinstance(answer, (int, float, np.floating)) and not isinstance(answer, bool):
        if np.isclose(float(answer), a * float(n) ** b + c, rtol=1e-3):
            hint = "the exponent's sign: the error falls with n, so it is n to the power −b"
        elif c > 0 and np.isclose(float(answer), a * float(n) ** (-b), rtol=1e-3):
            hint = "you left out the irreducible term c"
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
