"""Chapter 1, "Background: what deep learning is, and why now".

The chapter's figures are drawn from small data tables kept here, so a reader
can check every year and number against its source and add rows of their own:

- :data:`MILESTONES` (year, event, citation key) feeds :func:`timeline_figure`;
- :data:`SCALE` (year, system, training examples, parameters, citation key)
  feeds :func:`scale_figure` and :func:`growth_factor`;
- :data:`CHAPTERS` (the book's parts and what each needs) feeds
  :func:`chapter_map_figure` and :func:`save_chapter_map`, which writes the
  map shown on the landing page to ``figures/chapter_map.png``.

It also holds the nested-sets figure (AI ⊃ machine learning ⊃ representation
learning ⊃ deep learning), the data of the chapter's "taste" network
(:func:`load_digit_split`: scikit-learn's bundled 8×8 digits; the network itself is
written out in the notebook), its figure, and the checkers used by the exercises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch

from .exercises import Feedback, check_scalar, combine
from .plotting import PALETTE
from .validation import as_array, check_float, check_int

__all__ = [
    "Milestone",
    "MILESTONES",
    "ScalePoint",
    "SCALE",
    "ChapterBox",
    "CHAPTERS",
    "milestones_between",
    "timeline_figure",
    "nested_sets_figure",
    "growth_factor",
    "scale_figure",
    "chapter_map_figure",
    "save_chapter_map",
    "load_digit_split",
    "taste_figure",
    "check_param_count",
    "check_epochs_for_updates",
    "check_depth",
]


# --------------------------------------------------------------------------- data tables


@dataclass(frozen=True)
class Milestone:
    """One event on the timeline: its year, a short label and a BibTeX key."""

    year: int
    label: str
    cite: str


#: Milestones of neural-network research, each with the paper that made it.
#: The years are when the work appeared (Adam and ResNet: their 2014 and 2015
#: arXiv versions; ResNet won the 2015 ImageNet contest, its CVPR paper is 2016).
MILESTONES: tuple[Milestone, ...] = (
    Milestone(1943, "McCulloch–Pitts\nthreshold neuron", "mcculloch1943logical"),
    Milestone(1958, "Perceptron\n(Rosenblatt)", "rosenblatt1958perceptron"),
    Milestone(1986, "Backpropagation\npopularized", "rumelhart1986learning"),
    Milestone(1998, "LeNet-5 reads\ncheques (CNN)", "lecun1998gradient"),
    Milestone(2009, "ImageNet\ndataset", "deng2009imagenet"),
    Milestone(2012, "AlexNet wins\nImageNet contest", "krizhevsky2012imagenet"),
    Milestone(2014, "Adam\noptimizer", "kingma2015adam"),
    Milestone(2015, "ResNet:\n152 layers", "he2016deep"),
    Milestone(2017, "Transformer", "vaswani2017attention"),
    Milestone(2020, "GPT-3: large\npretrained models", "brown2020language"),
)


@dataclass(frozen=True)
class ScalePoint:
    """A landmark system: how much data it trained on and how many parameters it had."""

    year: int
    system: str
    examples: float
    examples_unit: str
    parameters: float
    cite: str


#: Three landmark systems, with numbers as reported in the cited papers:
#: LeNet-5 had about 60,000 trainable parameters and MNIST 60,000 training
#: images; AlexNet about 60 million parameters and ImageNet's contest set
#: 1.2 million training images; GPT-3 175 billion parameters, trained on
#: 300 billion tokens (pieces of words).
SCALE: tuple[ScalePoint, ...] = (
    ScalePoint(1998, "LeNet-5", 60_000, "images", 60_000, "lecun1998gradient"),
    ScalePoint(2012, "AlexNet", 1_200_000, "images", 60_000_000, "krizhevsky2012imagenet"),
    ScalePoint(2020, "GPT-3", 300e9, "tokens", 175e9, "brown2020language"),
)


@dataclass(frozen=True)
class ChapterBox:
    """One box of the chapter map: a part of the book and the parts it builds on."""

    key: str
    title: str
    files: str
    needs: tuple[str, ...]
    column: int
    row: float


#: The book's parts, in the order of the source article, with the parts each
#: one uses. ``column``/``row`` place the box on the map (column = reading stage).
CHAPTERS: tuple[ChapterBox, ...] = (
    ChapterBox("1", "1 Background", "what it is, history,\nwhy now", (), 0, 1.0),
    ChapterBox("2", "2 Core concepts", "neuron, layers,\ndepth, features", ("1",), 1, 1.0),
    ChapterBox("3", "3 Core algorithm", "gradient descent,\nbackpropagation", ("2",), 2, 1.0),
    ChapterBox("4", "4 Mathematics", "activations, losses,\noptimizers", ("3",), 3, 1.0),
    ChapterBox("5", "5 Project: MNIST", "the article's\nKeras program", ("2",), 2, 0.0),
    ChapterBox("6", "6 Applications", "images, text,\nspeech", ("5",), 3, 0.0),
    ChapterBox("7", "7 Tools", "TensorFlow, Keras,\nPyTorch", ("6",), 4, 0.0),
    ChapterBox("8", "8 Summary", "trends and\nchallenges", ("7", "9"), 5, 0.5),
    ChapterBox("9", "9 FAQ", "8 questions,\n8 experiments", ("4", "5"), 4, 1.0),
)


def milestones_between(start: int, end: int, table: Sequence[Milestone] = MILESTONES) -> list[Milestone]:
    """The milestones with ``start <= year <= end``, in chronological order."""
    start = check_int(start, "start")
    end = check_int(end, "end")
    if end < start:
        raise ValueError(f"end must be >= start, got start={start}, end={end}")
    _check_milestones(table)
    return sorted((m for m in table if start <= m.year <= end), key=lambda m: m.year)


def _check_milestones(table: Any) -> tuple[Milestone, ...]:
    if isinstance(table, (str, bytes)) or not isinstance(table, Sequence):
        raise TypeError(f"table must be a sequence of Milestone, got {type(table).__name__}")
    if not table:
        raise ValueError("table is empty: nothing to draw")
    for item in table:
        if not isinstance(item, Milestone):
            raise TypeError(f"table must hold Milestone objects, got {type(item).__name__}")
    return tuple(table)


# --------------------------------------------------------------------------- figures


def timeline_figure(table: Sequence[Milestone] = MILESTONES, *, split: int = 2005,
                    title: str = "Milestones of neural-network research") -> plt.Figure:
    """Draw the milestones on a horizontal time axis, labels alternating above and below.

    Recent milestones crowd together, so the axis is broken at ``split``: years
    before it share the left panel, later years get a stretched right panel.
    """
    table = sorted(_check_milestones(table), key=lambda m: m.year)
    split = check_int(split, "split")
    groups = [g for g in ([m for m in table if m.year < split], [m for m in table if m.year >= split]) if g]
    spans = [max(g[-1].year - g[0].year, 4) + 12 for g in groups]
    ratios = [1.0, 1.4][: len(groups)] if len(groups) == 2 else [1.0]
    fig, axes = plt.subplots(1, len(groups), figsize=(11, 4.4), squeeze=False,
                             gridspec_kw={"width_ratios": ratios, "wspace": 0.04})
    k = 0
    for ax, group, span in zip(axes.flat, groups, spans):
        ax.axhline(0, color="0.3", lw=1.5, zorder=1)
        for m in group:
            up = 1 if k % 2 == 0 else -1
            height = up * (1.1 + 0.8 * ((k // 2) % 2))
            color = PALETTE[k % 6]
            ax.plot([m.year, m.year], [0, height], color=color, lw=1.2, zorder=2)
            ax.scatter([m.year], [0], s=40, color=color, zorder=3)
            text = f"{m.year}\n{m.label}" if up > 0 else f"{m.label}\n{m.year}"
            ax.text(m.year, height + 0.12 * up, text, ha="center", va="bottom" if up > 0 else "top",
                    fontsize=8.5)
            k += 1
        pad = (span - (group[-1].year - group[0].year)) / 2
        ax.set_xlim(group[0].year - pad, group[-1].year + pad)
        ax.set_ylim(-3.3, 3.3)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.grid(False)
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True, nbins=7))
        ax.set_xlabel("year")
    if len(groups) == 2:
        axes[0, 1].set_xlabel(f"year (stretched from {split} on)")
        axes[0, 0].text(1.0, 0, " //", transform=axes[0, 0].get_yaxis_transform(), va="center",
                        ha="left", fontsize=12, color="0.3")
    fig.suptitle(title)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.14, top=0.88)
    return fig


def nested_sets_figure(title: str = "Where deep learning sits") -> plt.Figure:
    """Four nested ellipses: AI ⊃ machine learning ⊃ representation learning ⊃ deep learning.

    The nesting follows Goodfellow, Bengio and Courville (2016), Figure 1.4.
    """
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    sets = [
        ("Artificial intelligence", "rules written by people, search, planning, … e.g. chess engines",
         10.0, 6.4),
        ("Machine learning", "rules learned from data, e.g. logistic regression", 7.6, 4.9),
        ("Representation learning", "the features are learned too, e.g. autoencoders", 5.2, 3.4),
        ("Deep learning", "many layers of learned features,\ne.g. multilayer networks", 2.9, 1.9),
    ]
    fig, ax = plt.subplots(figsize=(8.5, 5.6))
    for k, (name, example, width, height) in enumerate(sets):
        cy = -(6.4 - height) / 2
        ax.add_patch(Ellipse((0, cy), width, height, facecolor=PALETTE[k], alpha=0.22,
                             edgecolor=PALETTE[k], lw=2))
        top = cy + height / 2
        if k < 3:
            ax.text(0, top - 0.32, name, ha="center", va="center", fontsize=11, weight="bold")
            ax.text(0, top - 0.62, example, ha="center", va="center", fontsize=8.5)
        else:
            ax.text(0, cy + 0.3, name, ha="center", va="center", fontsize=11, weight="bold")
            ax.text(0, cy - 0.3, example, ha="center", va="center", fontsize=8.5)
    ax.set_xlim(-5.3, 5.3)
    ax.set_ylim(-3.4, 3.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title)
    fig.tight_layout()
    return fig


def growth_factor(quantity: str, first: str, last: str, table: Sequence[ScalePoint] = SCALE) -> float:
    """How many times larger ``quantity`` ("examples" or "parameters") is for ``last`` than ``first``."""
    if quantity not in ("examples", "parameters"):
        raise ValueError(f"unknown quantity {quantity!r}; valid choices are: 'examples', 'parameters'")
    by_name = {p.system: p for p in table}
    for name, value in (("first", first), ("last", last)):
        if value not in by_name:
            raise ValueError(f"unknown {name} system {value!r}; valid choices are: {', '.join(by_name)}")
    return float(getattr(by_name[last], quantity) / getattr(by_name[first], quantity))


def _human(value: float) -> str:
    """60000 -> '60 thousand', 1.2e6 -> '1.2 million', 1.75e11 -> '175 billion'."""
    for size, word in ((1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if abs(value) >= size:
            return f"{value / size:.3g} {word}"
    return f"{value:.3g}"


def scale_figure(table: Sequence[ScalePoint] = SCALE, *,
                 title: str = "Data and model size of three landmark systems") -> plt.Figure:
    """Training-set size and parameter count per system, as points on logarithmic axes.

    Points, not bars: on a log axis a bar's length depends on where the axis happens to start.
    The training data are counted in the system's own unit (images or text tokens), and each
    unit has its own marker, because an image and a token are not the same amount of data.
    """
    if isinstance(table, (str, bytes)) or not isinstance(table, Sequence) or not table \
            or not all(isinstance(p, ScalePoint) for p in table):
        raise TypeError("table must be a non-empty sequence of ScalePoint rows")
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    names = [f"{p.system}\n({p.year})" for p in table]
    markers = dict(zip(dict.fromkeys(p.examples_unit for p in table), "os^Dv"))
    for ax, attr, label, color in ((axes[0], "examples", "training examples (log scale)", PALETTE[0]),
                                   (axes[1], "parameters", "learned parameters (log scale)", PALETTE[3])):
        values = [getattr(p, attr) for p in table]
        for k, (p, v) in enumerate(zip(table, values)):
            marker = markers[p.examples_unit] if attr == "examples" else "o"
            ax.scatter([k], [v], s=70, color=color, marker=marker, zorder=2,
                       label=p.examples_unit if attr == "examples" else None)
            unit = f" {p.examples_unit}" if attr == "examples" else ""
            ax.annotate(f"{_human(v)}{unit}", (k, v), textcoords="offset points", xytext=(0, 9), ha="center",
                        fontsize=8.5)
        ax.set_yscale("log")
        ax.set_ylabel(label)
        ax.set_xlabel("system (year)")
        ax.set_xticks(range(len(table)), names)
        ax.set_xlim(-0.5, len(table) - 0.5)
        ax.set_ylim(min(values) / 10, max(values) * 30)
    handles, labels = axes[0].get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    axes[0].legend(unique.values(), unique.keys(), title="counted in", loc="upper left", fontsize=8)
    axes[0].set_title("Data (images and text tokens are different units)")
    axes[1].set_title("Model size")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def chapter_map_figure(chapters: Sequence[ChapterBox] = CHAPTERS, *,
                       title: str = "Map of the book: which parts build on which") -> plt.Figure:
    """Boxes for the book's parts, arrows from each part to the parts that use it."""
    if isinstance(chapters, (str, bytes)) or not isinstance(chapters, Sequence) or not chapters:
        raise TypeError("chapters must be a non-empty sequence of ChapterBox")
    if not all(isinstance(c, ChapterBox) for c in chapters):
        raise TypeError("chapters must hold ChapterBox objects")
    boxes = {c.key: c for c in chapters}
    for c in chapters:
        unknown = [n for n in c.needs if n not in boxes]
        if unknown:
            raise ValueError(f"chapter {c.key!r} needs unknown chapters {unknown}")
    width, height, dx, dy = 2.3, 0.85, 2.75, 1.35
    fig, ax = plt.subplots(figsize=(10.5, 4.4))

    def centre(c: ChapterBox) -> tuple[float, float]:
        return c.column * dx, c.row * dy

    for c in chapters:
        x, y = centre(c)
        main_path = c.row == 1.0 and c.column <= 3
        color = PALETTE[0] if main_path else (PALETTE[2] if c.key == "5" else PALETTE[5])
        ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                    boxstyle="round,pad=0.06", facecolor=color, alpha=0.25,
                                    edgecolor=color, lw=1.8))
        ax.text(x, y + 0.2, c.title, ha="center", va="center", fontsize=11, weight="bold")
        ax.text(x, y - 0.14, c.files, ha="center", va="center", fontsize=8.5, linespacing=1.1)
    gap = 0.08
    for c in chapters:
        for need in c.needs:
            (x0, y0), (x1, y1) = centre(boxes[need]), centre(c)
            low, high = max(y0, y1) - height / 2, min(y0, y1) + height / 2
            if low < high:  # the boxes overlap vertically: a horizontal arrow through the overlap
                ymid = (low + high) / 2
                start, end = (x0 + width / 2 + gap, ymid), (x1 - width / 2 - gap, ymid)
            else:  # diagonal: from the corner facing the target to the corner facing the source
                up = 1 if y1 > y0 else -1
                start = (x0 + width / 2 + gap, y0 + up * height / 2)
                end = (x1 - width / 2 - gap, y1 - up * height / 2)
            ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14,
                                         color="0.35", lw=1.2))
    xs = [centre(c)[0] for c in chapters]
    ys = [centre(c)[1] for c in chapters]
    ax.set_xlim(min(xs) - width / 2 - 0.3, max(xs) + width / 2 + 0.3)
    ax.set_ylim(min(ys) - 0.75, max(ys) + 0.75)
    ax.set_axis_off()
    ax.set_title(title + "\n(blue: the concepts path · green: the project · light blue: applied parts)",
                 fontsize=11)
    fig.tight_layout()
    return fig


