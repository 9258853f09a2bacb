"""helpers.plotting: figures have titles and labels; bad input is rejected clearly."""

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
