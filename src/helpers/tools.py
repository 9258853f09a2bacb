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
3. **Transfer learning on the digits.** A small CNN is trained on digits 0–4
   (:func:`build_feature_extractor`, :func:`train_source_model`); its
   convolutional layers are reused, frozen, for digits 5–9 with a few labels per
   class and compared with the same network trained from scratch
   (:func:`transfer_experiment`, :func:`transfer_figure`, :func:`transfer_explorer`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .cache import cached
from . import widgets
from .exercises import Feedback, check_scalar
from .plotting import PALETTE
from .runtime import quiet_tensorflow
from .training import STEPS_PER_EXECUTION, fit as fit_model, fit_epochs
from .validation import as_array, check_choice, check_float, check_int, check_same_length

quiet_tensorflow()  # before TensorFlow is imported
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

__all__ = [
    "APPLICATIONS",
    "load_small_digits",
    "sequential_model",
    "functional_model",
    "SubclassedMLP",
    "subclassed_model",
    "train_with_fit",
    "train_with_gradient_tape",
    "weights_max_difference",
    "AppInfo",
    "application_summary",
    "split_by_digits",
    "few_labels",
    "build_feature_extractor",
    "build_classifier",
    "train_source_model",
    "TransferResult",
    "transfer_experiment",
    "transfer_figure",
    "transfer_bars",
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
                   learning_rate: float = 0.1) -> list[float]:
    """Compile with plain SGD and fit without shuffling; return the loss after each epoch.

    The loss Keras reports for an epoch is the mean over that epoch's batches,
    weighted by batch size, of the loss *before* each batch's update.
    """
    x, y = _check_xy(x, y)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0)
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


def build_feature_extractor(*, seed: int = 0) -> keras.Model:
    """Conv(8) → pool → Conv(16) → pool → flatten: a 28×28 image → 400 features."""
    init = keras.initializers.GlorotUniform
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(8, 3, activation="relu", kernel_initializer=init(seed=seed)),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(16, 3, activation="relu", kernel_initializer=init(seed=seed + 1)),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
    ], name="feature_extractor")


def build_classifier(base: keras.Model, classes: int = 5, *, freeze: bool = True, seed: int = 0,
                     learning_rate: float = 0.01) -> keras.Model:
    """``base`` followed by a new softmax head, compiled; ``freeze`` stops ``base`` from training."""
    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a keras Model, got {type(base).__name__}")
    classes = check_int(classes, "classes", minimum=2)
    base.trainable = not freeze
    model = keras.Sequential([
        keras.Input(shape=base.input_shape[1:]),
        base,
        keras.layers.Dense(classes, activation="softmax",
                           kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 10)),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], steps_per_execution=STEPS_PER_EXECUTION)
    return model


@cached
def train_source_model(x: Any, y: Any, *, epochs: int = 2, seed: int = 0) -> tuple[keras.Model, keras.Model]:
    """Train feature extractor + head on the source task; return ``(classifier, feature_extractor)``."""
    x = as_array(x, "x", ndim=4, dtype="float32")
    y = as_array(y, "y", ndim=1, dtype="int64")
    check_same_length(x, y, "x", "y")
    keras.utils.set_random_seed(seed)
    base = build_feature_extractor(seed=seed)
    model = build_classifier(base, int(y.max()) + 1, freeze=False, seed=seed)
    fit_model(model, x, y, epochs=check_int(epochs, "epochs", minimum=1), batch_size=32, verbose=0)
    return model, base


def _clone_base(base: keras.Model) -> keras.Model:
    copy = keras.models.clone_model(base)
    copy.set_weights(base.get_weights())
    return copy


@dataclass(frozen=True)
class TransferResult:
    """Test accuracy on the target task with ``per_class`` labels: transferred vs from scratch."""

    per_class: int
    transfer: float
    scratch: float

    def __str__(self) -> str:
        return (f"{self.per_class:4d} labels per class: transfer {self.transfer:.3f}   "
                f"from scratch {self.scratch:.3f}   gain {self.transfer - self.scratch:+.3f}")


