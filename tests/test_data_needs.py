"""helpers.data_needs: subsets, fixed-step training, learning curve, power law, transfer, checker."""

import keras
import numpy as np
import pytest

from helpers import data_needs as ch


def toy(n=200, seed=0):
    """Linearly separable 10-class toy data in 20 dimensions (fast to learn)."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(10, 20)) * 5
    y = np.arange(n) % 10
    x = (centers[y] + rng.normal(size=(n, 20))).astype("float32")
    return x, y


def test_curve_point_error():
    p = ch.CurvePoint(100, 0.9, 300)
    assert p.error == pytest.approx(0.1)


def test_balanced_subset():
    y = np.repeat(np.arange(3), [10, 20, 30])
    idx = ch.balanced_subset(y, 10, seed=1)
    assert len(idx) == len(set(idx)) == 10
    assert sorted(np.bincount(y[idx]).tolist()) == [3, 3, 4]
    assert np.array_equal(idx, ch.balanced_subset(y, 10, seed=1))
    assert sorted(ch.balanced_subset(y, 60)) == list(range(60))
    with pytest.raises(ValueError, match="only 10 exist"):
        ch.balanced_subset(y, 45)
    with pytest.raises(ValueError, match="n must be <= 60"):
        ch.balanced_subset(y, 61)


def test_shared_training_helpers_are_re_exported():
    from helpers import training

    # epoch_order, fit_steps and accuracy live in helpers.training (tested in test_training.py)
    assert ch.epoch_order is training.epoch_order and ch.fit_steps is training.fit_steps
    assert ch.accuracy is training.accuracy


def test_fit_steps_accuracy_and_train_and_score():
    import keras

    x, y = toy()
    keras.utils.set_random_seed(0)  # the model's initial weights; 300 steps learn the toy data from any seed
    model = ch.fit_steps(ch.build_mlp((16,), inputs=20), x, y, steps=300)
    assert ch.accuracy(model, x, y) > 0.5     # chance is 0.1
    acc = ch.train_and_score(x, y, x, y, hidden=(16,), steps=300)
    assert acc > 0.5 and acc == ch.train_and_score(x, y, x, y, hidden=(16,), steps=300)  # seeded: repeatable
    with pytest.raises(ValueError, match="x and y"):
        ch.fit_steps(model, x, y[:5])


def test_data_curve():
    x, y = toy(300)
    xv, yv = toy(100, seed=1)
    curve = ch.data_curve(x, y, xv, yv, [20, 300], steps=40, hidden=(8,))
    assert [p.n for p in curve] == [20, 300] and all(p.steps == 40 for p in curve)
    # each point is train_and_score on the seeded balanced subset (the chapter reads its 200-digit run off the curve)
    idx = ch.balanced_subset(y, 20, seed=0)
    assert curve[0].val_acc == ch.train_and_score(x[idx], y[idx], xv, yv, hidden=(8,), steps=40)
    with pytest.raises(TypeError, match="sizes must be a non-empty list"):
        ch.data_curve(x, y, xv, yv, [])
    with pytest.raises(ValueError, match="training-set size must be >= 10"):
        ch.data_curve(x, y, xv, yv, [5])


def test_power_law_fit_and_prediction():
    n = np.array([10, 100, 1000])
    a, b = ch.fit_power_law(n, 2.0 * n ** -0.5)
    assert a == pytest.approx(2.0) and b == pytest.approx(0.5)
    assert ch.predict_error(10_000, a, b) == pytest.approx(0.02)
    with pytest.raises(ValueError, match="positive"):
        ch.fit_power_law([1, 2], [0.1, 0.0])
    with pytest.raises(ValueError, match="at least two points"):
        ch.fit_power_law([1], [0.1])
    with pytest.raises(ValueError, match="same length"):
        ch.fit_power_law([1, 2], [0.1])
    with pytest.raises(ValueError, match="n must be positive"):
        ch.predict_error(0, 1.0, 0.5)
    with pytest.raises(ValueError, match="a must be > 0"):
        ch.predict_error(10, 0.0, 0.5)


def test_plot_data_curve():
    pts = [ch.CurvePoint(50, 0.7, 300), ch.CurvePoint(500, 0.9, 300)]
    fig = ch.plot_data_curve(pts, fit=(1.0, 0.3), extra={"aug": (50, 0.2)})
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "training examples" in ax.get_xlabel() and ax.get_title()
    assert len(ax.get_lines()) == 3
    with pytest.raises(TypeError, match="CurvePoint"):
        ch.plot_data_curve([(50, 0.7)])


def test_select_classes_relabels():
    x = np.arange(12, dtype=float).reshape(6, 2)
    y = np.array([0, 5, 6, 5, 1, 6])
    xs, ys = ch.select_classes(x, y, [5, 6])
    assert ys.tolist() == [0, 1, 0, 1] and xs[0].tolist() == [2.0, 3.0]
    with pytest.raises(ValueError, match="must not repeat"):
        ch.select_classes(x, y, [5, 5])
    with pytest.raises(TypeError, match="classes must be a non-empty list"):
        ch.select_classes(x, y, [])


def test_pretrain_and_transfer_model():
    x, y = toy()
    source = ch.pretrain(x, y, hidden=8, classes=10, steps=30)
    frozen = ch.transfer_model(source, classes=3, freeze=True)
    tuned = ch.transfer_model(source, classes=3, freeze=False)
    assert frozen.output_shape == (None, 3)
    src_kernel = source.layers[0].get_weights()[0]
    assert np.array_equal(frozen.layers[0].get_weights()[0], src_kernel)   # weights copied
    assert len(frozen.trainable_weights) == 2 and len(tuned.trainable_weights) == 4
    before = frozen.layers[0].get_weights()[0].copy()
    ch.fit_steps(frozen, x, y % 3, steps=5)
    assert np.array_equal(frozen.layers[0].get_weights()[0], before)       # frozen stays frozen
    # fine-tuned: the same network (and traced training step) as a fresh build_mlp of its shape
    from helpers import training
    fresh = ch.build_mlp((8,), inputs=20, classes=3)
    assert training._twin_key(tuned, x, y % 3, {}) == training._twin_key(fresh, x, y % 3, {}) is not None
    with pytest.raises(ValueError, match="no hidden Dense layer"):
        ch.transfer_model(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))


def test_check_extrapolation():
    assert ch.check_extrapolation(0.02, n=10_000, a=2.0, b=0.5)
    wrong = ch.check_extrapolation(2.0 * 10_000 ** 0.5, n=10_000, a=2.0, b=0.5)
    assert not wrong and "exponent's sign" in str(wrong)
    assert not ch.check_extrapolation("0.02", n=10_000, a=2.0, b=0.5)


def test_count_and_doubling_checkers_accept_reference_and_reject_typical_mistakes():
    y = np.array([0, 0, 1, 3, 3, 3])
    assert ch.check_class_counts([2, 1, 0, 3], y, classes=4)
    short = ch.check_class_counts(np.bincount(y)[:3], y, classes=4)
    assert not short and "minlength" in str(short)
    assert "np.bincount" in str(ch.check_class_counts(y, y, classes=4))
    b = 0.33
    assert ch.check_doubling(2 ** -b, 2 ** (1 / b), b=b)
    sign = ch.check_doubling(2 ** b, 2 ** (1 / b), b=b)
    assert not sign and "sign" in str(sign)
    assert "REMOVED" in str(ch.check_doubling(1 - 2 ** -b, 2 ** (1 / b), b=b))
    assert "2^(1/b)" in str(ch.check_doubling(2 ** -b, 2 ** b, b=b))
