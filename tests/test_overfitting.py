"""helpers.overfitting: the chapter's network, scoring, the recipe over seeds, augmentation, figure, checkers."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import experiments, overfitting


def tiny_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 784)).astype("float32")
    y = np.arange(n) % 10
    return x, y


def fake_runs(name, train, val, seeds=(0, 1, 2)):
    return experiments.Runs(name, tuple(seeds), {"train_accuracy": np.asarray(train, float),
                                                 "val_accuracy": np.asarray(val, float)})


def test_build_model_layers_counts_and_optimizers():
    model = overfitting.build_model((16, 8), l2=1e-3, dropout=0.5)
    assert model.count_params() == (784 * 16 + 16) + (16 * 8 + 8) + (8 * 10 + 10)
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in model.layers) == 2
    assert model.layers[0].kernel_regularizer is not None
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    adamw = overfitting.build_model((4,), weight_decay=10.0)
    assert isinstance(adamw.optimizer, keras.optimizers.AdamW)
    assert adamw.layers[0].kernel_regularizer is None


def test_build_model_rejects_bad_input():
    with pytest.raises(TypeError, match="hidden"):
        overfitting.build_model(16)
    with pytest.raises(ValueError, match="hidden layer width"):
        overfitting.build_model((0,))
    with pytest.raises(ValueError, match="dropout"):
        overfitting.build_model((4,), dropout=1.5)
    with pytest.raises(ValueError, match="l2"):
        overfitting.build_model((4,), l2=-1.0)
    with pytest.raises(ValueError, match="one thing at a time"):
        overfitting.build_model((4,), l2=1e-3, weight_decay=1.0)
    with pytest.raises((TypeError, ValueError), match="learning_rate"):
        overfitting.build_model((4,), learning_rate=0.0)


def test_recipe_runs_over_seeds_and_is_reproducible():
    x, y = tiny_data(40)
    train, val = (x[:30], y[:30]), (x[30:], y[30:])
    recipe = overfitting.recipe(train, val, epochs=2, batch_size=16, hidden=(8,))
    runs = experiments.run(recipe, [0, 1], name="tiny")
    assert set(runs.values) == {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "epochs"}
    assert list(runs["epochs"]) == [2.0, 2.0]
    assert runs.details[0]["history"]["val_loss"] and len(runs.details[0]["history"]["loss"]) == 2
    again = recipe(0)
    assert again["val_loss"] == pytest.approx(runs["val_loss"][0], rel=1e-5)
    stopped = overfitting.recipe(train, val, epochs=30, patience=1, hidden=(8,), learning_rate=1.0)(0)
    assert stopped["epochs"] < 30                               # early stopping stopped it
    aug = overfitting.recipe(train, val, epochs=1, augment=2, measure_train=val, hidden=(8,))(0)
    assert aug["epochs"] == 1                                   # "training" scores are on measure_train:
    assert aug["train_loss"] == pytest.approx(aug["val_loss"])  # here the validation digits themselves


def test_recipe_rejects_bad_input():
    x, y = tiny_data(20)
    with pytest.raises(ValueError, match="epochs"):
        overfitting.recipe((x, y), (x, y), epochs=0)
    with pytest.raises(ValueError, match="patience"):
        overfitting.recipe((x, y), (x, y), epochs=2, patience=0)
    with pytest.raises(ValueError, match="augment"):
        overfitting.recipe((x, y), (x, y), epochs=2, augment=-1)
    with pytest.raises(ValueError, match="train"):
        overfitting.recipe((x, y[:5]), (x, y), epochs=2)
    with pytest.raises(ValueError, match="dropout"):       # the model settings are checked before any training
        overfitting.recipe((x, y), (x, y), epochs=2, dropout=2.0)


def test_shift_image_moves_without_wrapping():
    image = np.arange(16.0).reshape(4, 4)
    out = overfitting.shift_image(image, 1, -2)
    expected = np.zeros((4, 4))
    expected[1:, :-2] = image[:-1, 2:]
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(overfitting.shift_image(image, 0, 0), image)


def test_shift_image_rejects_bad_input():
    with pytest.raises(ValueError, match="image must have 2"):
        overfitting.shift_image(np.zeros(4), 1, 1)
    with pytest.raises(ValueError, match="dy"):
        overfitting.shift_image(np.zeros((4, 4)), 4, 0)
    with pytest.raises(TypeError, match="dx"):
        overfitting.shift_image(np.zeros((4, 4)), 0, 1.5)


def test_shift_augment_keeps_originals_and_labels():
    x, y = tiny_data(10)
    xa, ya = overfitting.shift_augment(x, y, copies=3, max_shift=1, seed=0)
    assert xa.shape == (40, 784) and np.array_equal(ya[10:20], y) and np.array_equal(xa[:10], x)
    xb, _ = overfitting.shift_augment(x, y, copies=3, max_shift=1, seed=0)
    np.testing.assert_array_equal(xa, xb)
    same, _ = overfitting.shift_augment(x, y, copies=1, max_shift=0)
    np.testing.assert_array_equal(same[10:], x)


def test_shift_augment_rejects_bad_input():
    x, y = tiny_data(10)
    with pytest.raises(ValueError, match="784 columns"):
        overfitting.shift_augment(x[:, :100], y)
    with pytest.raises(ValueError, match="x and y"):
        overfitting.shift_augment(x, y[:5])
    with pytest.raises(ValueError, match="copies"):
        overfitting.shift_augment(x, y, copies=-1)
    with pytest.raises(ValueError, match="max_shift"):
        overfitting.shift_augment(x, y, max_shift=30)


def test_plot_sweep_draws_both_panels():
    runs = [experiments.Runs(f"r{k}", (0, 1), {"val_loss": np.array([0.5, 0.6]) + k, "val_accuracy": np.array([0.8, 0.7])})
            for k in range(3)]
    fig = overfitting.plot_sweep([0.0, 1e-3, 1e-2], runs, xlabel="λ")
    assert len(fig.axes) == 2 and fig.axes[0].get_xscale() == "log"
    assert fig.axes[0].get_ylabel() == "validation loss" and fig.axes[1].get_ylabel() == "validation accuracy"
    plt.close(fig)


def test_plot_sweep_rejects_bad_input():
    runs = [experiments.Runs("r", (0, 1), {"val_loss": np.ones(2), "val_accuracy": np.ones(2)})] * 2
    with pytest.raises(ValueError, match="same length"):
        overfitting.plot_sweep([0.0, 1.0, 2.0], runs, xlabel="x")
    with pytest.raises(ValueError, match=">= 0"):
        overfitting.plot_sweep([-1.0, 1.0], runs, xlabel="x")


def test_check_gap_accepts_the_mean_and_explains_mistakes():
    runs = fake_runs("dropout", [1.0, 0.9, 0.95], [0.8, 0.8, 0.85])
    good = overfitting.check_gap(float(np.mean(runs["train_accuracy"] - runs["val_accuracy"])), runs)
    assert good
    flipped = overfitting.check_gap(-0.1333333333, runs)
    assert not flipped and "sign" in str(flipped)
    first = overfitting.check_gap(0.2, runs)
    assert not first and "first seed" in str(first)


def test_check_gap_rejects_bad_input():
    runs = fake_runs("r", [1.0, 0.9, 0.95], [0.8, 0.8, 0.85])
    with pytest.raises(TypeError, match="runs"):
        overfitting.check_gap(0.1, {"train_accuracy": [1.0]})
    for garbage in ("0.1", None, float("nan"), [0.1, 0.2]):
        assert not overfitting.check_gap(garbage, runs)


def test_check_verdict_reads_the_interval():
    a = experiments.Runs("a", (0, 1, 2, 3, 4), {"val_accuracy": np.array([0.9, 0.91, 0.92, 0.9, 0.91])})
    b = experiments.Runs("b", (0, 1, 2, 3, 4), {"val_accuracy": np.array([0.8, 0.82, 0.81, 0.8, 0.8])})
    better = experiments.compare(a, b, "val_accuracy")
    assert overfitting.check_verdict("better", better)
    wrong = overfitting.check_verdict("indistinguishable", better)
    assert not wrong and "excludes 0" in str(wrong)
    assert not overfitting.check_verdict("worse", better)
    c = experiments.Runs("c", (0, 1, 2, 3, 4), {"val_accuracy": np.array([0.9, 0.8, 0.92, 0.81, 0.85])})
    noisy = experiments.compare(c, experiments.Runs("d", c.seeds, {"val_accuracy": np.array([0.85, 0.86, 0.84, 0.85, 0.86])}),
                                "val_accuracy")
    assert noisy.verdict == "indistinguishable"
    said_better = overfitting.check_verdict("better", noisy)
    assert not said_better and "includes 0" in str(said_better)


def test_check_verdict_rejects_bad_input():
    a = experiments.Runs("a", (0, 1), {"val_loss": np.array([0.3, 0.31])})
    comparison = experiments.compare(a, a, "val_loss")
    with pytest.raises(TypeError, match="comparison"):
        overfitting.check_verdict("better", "a comparison")
    for garbage in (None, 1, "Better", float("nan")):
        fb = overfitting.check_verdict(garbage, comparison)
        assert not fb and "must be one of" in str(fb)