def save_chapter_map(path: str | Path) -> Path:
    """Draw :func:`chapter_map_figure` and save it as a PNG at ``path`` (folders are created).

    The landing page shows ``figures/chapter_map.png``; regenerate it with::

        python -c "from helpers.background import save_chapter_map; save_chapter_map('figures/chapter_map.png')"
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"path must end in .png, got {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    import matplotlib as mpl

    from .plotting import use_book_style

    with mpl.rc_context():  # the book's style, whatever the caller's settings; restored afterwards
        use_book_style()
        fig = chapter_map_figure()
        fig.savefig(path, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return path


# --------------------------------------------------------------------------- the taste network


def load_digit_split(test_fraction: float = 0.25, seed: int = 0
                     ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """scikit-learn's 1,797 bundled 8×8 digits, scaled to [0, 1], split into train and test.

    Returns ``(x_train, y_train), (x_test, y_test)`` with ``x`` of shape
    ``(n, 64)`` (``float32``) and integer labels 0–9. No download: the data
    ship with scikit-learn. The split is stratified and seeded.
    """
    test_fraction = check_float(test_fraction, "test_fraction", minimum=0.0, maximum=1.0, strict_minimum=True)
    if test_fraction >= 1.0:
        raise ValueError(f"test_fraction must be < 1, got {test_fraction}")
    seed = check_int(seed, "seed", minimum=0)
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int64")
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y)
    return (x_train, y_train), (x_test, y_test)


def taste_figure(x: Any, y: Any, predictions: Any, *, n: int = 16,
                 title: str = "Test digits the network has never seen: label → prediction") -> plt.Figure:
    """The first ``n`` 8×8 test digits, each titled ``label → prediction`` (mistakes in vermillion)."""
    x = as_array(x, "x", ndim=2)
    y = as_array(y, "y", ndim=1, dtype=int)
    predictions = as_array(predictions, "predictions", ndim=1, dtype=int)
    if x.shape[1] != 64:
        raise ValueError(f"x must have 64 columns (8×8 pixels), got shape {x.shape}")
    if not len(x) == len(y) == len(predictions):
        raise ValueError("x, y and predictions must have the same length")
    n = check_int(n, "n", minimum=1)
    n = min(n, len(x))
    ncols = min(8, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, 1.5 * nrows + 0.4), squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= n:
            continue
        ax.imshow(x[k].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        wrong = predictions[k] != y[k]
        ax.set_title(f"{y[k]}→{predictions[k]}", fontsize=10, color=PALETTE[3] if wrong else "black")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- exercise checkers


def check_param_count(answer: Any, layer_sizes: Sequence[int]) -> Feedback:
    """Check a hand count of a dense network's parameters (weights + biases)."""
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence) or len(layer_sizes) < 2:
        raise TypeError("layer_sizes must be a list of at least two integers")
    sizes = [check_int(s, "layer size", minimum=1) for s in layer_sizes]
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    biases = sum(sizes[1:])
    result = check_scalar(answer, expected=weights + biases, name="parameter count", exact=True)
    if not result.passed and isinstance(answer, (int, np.integer)) and int(answer) == weights:
        result = combine(result, Feedback(False, ["that is the number of weights: add one bias per unit"]))
    return result


