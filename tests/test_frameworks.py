"""Unit tests for helpers.frameworks (chapter 7)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import runtime

runtime.set_seed(0)

from helpers import frameworks  # noqa: E402


@pytest.fixture(scope="module")
def small():
    return frameworks.load_small_digits(test_fraction=0.2, seed=0)


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
        frameworks.load_small_digits(test_fraction=0.0)
    with pytest.raises(TypeError, match="seed"):
        frameworks.load_small_digits(seed="0")


def test_four_constructors_share_weights():
    models = [frameworks.sequential_model(seed=3), frameworks.functional_model(seed=3), frameworks.subclassed_model(seed=3)]
    assert all(m.count_params() == 2_410 for m in models)
    assert all(frameworks.weights_max_difference(models[0], m) == 0.0 for m in models)
    assert frameworks.weights_max_difference(models[0], frameworks.sequential_model(seed=4)) > 0
    with pytest.raises(ValueError, match="hidden"):
        frameworks.sequential_model(hidden=0)
    with pytest.raises(ValueError, match="classes"):
        frameworks.functional_model(classes=1)
    with pytest.raises(TypeError, match="inputs"):
        frameworks.subclassed_model(inputs=6.4)


def test_weights_max_difference_rejects_other_shapes():
    with pytest.raises(ValueError, match="same weight shapes"):
        frameworks.weights_max_difference(frameworks.sequential_model(hidden=8), frameworks.sequential_model(hidden=9))


def test_fit_and_gradient_tape_agree(small):
    (x, y), _ = small
    x, y = x[:256], y[:256]
    a, b = frameworks.sequential_model(seed=0), frameworks.sequential_model(seed=0)
    la = frameworks.train_with_fit(a, x, y, epochs=2, batch_size=64)
    lb = frameworks.train_with_gradient_tape(b, x, y, epochs=2, batch_size=64)
    assert len(la) == len(lb) == 2 and np.allclose(la, lb, atol=1e-5)
    assert frameworks.weights_max_difference(a, b) < 1e-5


@pytest.mark.parametrize("train", [frameworks.train_with_fit, frameworks.train_with_gradient_tape])
def test_training_bad_input(train, small):
    (x, y), _ = small
    model = frameworks.sequential_model()
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

    frameworks._application_summary.cache_clear()
    info = frameworks.application_summary("MobileNetV2", include_top=False)
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
        frameworks.application_summary("AlexNet")


def test_split_by_digits_and_few_labels(digits_images):
    images, labels = digits_images
    x, y = frameworks.split_by_digits(images, labels, [5, 6, 7, 8, 9])
    assert x.shape == (100, 28, 28, 1) and x.dtype == np.float32 and x.max() <= 1.0
    assert sorted(set(y.tolist())) == [0, 1, 2, 3, 4]
    assert np.array_equal(y, np.repeat(np.arange(5), 20))
    with pytest.raises(ValueError, match="distinct"):
        frameworks.split_by_digits(images, labels, [1, 1])
    with pytest.raises(ValueError, match="digits"):
        frameworks.split_by_digits(images, labels, [10])
    with pytest.raises(ValueError, match="images and labels"):
        frameworks.split_by_digits(images, labels[:-1], [1])
    xs, ys = frameworks.few_labels(x, y, 3, seed=0)
    assert len(xs) == 15 and np.bincount(ys).tolist() == [3] * 5
    xs2, _ = frameworks.few_labels(x, y, 3, seed=0)
    assert np.array_equal(xs, xs2)
    with pytest.raises(ValueError, match="only 20"):
        frameworks.few_labels(x, y, 21)
    with pytest.raises(ValueError, match="per_class"):
        frameworks.few_labels(x, y, 0)


def test_transfer_recipes_run_over_seeds_and_compare(digits_images):
    from helpers import experiments

    images, labels = digits_images
    source = frameworks.split_by_digits(images, labels, [0, 1, 2, 3, 4])
    target = frameworks.split_by_digits(images, labels, [5, 6, 7, 8, 9])
    base = frameworks.build_feature_extractor()
    before = [w.copy() for w in base.get_weights()]
    runs = {}
    for n in (2, 4):
        transfer = experiments.run(frameworks.transfer_recipe(base, target, target, n, epochs=1, test=target),
                                   [0, 1], name="transfer")
        scratch = experiments.run(frameworks.transfer_recipe(None, target, target, n, epochs=1), [0, 1],
                                  name="scratch")
        runs[n] = (transfer, scratch)
        assert set(transfer.values) == {"val_accuracy", "test_accuracy"} and set(scratch.values) == {"val_accuracy"}
    assert all(np.array_equal(a, b) for a, b in zip(before, base.get_weights()))  # a copy is trained, not base
    again = experiments.run(frameworks.transfer_recipe(base, target, target, 2, epochs=1), [0, 1], name="transfer")
    assert np.array_equal(again["val_accuracy"], runs[2][0]["val_accuracy"])   # seeded: the same numbers
    comparisons = {n: experiments.compare(t, s, "val_accuracy") for n, (t, s) in runs.items()}
    table = frameworks.transfer_table(comparisons)
    assert table.count("\n") == 1 and "per class" in table and "CI" in table
    fig = frameworks.transfer_figure(runs)
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel() and fig.axes[0].get_title()
    explorer = frameworks.transfer_explorer(runs)
    assert explorer.png.startswith(b"\x89PNG") and len(explorer.frame(per_class=4)) == 4
    assert "<script" in explorer.html()
    with pytest.raises(TypeError, match="base"):
        frameworks.transfer_recipe("base", target, target, 2)
    with pytest.raises(ValueError, match="per_class"):
        frameworks.transfer_recipe(base, target, target, 0)
    with pytest.raises(TypeError, match="comparisons"):
        frameworks.transfer_table({})
    with pytest.raises(TypeError, match="comparisons"):
        frameworks.transfer_table({2: 0.1})
    with pytest.raises(TypeError, match="runs"):
        frameworks.transfer_figure([])
    with pytest.raises(TypeError, match="runs"):
        frameworks.transfer_explorer({})
    plt.close("all")


def test_copy_of_copies_weights():
    base = frameworks.build_feature_extractor()
    copy = frameworks.copy_of(base)
    assert copy is not base and frameworks.weights_max_difference(base, copy) == 0.0
    with pytest.raises(TypeError, match="base"):
        frameworks.copy_of(None)


def test_time_epoch_times_a_step(small):
    (x, y), _ = small
    calls = []

    def step(xb, yb):
        calls.append(len(xb))
        return 0.0

    seconds = frameworks.time_epoch(step, x[:100], y[:100], batch_size=32, repeats=3)
    assert seconds >= 0 and calls == [32, 32, 32, 4] * 3
    with pytest.raises(TypeError, match="step"):
        frameworks.time_epoch("step", x, y)
    with pytest.raises(ValueError, match="repeats"):
        frameworks.time_epoch(step, x, y, repeats=0)
    with pytest.raises(ValueError, match="x and y"):
        frameworks.time_epoch(step, x, y[:-1])


def test_tf_function_step_is_faster_than_eager(small):
    import keras
    import tensorflow as tf

    (x, y), _ = small
    model = frameworks.sequential_model(seed=0)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer = keras.optimizers.SGD(0.1)

    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss

    compiled = tf.function(step)
    step(x[:64], y[:64])
    frameworks.time_epoch(compiled, x, y, repeats=1)
    assert frameworks.time_epoch(compiled, x, y, repeats=3) < frameworks.time_epoch(step, x, y, repeats=3)


def test_installed_backends():
    backends = frameworks.installed_backends()
    assert set(backends) == {"tensorflow", "jax", "torch"} and backends["tensorflow"] is True


def test_pretrained_weights_status_never_touches_the_network_offline(monkeypatch, tmp_path):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the offline branch must not open a connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("DLBOOK_DATA_SOURCE", "sample")
    usable, reason = frameworks.pretrained_weights_status()
    assert not usable and "offline" in reason and "skipping" in reason
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / frameworks.MOBILENET_WEIGHTS).write_bytes(b"weights")
    usable, reason = frameworks.pretrained_weights_status()
    assert usable and "cache" in reason
    with pytest.raises(TypeError, match="filename"):
        frameworks.pretrained_weights_status("")
    with pytest.raises(ValueError, match="timeout"):
        frameworks.pretrained_weights_status(timeout=0)


def test_pretrained_weights_status_without_network(monkeypatch, tmp_path):
    import socket

    def refused(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(socket, "create_connection", refused)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("DLBOOK_DATA_SOURCE", "auto")
    usable, reason = frameworks.pretrained_weights_status()
    assert not usable and "no network" in reason


def test_sample_photo():
    photo = frameworks.sample_photo("flower.jpg", size=32)
    assert photo.shape == (32, 32, 3) and photo.dtype == np.uint8 and photo.std() > 10
    with pytest.raises(ValueError, match="name"):
        frameworks.sample_photo("cat.jpg")
    with pytest.raises(ValueError, match="size"):
        frameworks.sample_photo(size=2)


def test_check_dense_params():
    assert frameworks.check_dense_params(20_490, 2048, 10)
    weights_only = frameworks.check_dense_params(20_480, 2048, 10)
    assert not weights_only and "bias" in str(weights_only)
    with pytest.raises(ValueError, match="units"):
        frameworks.check_dense_params(1, 3, 0)
    plt.close("all")


def test_check_loop_accuracy_accepts_reference_and_rejects_typical_mistakes():
    assert frameworks.check_loop_accuracy(0.71234, 0.71236)
    after = frameworks.check_loop_accuracy(0.80, 0.71)
    assert not after and "before its update" in str(after)
    unweighted = frameworks.check_loop_accuracy(0.70, 0.71)
    assert not unweighted and "weighting by batch size" in str(unweighted)
    count = frameworks.check_loop_accuracy(712, 0.712)
    assert not count and "divide the number of correct" in str(count)
    assert not frameworks.check_loop_accuracy("0.71", 0.71)
    with pytest.raises(ValueError):
        frameworks.check_loop_accuracy(0.5, 1.5)


def test_check_head_params_accepts_reference_and_rejects_typical_mistakes():
    assert frameworks.check_head_params(1_281_000, features=1280, classes=1000)
    weights_only = frameworks.check_head_params(1_280_000, features=1280, classes=1000)
    assert not weights_only and "bias" in str(weights_only)
    negative = frameworks.check_head_params(-1_281_000, features=1280, classes=1000)
    assert not negative and "subtract" in str(negative)
    whole = frameworks.check_head_params(3_538_984, features=1280, classes=1000)
    assert not whole and "more than the head" in str(whole)
    assert "off by" in str(frameworks.check_head_params(1_281_001, features=1280, classes=1000))


def test_helpers_reject_bad_input(small, digits_images):
    (x, y), _ = small
    images, labels = digits_images
    with pytest.raises(ValueError, match="test_fraction"):
        frameworks.load_small_digits(test_fraction=0.95)
    with pytest.raises(TypeError, match="hidden"):
        frameworks.functional_model(hidden="32")
    with pytest.raises(ValueError, match="classes"):
        frameworks.SubclassedMLP(classes=1)
    with pytest.raises(ValueError, match="inputs"):
        frameworks.subclassed_model(inputs=0)
    with pytest.raises(TypeError, match="step"):
        frameworks.time_epoch(None, x, y)
    with pytest.raises(ValueError, match="batch_size"):
        frameworks.time_epoch(lambda a, b: 0.0, x, y, batch_size=0)
    with pytest.raises(TypeError):
        frameworks.installed_backends("jax")          # takes no argument
    with pytest.raises(ValueError, match="application"):
        frameworks.application_summary("VGG16")
    with pytest.raises(TypeError, match="filename"):
        frameworks.pretrained_weights_status(None)
    with pytest.raises(ValueError, match="name"):
        frameworks.sample_photo("flower.png")
    with pytest.raises(ValueError, match="images"):
        frameworks.split_by_digits(images[0], labels, [1])
    with pytest.raises(TypeError, match="per_class"):
        frameworks.few_labels(images, labels, 2.5)
    with pytest.raises(TypeError):
        frameworks.build_feature_extractor(8)          # takes no argument
    with pytest.raises(TypeError, match="base"):
        frameworks.build_classifier("base")
    with pytest.raises(TypeError, match="base"):
        frameworks.copy_of(np.zeros(3))
    target = frameworks.split_by_digits(images, labels, [5, 6, 7, 8, 9])
    with pytest.raises(ValueError, match="epochs"):
        frameworks.transfer_recipe(None, target, target, 2, epochs=0)
    with pytest.raises(ValueError, match="batches_per_epoch"):
        frameworks.transfer_recipe(None, target, target, 2, batches_per_epoch=0)
    with pytest.raises(TypeError, match="comparisons"):
        frameworks.transfer_table(None)
    with pytest.raises(TypeError, match="runs"):
        frameworks.transfer_figure({2: (1, 2)})
    with pytest.raises(TypeError, match="runs"):
        frameworks.transfer_explorer(None)
    with pytest.raises(ValueError, match="inputs"):
        frameworks.check_dense_params(10, 0, 10)
    assert not frameworks.check_dense_params("20490", 2048, 10)
    assert not frameworks.check_dense_params(None, 2048, 10)
