"""helpers.mnist_keras: the chapter 5 helpers."""

import numpy as np
import pytest

from helpers import mnist_keras

ch = mnist_keras  # short name inside the tests only


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


def test_param_count_by_hand_rejects_bad_input():
    assert ch.param_count_by_hand([784, 512, 10]) == 407_050
    assert ch.param_count_by_hand([2, 3]) == 9
    with pytest.raises(ValueError, match="at least"):
        ch.param_count_by_hand([784])
    with pytest.raises(TypeError, match="list of integers"):
        ch.param_count_by_hand("784")
    with pytest.raises(ValueError, match=">= 1"):
        ch.param_count_by_hand([784, 0, 10])


def test_confusion_matrix_rejects_bad_input():
    m = ch.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], num_classes=3)
    assert m.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    with pytest.raises(ValueError, match="same length"):
        ch.confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="0..2"):
        ch.confusion_matrix([0, 3], [0, 1], num_classes=3)


def test_most_confident_mistakes_rejects_bad_input():
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


def _digit(height=12, width=6, top=5, left=9, size=40):
    """A bar of ink (a "1"), dark on light paper, in a larger field."""
    image = np.full((size, size), 230.0)
    image[top:top + height, left:left + width] = 20.0
    return image


def test_prepare_digit_crops_fits_and_centres():
    out = ch.prepare_digit(_digit())
    assert out.shape == (28, 28) and out.dtype == np.float32 and out.max() == 1.0 and out.min() == 0.0
    rows, cols = np.nonzero(out > 0.5)
    assert rows.max() - rows.min() + 1 == 20          # the longer side fills 20 pixels
    assert 9 <= cols.max() - cols.min() + 1 <= 11     # aspect ratio 2:1 kept
    from scipy import ndimage
    assert np.allclose(ndimage.center_of_mass(out), (14, 14), atol=0.6)
    # light ink on dark gives the same digit; invert=True forces the inversion of a dark-on-light image
    assert np.allclose(ch.prepare_digit(255 - _digit()), out)
    assert np.allclose(ch.prepare_digit(_digit(), invert=True), out)


def test_prepare_digit_accepts_colour_arrays_and_files(tmp_path):
    grey = _digit()
    rgb = np.repeat(grey[:, :, None], 3, axis=2)
    assert np.allclose(ch.prepare_digit(rgb), ch.prepare_digit(grey), atol=1e-6)
    from PIL import Image
    path = tmp_path / "digit.png"
    Image.fromarray(grey.astype(np.uint8)).save(path)
    assert np.allclose(ch.prepare_digit(path), ch.prepare_digit(grey), atol=1e-6)
    assert np.allclose(ch.prepare_digit(str(path)), ch.prepare_digit(grey), atol=1e-6)


def test_prepare_digit_keeps_an_mnist_digit():
    rng = np.random.default_rng(1)
    image = np.zeros((28, 28))
    image[4:24, 10:18] = rng.integers(100, 256, (20, 8))   # already 20 tall, centred-ish, bright on dark
    out = ch.prepare_digit(image)
    assert np.nonzero(out)[0].min() >= 3 and np.nonzero(out)[0].max() <= 24


@pytest.mark.parametrize("image, kwargs, error, match", [
    ("no_such_file.png", {}, ValueError, "no such file"),
    (None, {}, TypeError, "image"),
    ([[1, 2], [3]], {}, TypeError, "image"),
    (np.zeros(5), {}, ValueError, "dimension"),
    (np.zeros((10, 10, 2)), {}, ValueError, "channels"),
    (np.full((10, 10), 7.0), {}, ValueError, "blank"),
    (np.array([[np.nan, 1.0], [0.0, 1.0]]), {}, ValueError, "NaN"),
    (np.ones((1, 5)), {}, ValueError, "at least 2"),
    (_digit(), {"invert": "yes"}, TypeError, "invert"),
    (_digit(), {"threshold": 1.5}, ValueError, "threshold"),
    (_digit(), {"threshold": None}, ValueError, "threshold"),
])
def test_prepare_digit_bad_input(image, kwargs, error, match):
    with pytest.raises(error, match=match):
        ch.prepare_digit(image, **kwargs)


