"""Chapter 7, "Tools and resources: Keras, TensorFlow, PyTorch and pretrained models".

Three things the chapter shows with code:

1. **One model, four ways.** The same two-layer classifier written with the Keras
   ``Sequential`` API (:func:`sequential_model`), the functional API
   (:func:`functional_model`), a subclassed ``keras.Model`` (:class:`SubclassedMLP`),
   and trained both with ``fit`` (:func:`train_with_fit`) and with a hand-written
   TensorFlow loop around ``tf.GradientTape`` (:func:`train_with_gradient_tape`).
   Seeded initializers and unshuffled batches make all four runs compute the same
   numbers, which the chapter asserts.
2. **Keras Applications offline.** :func:`application_summary` builds published
   architectures with ``weights=None`` (random weights: nothing is downloaded)
   and counts their parameters.
3. **Eager execution and ``tf.function``.** :func:`time_epoch` times a training step
   run eagerly and compiled into a graph.
4. **Pretrained weights, online only.** :func:`pretrained_weights_status` says whether
   ImageNet weights can be used here without touching the network offline;
   :func:`sample_photo` is a bundled photograph to classify.
5. **Transfer learning on the digits.** A small CNN trained on digits 0–4
   (:func:`build_feature_extractor`, :func:`build_classifier`) is reused, frozen,
   for digits 5–9 with a few labels per class, and compared over seeds with the same
   network trained from scratch (:func:`transfer_recipe`, run by
   ``helpers.experiments.run``; :func:`transfer_table`, :func:`transfer_figure`,
   :func:`transfer_explorer`).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import socket
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from . import experiments, widgets
from .exercises import Feedback, check_scalar
from .plotting import PALETTE
from .runtime import quiet_tensorflow
from .validation import as_array, check_choice, check_float, check_int, check_same_length

quiet_tensorflow()  # before TensorFlow is imported
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

__all__ = [
    "APPLICATIONS",
    "MOBILENET_WEIGHTS",
    "load_small_digits",
    "sequential_model",
    "functional_model",
    "SubclassedMLP",
    "subclassed_model",
    "train_with_fit",
    "train_with_gradient_tape",
    "weights_max_difference",
    "time_epoch",
    "installed_backends",
    "AppInfo",
    "application_summary",
    "pretrained_weights_status",
    "sample_photo",
    "split_by_digits",
    "few_labels",
    "build_feature_extractor",
    "build_classifier",
    "copy_of",
    "transfer_recipe",
    "transfer_table",
    "transfer_figure",
    "transfer_explorer",
    "check_dense_params",
    "check_loop_accuracy",
    "check_head_params",
]

# --- one model, four ways -----------------------------------------------------


def load_small_digits(test_fraction: float = 0.2, seed: int = 0) -> tuple[tuple[np.ndarray, np.ndarray],
                                                                         tuple[np.ndarray, np.ndarray]]:
    """scikit-learn's 1,797 8×8 digits as ``float32`` rows of 64 values in [0, 1], split
    into training and test sets (seeded shuffle)."""
    from sklearn.datasets import load_digits

    test_fraction = check_float(test_fraction, "test_fraction", minimum=0.0, maximum=0.9, strict_minimum=True)
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int64")
    order = np.random.default_rng(check_int(seed, "seed", minimum=0)).permutation(len(x))
    n_test = int(round(test_fraction * len(x)))
    test, train = order[:n_test], order[n_test:]
    return (x[train], y[train]), (x[test], y[test])


def _dense(units: int, activation: str | None, seed: int, name: str) -> keras.layers.Dense:
    """A Dense layer whose initial weights depend only on ``seed`` (not on global state)."""
    return keras.layers.Dense(units, activation=activation, name=name,
                              kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
                              bias_initializer="zeros")


def _check_sizes(inputs: int, hidden: int, classes: int) -> tuple[int, int, int]:
    return (check_int(inputs, "inputs", minimum=1), check_int(hidden, "hidden", minimum=1),
            check_int(classes, "classes", minimum=2))


def sequential_model(inputs: int = 64, hidden: int = 32, classes: int = 10, *, seed: int = 0) -> keras.Model:
    """The classifier as a ``keras.Sequential`` list of layers."""
    inputs, hidden, classes = _check_sizes(inputs, hidden, classes)
    return keras.Sequential([
        keras.Input(shape=(inputs,)),
        _dense(hidden, "relu", seed, "hidden"),
        _dense(classes, "softmax", seed + 1, "output"),
    ], name="sequential_api")


def functional_model(inputs: int = 64, hidden: int = 32, classes: int = 10, *, seed: int = 0) -> keras.Model:
    """The classifier with the functional API: call layers on symbolic tensors, then wrap."""
    inputs, hidden, classes = _check_sizes(inputs, hidden, classes)
    x_in = keras.Input(shape=(inputs,))
    h = _dense(hidden, "relu", seed, "hidden")(x_in)
    out = _dense(classes, "softmax", seed + 1, "output")(h)
    return keras.Model(x_in, out, name="functional_api")


class SubclassedMLP(keras.Model):
    """The classifier as a subclass of ``keras.Model``: layers in ``__init__``, computation in ``call``."""

    def __init__(self, hidden: int = 32, classes: int = 10, *, seed: int = 0, **kwargs: Any) -> None:
        super().__init__(name=kwargs.pop("name", "subclassed_api"), **kwargs)
        self.hidden = _dense(check_int(hidden, "hidden", minimum=1), "relu", seed, "hidden")
        self.out = _dense(check_int(classes, "classes", minimum=2), "softmax", seed + 1, "output")

    def call(self, x: Any) -> Any:
        return self.out(self.hidden(x))


def subclassed_model(inputs: int = 64, hidden: int = 32, classes: int = 10, *, seed: int = 0) -> SubclassedMLP:
    """A :class:`SubclassedMLP` whose weights exist: a subclassed model creates its
    weights the first time it is called, so we call it once on a zero input."""
    inputs, hidden, classes = _check_sizes(inputs, hidden, classes)
    model = SubclassedMLP(hidden, classes, seed=seed)
    model(np.zeros((1, inputs), dtype="float32"))
    return model


def _check_xy(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x = as_array(x, "x", ndim=2, dtype="float32")
    y = as_array(y, "y", ndim=1, dtype="int64")
    check_same_length(x, y, "x", "y")
    return x, y


def train_with_fit(model: keras.Model, x: Any, y: Any, *, epochs: int = 5, batch_size: int = 64,
                   learning_rate: float = 0.1, validation_data: tuple[Any, Any] | None = None) -> list[float]:
    """Compile with plain SGD and fit without shuffling; return the loss after each epoch.

    The loss Keras reports for an epoch is the mean over that epoch's batches,
    weighted by batch size, of the loss *before* each batch's update.
    ``validation_data`` is measured after each epoch; it does not change the training.
    """
    x, y = _check_xy(x, y)
    if validation_data is not None:
        validation_data = _check_xy(*validation_data)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=False,
                        validation_data=validation_data, verbose=0)
    return [float(v) for v in history.history["loss"]]


def train_with_gradient_tape(model: keras.Model, x: Any, y: Any, *, epochs: int = 5, batch_size: int = 64,
                             learning_rate: float = 0.1) -> list[float]:
    """The same training as :func:`train_with_fit`, written out as a TensorFlow loop.

    For each batch: run the model under ``tf.GradientTape`` (which records the
    operations), compute the loss, ask the tape for the gradient of the loss
    with respect to every trainable weight, and let the optimizer take a step
    ``w ← w − learning_rate · gradient``.
    """
    x, y = _check_xy(x, y)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer = keras.optimizers.SGD(learning_rate)
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            total += float(loss) * len(xb)
            count += len(xb)
        losses.append(total / count)
    return losses


def weights_max_difference(a: keras.Model, b: keras.Model) -> float:
    """Largest absolute difference between two models' weights (same architecture)."""
    wa, wb = a.get_weights(), b.get_weights()
    if len(wa) != len(wb) or any(p.shape != q.shape for p, q in zip(wa, wb)):
        raise ValueError("the two models do not have the same weight shapes")
    return float(max(np.abs(p - q).max() for p, q in zip(wa, wb)))


