"""helpers.underfitting: the network builder, scoring, the recipe, gradient norms, the capacity figure, checkers."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import experiments, underfitting


def digits(n=60, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 10
    x = rng.random((n, 784)).astype("float32") * 0.1
    x[np.arange(n), y * 70] = 1.0
    return x, y


def history(loss, val_loss, acc):
    return {"loss": loss, "val_loss": val_loss, "accuracy": acc, "val_accuracy": acc}


def test_build_model_variants():
    model = underfitting.build_model((16, 8))
    assert model.count_params() == (784 * 16 + 16) + (16 * 8 + 8) + (8 * 10 + 10)
    bn = underfitting.build_model((8, 8), activation="sigmoid", batch_norm=True, optimizer="sgd", learning_rate=0.1)
    assert sum(isinstance(layer, keras.layers.BatchNormalization) for layer in bn.layers) == 2
    assert isinstance(bn.optimizer, keras.optimizers.SGD)
    assert underfitting.build_model((4,), l2=0.1).layers[0].kernel_regularizer is not None


def test_build_model_rejects_bad_input():
    with pytest.raises(TypeError, match="hidden"):
        underfitting.build_model(128)
    with pytest.raises(ValueError, match="activation"):
        underfitting.build_model((4,), activation="softmax")
    with pytest.raises(ValueError, match="optimizer"):
        underfitting.build_model((4,), optimizer="adagrad")
    with pytest.raises(TypeError, match="batch_norm"):
        underfitting.build_model((4,), batch_norm="yes")
    with pytest.raises(ValueError, match="l2"):
        underfitting.build_model((4,), l2=-0.1)


def test_recipe_runs_and_stops_early():
    x, y = digits(80)
    train, val = (x[:60], y[:60]), (x[60:], y[60:])
    runs = experiments.run(underfitting.recipe(train, val, epochs=2, hidden=(8,)), [0, 1], name="tiny")
    assert set(runs.values) == {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "epochs"}
    assert list(runs["epochs"]) == [2.0, 2.0] and len(runs.details[1]["history"]["val_loss"]) == 2
    stopped = underfitting.recipe(train, val, epochs=30, patience=1, hidden=(8,), learning_rate=2.0)(0)
    assert stopped["epochs"] < 30


def test_recipe_rejects_bad_input():
    x, y = digits(20)
    with pytest.raises(ValueError, match="epochs"):
        underfitting.recipe((x, y), (x, y), epochs=0)
    with pytest.raises(ValueError, match="batch_size"):
        underfitting.recipe((x, y), (x, y), epochs=1, batch_size=0)
    with pytest.raises(ValueError, match="train"):
        underfitting.recipe((x, y[:3]), (x, y), epochs=1)
    with pytest.raises(ValueError, match="activation"):
        underfitting.recipe((x, y), (x, y), epochs=1, activation="linear")


def test_gradient_norms_vanish_in_a_deep_sigmoid_network():
    x, y = digits(64)
    keras.utils.set_random_seed(0)
    deep = underfitting.build_model((32,) * 8, activation="sigmoid", optimizer="sgd", learning_rate=0.1)
    norms = underfitting.gradient_norms(deep, x, y)
    assert norms.shape == (9,) and np.all(norms > 0)
    assert norms[-1] > 100 * norms[0]
    keras.utils.set_random_seed(0)
    bn = underfitting.build_model((32,) * 8, activation="sigmoid", batch_norm=True)
    bn_norms = underfitting.gradient_norms(bn, x, y)
    assert bn_norms[-1] / bn_norms[0] < norms[-1] / norms[0]


def test_gradient_norms_reject_bad_input():
    x, y = digits(10)
    with pytest.raises(ValueError, match="same length"):
        underfitting.gradient_norms(underfitting.build_model((4,)), x, y[:5])
    with pytest.raises(ValueError, match="y must have 1"):
        underfitting.gradient_norms(underfitting.build_model((4,)), x, y.reshape(2, 5))


def test_plot_capacity():
    runs = [experiments.Runs(f"{w}", (0, 1), {"train_accuracy": np.array([0.5, 0.6]) + k / 10,
                                              "val_accuracy": np.array([0.5, 0.55]) + k / 20}) for k, w in enumerate([2, 8, 32])]
    fig = underfitting.plot_capacity([2, 8, 32], runs)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_ylabel() == "accuracy" and ax.get_title()
    plt.close(fig)


def test_plot_capacity_rejects_bad_input():
    runs = [experiments.Runs("r", (0, 1), {"train_accuracy": np.ones(2), "val_accuracy": np.ones(2)})] * 2
    with pytest.raises(ValueError, match="same length"):
        underfitting.plot_capacity([2, 8, 32], runs)
    with pytest.raises(ValueError, match=">= 1"):
        underfitting.plot_capacity([0, 8], runs)


def test_check_diagnosis_follows_the_shared_rule():
    overfit = history([1.0, 0.5, 0.2, 0.1], [0.8, 0.5, 0.6, 0.7], [0.7, 0.9, 0.99, 1.0])
    assert underfitting.check_diagnosis("overfitting", overfit)
    wrong = underfitting.check_diagnosis("good fit", overfit)
    assert not wrong and "validation loss" in str(wrong)
    flat_low = history([1.0, 0.9, 0.9], [1.0, 0.95, 0.95], [0.5, 0.6, 0.6])
    assert underfitting.check_diagnosis("underfitting", flat_low)
    assert not underfitting.check_diagnosis("still learning", flat_low)


def test_check_diagnosis_rejects_bad_input():
    flat_low = history([1.0, 0.9, 0.9], [1.0, 0.95, 0.95], [0.5, 0.6, 0.6])
    for garbage in (None, 3, "Underfitting", float("nan")):
        fb = underfitting.check_diagnosis(garbage, flat_low)
        assert not fb and "must be one of" in str(fb)
    with pytest.raises(ValueError, match="val_loss"):
        underfitting.check_diagnosis("good fit", {"loss": [1.0, 0.5]})


def test_check_large_lr():
    labels = np.array([0, 0, 0, 1, 2])
    run = {"train_accuracy": 0.2, "history": {"loss": [270.0, 2.3, 2.3]}}
    assert underfitting.check_large_lr(run, 0.6, labels)
    wrong_acc = underfitting.check_large_lr(run, 0.1, labels)
    assert not wrong_acc and "most common label" in str(wrong_acc)
    fitted = underfitting.check_large_lr({"train_accuracy": 0.99, "history": {"loss": [0.5, 0.1]}}, 0.6, labels)
    assert not fitted and "really 1.0" in str(fitted)


def test_check_large_lr_rejects_bad_input():
    labels = np.array([0, 0, 1])
    assert not underfitting.check_large_lr(None, 0.6, labels)
    assert not underfitting.check_large_lr({"train_accuracy": 0.2, "history": {"loss": [2.0]}}, "0.6", labels)
    with pytest.raises(ValueError, match="labels must have 1"):
        underfitting.check_large_lr({"train_accuracy": 0.2, "history": {"loss": [2.0]}}, 0.6, labels.reshape(1, 3))


def test_check_paired_mean():
    a = experiments.Runs("ref", (0, 1, 2), {"val_accuracy": np.array([0.9, 0.91, 0.92])})
    b = experiments.Runs("l2", (0, 1, 2), {"val_accuracy": np.array([0.8, 0.85, 0.8])})
    assert underfitting.check_paired_mean(float(np.mean(a["val_accuracy"] - b["val_accuracy"])), a, b, "val_accuracy")
    flipped = underfitting.check_paired_mean(-0.0933333333, a, b, "val_accuracy")
    assert not flipped and "sign" in str(flipped)


def test_check_paired_mean_rejects_bad_input():
    a = experiments.Runs("ref", (0, 1, 2), {"val_accuracy": np.array([0.9, 0.91, 0.92])})
    other = experiments.Runs("x", (3, 4, 5), {"val_accuracy": np.array([0.9, 0.91, 0.92])})
    with pytest.raises(ValueError, match="same seeds"):
        underfitting.check_paired_mean(0.0, a, other, "val_accuracy")
    with pytest.raises(TypeError, match="Runs"):
        underfitting.check_paired_mean(0.0, a, [0.9], "val_accuracy")
    for garbage in (None, "0.1", float("nan")):
        assert not underfitting.check_paired_mean(garbage, a, a, "val_accuracy")
