"""Unit tests for helpers.applications (chapter 6)."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import applications as app
from helpers import runtime, widgets


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
    keras = keras_ready
    model = keras.Sequential([
        keras.Input(shape=(12,), dtype="int64"),
        keras.layers.Embedding(len(vocab), 4, mask_zero=True, name="embedding"),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(1, activation="sigmoid", name="output"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
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


def test_train_and_score(keras_ready):
    keras = keras_ready
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype(int)

    def build():
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    result = app.train_and_score(build, (x, y), (x, y), seed=0, epochs=2, batch_size=16)
    assert set(result) == {"val_loss", "val_accuracy"}
    assert result == app.train_and_score(build, (x, y), (x, y), seed=0, epochs=2, batch_size=16)  # seeded
    with pytest.raises(ValueError, match="train labels"):
        app.train_and_score(build, (x, y[:10]), (x, y), seed=0, epochs=1, batch_size=8)
    with pytest.raises(TypeError, match="build"):
        app.train_and_score("model", (x, y), (x, y), seed=0, epochs=1, batch_size=8)
    with pytest.raises(ValueError, match="epochs"):
        app.train_and_score(build, (x, y), (x, y), seed=0, epochs=0, batch_size=8)
    with pytest.raises(TypeError, match="seed"):
        app.train_and_score(build, (x, y), (x, y), seed=None, epochs=1, batch_size=8)


def test_conv_output_size_matches_keras(keras_ready):
    keras = keras_ready
    for size, kernel, stride, padding in [(28, 3, 1, "valid"), (28, 3, 2, "same"), (27, 5, 2, "valid"),
                                          (13, 2, 2, "valid"), (7, 3, 3, "same")]:
        out = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding)(np.zeros((1, size, size, 1)))
        assert app.conv_output_size(size, kernel, stride=stride, padding=padding) == out.shape[1]
    with pytest.raises(ValueError, match="larger"):
        app.conv_output_size(2, 3)
    with pytest.raises(ValueError, match="padding"):
        app.conv_output_size(28, 3, padding="full")
    with pytest.raises(ValueError, match="stride"):
        app.conv_output_size(28, 3, stride=0)
    with pytest.raises(TypeError, match="size"):
        app.conv_output_size(28.0, 3)


def test_receptive_field():
    assert app.receptive_field([(3, 1), (2, 2), (3, 1), (2, 2)]) == [(3, 1), (4, 2), (8, 2), (10, 4)]
    assert app.receptive_field([(3, 1)] * 3) == [(3, 1), (5, 1), (7, 1)]     # three 3x3 = one 7x7
    with pytest.raises(TypeError, match="layers"):
        app.receptive_field([])
    with pytest.raises(TypeError, match="pair"):
        app.receptive_field([3, 1])
    with pytest.raises(ValueError, match="stride"):
        app.receptive_field([(3, 0)])


def test_augmentation_figure():
    originals = np.random.default_rng(0).random((3, 28, 28))
    fig = app.augmentation_figure(originals, np.stack([originals] * 2))
    assert len(fig.axes) == 9 and fig.get_suptitle()
    with pytest.raises(ValueError, match="augmented"):
        app.augmentation_figure(originals, originals)
    with pytest.raises(ValueError, match="shape"):
        app.augmentation_figure(originals, np.zeros((2, 4, 28, 28)))


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
    explorer = app.feature_map_explorer(images, np.array([1, 2, 3]), indices=[0, 2])
    assert explorer.png.startswith(b"\x89PNG") and len(explorer.settings()) == 2 * len(app.KERNELS)
    assert len(json.dumps(explorer.spec())) < widgets.MAX_SPEC_BYTES
    table = app.feature_map_table(images[0] / 255.0, "blur (average)")
    assert len(table) == 13 * 13 and (table["response"] >= 0).all()
    with pytest.raises(ValueError, match="indices"):
        app.feature_map_explorer(images, np.array([1, 2, 3]), indices=[5])
    with pytest.raises(ValueError, match="kernel"):
        app.feature_map_table(images[0], "no such filter")
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
    explorer = app.sentence_explorer(model, vocab, ["the film was great", "the film was awful"])
    assert explorer.png.startswith(b"\x89PNG") and len(explorer.settings()) == 2
    table = app.sentence_table(model, vocab, "the film was great")
    assert table["word"].tolist() == ["the", "film", "was", "great"]
    with pytest.raises(ValueError, match="words"):
        app.sentence_explorer(model, vocab, ["", "x"])
    with pytest.raises(TypeError, match="sentences"):
        app.sentence_explorer(model, vocab, "the film")


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
    explorer = app.audio_explorer()
    assert explorer.png.startswith(b"\x89PNG") and len(explorer.settings()) == 6
    assert len(json.dumps(explorer.spec())) < widgets.MAX_SPEC_BYTES
    table = app.spectrogram_table("tone", 128)
    assert len(table) == 30 * 65 and table["frequency"].max() == 2000.0
    with pytest.raises(ValueError, match="kind"):
        app.spectrogram_table("speech", 128)
    with pytest.raises(ValueError, match="rate"):
        app.audio_explorer(rate=10)


def test_make_negation_corpus_kinds_and_labels():
    sentences, labels, kinds = app.make_negation_corpus(30, seed=1)
    assert len(sentences) == len(set(sentences)) == 120 and np.bincount(kinds).tolist() == [30] * 4
    positive = set(app._POSITIVE)
    for s, y, k in zip(sentences, labels, kinds):
        words = s.replace(",", "").split()
        adjectives = [w for w in words if w in positive or w in app._NEGATIVE]
        decisive = adjectives[-1] if app.NEGATION_KINDS[k] == "corrected" else adjectives[0]
        flipped = app.NEGATION_KINDS[k] == "negated"
        assert y == int((decisive in positive) != flipped), s
    assert sentences == app.make_negation_corpus(30, seed=1)[0]
    with pytest.raises(ValueError, match="n_per_kind"):
        app.make_negation_corpus(0)


def test_accuracy_by_kind():
    result = app.accuracy_by_kind([0.9, 0.2, 0.6, 0.4], [1, 0, 0, 0], [0, 0, 2, 2])
    assert result == {"plain": 1.0, "contrast": 0.5}
    with pytest.raises(ValueError, match="kinds"):
        app.accuracy_by_kind([0.9, 0.2], [1, 0], [0])
    with pytest.raises(ValueError, match="NaN"):
        app.accuracy_by_kind([np.nan, 0.2], [1, 0], [0, 0])


def test_scaled_dot_product_attention():
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(4, 8)), rng.normal(size=(6, 8)), rng.normal(size=(6, 3))
    out, w = app.scaled_dot_product_attention(q, k, v)
    assert out.shape == (4, 3) and np.allclose(w.sum(axis=1), 1)
    scores = q @ k.T / np.sqrt(8)
    expected = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    assert np.allclose(w, expected) and np.allclose(out, expected @ v)
    with pytest.raises(ValueError, match="last axis"):
        app.scaled_dot_product_attention(q, k[:, :4], v)
    with pytest.raises(ValueError, match="keys"):
        app.scaled_dot_product_attention(q, k, v[:5])
    assert np.allclose(app.softmax(np.array([1000.0, 1000.0])), 0.5)   # no overflow


def test_multi_head_attention_matches_keras(keras_ready):
    keras = keras_ready
    keras.utils.set_random_seed(3)
    layer = keras.layers.MultiHeadAttention(num_heads=3, key_dim=4)
    x = np.random.default_rng(1).normal(size=(2, 5, 6)).astype("float32")
    out, scores = layer(x, x, return_attention_scores=True)
    mine, my_scores = app.multi_head_attention(x, layer.get_weights())
    np.testing.assert_allclose(mine, np.asarray(out), atol=1e-5)
    np.testing.assert_allclose(my_scores, np.asarray(scores), atol=1e-6)
    with pytest.raises(ValueError, match="8 arrays"):
        app.multi_head_attention(x, layer.get_weights()[:6])
    with pytest.raises(ValueError, match="query kernel"):
        app.multi_head_attention(x[..., :4], layer.get_weights())


def test_attention_figure():
    fig = app.attention_figure(np.eye(3), ["a", "b", "c"])
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_title()
    with pytest.raises(ValueError, match="tokens"):
        app.attention_figure(np.eye(3), ["a", "b"])


@pytest.mark.skipif(not app.espeak_available(), reason="espeak-ng is not installed")
def test_speak_and_speech_dataset():
    signal = app.speak("yes", voice="en-gb", rate=8000)
    assert signal.shape == (8000,) and signal.dtype == np.float32 and np.abs(signal).max() == pytest.approx(1.0)
    assert np.array_equal(signal, app.speak("yes", voice="en-gb", rate=8000))     # deterministic
    x, y, v = app.make_speech_dataset(("yes", "no"), ("en-us", "en-gb"), speeds=(150,), pitches=(50,))
    assert x.shape == (4, 8000) and y.tolist() == [0, 1, 0, 1] and v.tolist() == [0, 0, 1, 1]


def test_speak_bad_input():
    with pytest.raises(ValueError, match="word"):
        app.speak("Yes; rm -rf")
    with pytest.raises(ValueError, match="voice"):
        app.speak("yes", voice="en us; ls")
    with pytest.raises(ValueError, match="speed"):
        app.speak("yes", speed=10)
    with pytest.raises(TypeError, match="words"):
        app.make_speech_dataset("yes")


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


# --- every helper rejects garbage ------------------------------------------------

_IMG = np.zeros((28, 28))

@pytest.mark.parametrize("call, error, match", [
    (lambda: app.max_pool2d("map"), (TypeError, ValueError), "feature_map"),
    (lambda: app.feature_map_figure(np.zeros(5)), ValueError, "image"),
    (lambda: app.filters_figure(np.zeros((3, 3)), np.zeros((26, 26, 1)), _IMG), ValueError, "kernels"),
    (lambda: app.feature_map_explorer(np.zeros((2, 28, 28)), [1, 2], indices="0"), TypeError, "indices"),
    (lambda: app.tokenize(None), TypeError, "sentence"),
    (lambda: app.build_vocabulary("a sentence"), TypeError, "sentences"),
    (lambda: app.encode(["a"], {"a": 2}), ValueError, "vocab"),
    (lambda: app.token_contributions(None, {}, ""), ValueError, "no words"),
    (lambda: app.nearest_neighbours(np.zeros(3), {}, "a"), ValueError, "embedding"),
    (lambda: app.embedding_figure(np.zeros(3), {}), ValueError, "embedding"),
    (lambda: app.sentence_figure(None, {}, 3), TypeError, "sentence"),
    (lambda: app.sentence_explorer(None, {}, []), TypeError, "sentences"),
    (lambda: app.synth_signal("tone", rate="fast"), TypeError, "rate"),
    (lambda: app.make_audio_dataset(None), TypeError, "n_per_class"),
    (lambda: app.spectrogram(np.zeros(500), frame=1), ValueError, "frame"),
    (lambda: app.spectrogram_grid(np.zeros((2, 500)), [0]), ValueError, "signals"),
    (lambda: app.audio_figure(np.zeros((2, 500))), ValueError, "signal"),
    (lambda: app.audio_explorer(rate="fast"), TypeError, "rate"),
    (lambda: app.train_and_score(None, ([], []), ([], []), seed=0, epochs=1, batch_size=1), TypeError, "build"),
    (lambda: app.conv_output_size(None, 3), TypeError, "size"),
    (lambda: app.receptive_field(None), TypeError, "layers"),
    (lambda: app.augmentation_figure(np.zeros(3), np.zeros((1, 3))), ValueError, "originals"),
    (lambda: app.make_negation_corpus("many"), TypeError, "n_per_kind"),
    (lambda: app.accuracy_by_kind([0.5], [1, 0], [0, 0]), ValueError, "probabilities"),
    (lambda: app.softmax("x"), (TypeError, ValueError), "x"),
    (lambda: app.scaled_dot_product_attention(np.zeros(3), np.zeros(3), np.zeros(3)), ValueError, "axes"),
    (lambda: app.multi_head_attention(np.zeros(3), [0] * 8), ValueError, "x"),
    (lambda: app.attention_figure(np.zeros(3), ["a"]), ValueError, "weights"),
    (lambda: app.espeak_available(None), TypeError, "program"),
    (lambda: app.feature_map_table(np.zeros(5), "blur (average)"), ValueError, "image"),
    (lambda: app.sentence_table(None, {}, "   "), ValueError, "no words"),
    (lambda: app.spectrogram_table("tone", 0), ValueError, "frame"),
    (lambda: app.check_feature_map(np.zeros((2, 2)), np.zeros((4, 4)), "k"), (TypeError, ValueError), "kernel"),
    (lambda: app.check_pooled(np.zeros((2, 2)), np.zeros(4)), ValueError, "feature_map"),
])
def test_bad_input_is_rejected_with_a_message_naming_it(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_checkers_reject_garbage_with_a_message():
    for garbage in ("0.9", None, float("nan"), [0.9, 0.8]):
        feedback = app.check_accuracy(garbage, 0.9)
        assert not feedback and str(feedback)
    assert app.check_accuracy(0.9004, 0.9)
    assert not app.check_feature_map("map", np.zeros((4, 4)), np.ones((3, 3)))
    assert not app.check_pooled([[1, 2]], np.zeros((4, 4)))
