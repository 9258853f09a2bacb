"""Unit tests for helpers.background (chapter 1)."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import background as bg

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- tables


def test_milestones_are_sorted_cited_and_cover_the_issue_years():
    years = [m.year for m in bg.MILESTONES]
    assert years == sorted(years)
    assert {1958, 1986, 1998, 2012, 2014, 2015, 2017} <= set(years)
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for m in bg.MILESTONES:
        assert m.cite in keys, m.cite
    for p in bg.SCALE:
        assert p.cite in keys, p.cite


def test_milestones_between():
    picked = bg.milestones_between(1980, 2000)
    assert [m.year for m in picked] == [1986, 1998]
    assert bg.milestones_between(2030, 2040) == []


@pytest.mark.parametrize("start,end,exc", [(2000, 1990, ValueError), ("1990", 2000, TypeError),
                                           (1990, 2000.5, TypeError)])
def test_milestones_between_rejects_bad_input(start, end, exc):
    with pytest.raises(exc, match="start|end"):
        bg.milestones_between(start, end)


def test_milestones_between_rejects_bad_table():
    with pytest.raises(TypeError, match="table"):
        bg.milestones_between(1900, 2000, table="not a table")
    with pytest.raises(TypeError, match="Milestone"):
        bg.milestones_between(1900, 2000, table=[(1958, "x", "y")])
    with pytest.raises(ValueError, match="empty"):
        bg.milestones_between(1900, 2000, table=[])


def test_growth_factor_matches_the_quoted_numbers():
    assert bg.growth_factor("examples", "LeNet-5", "AlexNet") == pytest.approx(20)
    assert bg.growth_factor("parameters", "LeNet-5", "AlexNet") == pytest.approx(1000)
    assert bg.growth_factor("parameters", "AlexNet", "GPT-3") == pytest.approx(175e9 / 60e6)


def test_growth_factor_rejects_unknown_names():
    with pytest.raises(ValueError, match="quantity"):
        bg.growth_factor("flops", "LeNet-5", "AlexNet")
    with pytest.raises(ValueError, match="first"):
        bg.growth_factor("examples", "Perceptron", "AlexNet")
    with pytest.raises(ValueError, match="last"):
        bg.growth_factor("examples", "AlexNet", "GPT-4")


def test_human_numbers():
    assert bg._human(60_000) == "60 thousand"
    assert bg._human(1.2e6) == "1.2 million"
    assert bg._human(175e9) == "175 billion"
    assert bg._human(12) == "12"


# --------------------------------------------------------------------------- figures


def _texts(fig: plt.Figure) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts) + " " + (
        fig._suptitle.get_text() if fig._suptitle else "")


def test_timeline_figure_labels_every_milestone():
    fig = bg.timeline_figure()
    assert isinstance(fig, plt.Figure)
    text = _texts(fig)
    for m in bg.MILESTONES:
        assert str(m.year) in text
    assert len(fig.axes) == 2  # broken axis at 2005
    assert all(ax.get_xlabel() for ax in fig.axes)


def test_timeline_figure_single_panel_and_bad_input():
    fig = bg.timeline_figure(bg.milestones_between(1940, 2000))
    assert len(fig.axes) == 1
    with pytest.raises(TypeError, match="table"):
        bg.timeline_figure(42)
    with pytest.raises(TypeError, match="split"):
        bg.timeline_figure(split="2005")


def test_nested_sets_figure():
    fig = bg.nested_sets_figure()
    text = _texts(fig)
    for name in ("Artificial intelligence", "Machine learning", "Representation learning", "Deep learning"):
        assert name in text
    assert fig.axes[0].get_title()
    with pytest.raises(TypeError, match="title"):
        bg.nested_sets_figure(title=3)


def test_scale_figure():
    fig = bg.scale_figure()
    assert len(fig.axes) == 2
    assert all(ax.get_yscale() == "log" and ax.get_ylabel() and ax.get_xlabel() for ax in fig.axes)
    assert not any(ax.patches for ax in fig.axes)                  # points, not bars on a log axis
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == list(dict.fromkeys(p.examples_unit for p in bg.SCALE))   # one marker per unit of data
    with pytest.raises(TypeError, match="table"):
        bg.scale_figure([])
    with pytest.raises(TypeError, match="ScalePoint"):
        bg.scale_figure([1, 2])


def test_chapter_map_covers_all_nine_parts():
    assert sorted(c.key for c in bg.CHAPTERS) == [str(k) for k in range(1, 10)]
    fig = bg.chapter_map_figure()
    text = _texts(fig)
    for c in bg.CHAPTERS:
        assert c.title in text


def test_chapter_map_rejects_bad_input():
    with pytest.raises(TypeError, match="chapters"):
        bg.chapter_map_figure("chapters")
    with pytest.raises(TypeError, match="ChapterBox"):
        bg.chapter_map_figure([1])
    bad = [bg.ChapterBox("1", "1 A", "a", ("7",), 0, 0.0)]
    with pytest.raises(ValueError, match="unknown"):
        bg.chapter_map_figure(bad)


def test_save_chapter_map_writes_a_png(tmp_path):
    path = bg.save_chapter_map(tmp_path / "sub" / "map.png")
    assert path.exists()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # deterministic: saving twice gives the same bytes
    again = bg.save_chapter_map(tmp_path / "again.png")
    assert again.read_bytes() == path.read_bytes()


def test_save_chapter_map_rejects_bad_paths(tmp_path):
    with pytest.raises(TypeError, match="path"):
        bg.save_chapter_map(42)
    with pytest.raises(ValueError, match="png"):
        bg.save_chapter_map(tmp_path / "map.svg")


def test_committed_chapter_map_exists():
    png = ROOT / "figures" / "chapter_map.png"
    assert png.exists(), "run save_chapter_map('figures/chapter_map.png')"
    assert "figures/chapter_map.png" in (ROOT / "intro.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- data and the taste model


def test_load_digit_split_shapes_and_ranges():
    (x_train, y_train), (x_test, y_test) = bg.load_digit_split(0.25, seed=0)
    assert x_train.shape == (1347, 64) and x_test.shape == (450, 64)
    assert x_train.dtype == np.float32 and 0 <= x_train.min() and x_train.max() <= 1
    assert np.bincount(y_test).min() >= 40  # stratified
    (x2, _), _ = bg.load_digit_split(0.25, seed=0)
    assert np.array_equal(x_train, x2)


@pytest.mark.parametrize("fraction,exc", [(0.0, ValueError), (1.0, ValueError), ("0.2", TypeError)])
def test_load_digit_split_rejects_bad_fraction(fraction, exc):
    with pytest.raises(exc, match="test_fraction"):
        bg.load_digit_split(fraction)


def test_load_digit_split_rejects_bad_seed():
    with pytest.raises(ValueError, match="seed"):
        bg.load_digit_split(0.25, seed=-1)


def test_taste_figure_marks_mistakes():
    x = np.zeros((4, 64))
    fig = bg.taste_figure(x, [1, 2, 3, 4], [1, 2, 0, 4], n=4)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["1→1", "2→2", "3→0", "4→4"]
    wrong = [ax for ax in fig.axes if ax.get_title() == "3→0"][0]
    assert wrong.title.get_color() != "black"


def test_taste_figure_rejects_bad_input():
    with pytest.raises(ValueError, match="64"):
        bg.taste_figure(np.zeros((2, 28 * 28)), [0, 1], [0, 1])
    with pytest.raises(ValueError, match="same length"):
        bg.taste_figure(np.zeros((2, 64)), [0], [0, 1])
    with pytest.raises(TypeError, match="x"):
        bg.taste_figure("pixels", [0], [0])


# --------------------------------------------------------------------------- checkers


def test_check_param_count():
    assert bg.check_param_count(650, [64, 10])
    weights_only = bg.check_param_count(640, [64, 10])
    assert not weights_only and "bias" in str(weights_only)
    with pytest.raises(TypeError, match="layer_sizes"):
        bg.check_param_count(650, "64,10")
    with pytest.raises(ValueError, match="layer size"):
        bg.check_param_count(650, [64, 0])


def test_figures_and_checkers_reject_bad_input():
    with pytest.raises(TypeError, match="title"):
        bg.nested_sets_figure(title=None)
    with pytest.raises(TypeError, match="table"):
        bg.scale_figure([])
    with pytest.raises(TypeError, match="table"):
        bg.scale_figure(["LeNet-5"])
    with pytest.raises(TypeError, match="layer_sizes"):
        bg.check_param_count(650, "64,10")
    with pytest.raises(ValueError, match="layer size"):
        bg.check_param_count(650, [64, 0])
    assert not bg.check_param_count(None, [64, 10])
    plt.close("all")


def test_check_epochs_for_updates_names_the_usual_mistakes():
    assert bg.check_epochs_for_updates(lambda n: 340 // -(-n // 64))
    same = bg.check_epochs_for_updates(lambda n: 20)
    assert not same and "same number of epochs" in str(same)
    partial = bg.check_epochs_for_updates(lambda n: round(340 * 64 / n))
    assert not partial and "partial batch" in str(partial)
    off = bg.check_epochs_for_updates(lambda n: 340 // -(-n // 64) + (n == 300))
    assert not off and "epochs_for(300) = 69, expected 68" in str(off)
    assert bg.check_epochs_for_updates(lambda n: 100 // -(-n // 10), updates=100, batch_size=10)


def test_check_epochs_for_updates_rejects_bad_input():
    assert not bg.check_epochs_for_updates("170")
    raising = bg.check_epochs_for_updates(lambda n: 1 / 0)
    assert not raising and "ZeroDivisionError" in str(raising)
    with pytest.raises(ValueError, match="updates must be >= 1"):
        bg.check_epochs_for_updates(lambda n: 1, updates=0)
    with pytest.raises(TypeError, match="batch_size must be an integer"):
        bg.check_epochs_for_updates(lambda n: 1, batch_size=6.4)


def test_check_depth_counts_layers_with_a_kernel_and_names_wrong_counts():
    assert bg.check_depth(lambda model: sum(1 for layer in model.layers if hasattr(layer, "kernel")))
    every = bg.check_depth(lambda model: len(model.layers))
    assert not every and "counts every layer" in str(every)
    trainable = bg.check_depth(lambda model: sum(1 for layer in model.layers if layer.trainable_weights))
    assert not trainable and "BatchNormalization" in str(trainable) and "computed by adapt" not in str(trainable)
    weights = bg.check_depth(lambda model: sum(1 for layer in model.layers if layer.weights))
    assert not weights and "computed by adapt" in str(weights)
    arrays = bg.check_depth(lambda model: len(model.trainable_weights))
    assert not arrays and "weight arrays" in str(arrays)


def test_check_depth_rejects_bad_input():
    assert not bg.check_depth(2)
    raising = bg.check_depth(lambda model: model.depth)
    assert not raising and "AttributeError" in str(raising)
    assert not bg.check_depth(lambda model: "two")