# --- Keras Applications ------------------------------------------------------

#: Architectures shown by the chapter: Keras constructor name → reference (for the text).
APPLICATIONS: dict[str, str] = {
    "MobileNetV2": "sandler2018mobilenetv2",
    "ResNet50": "he2016deep",
    "EfficientNetB0": "tan2019efficientnet",
}


@dataclass(frozen=True)
class AppInfo:
    """A Keras Application built offline: name, parameters, layers, input shape."""

    name: str
    params: int
    layers: int
    input_shape: tuple[int, ...]

    def __str__(self) -> str:
        return (f"{self.name:15s} {self.params:>12,} parameters  {self.layers:4d} layers  "
                f"input {self.input_shape}")


def application_summary(name: str, *, include_top: bool = True) -> AppInfo:
    """Build ``keras.applications.<name>(weights=None)`` and describe it.

    ``weights=None`` gives the architecture with random weights, so nothing is
    downloaded. (Online, ``weights="imagenet"`` downloads the weights learned
    on ImageNet.) Results are cached: building a large model takes seconds.

    The model is built inside ``keras.StatelessScope(initialize_variables=False)``:
    every layer and every weight exists with its shape, but the random initial
    values (25.6 million numbers for ResNet50) are never drawn. Counting
    parameters and layers needs only the shapes, and the build is about three
    times faster. The counts are those of an ordinary build (MobileNetV2:
    3,538,984 parameters and 156 layers with its top, 2,257,984 and 154
    without; tested).
    """
    check_choice(name, "application", APPLICATIONS)
    return _application_summary(name, bool(include_top))


