"""The book's figure style and the figures several chapters share.

Colours come from the Okabe–Ito palette, which stays distinguishable for the
common forms of colour blindness. Every function returns the matplotlib
``Figure`` it drew, with a title and labelled axes; notebooks end the cell
with ``plt.show()`` so no object repr leaks into the saved output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .validation import as_array, check_int

__all__ = [
    "PALETTE",
    "use_book_style",
    "digit_grid",
    "plot_history",
    "plot_confusion_matrix",
    "probability_bars",
]

#: Okabe–Ito colour-blind-safe palette (black omitted): blue, orange, green,
#: vermillion, purple, sky blue, yellow, reddish purple.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)

_STYLE: dict[str, Any] = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "image.cmap": "viridis",
    "font.size": 10,
}


def use_book_style() -> None:
    """Apply the book's matplotlib settings (palette, grid, sizes)."""
    mpl.rcParams.update(_STYLE)


def digit_grid(
    images: Any,
    labels: Sequence[int] | np.ndarray,
    *,
    predictions: Sequence[int] | np.ndarray | None = None,
    probabilities: Any = None,
    ncols: int = 8,
    title: str = "Sample digits",
    class_names: Sequence[str] | None = None,
) -> plt.Figure:
    """Show images in a grid, each titled with its label (and prediction).

    ``images`` has shape ``(n, 28, 28)`` or ``(n, 784)``. When ``predictions``
    are given, each panel reads ``label → prediction`` and wrong predictions
    are drawn in vermillion. ``probabilities`` (shape ``(n, classes)``) adds the
    probability of the predicted class.
    """
    images = as_array(images, "images", ndim=(2, 3))
    n = len(images)
    if n == 0:
        raise ValueError("images is empty: nothing to draw")
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(f"images of {images.shape[1]} pixels are not square")
        images = images.reshape(n, side, side)
    labels = as_array(labels, "labels", ndim=1, dtype=int)
    if len(labels) != n:
        raise ValueError(f"images and labels must have the same length, got {n} and {len(labels)}")
    if predictions is not None:
        predictions = as_array(predictions, "predictions", ndim=1, dtype=int)
        if len(predictions) != n:
            raise ValueError(f"predictions must have length {n}, got {len(predictions)}")
    if probabilities is not None:
        probabilities = as_array(probabilities, "probabilities", ndim=2)
    ncols = check_int(ncols, "ncols", minimum=1)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    names = list(class_names) if class_names is not None else [str(i) for i in range(10)]

    fig, axes = plt.subplots(nrows, ncols, figsize=(1.25 * ncols, 1.45 * nrows + 0.4), squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= n:
            continue
        ax.imshow(images[k], cmap="gray_r")
        text = names[labels[k]]
        color = "black"
        if predictions is not None:
            text = f"{names[labels[k]]}→{names[predictions[k]]}"
            if probabilities is not None:
                text += f" ({probabilities[k, predictions[k]]:.2f})"
            if predictions[k] != labels[k]:
                color = PALETTE[3]
        ax.set_title(text, fontsize=9, color=color)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(
    history: Any,
    *,
    metrics: Sequence[str] = ("loss", "accuracy"),
    title: str = "Training curves",
) -> plt.Figure:
    """Plot loss/accuracy per epoch, training against validation.

    ``history`` is a Keras ``History`` object or its ``.history`` dict
    (``{"loss": [...], "val_loss": [...], ...}``). Validation curves are drawn
    dashed when present. Used by the MNIST chapter and by the FAQ answers.
    """
    curves: Mapping[str, Sequence[float]]
    curves = getattr(history, "history", history)
    if not isinstance(curves, Mapping):
        raise TypeError(f"history must be a keras History or a dict of lists, got {type(history).__name__}")
    if isinstance(metrics, str):
        metrics = (metrics,)
    missing = [m for m in metrics if m not in curves]
    if missing:
        raise ValueError(f"history has no {missing}; it has {sorted(curves)}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.4), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        train = np.asarray(curves[metric], dtype=float)
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, marker="o", color=PALETTE[0], label="training")
        if f"val_{metric}" in curves:
            val = np.asarray(curves[f"val_{metric}"], dtype=float)
            ax.plot(np.arange(1, len(val) + 1), val, marker="s", ls="--", color=PALETTE[1], label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric.replace("_", " ").capitalize() + " per epoch")
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(
    matrix: Any,
    *,
    title: str = "Confusion matrix",
    class_names: Sequence[str] | None = None,
) -> plt.Figure:
    """Draw a confusion matrix (rows: true class, columns: predicted class) with counts."""
    matrix = as_array(matrix, "matrix", ndim=2)
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"matrix must be square, got shape {matrix.shape}")
    k = matrix.shape[0]
    names = list(class_names) if class_names is not None else [str(i) for i in range(k)]
    fig, ax = plt.subplots(figsize=(5.6, 5.0))
    image = ax.imshow(matrix, cmap="Blues")
    for i in range(k):
        for j in range(k):
            value = matrix[i, j]
            if value:
                color = "white" if value > matrix.max() / 2 else "black"
                ax.text(j, i, f"{value:.0f}", ha="center", va="center", fontsize=8, color=color)
    ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    ax.grid(False)
    fig.colorbar(image, ax=ax, label="number of test images")
    fig.tight_layout()
    return fig


def probability_bars(
    ax: plt.Axes,
    probabilities: Any,
    *,
    label: int | None = None,
    class_names: Sequence[str] | None = None,
) -> None:
    """Draw a model's class probabilities as bars on ``ax``; the true class in green."""
    probabilities = as_array(probabilities, "probabilities", ndim=1)
    k = len(probabilities)
    names = list(class_names) if class_names is not None else [str(i) for i in range(k)]
    colors = [PALETTE[0]] * k
    if label is not None:
        colors[int(label)] = PALETTE[2]
    ax.bar(range(k), probabilities, color=colors)
    ax.set_xticks(range(k), names)
    ax.set_ylim(0, 1)
    ax.set_xlabel("class")
    ax.set_ylabel("probability")