def test_prepare_digit_rejects_a_file_that_is_not_an_image(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not an image")
    with pytest.raises(ValueError, match="not an image"):
        ch.prepare_digit(path)


def test_digit_browser_table_figure_chart_and_bad_input():
    images = np.zeros((3, 28, 28))
    images[1, 5:9, 6:8] = 200
    probabilities = np.full((3, 10), 0.1)
    labels = np.array([0, 4, 2])
    frame = ch.browser_table(images, probabilities, labels, 1)
    pixels, bars = frame[frame.kind == "pixel"], frame[frame.kind == "probability"]
    assert len(pixels) == 8 and set(pixels.row) == {5, 6, 7, 8} and len(bars) == 10
    assert bars.loc[bars.is_label, "digit"].tolist() == [4]
    fig = ch.browser_figure(frame, 1)
    assert "test image 1: label 4" in fig.axes[0].get_title()
    explorer = ch.digit_browser(images, probabilities, labels, [0, 1, 2], start=1)
    assert explorer.default() == {"index": 1} and explorer.png
    assert len(explorer.frame(index=2)) == 10        # image 2 has no ink: only its bars
    assert explorer.html()
    with pytest.raises(ValueError, match="same length"):
        ch.browser_table(images, probabilities[:2], labels, 0)
    with pytest.raises(ValueError, match="index"):
        ch.browser_table(images, probabilities, labels, 3)
    with pytest.raises(TypeError, match="indices"):
        ch.digit_browser(images, probabilities, labels, "01")
    with pytest.raises(ValueError, match="start"):
        ch.digit_browser(images, probabilities, labels, [0, 1], start=2)
    with pytest.raises(ValueError, match="indices"):
        ch.digit_browser(images, probabilities, labels, [0, 7])
    with pytest.raises(TypeError, match="frame"):
        ch.browser_figure("frame", 1)
    with pytest.raises(ValueError, match="columns"):
        ch.browser_figure(frame.drop(columns="kind"), 1)
    with pytest.raises(ValueError, match="index"):
        ch.browser_figure(frame, -1)
    with pytest.raises(TypeError, match="base"):
        ch.browser_chart(None)
    import altair as alt
    assert ch.browser_chart(alt.Chart(frame)).to_dict()


def test_train_curves_and_training_panel_reject_bad_input(tiny_data):
    frame = ch.train_curves(tiny_data, hidden_units=8, optimizer="sgd", epochs=2)
    assert len(frame) == 8 and set(frame.split) == {"training", "validation"}
    assert set(frame.metric) == {"loss", "accuracy"} and frame.epoch.max() == 2
    again = ch.train_curves(tiny_data, hidden_units=8, optimizer="sgd", epochs=2)
    assert np.allclose(frame.value, again.value)     # seeded: the same curves twice
    fig = ch.curves_figure(frame, 8, "sgd")
    assert "8 hidden units, sgd" in fig.get_suptitle()
    panel = ch.training_panel(tiny_data, hidden_units=(4, 8), optimizers=("sgd",), epochs=1)
    assert panel.default() == {"hidden_units": 8, "optimizer": "sgd"} and len(panel.table) == 8
    assert panel.html()
    with pytest.raises(ValueError, match="valid choices"):
        ch.train_curves(tiny_data, hidden_units=8, optimizer="lbfgs")
    with pytest.raises(ValueError, match="hidden_units"):
        ch.train_curves(tiny_data, hidden_units=0, optimizer="sgd")
    with pytest.raises(TypeError, match="hidden_units"):
        ch.training_panel(tiny_data, hidden_units=8)
    with pytest.raises(TypeError, match="optimizers"):
        ch.training_panel(tiny_data, optimizers="sgd")
    with pytest.raises(TypeError, match="frame"):
        ch.curves_figure(None, 8, "sgd")
    with pytest.raises(ValueError, match="columns"):
        ch.curves_figure(frame[["epoch"]], 8, "sgd")
    with pytest.raises(ValueError, match="hidden_units"):
        ch.curves_figure(frame, 0, "sgd")
    with pytest.raises(ValueError, match="valid choices"):
        ch.curves_figure(frame, 8, "lbfgs")
    with pytest.raises(TypeError, match="base"):
        ch.curves_chart(frame)
    import altair as alt
    assert ch.curves_chart(alt.Chart(frame)).to_dict()


def test_check_param_count_rejects_wrong_answers():
    assert ch.check_param_count(535_818, [784, 512, 256, 10])
    weights_only = ch.check_param_count(784 * 512 + 512 * 256 + 256 * 10, [784, 512, 256, 10])
    assert not weights_only and "bias" in str(weights_only)
    for garbage in (None, "535818", float("nan"), [535_818]):
        feedback = ch.check_param_count(garbage, [784, 512, 256, 10])
        assert not feedback and str(feedback)


@pytest.fixture(scope="module")
def raw():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (6, 28, 28)).astype(np.uint8)
    labels = np.array([0, 1, 2, 3, 4, 5], dtype=np.uint8)
    x = images.reshape(6, -1).astype("float32") / 255
    y = np.eye(10, dtype="float32")[labels]
    return images, labels, x, y