def check_epochs_for_updates(epochs_for: Any, *, updates: int = 340, batch_size: int = 64) -> Feedback:
    """Check ``epochs_for(n)``: the epochs that give a set of ``n`` examples ``updates`` weight updates.

    A set of ``n`` examples has ``ceil(n / batch_size)`` batches per epoch (the last one may be partial), so
    the answer is ``updates // ceil(n / batch_size)``. Names the two usual mistakes: the same epochs for every
    size, and forgetting the partial last batch.
    """
    updates = check_int(updates, "updates", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if not callable(epochs_for):
        return Feedback(False, [f"pass your function itself, got {type(epochs_for).__name__}"])
    sizes = (100, 300, 1077, batch_size + 1)
    try:
        got = [epochs_for(n) for n in sizes]
    except Exception as exc:  # the learner's code: report, do not crash
        return Feedback(False, [f"your function raised {type(exc).__name__}: {exc}"])
    expected = [updates // -(-n // batch_size) for n in sizes]
    if got == expected:
        return Feedback(True, [f"{n} examples: {e} epochs × {-(-n // batch_size)} batches"
                               for n, e in zip(sizes, expected)])
    if len(set(got)) == 1:
        return Feedback(False, ["every size gets the same number of epochs, so a smaller set also gets fewer "
                                "updates: the number of epochs has to grow as the set shrinks"])
    if got == [round(updates * batch_size / n) for n in sizes]:
        return Feedback(False, ["count the last, partial batch: a set of n examples has ceil(n / batch_size) "
                                "batches per epoch, not n / batch_size"])
    wrong = [f"epochs_for({n}) = {g!r}, expected {e}" for n, g, e in zip(sizes, got, expected) if g != e]
    return Feedback(False, wrong + [f"each epoch has ceil(n / {batch_size}) updates"])


def _depth_examples() -> list[tuple[str, Any]]:
    """Three small Keras models whose depth the checker knows, each with a trap for a wrong count."""
    import keras

    normalize = keras.layers.Normalization()
    normalize.adapt(np.arange(12.0).reshape(6, 2))          # mean and variance: weights, but not trained
    return [
        ("the taste network", keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(32, activation="relu"),
                                                keras.layers.Dense(10, activation="softmax")])),
        ("a small convolutional network", keras.Sequential([
            keras.Input(shape=(8, 8, 1)), keras.layers.Rescaling(1 / 16),
            keras.layers.Conv2D(4, 3), keras.layers.BatchNormalization(), keras.layers.Activation("relu"),
            keras.layers.MaxPooling2D(), keras.layers.Flatten(),
            keras.layers.Dropout(0.2), keras.layers.Dense(10, activation="softmax")])),
        ("a network with a Normalization layer", keras.Sequential([
            keras.Input(shape=(2,)), normalize, keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])),
    ]


