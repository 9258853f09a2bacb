"""helpers.plotting: figures have titles and labels; bad input is rejected clearly."""

import re
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest

from helpers import plotting


def test_style_uses_colour_blind_palette():
    plotting.use_book_style()
    colors = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    assert [c.upper() for c in colors[:3]] == ["#0072B2", "#E69F00", "#009E73"]


def test_digit_grid_titles_and_mistakes_in_red():
    images = np.zeros((5, 28, 28))
    fig = plotting.digit_grid(images, [1, 2, 3, 4, 5], predictions=[1, 2, 0, 4, 5],
                              probabilities=np.full((5, 10), 0.1), ncols=3, title="T")
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[2] == "3→0 (0.10)" and fig._suptitle.get_text() == "T"
    assert fig.axes[2].title.get_color() == plotting.PALETTE[3]
    flat = plotting.digit_grid(np.zeros((2, 784)), [0, 1])
    assert len([a for a in flat.axes if a.images]) == 2


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(images=np.zeros((0, 28, 28)), labels=[]), ValueError, "empty"),
    (dict(images=np.zeros((2, 28, 28)), labels=[1]), ValueError, "same length"),
    (dict(images=np.zeros((2, 10)), labels=[1, 2]), ValueError, "not square"),
    (dict(images="pictures", labels=[1]), TypeError, "images"),
    (dict(images=np.zeros((2, 28, 28)), labels=[1, 2], predictions=[1]), ValueError, "predictions"),
    (dict(images=np.zeros((1, 28, 28)), labels=[-1]), ValueError, "0..9, got -1"),
    (dict(images=np.zeros((1, 28, 28)), labels=[12]), ValueError, "0..9, got 12"),
    (dict(images=np.zeros((1, 28, 28)), labels=[1], predictions=[10]), ValueError, "predictions must be"),
    (dict(images=np.zeros((1, 28, 28)), labels=[3], class_names=["a", "b"]), ValueError, "0..1, got 3"),
    (dict(images=np.zeros((1, 28, 28)), labels=[1], predictions=[1], probabilities=np.ones((1, 3))),
     ValueError, "probabilities must have shape"),
    (dict(images=np.zeros((1, 28, 28)), labels=[1], class_names="0123456789"), TypeError, "class_names"),
])
def test_digit_grid_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        plotting.digit_grid(**kwargs)


def test_plot_history_accepts_history_or_dict():
    class H:
        history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]}

    fig = plotting.plot_history(H())
    assert [ax.get_xlabel() for ax in fig.axes] == ["epoch", "epoch"]
    assert len(fig.axes[0].lines) == 2 and len(fig.axes[1].lines) == 1
    fig = plotting.plot_history({"loss": [3, 2, 1]}, metrics="loss")
    assert fig.axes[0].get_ylabel() == "loss"
    with pytest.raises(ValueError, match="history has no"):
        plotting.plot_history({"loss": [1]}, metrics=("accuracy",))
    with pytest.raises(TypeError, match="History"):
        plotting.plot_history([1, 2])


def test_bad_histories_and_matrices():
    with pytest.raises(TypeError, match="History"):
        plotting.plot_history([1, 2])
    with pytest.raises(ValueError, match="history has no"):
        plotting.plot_history({"loss": [1]}, metrics=("accuracy",))
    with pytest.raises(ValueError, match="square"):
        plotting.plot_confusion_matrix(np.ones((2, 3)))
    with pytest.raises(TypeError, match="array-like"):
        plotting.plot_confusion_matrix("matrix")


def test_confusion_matrix_plot():
    fig = plotting.plot_confusion_matrix(np.eye(3) * 5, title="C")
    ax = fig.axes[0]
    assert ax.get_title() == "C" and ax.get_xlabel() == "predicted class" and len(ax.texts) == 3
    with pytest.raises(ValueError, match="square"):
        plotting.plot_confusion_matrix(np.ones((2, 3)))