def test_check_preprocessed_accepts_the_reference(raw):
    images, labels, x, y = raw
    assert ch.check_preprocessed(x, y, images, labels)


@pytest.mark.parametrize("mistake, message", [
    (lambda x, images: np.full_like(x, np.nan), "NaN"),
    (lambda x, images: x - 0.5, "do not subtract 0.5"),
    (lambda x, images: x / 255, "divided by 255 twice"),
    (lambda x, images: (images.reshape(len(images), -1) // 255).astype("float32"), "// 255"),
    (lambda x, images: x * 255, "divide by 255"),
    (lambda x, images: images.astype("float32") / 255, "flatten"),
    (lambda x, images: x.astype("float64"), "float32"),
    (lambda x, images: x[::-1].copy(), "differs"),
    (lambda x, images: "x", "string"),
    (lambda x, images: None, "None"),
    (lambda x, images: [[0.1, 0.2], [0.3]], "ragged"),
])
def test_check_preprocessed_rejects_image_mistakes(raw, mistake, message):
    images, labels, x, y = raw
    feedback = ch.check_preprocessed(mistake(x, images), y, images, labels)
    assert not feedback and message in str(feedback), str(feedback)


@pytest.mark.parametrize("mistake, message", [
    (lambda y, labels: labels, "one-hot encode"),
    (lambda y, labels: y * 2, "not one-hot"),
    (lambda y, labels: np.full_like(y, 0.1), "not one-hot"),
    (lambda y, labels: np.full_like(y, np.nan), "not one-hot"),
    (lambda y, labels: np.eye(10, dtype="float32")[labels[::-1]], "wrong digit"),
    (lambda y, labels: np.eye(10, dtype="float32")[(labels + 1) % 10], "wrong digit"),
    (lambda y, labels: None, "None"),
    (lambda y, labels: "one-hot", "string"),
    (lambda y, labels: [[1, 0], [0]], "ragged"),
])
def test_check_preprocessed_rejects_label_mistakes(raw, mistake, message):
    images, labels, x, y = raw
    feedback = ch.check_preprocessed(x, mistake(y, labels), images, labels)
    assert not feedback and message in str(feedback), str(feedback)


def test_check_preprocessed_validates_its_reference_arguments(raw):
    images, labels, x, y = raw
    with pytest.raises(ValueError, match="same length"):
        ch.check_preprocessed(x, y, images, labels[:3])
    with pytest.raises(TypeError, match="images"):
        ch.check_preprocessed(x, y, None, labels)


def test_sparse_and_fashion_checkers_reject_wrong_answers():
    assert ch.check_sparse_loss(0.25731, 0.25730)
    off = ch.check_sparse_loss(0.31, 0.25)
    assert not off and "off by +0.06" in str(off) and "same model" in str(off)
    assert "number" in str(ch.check_sparse_loss(0.2, "0.2"))
    assert ch.check_fashion_accuracy(0.87, 0.98)
    assert "between 0 and 1" in str(ch.check_fashion_accuracy(87.0, 0.98))
    assert "preprocessing" in str(ch.check_fashion_accuracy(0.3, 0.98))
    assert "not below" in str(ch.check_fashion_accuracy(0.99, 0.98))
    assert "number" in str(ch.check_fashion_accuracy(None, 0.98))
