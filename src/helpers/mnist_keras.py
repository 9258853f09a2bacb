"""Chapter 5, "A first neural network: handwritten digits with Keras".

Everything the chapter computes beyond the few lines a learner must see:
preprocessing as the source program does it, the modern Keras 3 model,
parameter counting by hand, confusion matrices, the misclassified gallery,
and the two interactive panels (a digit browser and a retraining panel),
whose callbacks are the plain functions :func:`digit_figure` and
:func:`retrain_figure`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .cache import cached
from . import widgets
from .exercises import Feedback, check_scalar
from .plotting import PALETTE, plot_history, probability_bars
from .training import STEPS_PER_EXECUTION, fit as fit_model, validation_callback
from .validation import as_array, check_choice, check_int, check_same_length

__all__ = [
    "OPTIMIZERS",
    "preprocess",
    "build_model",
    "param_count_by_hand",
    "train",
    "confusion_matrix",
    "most_confident_mistakes",
    "digit_figure",
    "retrain",
    "retrain_figure",
    "digit_browser",
    "retraining_panel",
    "check_param_count",
    "check_preprocessed",
    "check_sparse_loss",
    "check_fashion_accuracy",
]

#: Optimizers offered by the retraining panel (Keras names).
OPTIMIZERS: tuple[str, ...] = ("rmsprop", "adam", "sgd")


def preprocess(images: Any, labels: Any, num_classes: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Flatten and scale images, one-hot encode labels: the source program's steps.

    ``images`` of shape ``(n, 28, 28)`` with pixel values 0–255 become
    ``float32`` rows of 784 values in [0, 1]; integer ``labels`` become
    one-hot ``float32`` rows of length ``num_classes``.
    """
    images = as_array(images, "images", ndim=(2, 3), dtype=None)
    labels = as_array(labels, "labels", ndim=1, dtype=None)
    num_classes = check_int(num_classes, "num_classes", minimum=2)
    check_same_length(images, labels, "images", "labels")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers (class numbers), got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must lie in 0..{num_classes - 1}, got {labels.min()}..{labels.max()}")
    if images.size and (images.min() < 0 or images.max() > 255):
        raise ValueError("images must hold raw pixel values in 0..255")
    x = images.reshape(len(images), -1).astype("float32") / 255
    y = np.eye(num_classes, dtype="float32")[labels]
    return x, y