@cached
def transfer_experiment(base: keras.Model, train: tuple[np.ndarray, np.ndarray],
                        test: tuple[np.ndarray, np.ndarray], per_class: Sequence[int], *,
                        epochs: int = 15, freeze: bool = True, seed: int = 0) -> list[TransferResult]:
    """For each label budget: train (a) a copy of ``base`` + new head and (b) the same network
    from random weights, on the same few labelled examples; evaluate both on ``test``."""
    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a keras Model, got {type(base).__name__}")
    if isinstance(per_class, int) or not per_class:
        raise TypeError("per_class must be a non-empty list of integers, e.g. [5, 20]")
    epochs = check_int(epochs, "epochs", minimum=1)
    (x, y), (x_test, y_test) = train, test
    classes = int(np.max(y)) + 1
    results = []
    for n in per_class:
        xs, ys = few_labels(x, y, n, seed=seed)
        scores = []
        for pretrained in (True, False):
            keras.utils.set_random_seed(seed)
            body = _clone_base(base) if pretrained else build_feature_extractor(seed=seed + 100)
            model = build_classifier(body, classes, freeze=freeze and pretrained, seed=seed)
            fit_epochs(model, xs, ys, epochs=epochs, batch_size=32, seed=seed)  # one Keras epoch: see helpers.training
            predicted = np.argmax(np.asarray(model(x_test, training=False)), axis=1)
            scores.append(float(np.mean(predicted == np.asarray(y_test))))
        results.append(TransferResult(int(n), scores[0], scores[1]))
    return results


def transfer_figure(results: Sequence[TransferResult], *,
                    title: str = "Digits 5–9 with few labels: transfer vs from scratch") -> plt.Figure:
    """Test accuracy against labels per class, for the transferred and the from-scratch model."""
    if not results or not all(isinstance(r, TransferResult) for r in results):
        raise TypeError("results must be a non-empty list of TransferResult")
    n = [r.per_class for r in results]
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.plot(n, [r.transfer for r in results], marker="o", color=PALETTE[2],
            label="frozen features from digits 0–4 + new head")
    ax.plot(n, [r.scratch for r in results], marker="s", ls="--", color=PALETTE[3],
            label="same network from random weights")
    ax.set_xscale("log")
    ax.set_xticks(n, [str(v) for v in n])
    ax.minorticks_off()
    ax.set_ylim(0, 1)
    ax.axhline(0.2, color="grey", lw=0.8, ls=":", label="chance (5 classes)")
    ax.set_xlabel("labelled training examples per class (log scale)")
    ax.set_ylabel("test accuracy on digits 5–9")
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def transfer_bars(result: TransferResult, *, freeze: bool = True) -> plt.Figure:
    """Two bars: test accuracy of the transferred and the from-scratch model (the panel's view)."""
    if not isinstance(result, TransferResult):
        raise TypeError(f"result must be a TransferResult, got {type(result).__name__}")
    r, per_class = result, result.per_class
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    ax.bar(["transfer", "from scratch"], [r.transfer, r.scratch], color=[PALETTE[2], PALETTE[3]])
    for i, v in enumerate([r.transfer, r.scratch]):
        ax.text(i, v + 0.02, f"{v:.3f}", ha="center")
    ax.set_ylim(0, 1.1)
    ax.set_xlabel("model")
    ax.set_ylabel("test accuracy on digits 5–9")
    ax.set_title(f"{per_class} labels per class, transferred layers {'frozen' if freeze else 'fine-tuned'}")
    fig.tight_layout()
    return fig


def transfer_explorer(base: keras.Model, train: tuple[np.ndarray, np.ndarray],
                      test: tuple[np.ndarray, np.ndarray],
                      precomputed: Sequence[TransferResult] = ()) -> widgets.Explorer:
    """Pick a label budget and whether to freeze the transferred layers; press Run.

    ``precomputed`` results (frozen layers) are shown without retraining.
    """
    cache = {(r.per_class, True): r for r in precomputed}

    def render(per_class: int, freeze: bool) -> plt.Figure:
        if (per_class, freeze) not in cache:
            cache[(per_class, freeze)] = transfer_experiment(base, train, test, [per_class], freeze=freeze)[0]
        return transfer_bars(cache[(per_class, freeze)], freeze=freeze)

    controls = {
        "per_class": widgets.dropdown("labels per class", [2, 5, 10, 20, 50, 100], 10),
        "freeze": widgets.dropdown("transferred layers", {"frozen": True, "fine-tuned": False}, True),
    }
    return widgets.Explorer(render, controls, title="Transfer-learning panel", manual=True)


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
