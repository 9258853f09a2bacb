"""Unit tests for helpers.applications (chapter 6)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import applications as app
from helpers import runtime


@pytest.fixture(scope="module")
def keras_ready():
    runtime.set_seed(0)
    import keras

    return keras


@pytest.fixture(scope="module")
def text_setup(keras_ready):
    sentences, labels = app.make_corpus(60, seed=0)
    vocab = app.build_vocabulary(sentences)
    x = app.encode(sentences, vocab, 12)
    keras_ready.utils.set_random_seed(0)
    model = app.build_text_model(len(vocab), embedding_dim=4, length=12)
    model.fit(x, labels, epochs=15, batch_size=32, verbose=0)
    return model, vocab, sentences, labels


# --- images ------------------------------------------------------------------

def test_convolve2d_matches_direct_sum():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(7, 6)), rng.normal(size=(3, 2))
    out = app.convolve2d(image, kernel)
    assert out.shape == (5, 5)
    assert np.isclose(out[2, 3], (image[2:5, 3:5] * kernel).sum())


def test_convolve2d_bad_input():
    with pytest.raises(ValueError, match="kernel"):
        app.convolve2d(np.zeros((2, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="image"):
        app.convolve2d(np.zeros(5), np.zeros((3, 3)))
    with pytest.raises(TypeError, match="kernel"):
        app.convolve2d(np.zeros((5, 5)), "edge")


def test_max_pool2d():
    m = np.array([[1, 3, 2, 0, 9], [4, 2, 1, 1, 9], [0, 0, 5, 6, 9]], dtype=float)
    assert app.max_pool2d(m, 2).tolist() == [[4, 2]]
    with pytest.raises(ValueError, match="size"):
        app.max_pool2d(m, 0)
    with pytest.raises(ValueError, match="smaller"):
        app.max_pool2d(np.ones((1, 1)), 2)
    with pytest.raises(TypeError, match="size"):
        app.max_pool2d(m, 2.0)


def test_build_cnn_param_count(keras_ready):
    assert app.build_cnn().count_params() == 5_258
    assert app.build_cnn((30, 65, 1), 3).output_shape == (None, 3)
    with pytest.raises(ValueError, match="input_shape"):
        app.build_cnn((28, 28))
    with pytest.raises(ValueError, match="classes"):
        app.build_cnn(classes=1)
    with pytest.raises(TypeError, match="filters"):
        app.build_cnn(filters=8)


def test_build_dense(keras_ready):
    assert app.build_dense().count_params() == 407_050
    with pytest.raises(ValueError, match="hidden"):
        app.build_dense(hidden=0)


def test_fit_and_measure(keras_ready):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype(int)
    model = app.build_dense(inputs=4, hidden=8, classes=2)
    result = app.fit_and_measure(model, "tiny", (x, y), (x, y), epochs=2, batch_size=16)
    assert result.name == "tiny" and 0 <= result.accuracy <= 1 and result.params == model.count_params()
    assert result.seconds > 0 and "s (wall)" in str(result)
    with pytest.raises(ValueError, match="train labels"):
        app.fit_and_measure(model, "tiny", (x, y[:10]), (x, y))
    with pytest.raises(TypeError, match="name"):
        app.fit_and_measure(model, 3, (x, y), (x, y))
    with pytest.raises(ValueError, match="epochs"):
        app.fit_and_measure(model, "tiny", (x, y), (x, y), epochs=0)


def test_feature_map_figure_and_filters_figure():
    image = np.random.default_rng(0).random((28, 28))
    fig = app.feature_map_figure(image, "blur (average)")
    assert isinstance(fig, plt.Figure) and fig._suptitle.get_text()
    assert all(ax.get_xlabel() for ax in fig.axes[:4])
    assert isinstance(app.feature_map_figure(image, np.eye(3), relu=False), plt.Figure)
    with pytest.raises(ValueError, match="kernel"):
        app.feature_map_figure(image, "no such filter")
    kernels = np.random.default_rng(1).normal(size=(3, 3, 1, 4))
    maps = np.random.default_rng(2).random((26, 26, 4))
    assert isinstance(app.filters_figure(kernels, maps, image), plt.Figure)
    with pytest.raises(ValueError, match="channels"):
        app.filters_figure(kernels, maps[:, :, :3], image)


def test_feature_map_explorer():
    images = np.random.default_rng(0).integers(0, 255, size=(3, 28, 28))
    explorer = app.feature_map_explorer(images, np.array([1, 2, 3]))
    assert explorer.png.startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="labels"):
        app.feature_map_explorer(images, np.array([1, 2]))


# --- text --------------------------------------------------------------------

def test_make_corpus_is_seeded_balanced_and_distinct():
    s1, y1 = app.make_corpus(50, seed=3)
    s2, y2 = app.make_corpus(50, seed=3)
    assert s1 == s2 and np.array_equal(y1, y2)
    assert len(set(s1)) == 100 and np.bincount(y1).tolist() == [50, 50]
    assert "MIT" in app.CORPUS_LICENSE and "MIT" in app.__doc__
    with pytest.raises(ValueError, match="n_per_class"):
        app.make_corpus(0)
    with pytest.raises(TypeError, match="seed"):
        app.make_corpus(5, seed=1.5)


def test_tokenize_vocabulary_encode():
    assert app.tokenize("The film, it's GREAT!") == ["the", "film", "it's", "great"]
    with pytest.raises(TypeError, match="sentence"):
        app.tokenize(3)
    vocab = app.build_vocabulary(["b a a", "c a b"])
    assert vocab == {"<pad>": 0, "<unk>": 1, "a": 2, "b": 3, "c": 4}
    assert app.build_vocabulary(["b a a", "c a b"], max_tokens=3) == {"<pad>": 0, "<unk>": 1, "a": 2}
    with pytest.raises(TypeError, match="sentences"):
        app.build_vocabulary("a b c")
    with pytest.raises(ValueError, match="max_tokens"):
        app.build_vocabulary(["a"], max_tokens=2)
    encoded = app.encode(["a b z", "c c c c c"], vocab, length=4)
    assert encoded.tolist() == [[2, 3, 1, 0], [4, 4, 4, 4]]
    assert app.encode("a", vocab, 2).shape == (1, 2)
    with pytest.raises(ValueError, match="vocab"):
        app.encode(["a"], {"a": 0})
    with pytest.raises(ValueError, match="length"):
        app.encode(["a"], vocab, 0)
    with pytest.raises(TypeError, match="sentences"):
        app.encode(5, vocab)


def test_text_model_and_contributions(text_setup):
    model, vocab, sentences, labels = text_setup
    assert model.count_params() == 4 * len(vocab) + 4 + 1
    tokens, contributions, p = app.token_contributions(model, vocab, "the film was great zzz")
    assert tokens[-1] == "<unk>" and len(contributions) == 5
    keras_p = float(model.predict(app.encode("the film was great zzz", vocab, 12), verbose=0)[0, 0])
    assert abs(keras_p - p) < 1e-4
    with pytest.raises(ValueError, match="no words"):
        app.token_contributions(model, vocab, "  ,, ")
    with pytest.raises(ValueError, match="vocab_size"):
        app.build_text_model(2)


def test_nearest_neighbours(text_setup):
    embedding = np.array([[0, 0], [0, 0], [1, 0], [0.9, 0.1], [-1, 0]], dtype=float)
    vocab = {"<pad>": 0, "<unk>": 1, "a": 2, "b": 3, "c": 4}
    result = app.nearest_neighbours(embedding, vocab, "a", k=2)
    assert [w for w, _ in result] == ["b", "c"] and result[1][1] == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="vocabulary"):
        app.nearest_neighbours(embedding, vocab, "zzz")
    with pytest.raises(ValueError, match="k"):
        app.nearest_neighbours(embedding, vocab, "a", k=0)


def test_embedding_and_sentence_figures(text_setup):
    model, vocab, _, _ = text_setup
    embedding = model.get_layer("embedding").get_weights()[0]
    fig = app.embedding_figure(embedding, vocab)
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_title()
    with pytest.raises(ValueError, match="rows"):
        app.embedding_figure(embedding[:-1], vocab)
    fig = app.sentence_figure(model, vocab, "the film was great")
    assert "p(positive)" in fig.axes[0].get_title()
    assert "No words" in app.sentence_figure(model, vocab, "").axes[0].get_title()
    with pytest.raises(TypeError, match="sentence"):
        app.sentence_figure(model, vocab, None)
    explorer = app.sentence_explorer(model, vocab)
    assert explorer.png.startswith(b"\x89PNG")


# --- sound -------------------------------------------------------------------

def test_synth_signal_classes_and_seeding():
    a = app.synth_signal("tone", seed=1)
    assert a.shape == (2000,) and np.array_equal(a, app.synth_signal("tone", seed=1))
    burst = app.synth_signal("noise burst", seed=2, noise=0.0)
    assert (burst == 0).mean() > 0.3       # silent outside the burst
    with pytest.raises(ValueError, match="kind"):
        app.synth_signal("speech")
    with pytest.raises(ValueError, match="duration"):
        app.synth_signal("tone", duration=0)
    with pytest.raises(ValueError, match="noise"):
        app.synth_signal("tone", noise=-1.0)


def test_make_audio_dataset():
    x, y = app.make_audio_dataset(4, seed=0)
    assert x.shape == (12, 2000) and np.bincount(y).tolist() == [4, 4, 4]
    x2, _ = app.make_audio_dataset(4, seed=0)
    assert np.array_equal(x, x2)
    with pytest.raises(ValueError, match="n_per_class"):
        app.make_audio_dataset(0)


def test_spectrogram_peak_frequency():
    rate = 4000
    t = np.arange(2000) / rate
    spec = app.spectrogram(np.sin(2 * np.pi * 500 * t), frame=128, hop=64)
    assert spec.shape == (30, 65)
    assert int(spec.mean(axis=0).argmax()) == 16      # 500 Hz * 128 / 4000
    linear = app.spectrogram(np.sin(2 * np.pi * 500 * t), log=False)
    assert np.allclose(np.log1p(linear), spec)
    with pytest.raises(ValueError, match="fewer than one frame"):
        app.spectrogram(np.zeros(10))
    with pytest.raises(ValueError, match="hop"):
        app.spectrogram(np.zeros(500), hop=0)
    with pytest.raises(ValueError, match="signal"):
        app.spectrogram(np.zeros((2, 500)))


def test_audio_figures_and_model(keras_ready):
    x, y = app.make_audio_dataset(2, seed=0)
    fig = app.audio_figure(x[0], label="tone")
    assert fig.axes[1].get_ylabel() == "frequency (Hz)"
    grid = app.spectrogram_grid(x, y)
    assert len(grid.axes) == 6 and all(ax.get_xlabel() for ax in grid.axes)
    with pytest.raises(ValueError, match="none of the audio classes"):
        app.spectrogram_grid(x[:1], np.array([7]))
    with pytest.raises(ValueError, match="rate"):
        app.audio_figure(x[0], rate=0)
    assert app.build_audio_cnn((30, 65, 1)).output_shape == (None, 3)
    assert app.audio_explorer().png.startswith(b"\x89PNG")


# --- checkers ----------------------------------------------------------------

def test_check_feature_map():
    image = np.arange(25.0).reshape(5, 5) ** 2
    kernel = np.array([[1, 2, 0], [0, 0, 0], [0, 0, -1]], dtype=float)
    assert app.check_feature_map(app.convolve2d(image, kernel), image, kernel)
    flipped = app.check_feature_map(app.convolve2d(image, kernel[::-1, ::-1]), image, kernel)
    assert not flipped and "flipped" in str(flipped)
    same = app.check_feature_map(np.zeros((5, 5)), image, kernel)
    assert not same and "padding" in str(same)


def test_check_pooled_and_accuracy():
    m = np.arange(16.0).reshape(4, 4)
    assert app.check_pooled(app.max_pool2d(m), m)
    averaged = app.check_pooled(m.reshape(2, 2, 2, 2).mean(axis=(1, 3)), m)
    assert not averaged and "averages" in str(averaged)
    assert app.check_accuracy(0.9004, 0.9) and not app.check_accuracy(0.8, 0.9)


def _negate(texts, ys):
    pairs = [(t.replace(" was ", " was not ", 1), 1 - y) for t, y in zip(texts, ys) if " was " in t]
    return [p[0] for p in pairs], np.array([p[1] for p in pairs])


def test_check_negated_accepts_reference_and_rejects_typical_mistakes():
    texts, labels = app.make_corpus(40, seed=0)
    neg, y_neg = _negate(texts, labels)
    assert len(neg) > 5
    good = app.check_negated(neg, y_neg, texts, labels)
    assert good, str(good)
    assert app.check_negated(neg[::-1], y_neg[::-1], texts, labels)      # order does not matter
    unflipped = app.check_negated(neg, 1 - y_neg, texts, labels)
    assert not unflipped and "original label" in str(unflipped)
    no_not = [t.replace(" was not ", " was ", 1) for t in neg]
    missing_not = app.check_negated(no_not, y_neg, texts, labels)
    assert not missing_not and "no 'not'" in str(missing_not)
    assert not app.check_negated(neg[:-3], y_neg[:-3], texts, labels)
    assert "expected" in str(app.check_negated(neg[:-3], y_neg[:-3], texts, labels))
    mismatch = app.check_negated(neg, y_neg[:-1], texts, labels)
    assert not mismatch and "one label per sentence" in str(mismatch)
    assert not app.check_negated("the film was not good", [0], texts, labels)


def test_check_noise_accuracies_accepts_reference_and_rejects_typical_mistakes():
    levels = [0.05, 0.3, 1.0]
    good = app.check_noise_accuracies(levels, [0.94, 0.33, 0.33])
    assert good and "chance" in str(good)
    percent = app.check_noise_accuracies(levels, [96, 34, 33])
    assert not percent and "percentages" in str(percent)
    loss = app.check_noise_accuracies(levels, [0.12, 2.5, 4.0])
    assert not loss and "between 0 and 1" in str(loss)
    low_loss = app.check_noise_accuracies(levels, [0.1, 0.05, 0.05])
    assert not low_loss and "evaluate(...)[0]" in str(low_loss)
    rising = app.check_noise_accuracies(levels, [0.85, 0.9, 0.95])
    assert not rising and "rises" in str(rising)
    flat = app.check_noise_accuracies(levels, [0.96, 0.95, 0.95])
    assert not flat and "noise=level" in str(flat)
    assert "one accuracy per level" in str(app.check_noise_accuracies(levels, [0.9, 0.3]))
    assert not app.check_noise_accuracies([1.0, 0.3, 0.05], [0.33, 0.34, 0.96])
