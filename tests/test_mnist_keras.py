"""helpers.mnist_keras: the chapter 5 helpers."""

import numpy as np
import pytest

from helpers import mnist_keras as ch


def test_preprocess_matches_source_program():
    images = np.array([np.full((28, 28), 255), np.zeros((28, 28))], dtype=np.uint8)
    x, y = ch.preprocess(images, np.array([3, 0], dtype=np.uint8))
    assert x.shape == (2, 784) and x.dtype == np.float32 and x.max() == 1.0 and x.min() == 0.0
    assert y.tolist()[0] == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0] and y.dtype == np.float32


@pytest.mark.parametrize("images, labels, error, match", [
    (np.zeros((2, 28, 28)), np.array([1.5, 2.0]), TypeError, "integers"),
    (np.zeros((2, 28, 28)), np.array([1, 10]), ValueError, "0..9"),
    (np.full((2, 28, 28), 300), np.array([1, 2]), ValueError, "0..255"),
    (np.zeros((3, 28, 28)), np.array([1, 2]), ValueError, "same length"),
    (np.zeros(5), np.array([1]), ValueError, "dimension"),
])
def test_preprocess_bad_input(images, labels, error, match):
    with pytest.raises(error, match=match):
        ch.preprocess(images, labels)


def test_param_count_by_hand():
    assert ch.param_count_by_hand([784, 512, 10]) == 407_050
    assert ch.param_count_by_hand([2, 3]) == 9
    with pytest.raises(ValueError, match="at least"):
        ch.param_count_by_hand([784])
    with pytest.raises(TypeError, match="list of integers"):
        ch.param_count_by_hand("784")
    with pytest.raises(ValueError, match=">= 1"):
        ch.param_count_by_hand([784, 0, 10])


def test_build_model_matches_hand_count_and_validates():
    model = ch.build_model([32, 16])
    assert model.count_params() == ch.param_count_by_hand([784, 32, 16, 10])
    assert model.loss == "categorical_crossentropy"
    with pytest.raises(ValueError, match="valid choices"):
        ch.build_model(8, optimizer="lbfgs")
    with pytest.raises(ValueError, match="hidden_units"):
        ch.build_model(0)


def test_confusion_matrix():
    m = ch.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], num_classes=3)
    assert m.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    with pytest.raises(ValueError, match="same length"):
        ch.confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="0..2"):
        ch.confusion_matrix([0, 3], [0, 1], num_classes=3)


def test_most_confident_mistakes():
    p = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.99, 0.01]])
    labels = np.array([1, 1, 1, 0])
    assert ch.most_confident_mistakes(p, labels, k=5).tolist() == [0, 2]
    with pytest.raises(ValueError, match="same length"):
        ch.most_confident_mistakes(p, labels[:2])


def test_digit_figure_and_bad_label():
    fig = ch.digit_figure(np.zeros(784), np.eye(10)[3], 3, index=7)
    assert "test image 7: label 3" in fig.axes[0].get_title() and "correct" in fig.axes[1].get_title()
    wrong = ch.digit_figure(np.zeros((28, 28)), np.eye(10)[2], 3)
    assert "wrong" in wrong.axes[1].get_title()
    with pytest.raises(ValueError, match="label must be <= 9"):
        ch.digit_figure(np.zeros(784), np.eye(10)[3], 12)


@pytest.fixture(scope="module")
def tiny_data():
    rng = np.random.default_rng(0)
    x = rng.random((64, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 64)]
    return (x[:48], y[:48]), (x[48:], y[48:])


def test_retrain_and_figure(tiny_data):
    model, history = ch.retrain(tiny_data, hidden_units=8, epochs=2, optimizer="sgd")
    assert len(history.history["val_accuracy"]) == 2 and model.count_params() == 784 * 8 + 8 + 90
    fig = ch.retrain_figure(tiny_data, hidden_units=8, epochs=1, optimizer="adam")
    assert "8 hidden units, adam, 1 epochs" in fig._suptitle.get_text()


def test_widgets_build(tiny_data):
    images = np.zeros((3, 28, 28))
    browser = ch.digit_browser(images, [0, 1, 2], np.full((3, 10), 0.1), start=1)
    assert browser.values() == {"index": 1} and browser.png
    with pytest.raises(ValueError, match="same length"):
        ch.digit_browser(images, [0, 1], np.full((3, 10), 0.1))
    panel = ch.retraining_panel(tiny_data)
    assert set(panel.values()) == {"hidden_units", "epochs", "optimizer"}


def test_checkers_accept_reference_and_reject_typical_mistakes():
    assert ch.check_param_count(535_818, [784, 512, 256, 10])
    weights_only = ch.check_param_count(784 * 512 + 512 * 256 + 256 * 10, [784, 512, 256, 10])
    assert not weights_only and "bias" in str(weights_only)
    x = np.zeros((4, 784), np.float32)
    y = np.eye(10, dtype=np.float32)[[0, 1, 2, 3]]
    assert ch.check_preprocessed(x, y, n=4)
    unscaled = ch.check_preprocessed(np.full((4, 784), 255, np.float32), y, n=4)
    assert not unscaled and "divide by 255" in str(unscaled)
    assert "flatten" in str(ch.check_preprocessed(np.zeros((4, 28, 28), np.float32), y, n=4))
    assert "one-hot" in str(ch.check_preprocessed(x, np.array([0, 1, 2, 3]), n=4))


def test_sparse_and_fashion_checkers():
    assert ch.check_sparse_loss(0.25731, 0.25730)
    off = ch.check_sparse_loss(0.31, 0.25)
    assert not off and "off by +0.06" in str(off) and "same model" in str(off)
    assert "number" in str(ch.check_sparse_loss(0.2, "0.2"))
    assert ch.check_fashion_accuracy(0.87, 0.98)
    assert "between 0 and 1" in str(ch.check_fashion_accuracy(87.0, 0.98))
    assert "preprocessing" in str(ch.check_fashion_accuracy(0.3, 0.98))
    assert "not below" in str(ch.check_fashion_accuracy(0.99, 0.98))
    assert "number" in str(ch.check_fashion_accuracy(None, 0.98))
