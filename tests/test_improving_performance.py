"""helpers.improving_performance: shifts, augmentation, scaling, recipes, ensembles, tables."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import improving_performance as ip
from helpers.data import load_data


@pytest.fixture(scope="module")
def small():
    (x, y), _ = load_data(source="sample", verbose=False)
    return x[:200], y[:200], x[3000:3100], y[3000:3100]


def test_shift_images_moves_and_fills():
    img = np.zeros((1, 4, 4), dtype=np.uint8)
    img[0, 1, 1] = 9
    out = ip.shift_images(img, 2, -1)
    assert out[0, 0, 3] == 9 and out.sum() == 9
    assert ip.shift_images(img, 3, 0).sum() == 0                 # pushed off the edge
    assert np.array_equal(ip.shift_images(img, 0, 0), img)
    with pytest.raises(ValueError, match="dx"):
        ip.shift_images(img, 4, 0)
    with pytest.raises(ValueError, match="images"):
        ip.shift_images(np.zeros((4, 4)), 1, 1)


def test_augment_with_shifts(small):
    x, y, _, _ = small
    ax, ay = ip.augment_with_shifts(x[:10], y[:10], copies=2, max_shift=1, seed=0)
    assert ax.shape == (30, 28, 28) and ay.tolist() == y[:10].tolist() * 3
    assert np.array_equal(ax[:10], x[:10])
    assert np.array_equal(ax, ip.augment_with_shifts(x[:10], y[:10], copies=2, max_shift=1, seed=0)[0])
    with pytest.raises(ValueError, match="copies"):
        ip.augment_with_shifts(x[:10], y[:10], copies=-1)
    with pytest.raises(ValueError, match="images and labels"):
        ip.augment_with_shifts(x[:10], y[:5])


def test_scale_inputs(small):
    x, _, xv, _ = small
    raw, _ = ip.scale_inputs(x, xv, "raw")
    unit, _ = ip.scale_inputs(x, xv, "unit")
    std, std_v = ip.scale_inputs(x, xv, "standard")
    assert raw.shape == (200, 784) and raw.max() == 255 and unit.max() == 1.0
    assert abs(std.mean()) < 1e-3 and np.allclose(std.mean(axis=0), 0, atol=1e-4)
    assert abs(std_v.mean()) > 1e-4                               # uses training statistics, not its own
    with pytest.raises(ValueError, match="scaling"):
        ip.scale_inputs(x, xv, "minmax")
    with pytest.raises(ValueError, match="other_images"):
        ip.scale_inputs(x, xv.astype(float) * 2, "unit")


def test_build_model_variants():
    plain = ip.build_model(hidden_units=4)
    bn = ip.build_model(hidden_units=4, batch_norm=True, optimizer="adam", learning_rate=0.01)
    assert plain.count_params() == 784 * 4 + 4 + 4 * 10 + 10
    assert bn.count_params() == 784 * 4 + 4 * 4 + 4 * 10 + 10    # no bias; gamma, beta, mean, variance
    with pytest.raises(ValueError, match="optimizer"):
        ip.build_model(optimizer="rmsprop")
    with pytest.raises(ValueError, match="learning_rate"):
        ip.build_model(learning_rate=0)
    with pytest.raises(TypeError, match="batch_norm"):
        ip.build_model(batch_norm=1)


def test_recipe_but():
    r = ip.BASELINE.but("adam", optimizer="adam")
    assert r.name == "adam" and r.optimizer == "adam" and ip.BASELINE.optimizer == "sgd"
    with pytest.raises(TypeError):
        ip.BASELINE.but("x", colour="red")


def test_run_recipe_and_ensemble(small):
    x, y, xv, yv = small
    recipe = ip.BASELINE.but("tiny", hidden_units=4, epochs=1, augment=True, batch_norm=True)
    run = ip.run_recipe(recipe, x, y, xv, yv, seed=0)
    assert run.name == "tiny" and run.probabilities.shape == (100, 10)
    assert run.val_accuracy == float(np.mean(run.probabilities.argmax(1) == yv))
    assert ip.run_recipe(recipe, x, y, xv, yv, seed=0).val_accuracy == run.val_accuracy
    assert ip.ensemble_accuracy([run.probabilities], yv) == run.val_accuracy
    with pytest.raises(TypeError, match="Recipe"):
        ip.run_recipe({"name": "x"}, x, y, xv, yv)
    with pytest.raises(ValueError, match="val_images and val_labels"):
        ip.run_recipe(recipe, x, y, xv, yv[:5])


def test_ensemble_accuracy_averages():
    p1 = np.array([[0.9, 0.1], [0.4, 0.6]])
    p2 = np.array([[0.2, 0.8], [0.3, 0.7]])
    assert ip.ensemble_accuracy([p1, p2], [0, 1]) == 1.0          # mean of row 0: 0.55 vs 0.45
    with pytest.raises(TypeError, match="list"):
        ip.ensemble_accuracy(p1, [0, 1])
    with pytest.raises(ValueError, match="same shape"):
        ip.ensemble_accuracy([p1, p1[:1]], [0, 1])
    with pytest.raises(TypeError, match="non-empty"):
        ip.ensemble_accuracy([], [0])


def test_verdict_table_plot():
    assert ip.verdict(0.05, 0.01) == "helps" and ip.verdict(-0.05, 0.01) == "hurts"
    assert ip.verdict(0.015, 0.01) == "within noise"
    with pytest.raises(ValueError, match="noise"):
        ip.verdict(0.1, -1)
    rows = [("a", 0.9), ("b", 0.8)]
    table = ip.gains_table(rows, 0.85, 0.01)
    assert "+0.050  helps" in table and "-0.050  hurts" in table
    fig = ip.plot_gains(rows, 0.85, 0.01)
    assert fig.axes[0].get_xlabel().startswith("validation accuracy")
    with pytest.raises(TypeError, match="pair"):
        ip.gains_table([("a",)], 0.8, 0.01)
    with pytest.raises(ValueError, match="accuracy of 'a'"):
        ip.plot_gains([("a", 1.5)], 0.8, 0.01)


def test_check_standardized(small):
    x, _, xv, _ = small
    good_t, good_v = ip.scale_inputs(x, xv, "standard")
    assert ip.check_standardized(good_t, good_v, x, xv)
    own_v, _ = ip.scale_inputs(xv, xv, "standard")
    wrong = ip.check_standardized(good_t, own_v, x, xv)
    assert not wrong and "TRAINING" in str(wrong)
    assert not ip.check_standardized(good_t[:5], good_v, x, xv)


def test_gain_and_ensemble_checkers_accept_reference_and_reject_typical_mistakes():
    assert ip.check_gain_verdict(0.004, "within noise", new=0.925, reference=0.921, noise=0.008)
    flipped = ip.check_gain_verdict(-0.004, "within noise", new=0.925, reference=0.921, noise=0.008)
    assert not flipped and "sign" in str(flipped)
    wrong_verdict = ip.check_gain_verdict(0.004, "helps", new=0.925, reference=0.921, noise=0.008)
    assert not wrong_verdict and "noise band" in str(wrong_verdict)
    assert "new accuracy itself" in str(ip.check_gain_verdict(0.925, "helps", new=0.925, reference=0.921, noise=0.008))
    labels = np.array([0, 1, 1])
    probs = [np.array([[0.9, 0.1], [0.4, 0.6], [0.6, 0.4]]), np.array([[0.6, 0.4], [0.45, 0.55], [0.1, 0.9]])]
    # member accuracies 2/3 and 1; averaged probabilities: [[.75,.25],[.425,.575],[.35,.65]] -> all right
    assert ip.check_ensemble_accuracy(1.0, probs, labels)
    mean_of_members = ip.check_ensemble_accuracy(5 / 6, probs, labels)
    assert not mean_of_members and "PROBABILITIES" in str(mean_of_members)
    assert "fraction" in str(ip.check_ensemble_accuracy(3, probs, labels))
