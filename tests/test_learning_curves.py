"""helpers.learning_curves: curves, the size curve over seeds, the plot and the exercise checkers."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import experiments
from helpers import learning_curves as lc
from helpers.data import load_data, to_inputs


@pytest.fixture(scope="module")
def small():
    (x, y), _ = load_data(source="sample", verbose=False)
    x = to_inputs(x)
    return x[:300], y[:300], x[3000:3200], y[3000:3200]


def history(train_acc, val_acc, val_loss, loss=None):
    n = len(train_acc)
    return {"loss": list(np.linspace(1, 0.1, n)) if loss is None else loss, "accuracy": train_acc,
            "val_loss": val_loss, "val_accuracy": val_acc}


def test_build_model_is_chapter_5s_network():
    model = lc.build_model(16)
    assert model.count_params() == 784 * 16 + 16 + 16 * 10 + 10
    assert model.loss == "sparse_categorical_crossentropy"
    with pytest.raises(ValueError, match="hidden_units"):
        lc.build_model(0)


def test_train_curves_returns_per_epoch_lists(small):
    x, y, xv, yv = small
    h = lc.train_curves(x, y, xv, yv, hidden_units=8, epochs=2)
    assert set(h) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 2 and isinstance(v[0], float) for v in h.values())
    assert h["loss"][1] < h["loss"][0]


def test_train_curves_validates(small):
    x, y, xv, yv = small
    with pytest.raises(ValueError, match="epochs"):
        lc.train_curves(x, y, xv, yv, epochs=0)
    with pytest.raises(ValueError, match="x and y"):
        lc.train_curves(x, y[:10], xv, yv)
    with pytest.raises(TypeError, match="y_val"):
        lc.train_curves(x, y, xv, yv.astype(float))


def test_size_run_trains_to_convergence(small):
    x, y, xv, yv = small
    r = lc.size_run(x, y, xv, yv, 50, hidden_units=8, max_epochs=30, patience=2)
    assert {"train_accuracy", "val_accuracy", "train_loss", "val_loss", "epochs"} <= set(r)
    assert 1 <= r["epochs"] <= 30
    with pytest.raises(ValueError, match="n"):
        lc.size_run(x, y, xv, yv, 5)
    with pytest.raises(ValueError, match="patience"):
        lc.size_run(x, y, xv, yv, 50, patience=0)


def test_size_curve_and_plot(small):
    x, y, xv, yv = small
    curve = lc.size_curve(x, y, xv, yv, [30, 120], seeds=[0, 1], hidden_units=8, max_epochs=20, patience=2)
    assert list(curve.sizes) == [30, 120] and all(isinstance(r, experiments.Runs) for r in curve.runs)
    assert curve.runs[0].seeds == curve.runs[1].seeds == (0, 1)
    assert curve.gap.shape == (2,)
    fig = lc.plot_size_curve(curve, title="t")
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_title() == "t"
    plt.close(fig)


def test_size_curve_validates(small):
    x, y, xv, yv = small
    with pytest.raises(TypeError, match="sizes"):
        lc.size_curve(x, y, xv, yv, 100)
    with pytest.raises(ValueError, match="increasing"):
        lc.size_curve(x, y, xv, yv, [200, 100])
    with pytest.raises(ValueError, match="size"):
        lc.size_curve(x, y, xv, yv, [100, 5000])
    with pytest.raises(TypeError, match="SizeCurve"):
        lc.plot_size_curve({"sizes": [1]})


def test_check_diagnosis_follows_the_shared_rule():
    over = history([0.9, 1.0, 1.0], [0.8, 0.8, 0.8], [0.5, 0.6, 0.7], loss=[0.5, 0.2, 0.1])
    assert lc.check_diagnosis("Overfitting", over)
    wrong = lc.check_diagnosis("good fit", over)
    assert not wrong and "not good fit" in str(wrong)
    gap_only = history([0.9, 0.99, 0.99], [0.8, 0.85, 0.85], [0.5, 0.4, 0.4], loss=[0.5, 0.3, 0.299])
    mistaken = lc.check_diagnosis("overfitting", gap_only)
    assert not mistaken and "gap alone" in str(mistaken)
    assert lc.check_diagnosis("good fit", gap_only)
    assert "valid choices" in str(lc.check_diagnosis("great", over))
    assert not lc.check_diagnosis(3, over)
    with pytest.raises(ValueError, match="val_loss"):
        lc.check_diagnosis("overfitting", {"loss": [1.0, 0.5], "accuracy": [0.5, 0.6]})


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
    with pytest.raises(TypeError, match="history"):
        lc.check_epoch_gaps(gaps, [1, 2])


def test_public_helpers_reject_bad_input(small):
    x, y, xv, yv = small
    with pytest.raises(ValueError, match="inputs"):
        lc.build_model(8, inputs=0)
    with pytest.raises(ValueError, match="batch_size"):
        lc.train_curves(x, y, xv, yv, batch_size=0)
    with pytest.raises(ValueError, match="max_epochs"):
        lc.size_run(x, y, xv, yv, 50, max_epochs=0)
    with pytest.raises(TypeError, match="sizes"):
        lc.size_curve(x, y, xv, yv, "100")
    with pytest.raises(TypeError, match="SizeCurve"):
        lc.plot_size_curve([0.5])
    assert not lc.check_diagnosis(None, history([0.5, 0.6], [0.5, 0.6], [1.0, 0.9]))
    with pytest.raises(TypeError, match="history"):
        lc.check_early_stop(1, 0.5, 0.5, "history")
    assert not lc.check_early_stop("two", 0.5, 0.5, history([0.5, 0.6], [0.5, 0.6], [1.0, 0.9]))
    assert not lc.check_epoch_gaps("garbage", history([0.5, 0.6], [0.5, 0.6], [1.0, 0.9]))