@functools.lru_cache(maxsize=None)
def _application_summary(name: str, include_top: bool) -> AppInfo:
    constructor = getattr(keras.applications, name)
    with keras.StatelessScope(initialize_variables=False):
        model = constructor(weights=None, include_top=bool(include_top))
        info = AppInfo(name, int(model.count_params()), len(model.layers), tuple(model.input_shape[1:]))
    del model
    # Forget the never-initialised weights (Keras keeps a list of them to initialise later) and the
    # layer names. No garbage collection (free_memory=False): the model holds no weight values, and a
    # full collection costs more than half a second.
    keras.backend.clear_session(free_memory=False)
    return info


# --- eager execution and tf.function -------------------------------------------


def time_epoch(step: Callable[[Any, Any], Any], x: Any, y: Any, *, batch_size: int = 64,
               repeats: int = 5) -> float:
    """Median wall time, in seconds, of one pass of ``step(xb, yb)`` over the batches of ``x, y``.

    ``step`` is a training step (eager, or compiled with ``tf.function``). Each of the
    ``repeats`` passes is timed on its own; the median resists the odd slow pass on a busy
    machine. Call the step once before timing a ``tf.function``, so that tracing is not timed.
    """
    if not callable(step):
        raise TypeError(f"step must be a function of (x_batch, y_batch), got {type(step).__name__}")
    x, y = _check_xy(x, y)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    repeats = check_int(repeats, "repeats", minimum=1)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(x), batch_size):
            loss = step(x[i:i + batch_size], y[i:i + batch_size])
        float(loss)  # wait until the last step has really finished
        times.append(time.perf_counter() - start)
    return float(statistics.median(times))


def installed_backends() -> dict[str, bool]:
    """Which of Keras 3's three backends can be imported here (without importing them)."""
    return {name: importlib.util.find_spec(name) is not None for name in ("tensorflow", "jax", "torch")}


# --- pretrained weights: online only ----------------------------------------------

#: The file ``keras.applications.MobileNetV2(weights="imagenet")`` downloads (alpha 1.0, 224×224, with top).
MOBILENET_WEIGHTS = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"


def pretrained_weights_status(filename: str = MOBILENET_WEIGHTS, *, timeout: float = 3.0) -> tuple[bool, str]:
    """Can the pretrained weights be used here? ``(usable, one sentence saying why)``.

    In order: weights already in Keras's cache (``~/.keras/models``) are used; with
    ``DLBOOK_DATA_SOURCE=sample`` (the book's offline build and tests) nothing is tried on the
    network; otherwise one connection to the server that hosts Keras's weights is attempted,
    with a short ``timeout``. Nothing is downloaded here.
    """
    if not isinstance(filename, str) or not filename:
        raise TypeError("filename must be a non-empty string")
    timeout = check_float(timeout, "timeout", minimum=0.0, strict_minimum=True)
    cache = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "models" / filename
    if cache.is_file():
        return True, f"the ImageNet weights are in Keras's cache ({cache.name})"
    if os.environ.get("DLBOOK_DATA_SOURCE", "").strip().lower() == "sample":
        return False, ("offline (DLBOOK_DATA_SOURCE=sample): skipping the pretrained ImageNet model; run this "
                       "notebook online (Colab, Binder) to classify the photo with it")
    try:
        socket.create_connection(("storage.googleapis.com", 443), timeout=timeout).close()
    except OSError:
        return False, ("no network: skipping the pretrained ImageNet model; run this notebook online "
                       "(Colab, Binder) to classify the photo with it")
    return True, "online: Keras will download the ImageNet weights (14 MB) on first use"


