"""Chapter 5, "A first neural network: handwritten digits with Keras".

The models, their training and their evaluation are written out in the chapter itself,
in plain Keras. This module holds what the chapter computes around them: the source
program's preprocessing, parameter counting by hand, the confusion matrix and the
most confident mistakes, :func:`prepare_digit` (an image from outside MNIST made to
look like an MNIST digit), the two explorers (a digit browser and a training panel,
each three plain functions handed to :class:`helpers.widgets.Explorer`), and the
exercise checkers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from . import widgets
from .exercises import Feedback, check_scalar
from .plotting import PALETTE, probability_bars
from .validation import as_array, check_choice, check_int, check_same_length

__all__ = [
    "OPTIMIZERS",
    "preprocess",
    "param_count_by_hand",
    "confusion_matrix",
    "most_confident_mistakes",
    "digit_figure",
    "prepare_digit",
    "browser_table",
    "browser_figure",
    "browser_chart",
    "digit_browser",
    "train_curves",
    "curves_figure",
    "curves_chart",
    "training_panel",
    "check_param_count",
    "check_preprocessed",
    "check_sparse_loss",
    "check_fashion_accuracy",
]

#: Optimizers offered by the training panel (Keras names, default settings).
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


def _load_image(image: Any) -> np.ndarray:
    """An array from an array-like or an image file (``str`` or ``Path``), as float64."""
    if isinstance(image, (str, Path)):
        from PIL import Image

        path = Path(image)
        if not path.is_file():
            raise ValueError(f"image: no such file {str(path)!r}")
        try:
            with Image.open(path) as opened:
                return np.asarray(opened.convert("L"), dtype=float)
        except OSError as exc:
            raise ValueError(f"image: {path.name!r} is not an image file PIL can read ({exc})") from None
    array = as_array(image, "image", ndim=(2, 3), dtype=float)
    if array.ndim == 3:
        if array.shape[2] not in (1, 3, 4):
            raise ValueError(f"image: a colour image needs 1, 3 or 4 channels last, got shape {array.shape}")
        if array.shape[2] == 1:
            array = array[:, :, 0]
        else:  # luminance of the RGB channels (ITU-R 601, as PIL's "L" mode); alpha ignored
            array = array[:, :, :3] @ np.array([0.299, 0.587, 0.114])
    return array


def prepare_digit(image: Any, *, invert: bool | None = None, threshold: float = 0.2) -> np.ndarray:
    """Make an image of one digit look like an MNIST digit: a ``float32`` 28×28 array in [0, 1].

    The steps follow how MNIST was made (LeCun et al., 1998): the digit's grey levels,
    ink bright on a dark background, cropped to its bounding box, scaled so that its longer
    side is 20 pixels (keeping the aspect ratio), and placed in a 28×28 field so that its
    centre of mass is at the centre.

    ``image``: a 2-D array of grey levels, an ``(h, w, 3 or 4)`` colour array, or the path of
    an image file (a photo of a digit on paper). Any value range: it is stretched to [0, 1].
    ``invert``: ``True`` for dark ink on light paper, ``False`` for light ink on dark; ``None``
    decides from the border (a bright border means paper, so the image is inverted).
    ``threshold``: grey level in (0, 1) below which a pixel counts as background when cropping.
    """
    from scipy import ndimage

    if invert is not None and not isinstance(invert, bool):
        raise TypeError(f"invert must be True, False or None, got {type(invert).__name__}")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)) \
            or not 0.0 < float(threshold) < 1.0:
        raise ValueError(f"threshold must be a number in (0, 1), got {threshold!r}")
    grey = _load_image(image)
    if min(grey.shape) < 2:
        raise ValueError(f"image must be at least 2×2 pixels, got shape {grey.shape}")
    low, high = float(grey.min()), float(grey.max())
    if high - low <= 0:
        raise ValueError("image is blank: every pixel has the same value, there is no digit to find")
    grey = (grey - low) / (high - low)
    if invert is None:
        border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
        invert = bool(np.median(border) > 0.5)
    if invert:
        grey = 1.0 - grey
    grey = np.where(grey < threshold, 0.0, grey)
    rows, cols = np.nonzero(grey)
    if rows.size == 0:
        raise ValueError("image has no ink above the threshold: lower `threshold` or check `invert`")
    crop = grey[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    scale = 20.0 / max(crop.shape)
    height = max(1, min(20, round(crop.shape[0] * scale)))
    width = max(1, min(20, round(crop.shape[1] * scale)))
    fitted = ndimage.zoom(crop, (height / crop.shape[0], width / crop.shape[1]), order=1, grid_mode=True,
                          mode="grid-constant")[:height, :width]
    fitted = np.clip(fitted, 0.0, None)
    if fitted.max() <= 0:
        raise ValueError("image: the digit vanished when scaled to 20×20 pixels")
    centre_row, centre_col = ndimage.center_of_mass(fitted)
    top = int(np.clip(round(14 - centre_row), 0, 28 - height))
    left = int(np.clip(round(14 - centre_col), 0, 28 - width))
    field = np.zeros((28, 28))
    field[top:top + height, left:left + width] = fitted
    return (field / field.max()).astype("float32")


def _check_frame(frame: Any, name: str, columns: Sequence[str]) -> Any:
    """``frame`` must be a pandas DataFrame with ``columns`` and at least one row."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame (the explorer's table), got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing or frame.empty:
        raise ValueError(f"{name} must be a non-empty table with columns {list(columns)}; missing {missing}")
    return frame


