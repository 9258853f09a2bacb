"""helpers.improving_performance: shifts, augmentation, scaling, recipes, training, ensembles, errors, checkers."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import experiments
from helpers import improving_performance as ip
from helpers.data import load_data


@pytest.fixture(scope="module")
def small():
    (x, y), _ = load_data(source="sample", verbose=False)
    return x[:200], y[:200], x[3000:3100], y[3000:3100]


def test_shift_images_moves_and_fills_rejects_bad_input():
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


def test_augment_with_shifts_rejects_bad_input(small):
    x, y, _, _ = small
    ax, ay = ip.augment_with_shifts(x[:10], y[:10], copies=2, max_shift=1, seed=0)
    assert ax.shape == (30, 28, 28) and ay.tolist() == y[:10].tolist() * 3
    assert np.array_equal(ax[:10], x[:10])
    assert np.array_equal(ax, ip.augment_with_shifts(x[:10], y[:10], copies=2, max_shift=1, seed=0)[0])
    with pytest.raises(ValueError, match="copies"):
        ip.augment_with_shifts(x[:10], y[:10], copies=-1)
    with pytest.raises(ValueError, match="images and labels"):
        ip.augment_with_shifts(x[:10], y[:5])


def test_scale_inputs_rejects_bad_input(small):
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


def test_build_model_variants_rejects_bad_input():
    mlp = ip.build_model(ip.BASELINE.but("tiny", hidden_units=4), steps=10)
    assert mlp.count_params() == 784 * 4 + 4 + 4 * 10 + 10
    assert type(mlp.optimizer).__name__ == "SGD"
    cnn = ip.build_model(ip.BASELINE.but("cnn", architecture="cnn", optimizer="adam", learning_rate=0.001), steps=10)
    conv = (3 * 3 * 1 * 16 + 16) + (3 * 3 * 16 * 32 + 32)
    assert cnn.count_params() == conv + (5 * 5 * 32 * 64 + 64) + (64 * 10 + 10)
    cos = ip.build_model(ip.BASELINE.but("cos", learning_rate=0.1, schedule="cosine"), steps=100)
    assert cos.count_params() == 784 * 128 + 128 + 128 * 10 + 10
    with pytest.raises(ValueError, match="recipe.optimizer"):
        ip.build_model(ip.BASELINE.but("x", optimizer="rmsprop"), steps=10)
    with pytest.raises(ValueError, match="recipe.learning_rate"):
        ip.build_model(ip.BASELINE.but("x", learning_rate=0), steps=10)
    with pytest.raises(ValueError, match="recipe.schedule"):
        ip.build_model(ip.BASELINE.but("x", schedule="step"), steps=10)
    with pytest.raises(ValueError, match="steps"):
        ip.build_model(ip.BASELINE, steps=0)
    with pytest.raises(TypeError, match="recipe.augment"):
        ip.build_model(ip.BASELINE.but("x", augment=1), steps=10)
    with pytest.raises(TypeError, match="Recipe"):
        ip.build_model({"name": "x"}, steps=10)


def test_recipe_but_rejects_bad_input():
    r = ip.BASELINE.but("adam", optimizer="adam")
    assert r.name == "adam" and r.optimizer == "adam" and ip.BASELINE.optimizer == "sgd"
    with pytest.raises(TypeError):
        ip.BASELINE.but("x", colour="red")


def test_train_recipe_is_seeded_and_measures_validation_rejects_bad_input(small):
    x, y, xv, yv = small
    recipe = ip.BASELINE.but("tiny", hidden_units=4, epochs=1, augment=True, schedule="cosine")
    out = ip.train_recipe(recipe, 0, (x, y), (xv, yv))
    assert out["probabilities"].shape == (100, 10) and out["steps"] == int(np.ceil(400 / 64))
    assert abs(out["val_accuracy"] - float(np.mean(out["probabilities"].argmax(1) == yv))) < 1e-6
    assert ip.train_recipe(recipe, 0, (x, y), (xv, yv))["val_accuracy"] == out["val_accuracy"]
    runs = experiments.run(lambda s: ip.train_recipe(recipe, s, (x, y), (xv, yv)), [0, 1], name="tiny")
    assert runs["val_accuracy"][0] == out["val_accuracy"] and "probabilities" in runs.details[0]
    cnn = ip.train_recipe(ip.BASELINE.but("c", architecture="cnn", epochs=1, n_train=50), 0, (x, y), (xv, yv))
    assert cnn["steps"] == 1
    with pytest.raises(TypeError, match="Recipe"):
        ip.train_recipe({"name": "x"}, 0, (x, y), (xv, yv))
    with pytest.raises(ValueError, match="val images and val labels"):
        ip.train_recipe(recipe, 0, (x, y), (xv, yv[:5]))
    with pytest.raises(TypeError, match="train must be a pair"):
        ip.train_recipe(recipe, 0, x, (xv, yv))
    with pytest.raises(ValueError, match="n_train"):
        ip.train_recipe(ip.BASELINE.but("x", n_train=10_000), 0, (x, y), (xv, yv))
    with pytest.raises(ValueError, match="seed"):
        ip.train_recipe(recipe, -1, (x, y), (xv, yv))


def test_ensemble_accuracy_averages_rejects_bad_input():
    p1 = np.array([[0.9, 0.1], [0.4, 0.6]])
    p2 = np.array([[0.2, 0.8], [0.3, 0.7]])
    assert ip.ensemble_accuracy([p1, p2], [0, 1]) == 1.0          # mean of row 0: 0.55 vs 0.45
    with pytest.raises(TypeError, match="list"):
        ip.ensemble_accuracy(p1, [0, 1])
    with pytest.raises(ValueError, match="same shape"):
        ip.ensemble_accuracy([p1, p1[:1]], [0, 1])
    with pytest.raises(TypeError, match="non-empty"):
        ip.ensemble_accuracy([], [0])


def _runs(name, values):
    return experiments.Runs(name, tuple(range(len(values))), {"val_accuracy": np.asarray(values, dtype=float)})


def test_comparison_table_rejects_bad_input():
    a, b = _runs("a", [0.9, 0.91, 0.92]), _runs("b", [0.8, 0.82, 0.81])
    table = ip.comparison_table([experiments.compare(a, b, "val_accuracy")])
    assert "a − b" in table and "better" in table
    with pytest.raises(TypeError, match="Comparison"):
        ip.comparison_table([])
    with pytest.raises(TypeError, match="Comparison"):
        ip.comparison_table(["a"])


def test_confusion_matrix_and_pairs_rejects_bad_input():
    labels = np.array([0, 0, 1, 1, 1, 2])
    pred = np.array([0, 1, 1, 2, 2, 2])
    m = ip.confusion_matrix(labels, pred)
    assert m.shape == (10, 10) and m.sum() == 6 and m[1, 2] == 2 and m[0, 1] == 1
    assert ip.confused_pairs(labels, pred, top=5) == [(1, 2, 2), (0, 1, 1)]
    assert ip.confused_pairs(labels, labels) == []
    with pytest.raises(ValueError, match="predicted"):
        ip.confusion_matrix(labels, pred + 10)
    with pytest.raises(ValueError, match="labels and predicted"):
        ip.confusion_matrix(labels, pred[:3])
    with pytest.raises(ValueError, match="top"):
        ip.confused_pairs(labels, pred, top=0)


def test_check_standardized_rejects_bad_input(small):
    x, _, xv, _ = small
    good_t, good_v = ip.scale_inputs(x, xv, "standard")
    assert ip.check_standardized(good_t, good_v, x, xv)
    own_v, _ = ip.scale_inputs(xv, xv, "standard")
    wrong = ip.check_standardized(good_t, own_v, x, xv)
    assert not wrong and "TRAINING" in str(wrong)
    assert not ip.check_standardized(good_t[:5], good_v, x, xv)


def test_paired_interval_checker_accepts_reference_and_rejects_typical_mistakes():
    from scipy import stats

    a = np.array([0.91, 0.90, 0.93, 0.92, 0.90])
    b = np.array([0.90, 0.90, 0.91, 0.90, 0.91])
    c = experiments.compare(_runs("a", a), _runs("b", b), "val_accuracy")
    assert ip.check_paired_interval(c.mean, c.low, c.high, c.verdict, a=a, b=b)
    d = a - b
    se = d.std(ddof=1) / np.sqrt(5)
    flipped = ip.check_paired_interval(-c.mean, -c.high, -c.low, c.verdict, a=a, b=b)
    assert not flipped and "reversed" in str(flipped)
    no_sqrt = ip.check_paired_interval(c.mean, c.mean - stats.t.ppf(0.975, 4) * d.std(ddof=1),
                                       c.mean + stats.t.ppf(0.975, 4) * d.std(ddof=1), c.verdict, a=a, b=b)
    assert not no_sqrt and "square root" in str(no_sqrt)
    z = ip.check_paired_interval(c.mean, c.mean - 1.96 * se, c.mean + 1.96 * se, c.verdict, a=a, b=b)
    assert not z and "t quantile" in str(z)
    half = stats.t.ppf(0.975, 4) * np.sqrt(a.var(ddof=1) / 5 + b.var(ddof=1) / 5)
    unpaired = ip.check_paired_interval(c.mean, c.mean - half, c.mean + half, c.verdict, a=a, b=b)
    assert not unpaired and "unpaired" in str(unpaired)
    wrong = ip.check_paired_interval(c.mean, c.low, c.high, "better" if c.verdict != "better" else "worse", a=a, b=b)
    assert not wrong and "expected" in str(wrong)
    assert not ip.check_paired_interval(c.mean, c.low, c.high, None, a=a, b=b)
    assert not ip.check_paired_interval("x", c.low, c.high, c.verdict, a=a, b=b)
    assert not ip.check_paired_interval(float("nan"), c.low, c.high, c.verdict, a=a, b=b)
    with pytest.raises(ValueError, match="a and b"):
        ip.check_paired_interval(0, 0, 0, "better", a=a, b=b[:3])
    with pytest.raises(ValueError, match="two seeds"):
        ip.check_paired_interval(0, 0, 0, "better", a=a[:1], b=b[:1])


def test_ensemble_checker_accepts_reference_and_rejects_typical_mistakes():
    labels = np.array([0, 1, 1])
    probs = [np.array([[0.9, 0.1], [0.4, 0.6], [0.6, 0.4]]), np.array([[0.6, 0.4], [0.45, 0.55], [0.1, 0.9]])]
    # member accuracies 2/3 and 1; averaged probabilities: [[.75,.25],[.425,.575],[.35,.65]] -> all right
    assert ip.check_ensemble_accuracy(1.0, probs, labels)
    mean_of_members = ip.check_ensemble_accuracy(5 / 6, probs, labels)
    assert not mean_of_members and "PROBABILITIES" in str(mean_of_members)
    assert "fraction" in str(ip.check_ensemble_accuracy(3, probs, labels))
    assert not ip.check_ensemble_accuracy("1.0", probs, labels)
    assert not ip.check_ensemble_accuracy(None, probs, labels)
