"""helpers.learning_curves: curves, diagnosis, size curve, explorer render, checker."""

import inspect

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import learning_curves as lc
from helpers.data import load_data


@pytest.fixture(scope="module")
def small():
    (x, y), _ = load_data(source="sample", verbose=False)
    x = lc.to_inputs(x)
    return x[:300], y[:300], x[3000:3200], y[3000:3200]


def history(train_acc, val_acc, val_loss):
    n = len(train_acc)
    return {"loss": list(np.linspace(1, 0.1, n)), "accuracy": train_acc,
            "val_loss": val_loss, "val_accuracy": val_acc}


def test_to_inputs_flattens_and_scales():
    x = lc.to_inputs(np.full((2, 28, 28), 255, dtype=np.uint8))
    assert x.shape == (2, 784) and x.dtype == np.float32 and x.max() == 1.0


@pytest.mark.parametrize("bad, exc", [("abc", TypeError), (np.full((2, 28, 28), 300), ValueError),
                                      (np.zeros((2, 2, 2, 2)), ValueError)])
def test_to_inputs_rejects_bad_images(bad, exc):
    with pytest.raises(exc, match="images"):
        lc.to_inputs(bad)


def test_train_curves_returns_per_epoch_lists(small):
    x, y, xv, yv = small
    h = lc.train_curves(x, y, xv, yv, hidden_units=8, epochs=2)
    assert set(h) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 2 and isinstance(v[0], float) for v in h.values())
    assert h == lc.train_curves(x, y, xv, yv, hidden_units=8, epochs=2)   # seeded


def test_train_curves_validates(small):
    x, y, xv, yv = small
    with pytest.raises(ValueError, match="epochs"):
        lc.train_curves(x, y, xv, yv, epochs=0)
    with pytest.raises(ValueError, match="x and y"):
        lc.train_curves(x, y[:10], xv, yv)
    with pytest.raises(TypeError, match="y_val"):
        lc.train_curves(x, y, xv, yv.astype(float))


def test_diagnose_three_verdicts():
    assert lc.diagnose(history([0.8, 0.95], [0.8, 0.92], [0.5, 0.3])).verdict == "healthy"
    assert lc.diagnose(history([0.9, 1.0], [0.8, 0.8], [0.5, 0.6])).verdict == "overfitting"
    assert lc.diagnose(history([0.9, 0.96], [0.9, 0.93], [0.3, 0.5])).verdict == "overfitting"  # loss rise
    d = lc.diagnose(history([0.3, 0.4], [0.3, 0.41], [2.0, 1.8]))
    assert d.verdict == "underfitting" and d.best_epoch == 2 and d.val_loss_rise == 0.0
    assert "underfitting" in str(d)


def test_diagnose_validates():
    with pytest.raises(ValueError, match="val_loss"):
        lc.diagnose({"loss": [1], "accuracy": [1]})
    with pytest.raises(TypeError, match="history"):
        lc.diagnose([1, 2])
    with pytest.raises(ValueError, match="empty"):
        lc.diagnose(history([], [], []))
    with pytest.raises(ValueError, match="max_gap"):
        lc.diagnose(history([0.9], [0.9], [0.1]), max_gap=-1)


def test_size_curve_and_plot(small):
    x, y, xv, yv = small
    c = lc.size_curve(x, y, xv, yv, [20, 100], hidden_units=8, steps=5)
    assert c.sizes.tolist() == [20, 100] and c.train_accuracy.shape == (2,)
    assert np.allclose(c.gap, c.train_accuracy - c.val_accuracy)
    fig = lc.plot_size_curve(c)
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_title()


def test_size_curve_validates(small):
    x, y, xv, yv = small
    with pytest.raises(ValueError, match="increasing"):
        lc.size_curve(x, y, xv, yv, [100, 20])
    with pytest.raises(ValueError, match="size"):
        lc.size_curve(x, y, xv, yv, [10_000])
    with pytest.raises(TypeError, match="sizes"):
        lc.size_curve(x, y, xv, yv, [])
    with pytest.raises(TypeError, match="SizeCurve"):
        lc.plot_size_curve({"sizes": [1]})


def test_curve_figure_and_explorer(small):
    x, y, xv, yv = small
    fig = lc.curve_figure(((x, y), (xv, yv)), hidden_units=8, n_train=100, epochs=1)
    assert isinstance(fig, plt.Figure) and "100 examples" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="n_train"):
        lc.curve_figure(((x, y), (xv, yv)), n_train=5)
    with pytest.raises(TypeError, match="data"):
        lc.curve_figure("data")


def test_explorer_default_view_reuses_the_chapters_run_from_the_model_cache(small, monkeypatch, tmp_path):
    from helpers import mnist_keras

    x, y, xv, yv = small
    monkeypatch.setenv("DLBOOK_MODEL_CACHE", str(tmp_path))
    built = []
    original = mnist_keras.build_model
    monkeypatch.setattr(mnist_keras, "build_model", lambda *a, **k: built.append(1) or original(*a, **k))
    lc.train_curves(x, y, xv, yv, hidden_units=4, epochs=1, seed=0)              # as the chapter calls it
    lc.curve_figure(((x, y), (xv, yv)), hidden_units=4, n_train=len(x), epochs=1)  # as the explorer does
    assert len(built) == 1                                                       # the second was read back
    defaults = {k: p.default for k, p in inspect.signature(lc.curve_figure).parameters.items()
                if k in ("hidden_units", "epochs")}
    monkeypatch.setattr(lc, "curve_figure", lambda data, **kw: plt.figure())
    values = lc.curve_explorer(((x, y), (xv, yv))).values()
    assert {k: values[k] for k in defaults} == defaults == {"hidden_units": 128, "epochs": 5}   # the healthy run


def test_curve_explorer_builds(small, monkeypatch):
    x, y, xv, yv = small
    monkeypatch.setattr(lc, "curve_figure", lambda data, **kw: plt.figure())
    explorer = lc.curve_explorer(((x, y), (xv, yv)))
    assert set(explorer.values()) == {"hidden_units", "n_train", "epochs"} and explorer.png


def test_check_diagnosis():
    h = history([0.9, 1.0], [0.8, 0.8], [0.5, 0.6])
    assert lc.check_diagnosis("Overfitting", h)
    wrong = lc.check_diagnosis("healthy", h)
    assert not wrong and "look again" in str(wrong)
    assert not lc.check_diagnosis("underfitting", h)
    assert "valid choices" in str(lc.check_diagnosis("great", h))
    assert not lc.check_diagnosis(3, h)


def test_check_early_stop_and_epoch_gaps():
    h = history([0.8, 0.9, 1.0, 1.0], [0.70, 0.75, 0.74, 0.76], [0.9, 0.6, 0.65, 0.7])
    assert lc.check_early_stop(2, 0.75, 0.76, h)
    off_by_one = lc.check_early_stop(1, 0.75, 0.76, h)
    assert not off_by_one and "add 1" in str(off_by_one)
    by_acc = lc.check_early_stop(4, 0.76, 0.76, h)
    assert not by_acc and "LOSS" in str(by_acc)
    assert "val_accuracy" in str(lc.check_early_stop(2, 0.70, 0.76, h))
    gaps = np.array([0.8, 0.9, 1.0, 1.0]) - np.array([0.70, 0.75, 0.74, 0.76])
    assert lc.check_epoch_gaps(gaps, h)
    flipped = lc.check_epoch_gaps(-gaps, h)
    assert not flipped and "sign" in str(flipped)
    assert "shape" in str(lc.check_epoch_gaps(gaps[:3], h))