def _check_base(base: Any) -> Any:
    widgets.require_chart(base)
    return base


# --- the digit browser (an Explorer) -------------------------------------------

def browser_table(images: Any, probabilities: Any, labels: Any, index: int) -> Any:
    """The digit browser's numbers for image ``index``: its inked pixels and the ten probabilities.

    One row per pixel with ink (``kind`` "pixel", ``row``, ``col``, ``value``) and one per class
    (``kind`` "probability", ``digit``, ``value``, ``is_label``).
    """
    import pandas as pd

    images = as_array(images, "images", ndim=(2, 3))
    probabilities = as_array(probabilities, "probabilities", ndim=2)
    labels = as_array(labels, "labels", ndim=1, dtype=int)
    check_same_length(images, probabilities, "images", "probabilities")
    check_same_length(images, labels, "images", "labels")
    index = check_int(index, "index", minimum=0, maximum=len(images) - 1)
    image = images[index].reshape(28, 28)
    rows, cols = np.nonzero(image > 0)
    pixels = pd.DataFrame({"kind": "pixel", "row": rows, "col": cols, "value": image[rows, cols].astype(float),
                           "digit": -1, "is_label": False})
    p = probabilities[index]
    bars = pd.DataFrame({"kind": "probability", "row": -1, "col": -1, "value": p.astype(float),
                         "digit": np.arange(len(p)), "is_label": np.arange(len(p)) == labels[index]})
    return pd.concat([pixels, bars], ignore_index=True)


def browser_figure(frame: Any, index: int) -> plt.Figure:
    """The digit browser's matplotlib view, drawn from :func:`browser_table`'s rows."""
    frame = _check_frame(frame, "frame", ("kind", "row", "col", "value", "digit", "is_label"))
    index = check_int(index, "index", minimum=0)
    pixels = frame[frame["kind"] == "pixel"]
    bars = frame[frame["kind"] == "probability"].sort_values("digit")
    image = np.zeros((28, 28))
    image[pixels["row"].to_numpy(int), pixels["col"].to_numpy(int)] = pixels["value"].to_numpy()
    label = int(bars.loc[bars["is_label"], "digit"].iloc[0])
    return digit_figure(image, bars["value"].to_numpy(), label, index=index)