def sample_photo(name: str = "flower.jpg", size: int = 224) -> np.ndarray:
    """One of scikit-learn's two bundled photographs (``"china.jpg"`` or ``"flower.jpg"``),
    centre-cropped to a square and resized to ``size``×``size``: ``uint8`` array (size, size, 3)."""
    from sklearn.datasets import load_sample_image

    check_choice(name, "name", ("china.jpg", "flower.jpg"))
    size = check_int(size, "size", minimum=8, maximum=1024)
    photo = load_sample_image(name)
    h, w = photo.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    square = photo[top:top + side, left:left + side]
    resized = keras.ops.image.resize(square[None].astype("float32"), (size, size))
    return np.clip(np.round(np.asarray(resized)[0]), 0, 255).astype("uint8")


# --- transfer learning --------------------------------------------------------


def split_by_digits(images: Any, labels: Any, digits: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Keep the images whose label is in ``digits``, scaled to [0, 1] with a channel axis,
    and relabel them ``0 .. len(digits) - 1`` in the order given."""
    images = as_array(images, "images", ndim=3, dtype=None)
    labels = as_array(labels, "labels", ndim=1, dtype="int64")
    check_same_length(images, labels, "images", "labels")
    digits = [check_int(d, "digits", minimum=0, maximum=9) for d in digits]
    if len(set(digits)) != len(digits) or not digits:
        raise ValueError(f"digits must be distinct and non-empty, got {digits}")
    mask = np.isin(labels, digits)
    relabel = {d: i for i, d in enumerate(digits)}
    x = (images[mask] / 255.0).astype("float32")[..., None]
    y = np.array([relabel[int(v)] for v in labels[mask]], dtype="int64")
    return x, y


def few_labels(x: Any, y: Any, per_class: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A seeded subset with ``per_class`` examples of each class (the "few labels" setting)."""
    x = as_array(x, "x", dtype=None)
    y = as_array(y, "y", ndim=1, dtype="int64")
    check_same_length(x, y, "x", "y")
    per_class = check_int(per_class, "per_class", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    chosen = []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        if len(idx) < per_class:
            raise ValueError(f"per_class={per_class} but class {c} has only {len(idx)} examples")
        chosen.append(rng.choice(idx, per_class, replace=False))
    order = rng.permutation(np.concatenate(chosen))
    return x[order], y[order]


def build_feature_extractor() -> keras.Model:
    """Conv(8) → pool → Conv(16) → pool → flatten: a 28×28 image → 400 features."""
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
    ], name="feature_extractor")