def build_model(
    hidden_units: int | Sequence[int] = 512,
    *,
    optimizer: str = "rmsprop",
    inputs: int = 28 * 28,
    classes: int = 10,
    loss: str = "categorical_crossentropy",
) -> Any:
    """The source program's network in Keras 3 style, compiled.

    ``keras.Input(shape=(784,))`` declares the input; then one ``Dense`` ReLU
    layer per entry of ``hidden_units`` and a ``Dense`` softmax output.
    """
    import keras

    units = [hidden_units] if isinstance(hidden_units, (int, np.integer)) else list(hidden_units)
    units = [check_int(u, "hidden_units", minimum=1) for u in units]
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    layers: list[Any] = [keras.Input(shape=(inputs,))]
    layers += [keras.layers.Dense(u, activation="relu") for u in units]
    layers.append(keras.layers.Dense(classes, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"], steps_per_execution=STEPS_PER_EXECUTION)
    return model


def param_count_by_hand(layer_sizes: Sequence[int]) -> int:
    """Parameters of a dense network with the given layer widths.

    Each dense layer from ``n_in`` to ``n_out`` units has an ``n_in × n_out``
    weight matrix and ``n_out`` biases. ``[784, 512, 10]`` gives 407,050.
    """
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(f"layer_sizes must be a list of integers, got {type(layer_sizes).__name__}")
    sizes = [check_int(s, "layer size", minimum=1) for s in layer_sizes]
    if len(sizes) < 2:
        raise ValueError("layer_sizes needs at least an input and an output size")
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def train(model: Any, x: np.ndarray, y: np.ndarray, *, epochs: int = 5, batch_size: int = 128,
          validation_split: float = 0.0, seed: int = 0) -> Any:
    """``model.fit`` with a fixed seed and no progress bars; returns the ``History``.

    (Through :func:`helpers.training.fit`, which gives the same result without
    tracing the training step again for a network like one trained before.)
    """
    import keras

    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    keras.utils.set_random_seed(seed)
    return fit_model(model, x, y, epochs=epochs, batch_size=batch_size,
                     validation_split=validation_split, verbose=0)


def confusion_matrix(y_true: Any, y_pred: Any, num_classes: int = 10) -> np.ndarray:
    """Counts ``C[i, j]`` of examples of class ``i`` predicted as class ``j``."""
    y_true = as_array(y_true, "y_true", ndim=1, dtype=int)
    y_pred = as_array(y_pred, "y_pred", ndim=1, dtype=int)
    check_same_length(y_true, y_pred, "y_true", "y_pred")
    num_classes = check_int(num_classes, "num_classes", minimum=1)
    for name, arr in (("y_true", y_true), ("y_pred", y_pred)):
        if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
            raise ValueError(f"{name} must lie in 0..{num_classes - 1}")
    matrix = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def most_confident_mistakes(probabilities: Any, labels: Any, k: int = 12) -> np.ndarray:
    """Indices of the ``k`` wrong predictions the model was most sure about."""
    probabilities = as_array(probabilities, "probabilities", ndim=2)
    labels = as_array(labels, "labels", ndim=1, dtype=int)
    check_same_length(probabilities, labels, "probabilities", "labels")
    k = check_int(k, "k", minimum=1)
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probabilities[wrong, predicted[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")][:k]


def digit_figure(image: Any, probabilities: Any, label: int, *, index: int | None = None) -> plt.Figure:
    """One digit beside the model's ten probabilities (the digit browser's view)."""
    image = as_array(image, "image", ndim=(1, 2))
    if image.ndim == 1:
        image = image.reshape(28, 28)
    probabilities = as_array(probabilities, "probabilities", ndim=1)
    label = check_int(label, "label", minimum=0, maximum=len(probabilities) - 1)
    predicted = int(np.argmax(probabilities))
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.0), gridspec_kw={"width_ratios": [1, 2]})
    left.imshow(image, cmap="gray_r")
    left.set_axis_off()
    name = f"test image {index}" if index is not None else "image"
    left.set_title(f"{name}: label {label}")
    probability_bars(right, probabilities, label=label)
    verdict = "correct" if predicted == label else "wrong"
    right.set_title(f"predicted {predicted} with p = {probabilities[predicted]:.2f} ({verdict})",
                    color="black" if predicted == label else PALETTE[3])
    fig.tight_layout()
    return fig


@cached
def retrain(data: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]], *,
            hidden_units: int = 512, epochs: int = 5, optimizer: str = "rmsprop",
            seed: int = 0) -> tuple[Any, Any]:
    """Build and train a fresh model on preprocessed ``((x, y), (x_val, y_val))``.

    Returns ``(model, history)``; the history holds validation curves.
    """
    import keras

    (x, y), (x_val, y_val) = data
    keras.utils.set_random_seed(seed)
    model = build_model(hidden_units, optimizer=optimizer)
    history = fit_model(model, x, y, epochs=check_int(epochs, "epochs", minimum=1), batch_size=128,
                        callbacks=[validation_callback(x_val, y_val)], verbose=0)
    return model, history


def retrain_figure(data: Any, *, hidden_units: int = 512, epochs: int = 5,
                   optimizer: str = "rmsprop") -> plt.Figure:
    """The retraining panel's view: train with these settings, plot the curves."""
    _, history = retrain(data, hidden_units=hidden_units, epochs=epochs, optimizer=optimizer)
    val = history.history["val_accuracy"][-1]
    return plot_history(history, title=f"{hidden_units} hidden units, {optimizer}, {epochs} epochs: "
                                       f"validation accuracy {val:.3f}")


def digit_browser(images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray,
                  start: int = 0) -> widgets.Explorer:
    """Pick a test image with a slider; see it and the model's probabilities."""
    images = as_array(images, "images", ndim=(2, 3))
    labels = as_array(labels, "labels", ndim=1, dtype=int)
    probabilities = as_array(probabilities, "probabilities", ndim=2)
    check_same_length(images, labels, "images", "labels")
    check_same_length(images, probabilities, "images", "probabilities")

    def render(index: int) -> plt.Figure:
        return digit_figure(images[index], probabilities[index], int(labels[index]), index=index)

    control = widgets.int_slider("test image", start, 0, len(images) - 1)
    return widgets.Explorer(render, {"index": control}, title="Digit browser")