def browser_chart(base: Any) -> Any:
    """The digit browser's Vega-Lite view: the digit as squares of ink beside the probability bars."""
    import altair as alt

    base = _check_base(base)

    digit = base.transform_filter(alt.datum.kind == "pixel").mark_square(size=60, opacity=1).encode(
        x=alt.X("col:Q", scale=alt.Scale(domain=[-0.5, 27.5]), axis=None),
        y=alt.Y("row:Q", scale=alt.Scale(domain=[27.5, -0.5]), axis=None),
        color=alt.Color("value:Q", scale=alt.Scale(scheme="greys", domain=[0, 1]), legend=None),
    ).properties(width=200, height=200)
    bars = base.transform_filter(alt.datum.kind == "probability").mark_bar().encode(
        x=alt.X("digit:O", title="digit"),
        y=alt.Y("value:Q", title="probability", scale=alt.Scale(domain=[0, 1])),
        color=alt.condition(alt.datum.is_label, alt.value(PALETTE[2]), alt.value(PALETTE[0])),
    ).properties(width=320, height=200)
    return alt.hconcat(digit, bars)


def digit_browser(images: Any, probabilities: Any, labels: Any, indices: Sequence[int], *,
                  start: int | None = None, title: str = "Digit browser") -> widgets.Explorer:
    """An explorer over the images ``indices``: each digit beside the model's ten probabilities."""
    if isinstance(indices, (str, bytes)) or not isinstance(indices, (Sequence, np.ndarray)) or len(indices) < 2:
        raise TypeError("indices must be a list of at least two image numbers")
    images = as_array(images, "images", ndim=(2, 3))
    indices = sorted({check_int(int(i) if isinstance(i, np.integer) else i, "indices", minimum=0,
                                maximum=len(images) - 1) for i in indices})
    if len(indices) < 2:
        raise ValueError("indices must hold at least two different image numbers")
    start = indices[0] if start is None else start
    if start not in indices:
        raise ValueError(f"start must be one of indices, got {start!r}")

    def compute(index: int) -> Any:
        return browser_table(images, probabilities, labels, int(index))

    def render(frame: Any, index: int) -> plt.Figure:
        return browser_figure(frame, int(index))

    return widgets.Explorer(
        controls={"index": widgets.Choice(indices, start, label="image")},
        compute=compute, render=render, chart=browser_chart, title=title,
        description="One digit and the ten probabilities the model gives it; the control picks the image.")


# --- the training panel (an Explorer that trains) --------------------------------

def train_curves(data: Any, *, hidden_units: int, optimizer: str, epochs: int = 10, batch_size: int = 128,
                 seed: int = 0) -> Any:
    """Train the chapter's dense network once and return its curves as a table.

    ``data`` is ``((x, y), (x_val, y_val))`` with ``x`` of shape ``(n, 784)`` and one-hot ``y``.
    The network and the ``fit`` call are the ones the chapter writes out; the table has one row
    per epoch and curve (``epoch``, ``metric`` "loss" or "accuracy", ``split`` "training" or
    "validation", ``value``).
    """
    import keras
    import pandas as pd

    (x, y), (x_val, y_val) = data
    hidden_units = check_int(hidden_units, "hidden_units", minimum=1)
    optimizer = check_choice(optimizer, "optimizer", OPTIMIZERS)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(x.shape[1],)),
        keras.layers.Dense(hidden_units, activation="relu"),
        keras.layers.Dense(y.shape[1], activation="softmax"),
    ])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=epochs, batch_size=batch_size, verbose=0)
    rows = []
    for metric in ("loss", "accuracy"):
        for split, key in (("training", metric), ("validation", f"val_{metric}")):
            for epoch, value in enumerate(history.history[key], 1):
                rows.append({"epoch": epoch, "metric": metric, "split": split, "value": float(value)})
    return pd.DataFrame(rows)


