"""The book's figure style and the figures several chapters share.

Colours come from the Okabe–Ito palette, which stays distinguishable for the
common forms of colour blindness; :func:`cvd_min_distance` and
:func:`colormap_lightness` check that claim by simulating colour-vision
deficiencies (Machado et al., 2009, as implemented by ``colorspacious``). Every function returns the matplotlib
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
    "CVD_TYPES",
    "SAFE_COLORMAPS",
    "colormap_lightness",
    "cvd_min_distance",
    "simulate_cvd",
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
    names = _class_names(class_names, 10)
    _check_labels(labels, len(names), "labels")
    if predictions is not None:
        _check_labels(predictions, len(names), "predictions")
        if probabilities is not None and probabilities.shape != (n, len(names)):
            raise ValueError(f"probabilities must have shape ({n}, {len(names)}), got {probabilities.shape}")

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


def _class_names(class_names: Sequence[str] | None, default: int) -> list[str]:
    if class_names is None:
        return [str(i) for i in range(default)]
    if isinstance(class_names, (str, bytes)) or not isinstance(class_names, Sequence) or not class_names:
        raise TypeError("class_names must be a non-empty list of strings")
    return [str(c) for c in class_names]


def _check_labels(labels: np.ndarray, classes: int, name: str) -> None:
    """Labels index the class names: refuse -1 (numpy would read it as the last class) and 12 of 10."""
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = labels[(labels < 0) | (labels >= classes)][0]
        raise ValueError(f"{name} must be class numbers in 0..{classes - 1}, got {bad}")


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
    if k == 0:
        raise ValueError("probabilities is empty")
    if probabilities.min() < 0 or probabilities.max() > 1:
        raise ValueError(f"probabilities must lie in [0, 1], got {probabilities.min():g}..{probabilities.max():g}")
    names = _class_names(class_names, k)
    if len(names) != k:
        raise ValueError(f"class_names has {len(names)} names for {k} probabilities")
    colors = [PALETTE[0]] * k
    if label is not None:
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)):
            raise TypeError(f"label must be a class number, got {type(label).__name__}")
        _check_labels(np.array([label]), k, "label")
        colors[int(label)] = PALETTE[2]
    ax.bar(range(k), probabilities, color=colors)
    ax.set_xticks(range(k), names)
    ax.set_ylim(0, 1)
    ax.set_xlabel("class")
    ax.set_ylabel("probability")


# ------------------------------------------------------------------ colour accessibility
#: Colour-vision deficiencies simulated by :func:`simulate_cvd` (Machado et al., 2009).
CVD_TYPES: tuple[str, ...] = ("protanomaly", "deuteranomaly", "tritanomaly")
#: Colormaps the book uses, all readable with a colour-vision deficiency: ordered by
#: lightness (sequential) or light in the middle with distinct ends (``RdBu_r``).
SAFE_COLORMAPS: dict[str, str] = {
    "viridis": "sequential", "magma": "sequential", "cividis": "sequential",
    "gray_r": "sequential", "Blues": "sequential", "Greens": "sequential",
    "RdBu_r": "diverging",
}


def _rgb(colors: Sequence[Any]) -> np.ndarray:
    if isinstance(colors, str) or not isinstance(colors, Sequence) or len(colors) == 0:
        raise TypeError("colors must be a non-empty sequence of matplotlib colours, e.g. PALETTE")
    try:
        return np.array([mpl.colors.to_rgb(c) for c in colors], dtype=float)
    except ValueError as exc:
        raise ValueError(f"not a colour: {exc}") from None


def simulate_cvd(colors: Sequence[Any], deficiency: str, *, severity: float = 100.0) -> np.ndarray:
    """How ``colors`` look with a colour-vision ``deficiency`` (sRGB in [0, 1], one row per colour).

    ``severity`` 100 is the full deficiency (protanopia, deuteranopia, tritanopia).
    """
    from colorspacious import cspace_convert

    if deficiency not in CVD_TYPES:
        raise ValueError(f"deficiency must be one of {', '.join(CVD_TYPES)}; got {deficiency!r}")
    if not isinstance(severity, (int, float)) or not 0 <= severity <= 100:
        raise ValueError(f"severity must be a number from 0 to 100, got {severity!r}")
    space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": float(severity)}
    return np.clip(cspace_convert(_rgb(colors), space, "sRGB1"), 0.0, 1.0)


def cvd_min_distance(colors: Sequence[Any], deficiency: str | None = None) -> tuple[float, int, int]:
    """Smallest perceptual distance between two of ``colors``, and which two.

    Distances are Euclidean in CAM02-UCS (about 1 is just noticeable; 10 or more is
    easy to tell apart in a line plot). With ``deficiency``, colours are first
    simulated as seen with that colour-vision deficiency.
    """
    from colorspacious import cspace_convert

    rgb = _rgb(colors) if deficiency is None else simulate_cvd(colors, deficiency)
    if len(rgb) < 2:
        raise ValueError("need at least two colours to compare")
    ucs = cspace_convert(rgb, "sRGB1", "CAM02-UCS")
    distances = np.linalg.norm(ucs[:, None, :] - ucs[None, :, :], axis=-1)
    distances[np.diag_indices(len(rgb))] = np.inf
    i, j = np.unravel_index(np.argmin(distances), distances.shape)
    return float(distances[i, j]), int(min(i, j)), int(max(i, j))


def colormap_lightness(cmap: str, deficiency: str | None = None, *, n: int = 64) -> np.ndarray:
    """Perceived lightness J' (CAM02-UCS) along colormap ``cmap``, from its low to its high end."""
    from colorspacious import cspace_convert

    if not isinstance(cmap, str):
        raise TypeError(f"cmap must be a colormap name, got {type(cmap).__name__}")
    if cmap not in mpl.colormaps:
        raise ValueError(f"unknown colormap {cmap!r}")
    n = check_int(n, "n", minimum=2)
    rgb = mpl.colormaps[cmap](np.linspace(0, 1, n))[:, :3]
    if deficiency is not None:
        rgb = simulate_cvd([tuple(c) for c in rgb], deficiency)
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")[:, 0]