def retraining_panel(data: Any) -> widgets.Explorer:
    """Choose hidden units, epochs and optimizer, press Run, see new curves."""

    def render(hidden_units: int, epochs: int, optimizer: str) -> plt.Figure:
        return retrain_figure(data, hidden_units=hidden_units, epochs=epochs, optimizer=optimizer)

    controls = {
        "hidden_units": widgets.dropdown("hidden units", [16, 64, 128, 512], 128),
        "epochs": widgets.int_slider("epochs", 5, 1, 15),
        "optimizer": widgets.dropdown("optimizer", list(OPTIMIZERS), "rmsprop"),
    }
    return widgets.Explorer(render, controls, title="Retraining panel", manual=True, button_text="Train")


# --- exercise checkers -------------------------------------------------------

def check_param_count(answer: Any, layer_sizes: Sequence[int]) -> Feedback:
    """Check a parameter count worked out by hand for a dense network."""
    expected = param_count_by_hand(layer_sizes)
    weights = sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
    hint = ""
    if isinstance(answer, (int, np.integer)) and int(answer) == weights:
        hint = "that counts the weights only: every unit also has a bias"
    return check_scalar(answer, expected=expected, name=f"parameters of {list(layer_sizes)}",
                        exact=True, hint=hint)


def check_preprocessed(x: Any, y: Any, *, n: int, num_classes: int = 10) -> Feedback:
    """Check the learner's preprocessing: shapes, dtype, pixel range, one-hot rows."""
    problems: list[str] = []
    x = np.asarray(x)
    y = np.asarray(y)
    if x.shape != (n, 784):
        problems.append(f"images have shape {x.shape}, expected ({n}, 784): flatten each 28×28 image")
    if x.dtype != np.float32:
        problems.append(f"images have dtype {x.dtype}, expected float32")
    if x.size and x.max() > 1.0:
        problems.append(f"pixel values go up to {x.max():g}: divide by 255 to scale them to [0, 1]")
    if y.shape != (n, num_classes):
        problems.append(f"labels have shape {y.shape}, expected ({n}, {num_classes}): one-hot encode them")
    elif not np.allclose(y.sum(axis=1), 1.0):
        problems.append("some label rows do not sum to 1: they are not one-hot")
    if problems:
        return Feedback(False, problems)
    return Feedback(True, [f"images {x.shape} float32 in [0, 1]; labels {y.shape} one-hot"])


def check_sparse_loss(sparse_loss: Any, categorical_loss: Any) -> Feedback:
    """Check that the sparse loss (integer labels) equals the categorical loss (one-hot labels).

    Both are the mean of ``-log p(true class)`` over the same images, so they must agree
    to float32 precision when computed from the same model.
    """
    if isinstance(categorical_loss, bool) or not isinstance(categorical_loss, (int, float, np.integer, np.floating)):
        return Feedback(False, [f"categorical_loss should be a number, got {type(categorical_loss).__name__}"])
    return check_scalar(sparse_loss, expected=float(categorical_loss), name="sparse categorical loss",
                        rtol=1e-4, atol=1e-4,
                        hint="compute both losses with the same model on the same test images: "
                             "integer labels for the sparse loss, one-hot labels for the categorical one")


def check_fashion_accuracy(fashion_accuracy: Any, mnist_accuracy: Any) -> Feedback:
    """Check a Fashion-MNIST test accuracy for the chapter's dense network.

    Expected: a probability, clearly above chance (0.1), and below the same network's
    MNIST accuracy, since clothes are harder to tell apart than digits.
    """
    problems: list[str] = []
    for name, value in (("fashion_accuracy", fashion_accuracy), ("mnist_accuracy", mnist_accuracy)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            return Feedback(False, [f"{name} should be a number, got {type(value).__name__}"])
        if not 0.0 <= float(value) <= 1.0:
            problems.append(f"{name} is {float(value):g}: an accuracy lies between 0 and 1 "
                            "(did you pass the loss, or a percentage?)")
    if problems:
        return Feedback(False, problems)
    fashion, mnist = float(fashion_accuracy), float(mnist_accuracy)
    if fashion <= 0.5:
        return Feedback(False, [f"Fashion-MNIST accuracy {fashion:.3f} is far below what this network reaches "
                                "(about 0.85 or more): check the preprocessing (scale to [0, 1]) and the labels"])
    if fashion >= mnist:
        return Feedback(False, [f"Fashion-MNIST accuracy {fashion:.3f} is not below MNIST's {mnist:.3f}: "
                                "are both measured on their own test sets?"])
    return Feedback(True, [f"Fashion-MNIST {fashion:.3f} < MNIST {mnist:.3f}: clothes are harder than digits"])