def curves_figure(frame: Any, hidden_units: int, optimizer: str) -> plt.Figure:
    """The training panel's matplotlib view: loss and accuracy per epoch, training and validation."""
    frame = _check_frame(frame, "frame", ("epoch", "metric", "split", "value"))
    hidden_units = check_int(hidden_units, "hidden_units", minimum=1)
    optimizer = check_choice(optimizer, "optimizer", OPTIMIZERS)
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.4))
    for ax, metric in zip(axes, ("loss", "accuracy")):
        for split, style, colour in (("training", "-", PALETTE[0]), ("validation", "--", PALETTE[1])):
            rows = frame[(frame["metric"] == metric) & (frame["split"] == split)]
            ax.plot(rows["epoch"], rows["value"], style, marker="o", color=colour, label=split)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    final = frame[(frame["metric"] == "accuracy") & (frame["split"] == "validation")]["value"].iloc[-1]
    fig.suptitle(f"{hidden_units} hidden units, {optimizer}: validation accuracy {final:.3f} "
                 f"after {int(frame['epoch'].max())} epochs")
    fig.tight_layout()
    return fig


def curves_chart(base: Any) -> Any:
    """The training panel's Vega-Lite view: the same curves, one panel per metric."""
    import altair as alt

    base = _check_base(base)

    return base.mark_line(point=True).encode(
        x=alt.X("epoch:Q", title="epoch"),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("split:N", scale=alt.Scale(range=[PALETTE[0], PALETTE[1]])),
        strokeDash="split:N",
    ).properties(width=260, height=200).facet(column=alt.Column("metric:N", title=None)).resolve_scale(y="independent")