def build_classifier(base: keras.Model, classes: int = 5, *, freeze: bool = True,
                     learning_rate: float = 0.01) -> keras.Model:
    """``base`` followed by a new softmax head, compiled with Adam; ``freeze`` stops ``base`` from training."""
    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a keras Model, got {type(base).__name__}")
    classes = check_int(classes, "classes", minimum=2)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    base.trainable = not freeze
    model = keras.Sequential([
        keras.Input(shape=base.input_shape[1:]),
        base,
        keras.layers.Dense(classes, activation="softmax", name="head"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def copy_of(base: keras.Model) -> keras.Model:
    """A new model with ``base``'s architecture and a copy of its weights (training it leaves ``base`` alone)."""
    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a keras Model, got {type(base).__name__}")
    copy = keras.models.clone_model(base)
    copy.set_weights(base.get_weights())
    return copy


def transfer_recipe(base: keras.Model | None, train: tuple[Any, Any], val: tuple[Any, Any], per_class: int, *,
                    epochs: int = 30, batches_per_epoch: int = 5,
                    test: tuple[Any, Any] | None = None) -> Callable[[int], dict[str, float]]:
    """The recipe ``experiments.run`` calls with each seed, for one label budget.

    With ``base`` (a trained feature extractor): a copy of it, frozen, plus a new head. With
    ``base=None``: the same network from random weights. Both draw the same ``per_class``
    examples of each class for a given seed (:func:`few_labels`), and both take the same
    number of Adam steps, ``epochs × batches_per_epoch``, whatever the budget: the batch size
    grows with the data. Returns the validation accuracy (and the test accuracy if ``test``).
    """
    if base is not None and not isinstance(base, keras.Model):
        raise TypeError(f"base must be a keras Model or None, got {type(base).__name__}")
    per_class = check_int(per_class, "per_class", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=1)
    batches_per_epoch = check_int(batches_per_epoch, "batches_per_epoch", minimum=1)
    x_train, y_train = train
    x_val, y_val = val
    classes = int(np.max(y_train)) + 1

    def recipe(seed: int) -> dict[str, float]:
        x, y = few_labels(x_train, y_train, per_class, seed=seed)
        keras.utils.set_random_seed(seed)
        body = build_feature_extractor() if base is None else copy_of(base)
        model = build_classifier(body, classes, freeze=base is not None)
        batch_size = int(np.ceil(len(x) / batches_per_epoch))
        model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
        result = {"val_accuracy": float(model.evaluate(x_val, y_val, verbose=0)[1])}
        if test is not None:
            result["test_accuracy"] = float(model.evaluate(*test, verbose=0)[1])
        return result

    return recipe


def transfer_table(comparisons: Mapping[int, experiments.Comparison]) -> str:
    """One line per label budget: the paired difference transfer − scratch, its interval and verdict."""
    if not isinstance(comparisons, Mapping) or not comparisons:
        raise TypeError("comparisons must be a non-empty mapping of labels per class -> Comparison")
    lines = []
    for n, c in comparisons.items():
        if not isinstance(c, experiments.Comparison):
            raise TypeError(f"comparisons[{n}] must be a Comparison, got {type(c).__name__}")
        verdict = "indistinguishable" if c.verdict == "indistinguishable" else f"{c.winner} better"
        lines.append(f"{n:4d} per class: transfer - scratch {c.mean:+.3f} (95% CI {c.low:+.3f} to {c.high:+.3f}, "
                     f"{c.n} seeds): {verdict}")
    return "\n".join(lines)


def transfer_figure(runs: Mapping[int, tuple[experiments.Runs, experiments.Runs]], *,
                    metric: str = "val_accuracy",
                    title: str = "Digits 5–9 with few labels: transfer vs from scratch") -> plt.Figure:
    """Accuracy against labels per class: every seed's point, and each recipe's mean with its 95% interval."""
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError("runs must be a non-empty mapping of labels per class -> (transfer Runs, scratch Runs)")
    budgets = list(runs)
    fig, ax = plt.subplots(figsize=(6.8, 4.0))
    for k, (label, color, marker, shift) in enumerate((("frozen features from digits 0–4 + new head", PALETTE[2], "o", 0.96),
                                                      ("same network from random weights", PALETTE[3], "s", 1.04))):
        means, lows, highs = [], [], []
        for n in budgets:
            r = runs[n][k]
            if not isinstance(r, experiments.Runs):
                raise TypeError(f"runs[{n}] must hold two Runs")
            vals = r[metric]
            ax.scatter(np.full(len(vals), n * shift), vals, s=10, color=color, alpha=0.5)
            mean, low, high = r.interval(metric)
            means.append(mean); lows.append(mean - low); highs.append(high - mean)
        ax.errorbar(np.array(budgets) * shift, means, yerr=[lows, highs], marker=marker, color=color,
                    capsize=4, ls="-" if k == 0 else "--", label=label)
    ax.set_xscale("log")
    ax.set_xticks(budgets, [str(v) for v in budgets])
    ax.minorticks_off()
    ax.set_ylim(0, 1)
    ax.axhline(0.2, color="grey", lw=0.8, ls=":", label="chance (5 classes)")
    ax.set_xlabel("labelled training examples per class (log scale)")
    ax.set_ylabel(metric.replace("_", " ") + " on digits 5–9")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def transfer_explorer(runs: Mapping[int, tuple[experiments.Runs, experiments.Runs]], *,
                      metric: str = "val_accuracy") -> widgets.Explorer:
    """Pick a label budget; see every seed's accuracy for both recipes, joined seed by seed.

    Nothing is trained: the explorer reads the runs the chapter computed.
    """
    import pandas as pd

    if not isinstance(runs, Mapping) or not runs:
        raise TypeError("runs must be a non-empty mapping of labels per class -> (transfer Runs, scratch Runs)")
    budgets = sorted(runs)

    def compute(per_class: int) -> Any:
        transfer, scratch = runs[per_class]
        rows = [{"recipe": name, "seed": int(seed), "accuracy": float(v)}
                for name, r in (("transfer", transfer), ("from scratch", scratch))
                for seed, v in zip(r.seeds, r[metric])]
        return pd.DataFrame(rows)

    def render(frame: Any, per_class: int) -> plt.Figure:
        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        wide = frame.pivot(index="seed", columns="recipe", values="accuracy")
        for _, row in wide.iterrows():
            ax.plot([0, 1], [row["transfer"], row["from scratch"]], color="0.7", lw=0.8)
        for i, (name, color) in enumerate((("transfer", PALETTE[2]), ("from scratch", PALETTE[3]))):
            ax.scatter(np.full(len(wide), i), wide[name], color=color, zorder=3)
        ax.set_xticks([0, 1], ["transfer", "from scratch"])
        ax.set_xlim(-0.5, 1.5)
        ax.set_ylim(0, 1)
        ax.set_xlabel("recipe")
        ax.set_ylabel(metric.replace("_", " "))
        ax.set_title(f"{per_class} labels per class: one line per seed")
        fig.tight_layout()
        return fig

    def chart(base: Any) -> Any:
        import altair as alt

        points = base.mark_point(filled=True, size=60).encode(
            x=alt.X("recipe:N", title="recipe"), y=alt.Y("accuracy:Q", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("recipe:N", scale=alt.Scale(domain=["transfer", "from scratch"],
                                                        range=[PALETTE[2], PALETTE[3]])))
        lines = base.mark_line(color="#bbbbbb").encode(x="recipe:N", y="accuracy:Q", detail="seed:N")
        return lines + points

    return widgets.Explorer(controls={"per_class": widgets.Steps(budgets, budgets[0], label="labels per class")},
                            compute=compute, render=render, chart=chart, title="Transfer or from scratch, seed by seed",
                            description="Validation accuracy of the transferred and the from-scratch network for each "
                                        "seed; the control picks the number of labels per class.")


# --- exercise checkers -------------------------------------------------------

def check_dense_params(answer: Any, inputs: int, units: int) -> Feedback:
    """Check a hand count of a Dense layer's parameters (weights + biases)."""
    inputs = check_int(inputs, "inputs", minimum=1)
    units = check_int(units, "units", minimum=1)
    hint = "that counts the weights only: each unit also has a bias" \
        if isinstance(answer, (int, np.integer)) and int(answer) == inputs * units else ""
    return check_scalar(answer, expected=inputs * units + units, name=f"parameters of Dense({units}) on "
                        f"{inputs} inputs", exact=True, hint=hint)


def check_loop_accuracy(answer: Any, fit_accuracy: float) -> Feedback:
    """Check a hand-written loop's epoch accuracy against the one ``fit`` reported (within 1e-4)."""
    fit_accuracy = check_float(fit_accuracy, "fit_accuracy", minimum=0.0, maximum=1.0)
    hint = ""
    if isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(answer, bool):
        if answer > 1:
            hint = ("an accuracy is a fraction: divide the number of correct predictions by the number "
                    "of examples (not batches)")
        elif answer > fit_accuracy + 1e-4:
            hint = ("higher than fit's: did you measure the predictions after apply_gradients? fit counts "
                    "each batch's predictions made before its update")
        elif answer < fit_accuracy - 1e-4:
            hint = ("lower than fit's: did you average per-batch accuracies without weighting by batch size, "
                    "shuffle the data, or divide by the wrong count?")
    return check_scalar(answer, expected=fit_accuracy, name="loop accuracy", rtol=0, atol=1e-4, hint=hint)


def check_head_params(answer: Any, *, features: int, classes: int) -> Feedback:
    """Check the parameter count of a classification head (a Dense layer on pooled features)."""
    features = check_int(features, "features", minimum=1)
    classes = check_int(classes, "classes", minimum=1)
    expected = features * classes + classes
    hint = ""
    if isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(answer, bool):
        if answer == features * classes:
            hint = "that counts the weights only: each of the classes also has a bias"
        elif answer < 0:
            hint = "negative: subtract the count without the top from the count with the top"
        elif answer > 2 * expected:
            hint = "that is more than the head alone: subtract the model without its top from the full model"
    return check_scalar(answer, expected=expected, name=f"head parameters ({features} features → {classes} classes)",
                        exact=True, hint=hint)
