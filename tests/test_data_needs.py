"""helpers.data_needs: subsets, the recipe, the learning-curve law and its extrapolation, transfer, checkers."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import optimize

from helpers import data_needs as dn
from helpers import experiments


def digits(n=100, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 10
    x = rng.random((n, 784)).astype("float32") * 0.1
    x[np.arange(n), y * 70] = 1.0                   # one bright pixel per class: learnable
    return x, y


def test_balanced_subset():
    y = np.repeat(np.arange(3), [10, 20, 30])
    idx = dn.balanced_subset(y, 10, seed=1)
    assert len(idx) == len(set(idx)) == 10
    assert sorted(np.bincount(y[idx]).tolist()) == [3, 3, 4]
    assert np.array_equal(idx, dn.balanced_subset(y, 10, seed=1))
    assert sorted(dn.balanced_subset(y, 60)) == list(range(60))


def test_balanced_subset_rejects_bad_input():
    y = np.repeat(np.arange(3), [10, 20, 30])
    with pytest.raises(ValueError, match="only 10 exist"):
        dn.balanced_subset(y, 45)
    with pytest.raises(ValueError, match="n must be <= 60"):
        dn.balanced_subset(y, 61)
    with pytest.raises(ValueError, match="labels must have 1"):
        dn.balanced_subset(y.reshape(6, 10), 5)


def test_build_model_and_scores():
    model = dn.build_model(16, classes=5)
    assert model.count_params() == 784 * 16 + 16 + 16 * 5 + 5 and model.output_shape == (None, 5)
    x, y = digits(20)
    loss, acc = dn.scores(dn.build_model(4), x, y)
    assert loss > 0 and 0 <= acc <= 1


def test_build_model_and_scores_reject_bad_input():
    with pytest.raises(ValueError, match="hidden"):
        dn.build_model(0)
    with pytest.raises(ValueError, match="classes"):
        dn.build_model(8, classes=1)
    with pytest.raises((TypeError, ValueError), match="learning_rate"):
        dn.build_model(8, learning_rate=-1.0)
    x, y = digits(10)
    with pytest.raises(ValueError, match="predictions have shape"):
        dn.scores(dn.build_model(4), x, y[:5])


def test_repeat_to_and_shift_augment():
    x, y = digits(30)
    xr, yr = dn.repeat_to(x, y, 100)
    assert len(yr) == 120 and np.array_equal(yr[30:60], y)
    assert len(dn.repeat_to(x, y, 10)[1]) == 30
    xa, ya = dn.shift_augment(x, y, copies=2, seed=0)
    assert xa.shape == (90, 784) and np.array_equal(xa[:30], x) and np.array_equal(ya[60:], y)
    assert np.array_equal(dn.shift_augment(x, y, copies=1, max_shift=0)[0][30:], x)


def test_repeat_to_and_shift_augment_reject_bad_input():
    x, y = digits(10)
    with pytest.raises(ValueError, match="x and y"):
        dn.repeat_to(x, y[:3], 20)
    with pytest.raises(ValueError, match="minimum"):
        dn.repeat_to(x, y, 0)
    with pytest.raises(ValueError, match="784 columns"):
        dn.shift_augment(x[:, :10], y, copies=1)
    with pytest.raises(ValueError, match="copies"):
        dn.shift_augment(x, y, copies=-1)


def test_recipe_trains_with_early_stopping_on_a_balanced_subset():
    x, y = digits(200)
    pool, val = (x[:150], y[:150]), (x[150:], y[150:])
    recipe = dn.recipe(pool, val, n=20, epoch_size=100, epochs=3, patience=1)
    runs = experiments.run(recipe, [0, 1], name="n=20")
    assert set(runs.values) == {"val_loss", "val_accuracy", "val_error", "epochs"}
    assert np.allclose(runs["val_error"], 1 - runs["val_accuracy"])
    assert runs["epochs"].max() <= 3
    assert recipe(0)["val_loss"] == pytest.approx(runs["val_loss"][0], rel=1e-5)


def test_recipe_rejects_bad_input():
    x, y = digits(50)
    with pytest.raises(ValueError, match="n must be <= 50"):
        dn.recipe((x, y), (x, y), n=51)
    with pytest.raises(ValueError, match="augment"):
        dn.recipe((x, y), (x, y), n=10, augment=-1)
    with pytest.raises(ValueError, match="patience"):
        dn.recipe((x, y), (x, y), n=10, patience=0)
    with pytest.raises(ValueError, match="classes"):
        dn.recipe((x, y), (x, y), n=10, classes=1)


def test_fit_learning_curve_recovers_a_known_law():
    rng = np.random.default_rng(0)
    n = np.repeat([50, 100, 200, 500, 1000, 2000, 3000], 5).astype(float)
    e = 1.5 * n ** -0.6 + 0.02 + rng.normal(0, 0.002, len(n))
    params, cov = dn.fit_learning_curve(n, e)
    assert params == pytest.approx([1.5, 0.6, 0.02], rel=0.25)
    direct, _ = optimize.curve_fit(lambda m, a, b, c: a * m ** -b + c, n, e, p0=(1, 0.5, 0.01))
    assert params == pytest.approx(direct, rel=1e-3)
    assert dn.predict_error(1e6, *params) == pytest.approx(params[2], abs=0.005)
    center, lo, hi = dn.extrapolate(np.array([100.0, 60000.0]), params, cov)
    assert np.all(lo <= center) and np.all(center <= hi)
    assert hi[1] - lo[1] > 0 and (hi[0] - lo[0]) < 0.05
    single = dn.extrapolate(60000, params, cov)
    assert float(single[0]) == pytest.approx(center[1])


def test_learning_curve_functions_reject_bad_input():
    with pytest.raises(ValueError, match="at least 4 different sizes"):
        dn.fit_learning_curve([10, 20, 30], [0.3, 0.2, 0.1])
    with pytest.raises(ValueError, match="errors in"):
        dn.fit_learning_curve([10, 20, 30, 40], [0.3, 0.2, 0.1, 1.5])
    with pytest.raises(ValueError, match="sizes and errors"):
        dn.fit_learning_curve([10, 20, 30, 40], [0.3, 0.2])
    with pytest.raises(ValueError, match="n must be positive"):
        dn.predict_error(0, 1.0, 0.5)
    with pytest.raises(ValueError, match="c must be"):
        dn.predict_error(10, 1.0, 0.5, c=-0.1)
    with pytest.raises(ValueError, match="3 entries"):
        dn.extrapolate(100, [1.0, 0.5], np.eye(2))
    with pytest.raises(ValueError, match="draws"):
        dn.extrapolate(100, [1.0, 0.5, 0.0], np.eye(3) * 1e-6, draws=1)


def test_plot_learning_curve_draws_points_fit_and_band():
    n = [50, 100, 200, 400]
    runs = [experiments.Runs(f"n={k}", (0, 1), {"val_error": np.array([e, e + 0.01])})
            for k, e in zip(n, [0.3, 0.2, 0.14, 0.1])]
    params, cov = np.array([2.0, 0.5, 0.01]), np.eye(3) * 1e-6
    fig = dn.plot_learning_curve(n, runs, params, cov, extra={"augmented": (200, 0.12)})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log" and ax.get_title()
    assert any("fit" in t.get_text() for t in ax.get_legend().get_texts())
    plt.close(fig)


def test_plot_learning_curve_rejects_bad_input():
    runs = [experiments.Runs("r", (0, 1), {"val_error": np.array([0.1, 0.2])})]
    with pytest.raises(ValueError, match="same, non-zero length"):
        dn.plot_learning_curve([50, 100], runs, np.array([1.0, 0.5, 0.0]), np.eye(3))


def test_select_classes_relabels():
    x = np.arange(12, dtype=float).reshape(6, 2)
    y = np.array([0, 5, 6, 5, 1, 6])
    xs, ys = dn.select_classes(x, y, [5, 6])
    assert ys.tolist() == [0, 1, 0, 1] and xs[0].tolist() == [2.0, 3.0]


def test_select_classes_rejects_bad_input():
    x = np.arange(12, dtype=float).reshape(6, 2)
    y = np.array([0, 5, 6, 5, 1, 6])
    with pytest.raises(ValueError, match="must not repeat"):
        dn.select_classes(x, y, [5, 5])
    with pytest.raises(TypeError, match="classes must be a non-empty list"):
        dn.select_classes(x, y, [])


def test_transfer_model_copies_and_freezes():
    x, y = digits(60)
    keras.utils.set_random_seed(0)
    source = dn.build_model(8, classes=10)
    source.fit(x, y, epochs=1, verbose=0)
    frozen = dn.transfer_model(source, classes=3, freeze=True)
    tuned = dn.transfer_model(source, classes=3, freeze=False)
    assert frozen.output_shape == (None, 3)
    assert np.array_equal(frozen.layers[0].get_weights()[0], source.layers[0].get_weights()[0])
    assert len(frozen.trainable_weights) == 2 and len(tuned.trainable_weights) == 4
    before = frozen.layers[0].get_weights()[0].copy()
    frozen.fit(x, y % 3, epochs=1, verbose=0)
    assert np.array_equal(frozen.layers[0].get_weights()[0], before)       # frozen stays frozen


def test_transfer_model_rejects_bad_input():
    with pytest.raises(ValueError, match="no hidden Dense layer"):
        dn.transfer_model(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))
    with pytest.raises(TypeError, match="freeze"):
        dn.transfer_model(dn.build_model(4), freeze="yes")


def test_check_extrapolation():
    assert dn.check_extrapolation(0.02, n=10_000, a=2.0, b=0.5)
    assert dn.check_extrapolation(0.03, n=10_000, a=2.0, b=0.5, c=0.01)
    wrong = dn.check_extrapolation(2.0 * 10_000 ** 0.5, n=10_000, a=2.0, b=0.5)
    assert not wrong and "exponent's sign" in str(wrong)
    no_c = dn.check_extrapolation(0.02, n=10_000, a=2.0, b=0.5, c=0.01)
    assert not no_c and "irreducible" in str(no_c)


def test_checkers_reject_bad_input():
    for garbage in ("0.02", None, float("nan"), [0.02]):
        assert not dn.check_extrapolation(garbage, n=10_000, a=2.0, b=0.5)
    y = np.array([0, 0, 1, 3, 3, 3])
    assert ch_ok(dn.check_class_counts([2, 1, 0, 3], y, classes=4))
    short = dn.check_class_counts(np.bincount(y)[:3], y, classes=4)
    assert not short and "minlength" in str(short)
    assert "np.bincount" in str(dn.check_class_counts(y, y, classes=4))
    assert not dn.check_class_counts(None, y, classes=4)
    b = 0.33
    assert dn.check_doubling(2 ** -b, 2 ** (1 / b), b=b)
    sign = dn.check_doubling(2 ** b, 2 ** (1 / b), b=b)
    assert not sign and "sign" in str(sign)
    assert "REMOVED" in str(dn.check_doubling(1 - 2 ** -b, 2 ** (1 / b), b=b))
    assert "2^(1/b)" in str(dn.check_doubling(2 ** -b, 2 ** b, b=b))
    assert not dn.check_doubling("x", None, b=b)
    with pytest.raises(ValueError, match="b must be"):
        dn.check_doubling(0.5, 2.0, b=0.0)


def ch_ok(feedback):
    return bool(feedback)
