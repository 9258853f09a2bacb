"""Unit tests for helpers.tools (chapter 7)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import runtime

runtime.set_seed(0)

from helpers import tools as tl  # noqa: E402


@pytest.fixture(scope="module")
def small():
    return tl.load_small_digits(test_fraction=0.2, seed=0)


@pytest.fixture(scope="module")
def digits_images():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(200, 28, 28)).astype(np.uint8)
    labels = np.repeat(np.arange(10), 20).astype(np.uint8)
    return images, labels


def test_load_small_digits(small):
    (x, y), (xt, yt) = small
    assert x.shape == (1438, 64) and xt.shape == (359, 64) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0 and set(np.unique(y)) == set(range(10))
    with pytest.raises(ValueError, match="test_fraction"):
        tl.load_small_digits(test_fraction=0.0)
    with pytest.raises(TypeError, match="seed"):
        tl.load_small_digits(seed="0")


def test_four_constructors_share_weights():
    models = [tl.sequential_model(seed=3), tl.functional_model(seed=3), tl.subclassed_model(seed=3)]
    assert all(m.count_params() == 2_410 for m in models)
    assert all(tl.weights_max_difference(models[0], m) == 0.0 for m in models)
    assert tl.weights_max_difference(models[0], tl.sequential_model(seed=4)) > 0
    with pytest.raises(ValueError, match="hidden"):
        tl.sequential_model(hidden=0)
    with pytest.raises(ValueError, match="classes"):
        tl.functional_model(classes=1)
    with pytest.raises(TypeError, match="inputs"):
        tl.subclassed_model(inputs=6.4)


def test_weights_max_difference_rejects_other_shapes():
    with pytest.raises(ValueError, match="same weight shapes"):
        tl.weights_max_difference(tl.sequential_model(hidden=8), tl.sequential_model(hidden=9))


def test_fit_and_gradient_tape_agree(small):
    (x, y), _ = small
    x, y = x[:256], y[:256]
    a, b = tl.sequential_model(seed=0), tl.sequential_model(seed=0)
    la = tl.train_with_fit(a, x, y, epochs=2, batch_size=64)
    lb = tl.train_with_gradient_tape(b, x, y, epochs=2, batch_size=64)
    assert len(la) == len(lb) == 2 and np.allclose(la, lb, atol=1e-5)
    assert tl.weights_max_difference(a, b) < 1e-5


@pytest.mark.parametrize("train", [tl.train_with_fit, tl.train_with_gradient_tape])
def test_training_bad_input(train, small):
    (x, y), _ = small
    model = tl.sequential_model()
    with pytest.raises(ValueError, match="x and y"):
        train(model, x, y[:-1])
    with pytest.raises(ValueError, match="epochs"):
        train(model, x, y, epochs=0)
    with pytest.raises(ValueError, match="learning_rate"):
        train(model, x, y, learning_rate=0.0)
    with pytest.raises(ValueError, match="x must have 2"):
        train(model, x[0], y)


def test_application_summary():
    import keras
    from keras.src.backend.common import global_state

    tl._application_summary.cache_clear()
    info = tl.application_summary("MobileNetV2", include_top=False)
    # the counts of an ordinary (eager) build of keras.applications.MobileNetV2(weights=None, include_top=False)
    assert info.params == 2_257_984 and info.layers == 154 and info.input_shape == (None, None, 3)
    assert "parameters" in str(info)
    # the lazily built weights are forgotten: nothing is left for Keras to initialise later,
    # and models built afterwards get real weights
    assert not global_state.get_global_attribute("uninitialized_variables")
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    assert layer.get_weights()[0].shape == (3, 2)
    with pytest.raises(ValueError, match="application"):
        tl.application_summary("AlexNet")


def test_split_by_digits_and_few_labels(digits_images):
    images, labels = digits_images
    x, y = tl.split_by_digits(images, labels, [5, 6, 7, 8, 9])
    assert x.shape == (100, 28, 28, 1) and x.dtype == np.float32 and x.max() <= 1.0
    assert sorted(set(y.tolist())) == [0, 1, 2, 3, 4]
    assert np.array_equal(y, np.repeat(np.arange(5), 20))
    with pytest.raises(ValueError, match="distinct"):
        tl.split_by_digits(images, labels, [1, 1])
    with pytest.raises(ValueError, match="digits"):
        tl.split_by_digits(images, labels, [10])
    with pytest.raises(ValueError, match="images and labels"):
        tl.split_by_digits(images, labels[:-1], [1])
    xs, ys = tl.few_labels(x, y, 3, seed=0)
    assert len(xs) == 15 and np.bincount(ys).tolist() == [3] * 5
    xs2, _ = tl.few_labels(x, y, 3, seed=0)
    assert np.array_equal(xs, xs2)
    with pytest.raises(ValueError, match="only 20"):
        tl.few_labels(x, y, 21)
    with pytest.raises(ValueError, match="per_class"):
        tl.few_labels(x, y, 0)


def test_transfer_pipeline(digits_images):
    images, labels = digits_images
    source = tl.split_by_digits(images, labels, [0, 1, 2, 3, 4])
    target = tl.split_by_digits(images, labels, [5, 6, 7, 8, 9])
    model, base = tl.train_source_model(*source, epochs=1)
    assert base.output_shape == (None, 400) and model.output_shape == (None, 5)
    before = [w.copy() for w in base.get_weights()]
    results = tl.transfer_experiment(base, target, target, [2], epochs=1)
    assert len(results) == 1 and results[0].per_class == 2
    assert 0 <= results[0].transfer <= 1 and "gain" in str(results[0])
    assert all(np.array_equal(a, b) for a, b in zip(before, base.get_weights()))  # the copy is trained, not base
    fig = tl.transfer_figure(results)
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel() and fig.axes[0].get_title()
    bars = tl.transfer_bars(results[0])
    assert "labels per class" in bars.axes[0].get_title()
    explorer = tl.transfer_explorer(base, target, target, precomputed=[tl.TransferResult(10, 0.9, 0.8)])
    assert explorer.png.startswith(b"\x89PNG")
    with pytest.raises(TypeError, match="base"):
        tl.transfer_experiment("base", target, target, [2])
    with pytest.raises(TypeError, match="per_class"):
        tl.transfer_experiment(base, target, target, 2)
    with pytest.raises(TypeError, match="results"):
        tl.transfer_figure([])
    with pytest.raises(TypeError, match="result"):
        tl.transfer_bars(0.5)


def test_build_classifier_freezes(digits_images):
    base = tl.build_feature_extractor(seed=0)
    model = tl.build_classifier(base, 5, freeze=True)
    assert not base.trainable and len(model.trainable_weights) == 2
    model = tl.build_classifier(base, 5, freeze=False)
    assert base.trainable and len(model.trainable_weights) == 6
    with pytest.raises(TypeError, match="base"):
        tl.build_classifier(None)
    with pytest.raises(ValueError, match="classes"):
        tl.build_classifier(base, 1)
    with pytest.raises(ValueError, match="x must have 4"):
        tl.train_source_model(np.zeros((4, 28, 28)), np.zeros(4))


def test_check_dense_params():
    assert tl.check_dense_params(20_490, 2048, 10)
    weights_only = tl.check_dense_params(20_480, 2048, 10)
    assert not weights_only and "bias" in str(weights_only)
    with pytest.raises(ValueError, match="units"):
        tl.check_dense_params(1, 3, 0)
    plt.close("all")


def test_check_loop_accuracy_accepts_reference_and_rejects_typical_mistakes():
    assert tl.check_loop_accuracy(0.71234, 0.71236)
    after = tl.check_loop_accuracy(0.80, 0.71)
    assert not after and "before its update" in str(after)
    unweighted = tl.check_loop_accuracy(0.70, 0.71)
    assert not unweighted and "weighting by batch size" in str(unweighted)
    count = tl.check_loop_accuracy(712, 0.712)
    assert not count and "divide the number of correct" in str(count)
    assert not tl.check_loop_accuracy("0.71", 0.71)
    with pytest.raises(ValueError):
        tl.check_loop_accuracy(0.5, 1.5)


def test_check_head_params_accepts_reference_and_rejects_typical_mistakes():
    assert tl.check_head_params(1_281_000, features=1280, classes=1000)
    weights_only = tl.check_head_params(1_280_000, features=1280, classes=1000)
    assert not weights_only and "bias" in str(weights_only)
    negative = tl.check_head_params(-1_281_000, features=1280, classes=1000)
    assert not negative and "subtract" in str(negative)
    whole = tl.check_head_params(3_538_984, features=1280, classes=1000)
    assert not whole and "more than the head" in str(whole)
    assert "off by" in str(tl.check_head_params(1_281_001, features=1280, classes=1000))