def training_panel(data: Any, *, hidden_units: Sequence[int] = (16, 128, 512),
                   optimizers: Sequence[str] = ("rmsprop", "sgd"), epochs: int = 10) -> widgets.Explorer:
    """An explorer over hidden units and optimizer: trains every combination once (the grid), shows its curves."""
    if isinstance(hidden_units, (str, bytes)) or not isinstance(hidden_units, Sequence) or len(hidden_units) < 2:
        raise TypeError("hidden_units must be a list of at least two numbers of units")
    units = [check_int(u, "hidden_units", minimum=1) for u in hidden_units]
    if isinstance(optimizers, (str, bytes)) or not isinstance(optimizers, Sequence) or not optimizers:
        raise TypeError("optimizers must be a non-empty list of optimizer names")
    names = [check_choice(o, "optimizers", OPTIMIZERS) for o in optimizers]
    epochs = check_int(epochs, "epochs", minimum=1)

    def compute(hidden_units: int, optimizer: str) -> Any:
        return train_curves(data, hidden_units=int(hidden_units), optimizer=optimizer, epochs=epochs)

    return widgets.Explorer(
        controls={"hidden_units": widgets.Steps(units, units[len(units) // 2], label="hidden units"),
                  "optimizer": widgets.Choice(names, names[0], label="optimizer")},
        compute=compute, render=curves_figure, chart=curves_chart, title="Training panel",
        description="Loss and accuracy per epoch on training and validation images, for the chosen "
                    "hidden-layer width and optimizer.")


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


def _numeric_array(value: Any, name: str) -> tuple[np.ndarray | None, str]:
    """``value`` as a numeric array, or ``None`` and a message saying why it is not one."""
    if value is None:
        return None, f"{name} is None: did the cell that computes it return nothing?"
    if isinstance(value, (str, bytes)):
        return None, f"{name} is a string ({value[:20]!r}), expected a numpy array"
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None, f"{name} is a ragged list (rows of different lengths), expected a numpy array"
    if array.dtype == object:
        return None, f"{name} is a ragged list or holds non-numbers, expected a numpy array of numbers"
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        return None, f"{name} has dtype {array.dtype}, expected numbers"
    return array, ""


def check_preprocessed(x: Any, y: Any, images: Any, labels: Any, *, num_classes: int = 10) -> Feedback:
    """Check the learner's preprocessing of raw ``images`` (uint8, 0–255) and integer ``labels``.

    Expected: ``x`` float32 of shape ``(n, 784)`` equal to ``images / 255`` flattened, and ``y``
    the one-hot rows of ``labels``. Each typical mistake gets its own message: a forgotten or
    repeated division, integer division (``//``), centring to [-0.5, 0.5], NaN, labels not
    one-hot, one-hot rows of the wrong digits.
    """
    images = as_array(images, "images", ndim=(2, 3), dtype=None)
    labels = as_array(labels, "labels", ndim=1, dtype=int)
    check_same_length(images, labels, "images", "labels")
    n = len(images)
    expected = images.reshape(n, -1).astype("float32") / 255
    problems: list[str] = []
    xa, why = _numeric_array(x, "x")
    if xa is None:
        problems.append(why)
    elif xa.shape != expected.shape:
        problems.append(f"x has shape {xa.shape}, expected {expected.shape}: flatten each 28×28 image "
                        "into one row of 784 pixels")
    else:
        finite = np.isfinite(xa)
        if not finite.all():
            what = "every value" if not finite.any() else f"{int((~finite).sum())} values"
            problems.append(f"x has NaN or infinite values ({what}): check the division")
        else:
            top, bottom = float(xa.max()), float(xa.min())
            if xa.dtype != np.float32:
                problems.append(f"x has dtype {xa.dtype}, expected float32: use .astype('float32')")
            if bottom < 0:
                problems.append(f"x goes down to {bottom:g}: MNIST's inputs lie in [0, 1] "
                                "(do not subtract 0.5 or centre the pixels)")
            elif top > 1.0:
                problems.append(f"pixel values go up to {top:g}: divide by 255 to scale them to [0, 1]")
            elif 0 < top <= 1.0 / 255 + 1e-6:
                problems.append(f"the largest pixel value is {top:.2g}, about 1/255: you divided by 255 twice")
            elif np.isin(xa, (0.0, 1.0)).all() and not np.isin(expected, (0.0, 1.0)).all():
                problems.append("x holds only 0s and 1s: integer division `// 255` rounds every grey level "
                                "down; use `/ 255`")
            elif not np.allclose(xa, expected, rtol=0, atol=1e-6):
                row, col = np.unravel_index(np.argmax(np.abs(xa - expected)), xa.shape)
                problems.append(f"x differs from the images divided by 255 (largest difference at image {row}, "
                                f"pixel {col}): keep the images in their order and reshape with "
                                f".reshape(len(images), 784)")
    ya, why = _numeric_array(y, "y")
    if ya is None:
        problems.append(why)
    elif ya.shape != (n, num_classes):
        problems.append(f"y has shape {ya.shape}, expected ({n}, {num_classes}): one-hot encode the labels "
                        "(np.eye(10)[labels])")
    elif not np.isfinite(ya).all() or not (np.isin(ya, (0, 1)).all() and (ya.sum(axis=1) == 1).all()):
        problems.append("y is not one-hot: every row must hold a single 1 and nine 0s")
    else:
        wrong = np.flatnonzero(ya.argmax(axis=1) != labels)
        if wrong.size:
            i = int(wrong[0])
            problems.append(f"{wrong.size} one-hot rows encode the wrong digit (row {i} says "
                            f"{int(ya[i].argmax())}, its label is {int(labels[i])}): encode the labels "
                            "in their order")
    if problems:
        return Feedback(False, problems)
    return Feedback(True, [f"x {xa.shape} float32 in [0, 1]; y {ya.shape} one-hot, matching the labels"])


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
                                "(about 0.8 or more, even with a few thousand images): check the preprocessing (scale to [0, 1]) and the labels"])
    if fashion >= mnist:
        return Feedback(False, [f"Fashion-MNIST accuracy {fashion:.3f} is not below MNIST's {mnist:.3f}: "
                                "are both measured on their own test sets?"])
    return Feedback(True, [f"Fashion-MNIST {fashion:.3f} < MNIST {mnist:.3f}: clothes are harder than digits"])