def test_probability_bars():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    plotting.probability_bars(ax, np.full(10, 0.1), label=3)
    assert len(ax.patches) == 10 and ax.get_ylim() == (0, 1)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(probabilities=np.full(10, 0.1), label=12), ValueError, "0..9, got 12"),
    (dict(probabilities=np.full(10, 0.1), label=-1), ValueError, "0..9, got -1"),
    (dict(probabilities=np.full(10, 0.1), label="3"), TypeError, "class number"),
    (dict(probabilities=np.full(10, 1.5)), ValueError, r"\[0, 1\]"),
    (dict(probabilities=[]), ValueError, "empty"),
    (dict(probabilities=np.full(3, 0.3), class_names=["a"]), ValueError, "1 names for 3"),
    (dict(probabilities=None), TypeError, "array-like"),
])
def test_probability_bars_bad_input(kwargs, error, match):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    with pytest.raises(error, match=match):
        plotting.probability_bars(ax, **kwargs)


# ---------------------------------------------------------------- colour accessibility
_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("deficiency", [None, *plotting.CVD_TYPES])
def test_palette_stays_distinguishable_with_colour_blindness(deficiency):
    distance, i, j = plotting.cvd_min_distance(plotting.PALETTE, deficiency)
    assert distance >= 10, f"{plotting.PALETTE[i]} and {plotting.PALETTE[j]} differ by only {distance:.1f} ({deficiency})"


def test_the_palette_check_can_fail():
    """matplotlib's default tab10 is not colour-blind safe, and the check says so."""
    tab10 = [mpl.colors.to_hex(c) for c in mpl.colormaps["tab10"].colors]
    assert min(plotting.cvd_min_distance(tab10, d)[0] for d in plotting.CVD_TYPES) < 10


def _colormaps_in_sources() -> set[str]:
    names = set()
    sources = list((_ROOT / "src" / "helpers").glob("*.py")) + list((_ROOT / "chapters").glob("*.ipynb"))
    for path in sources:
        names |= set(re.findall(r"cmap\s*=\s*\\?[\"']([A-Za-z_]+)\\?[\"']", path.read_text(encoding="utf-8")))
    names.add(mpl.rcParams["image.cmap"])
    return names


def test_every_colormap_the_book_uses_is_on_the_safe_list():
    used = _colormaps_in_sources()
    assert "viridis" in used and "gray_r" in used  # the scan finds them
    assert used <= set(plotting.SAFE_COLORMAPS), f"not checked for colour blindness: {used - set(plotting.SAFE_COLORMAPS)}"


@pytest.mark.parametrize("cmap", sorted(plotting.SAFE_COLORMAPS))
@pytest.mark.parametrize("deficiency", [None, *plotting.CVD_TYPES])
def test_safe_colormaps_are_ordered_by_lightness(cmap, deficiency):
    lightness = plotting.colormap_lightness(cmap, deficiency)
    if plotting.SAFE_COLORMAPS[cmap] == "sequential":
        steps = np.diff(lightness)
        assert np.all(steps > 0) or np.all(steps < 0), f"{cmap} is not monotonic in lightness ({deficiency})"
    else:  # diverging: lightest near the middle, and the two ends tell apart
        assert 0.3 < np.argmax(lightness) / (len(lightness) - 1) < 0.7
        ends = [mpl.colormaps[cmap](0.0)[:3], mpl.colormaps[cmap](1.0)[:3]]
        assert plotting.cvd_min_distance(ends, deficiency)[0] >= 20


def test_jet_would_fail_the_lightness_check():
    steps = np.diff(plotting.colormap_lightness("jet"))
    assert not (np.all(steps > 0) or np.all(steps < 0))


def test_colour_checks_reject_bad_input():
    with pytest.raises(ValueError, match="deficiency must be one of"):
        plotting.simulate_cvd(plotting.PALETTE, "achromatopsia")
    with pytest.raises(ValueError, match="severity"):
        plotting.simulate_cvd(plotting.PALETTE, "protanomaly", severity=150)
    with pytest.raises(ValueError, match="not a colour"):
        plotting.cvd_min_distance(["#0072B2", "not-a-colour"])
    with pytest.raises(TypeError, match="non-empty sequence"):
        plotting.cvd_min_distance("#0072B2")
    with pytest.raises(ValueError, match="at least two"):
        plotting.cvd_min_distance(["#0072B2"])
    with pytest.raises(ValueError, match="unknown colormap"):
        plotting.colormap_lightness("no_such_map")
    with pytest.raises(TypeError, match="colormap name"):
        plotting.colormap_lightness(3)