def check_depth(depth: Any) -> Feedback:
    """Check a learner's ``depth(model)``: the number of layers with a weight matrix (a ``kernel``), the book's definition.

    It runs ``depth`` on three models (the taste network, a small convolutional network with rescaling,
    batch-normalization, pooling, flattening and dropout layers, and a network with a ``Normalization``
    layer) and names the usual wrong counts: layers with trainable weights (which counts batch
    normalization), layers with any weights, all layers, and weight arrays.
    """
    if not callable(depth):
        return Feedback(False, [f"pass your function itself, got {type(depth).__name__}"])
    messages: list[str] = []
    passed = True
    for name, model in _depth_examples():
        expected = sum(1 for layer in model.layers if hasattr(layer, "kernel"))
        try:
            got = depth(model)
        except Exception as exc:  # the learner's code: report, do not crash
            return Feedback(False, [f"your function raised {type(exc).__name__} on {name}: {exc}"])
        if got == expected:
            messages.append(f"{name}: depth {expected}")
            continue
        passed = False
        if got == sum(1 for layer in model.layers if layer.trainable_weights):
            messages.append(f"{name}: {got} counts BatchNormalization, whose learned scale and shift the "
                            "convention leaves out: count the layers with a kernel (a weight matrix)")
        elif got == sum(1 for layer in model.layers if layer.weights):
            messages.append(f"{name}: {got} counts the Normalization layer, whose mean and variance are weights "
                            "computed by adapt(), not trained: count the layers with a kernel")
        elif got == len(model.layers):
            messages.append(f"{name}: {got} counts every layer, but rescaling, pooling, flattening and dropout "
                            "layers learn nothing; depth counts the layers with a kernel (a weight matrix)")
        elif got == len(model.trainable_weights):
            messages.append(f"{name}: {got} counts weight arrays (a kernel and a bias per layer), not layers")
        else:
            messages.append(f"{name}: your depth is {got!r}, expected {expected}")
    return Feedback(passed, messages)
