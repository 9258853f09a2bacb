"""Chapter 6, "Applications: images, text and sound".

Three small, complete applications of deep learning, each small enough to train
in a few seconds on a laptop CPU:

- **Images**: a small convolutional network (CNN) on the digits, beside the
  dense network of Chapter 5; convolution and max pooling written from scratch
  on one digit (:func:`convolve2d`, :func:`max_pool2d`) so that the feature maps
  Keras computes can be checked by hand; a feature-map explorer.
- **Text**: sentiment classification of short review sentences with an
  embedding layer. The corpus is written by this project: :func:`make_corpus`
  builds a few hundred English sentences combinatorially from the templates and
  word lists below, with a seeded random generator. **Corpus license: MIT, the
  same as the project** (the sentences are this project's own work, so you may
  reuse them under the MIT license). A from-scratch tokenizer
  (:func:`build_vocabulary`, :func:`encode`), nearest neighbours in the learned
  embedding, and a sentence explorer where the reader types a sentence.
- **Sound**: :func:`make_audio_dataset` generates *synthetic* labelled signals
  (pure tones, rising chirps, noise bursts); nothing in it is recorded speech.
  :func:`spectrogram` turns a signal into a time–frequency image (a short-time
  Fourier transform written with numpy) that a small CNN classifies.

Every widget callback is a plain function returning a ``Figure``
(:func:`feature_map_figure`, :func:`sentence_figure`, :func:`audio_figure`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from . import widgets
from .exercises import Feedback, check_array, check_scalar
from .plotting import PALETTE
from .validation import as_array, check_choice, check_float, check_int, check_same_length

__all__ = [
    "KERNELS",
    "CORPUS_LICENSE",
    "SENTIMENTS",
    "AUDIO_CLASSES",
    "convolve2d",
    "max_pool2d",
    "feature_map_figure",
    "filters_figure",
    "feature_map_explorer",
    "make_corpus",
    "tokenize",
    "build_vocabulary",
    "encode",
    "token_contributions",
    "nearest_neighbours",
    "embedding_figure",
    "sentence_figure",
    "sentence_explorer",
    "synth_signal",
    "make_audio_dataset",
    "spectrogram",
    "spectrogram_grid",
    "audio_figure",
    "audio_explorer",
    "train_and_score",
    "conv_output_size",
    "receptive_field",
    "augmentation_figure",
    "NEGATION_KINDS",
    "make_negation_corpus",
    "accuracy_by_kind",
    "softmax",
    "scaled_dot_product_attention",
    "multi_head_attention",
    "attention_figure",
    "SPEECH_WORDS",
    "SPEECH_VOICES",
    "espeak_available",
    "speak",
    "make_speech_dataset",
    "feature_map_table",
    "sentence_table",
    "spectrogram_table",
    "check_feature_map",
    "check_pooled",
    "check_accuracy",
    "check_negated",
    "check_noise_accuracies",
]

# --- images ------------------------------------------------------------------

#: Hand-made 3×3 filters for the explorer: what a first convolutional layer
#: often ends up learning (edge and blob detectors).
KERNELS: dict[str, np.ndarray] = {
    "vertical edges": np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=float),
    "horizontal edges": np.array([[1, 1, 1], [0, 0, 0], [-1, -1, -1]], dtype=float),
    "diagonal (/) edges": np.array([[0, 1, 1], [-1, 0, 1], [-1, -1, 0]], dtype=float),
    "blur (average)": np.full((3, 3), 1 / 9),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
}


def convolve2d(image: Any, kernel: Any) -> np.ndarray:
    """'Valid' 2-D convolution as deep-learning libraries define it (no kernel flip).

    Output pixel ``(i, j)`` is ``sum(image[i:i+kh, j:j+kw] * kernel)``: the kernel
    slides over every position where it fits, so an ``H×W`` image and a ``kh×kw``
    kernel give an ``(H-kh+1)×(W-kw+1)`` feature map. (Mathematicians call this
    cross-correlation; a true convolution flips the kernel first.)
    """
    image = as_array(image, "image", ndim=2)
    kernel = as_array(kernel, "kernel", ndim=2)
    kh, kw = kernel.shape
    h, w = image.shape
    if kh > h or kw > w:
        raise ValueError(f"kernel {kernel.shape} is larger than image {image.shape}")
    out = np.zeros((h - kh + 1, w - kw + 1))
    for i in range(kh):          # loop over the (few) kernel entries, not the pixels
        for j in range(kw):
            out += kernel[i, j] * image[i:i + h - kh + 1, j:j + w - kw + 1]
    return out


def max_pool2d(feature_map: Any, size: int = 2) -> np.ndarray:
    """Non-overlapping ``size×size`` max pooling; leftover rows/columns are dropped (as Keras does)."""
    fmap = as_array(feature_map, "feature_map", ndim=2)
    size = check_int(size, "size", minimum=1)
    h, w = fmap.shape[0] // size, fmap.shape[1] // size
    if h == 0 or w == 0:
        raise ValueError(f"feature_map {fmap.shape} is smaller than the pooling window {size}")
    return fmap[:h * size, :w * size].reshape(h, size, w, size).max(axis=(1, 3))


def feature_map_figure(image: Any, kernel: str | Any = "vertical edges", *, relu: bool = True,
                       title: str | None = None) -> plt.Figure:
    """Four panels: the digit, the 3×3 kernel, the feature map (after ReLU), the pooled map."""
    image = as_array(image, "image", ndim=2)
    if isinstance(kernel, str):
        name = check_choice(kernel, "kernel", KERNELS)
        weights = KERNELS[name]
    else:
        weights = as_array(kernel, "kernel", ndim=2)
        name = "custom kernel"
    fmap = convolve2d(image, weights)
    if relu:
        fmap = np.maximum(fmap, 0)
    pooled = max_pool2d(fmap, 2)
    fig, axes = plt.subplots(1, 4, figsize=(11, 3.1), gridspec_kw={"width_ratios": [1, 0.6, 1, 1]})
    panels = [
        (image, "gray_r", f"input {image.shape[0]}×{image.shape[1]}"),
        (weights, "RdBu_r", f"kernel: {name}"),
        (fmap, "magma", f"feature map {fmap.shape[0]}×{fmap.shape[1]}" + (" (ReLU)" if relu else "")),
        (pooled, "magma", f"2×2 max pooled {pooled.shape[0]}×{pooled.shape[1]}"),
    ]
    for ax, (arr, cmap, label) in zip(axes, panels):
        if cmap == "RdBu_r":
            bound = float(np.abs(arr).max()) or 1.0
            im = ax.imshow(arr, cmap=cmap, vmin=-bound, vmax=bound)
            for (r, c), v in np.ndenumerate(arr):
                ax.text(c, r, f"{v:.2g}", ha="center", va="center", fontsize=8)
        else:
            im = ax.imshow(arr, cmap=cmap)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel("column")
        ax.set_ylabel("row")
        ax.grid(False)
        if ax is not axes[0]:
            fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    fig.suptitle(title or f"One convolution filter ({name}) applied to one digit")
    fig.tight_layout()
    return fig


def filters_figure(kernels: Any, feature_maps: Any, image: Any, *,
                   title: str = "Learned first-layer filters and their feature maps") -> plt.Figure:
    """Top row: learned 3×3 kernels (shape ``(3, 3, 1, n)`` as Keras stores them);
    bottom row: the feature maps they produce on ``image`` (shape ``(h, w, n)``)."""
    kernels = as_array(kernels, "kernels", ndim=4)
    maps = as_array(feature_maps, "feature_maps", ndim=3)
    image = as_array(image, "image", ndim=2)
    n = kernels.shape[-1]
    if maps.shape[-1] != n:
        raise ValueError(f"feature_maps has {maps.shape[-1]} channels but kernels has {n} filters")
    fig, axes = plt.subplots(2, n + 1, figsize=(1.5 * (n + 1), 3.4))
    axes[0, 0].imshow(image, cmap="gray_r")
    axes[0, 0].set_title("input", fontsize=9)
    axes[1, 0].set_axis_off()
    for k in range(n):
        w = kernels[:, :, 0, k]
        bound = float(np.abs(w).max()) or 1.0
        axes[0, k + 1].imshow(w, cmap="RdBu_r", vmin=-bound, vmax=bound)
        axes[0, k + 1].set_title(f"filter {k}", fontsize=9)
        axes[1, k + 1].imshow(maps[:, :, k], cmap="magma")
        axes[1, k + 1].set_title(f"map {k}", fontsize=9)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    axes[0, 0].set_ylabel("kernel (3×3)")
    axes[1, 1].set_ylabel("feature map")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


# --- text --------------------------------------------------------------------

CORPUS_LICENSE = "MIT (written by this project; same license as the project)"
#: Class names of the text task, in label order.
SENTIMENTS: tuple[str, ...] = ("negative", "positive")

_SUBJECTS = ("film", "movie", "book", "meal", "hotel", "phone", "concert", "course", "game", "camera",
             "service", "show", "album", "restaurant", "laptop")
_POSITIVE = ("great", "excellent", "wonderful", "delightful", "superb", "lovely", "brilliant", "pleasant",
             "fantastic", "charming", "enjoyable", "impressive")
_NEGATIVE = ("terrible", "awful", "boring", "dreadful", "poor", "disappointing", "bland", "horrible",
             "dull", "annoying", "mediocre", "tedious")
_POS_VERBS = ("loved", "enjoyed", "liked", "adored", "admired", "recommend")
_NEG_VERBS = ("hated", "disliked", "regretted", "despised", "returned", "avoided")
_INTENSIFIERS = ("really", "truly", "quite", "very", "so", "rather")
_TEMPLATES = (
    "the {subject} was {intensifier} {adj}",
    "what a {adj} {subject}",
    "i {verb} this {subject}",
    "this {subject} is {adj}",
    "we {verb} the {subject} , it was {adj}",
    "an {intensifier} {adj} {subject} overall",
    "honestly the {subject} felt {adj}",
    "my friends {verb} the {subject}",
)


def make_corpus(n_per_class: int = 200, *, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """A labelled corpus of short review sentences written by this project (MIT licensed).

    Each sentence fills a template from ``_TEMPLATES`` with a subject and either
    positive words (label 1) or negative words (label 0), drawn with a seeded
    generator. Returns ``(sentences, labels)``, shuffled, with exactly
    ``n_per_class`` distinct sentences per class.
    """
    n_per_class = check_int(n_per_class, "n_per_class", minimum=1, maximum=2000)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    sentences: list[str] = []
    labels: list[int] = []
    for label, (adjs, verbs) in enumerate(((_NEGATIVE, _NEG_VERBS), (_POSITIVE, _POS_VERBS))):
        seen: set[str] = set()
        while len(seen) < n_per_class:
            template = _TEMPLATES[rng.integers(len(_TEMPLATES))]
            text = template.format(subject=rng.choice(_SUBJECTS), adj=rng.choice(adjs),
                                   verb=rng.choice(verbs), intensifier=rng.choice(_INTENSIFIERS))
            if text not in seen:
                seen.add(text)
                sentences.append(text)
                labels.append(label)
    order = rng.permutation(len(sentences))
    return [sentences[i] for i in order], np.asarray(labels, dtype=np.int64)[order]


def tokenize(sentence: str) -> list[str]:
    """Lower-case a sentence and split it into word tokens (letters, digits, apostrophes)."""
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a string, got {type(sentence).__name__}")
    return re.findall(r"[a-z0-9']+", sentence.lower())


def build_vocabulary(sentences: Sequence[str], max_tokens: int | None = None) -> dict[str, int]:
    """Map each word to an integer id, most frequent first (ties alphabetically).

    Ids 0 and 1 are reserved: 0 is padding (``"<pad>"``) and 1 stands for any
    word not in the vocabulary (``"<unk>"``). ``max_tokens`` caps the size,
    the two reserved ids included.
    """
    if isinstance(sentences, str) or not isinstance(sentences, Sequence):
        raise TypeError(f"sentences must be a list of strings, got {type(sentences).__name__}")
    if max_tokens is not None:
        max_tokens = check_int(max_tokens, "max_tokens", minimum=3)
    counts = Counter(token for s in sentences for token in tokenize(s))
    words = sorted(counts, key=lambda w: (-counts[w], w))
    if max_tokens is not None:
        words = words[: max_tokens - 2]
    vocab = {"<pad>": 0, "<unk>": 1}
    vocab.update({w: i + 2 for i, w in enumerate(words)})
    return vocab


def encode(sentences: Sequence[str] | str, vocab: dict[str, int], length: int = 12) -> np.ndarray:
    """Turn sentences into a ``(n, length)`` integer array: word ids, unknown words → 1,
    padded with 0 at the end (or cut) to ``length``. A single string gives one row."""
    if isinstance(sentences, str):
        sentences = [sentences]
    if not isinstance(sentences, Sequence):
        raise TypeError(f"sentences must be a list of strings, got {type(sentences).__name__}")
    if not isinstance(vocab, dict) or vocab.get("<pad>") != 0 or vocab.get("<unk>") != 1:
        raise ValueError("vocab must be a dict from build_vocabulary (with '<pad>': 0 and '<unk>': 1)")
    length = check_int(length, "length", minimum=1)
    out = np.zeros((len(sentences), length), dtype=np.int64)
    for row, sentence in enumerate(sentences):
        ids = [vocab.get(token, 1) for token in tokenize(sentence)][:length]
        out[row, : len(ids)] = ids
    return out


def token_contributions(model: Any, vocab: dict[str, int], sentence: str) -> tuple[list[str], np.ndarray, float]:
    """Each word's share of the text model's logit for ``sentence``.

    Returns ``(tokens, contributions, probability)``: the model's logit is
    ``sum(contributions) + bias`` and ``probability`` is its sigmoid.
    Unknown words appear as ``"<unk>"``.
    """
    tokens = tokenize(sentence)
    if not tokens:
        raise ValueError("sentence contains no words")
    embedding = np.asarray(model.get_layer("embedding").get_weights()[0])
    w, b = (np.asarray(a) for a in model.get_layer("output").get_weights())
    ids = [vocab.get(t, 1) for t in tokens]
    shown = [t if vocab.get(t, 1) != 1 else "<unk>" for t in tokens]
    contributions = embedding[ids] @ w[:, 0] / len(ids)
    logit = float(contributions.sum() + b[0])
    return shown, contributions, float(1.0 / (1.0 + np.exp(-logit)))


def nearest_neighbours(embedding: Any, vocab: dict[str, int], word: str, k: int = 5) -> list[tuple[str, float]]:
    """The ``k`` words whose embedding vectors have the highest cosine similarity to ``word``'s."""
    embedding = as_array(embedding, "embedding", ndim=2)
    k = check_int(k, "k", minimum=1)
    if word not in vocab or vocab[word] < 2:
        raise ValueError(f"word {word!r} is not in the vocabulary")
    norms = np.linalg.norm(embedding, axis=1, keepdims=True)
    unit = embedding / np.where(norms == 0, 1, norms)
    sims = unit @ unit[vocab[word]]
    words = {i: w for w, i in vocab.items()}
    order = [i for i in np.argsort(-sims, kind="stable") if i >= 2 and i != vocab[word]]
    return [(words[i], float(sims[i])) for i in order[:k]]


def _pca_2d(x: np.ndarray) -> np.ndarray:
    centred = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    components = vt[:2]
    # fix the sign of each axis so the picture does not flip between runs
    signs = np.sign(components[np.arange(2), np.abs(components).argmax(axis=1)])
    return centred @ (components * signs[:, None]).T


def embedding_figure(embedding: Any, vocab: dict[str, int], *,
                     title: str = "Learned word embeddings, projected to 2-D") -> plt.Figure:
    """Scatter the vocabulary's embeddings in 2-D (principal components), coloured by word list."""
    embedding = as_array(embedding, "embedding", ndim=2)
    if embedding.shape[0] != len(vocab):
        raise ValueError(f"embedding has {embedding.shape[0]} rows but vocab has {len(vocab)} words")
    words = {i: w for w, i in vocab.items()}
    ids = np.arange(2, len(vocab))
    xy = _pca_2d(embedding[ids])
    positive = set(_POSITIVE) | set(_POS_VERBS)
    negative = set(_NEGATIVE) | set(_NEG_VERBS)
    fig, ax = plt.subplots(figsize=(8, 6))
    for group, color, members in (("positive words", PALETTE[2], positive),
                                  ("negative words", PALETTE[3], negative)):
        mask = np.array([words[i] in members for i in ids])
        ax.scatter(xy[mask, 0], xy[mask, 1], color=color, label=group, s=25)
    other = np.array([words[i] not in positive | negative for i in ids])
    ax.scatter(xy[other, 0], xy[other, 1], color="grey", label="other words", s=12, alpha=0.6)
    for (x, y), i in zip(xy, ids):
        ax.annotate(words[i], (x, y), fontsize=7, alpha=0.8, xytext=(2, 2), textcoords="offset points")
    ax.set_xlabel("first principal component")
    ax.set_ylabel("second principal component")
    ax.set_title(title)
    ax.legend(loc="best")
    fig.tight_layout()
    return fig


def sentence_figure(model: Any, vocab: dict[str, int], sentence: str) -> plt.Figure:
    """The sentence explorer's view: each word's push towards positive or negative."""
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a string, got {type(sentence).__name__}")
    fig, ax = plt.subplots(figsize=(8, 3.2))
    if not tokenize(sentence):
        ax.text(0.5, 0.5, "type a sentence", ha="center", va="center", transform=ax.transAxes)
        ax.set_title("No words to classify")
        ax.set_xlabel("word")
        ax.set_ylabel("contribution to logit")
        return fig
    tokens, contributions, p = token_contributions(model, vocab, sentence)
    colors = [PALETTE[2] if c > 0 else PALETTE[3] for c in contributions]
    ax.bar(range(len(tokens)), contributions, color=colors)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(range(len(tokens)), tokens, rotation=30, ha="right")
    ax.set_xlabel("word (<unk>: not in the vocabulary)")
    ax.set_ylabel("contribution to logit")
    verdict = SENTIMENTS[int(p >= 0.5)]
    ax.set_title(f"\"{sentence}\" → {verdict} (p(positive) = {p:.2f})")
    fig.tight_layout()
    return fig


# --- sound -------------------------------------------------------------------

#: Class names of the synthetic audio task, in label order.
AUDIO_CLASSES: tuple[str, ...] = ("tone", "chirp", "noise burst")


def synth_signal(kind: str, *, rate: int = 4000, duration: float = 0.5, seed: int = 0,
                 noise: float = 0.05) -> np.ndarray:
    """One **synthetic** signal of class ``kind`` (never a recording).

    - ``"tone"``: a sine at a random frequency between 200 and 1,500 Hz;
    - ``"chirp"``: a sine whose frequency rises linearly from 200–600 Hz to 1,000–1,800 Hz;
    - ``"noise burst"``: white noise during a random 0.1–0.25 s window, silence elsewhere.

    Every signal gets a random amplitude and background noise of standard deviation ``noise``.
    """
    check_choice(kind, "kind", AUDIO_CLASSES)
    rate = check_int(rate, "rate", minimum=100)
    duration = check_float(duration, "duration", minimum=0.0, strict_minimum=True)
    noise = check_float(noise, "noise", minimum=0.0)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    t = np.arange(int(rate * duration)) / rate
    amplitude = rng.uniform(0.5, 1.0)
    if kind == "tone":
        signal = np.sin(2 * np.pi * rng.uniform(200, 1500) * t + rng.uniform(0, 2 * np.pi))
    elif kind == "chirp":
        f0, f1 = rng.uniform(200, 600), rng.uniform(1000, 1800)
        phase = 2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * duration))
        signal = np.sin(phase)
    else:
        length = rng.uniform(0.1, 0.25) * duration / 0.5
        start = rng.uniform(0, duration - length)
        signal = rng.normal(0, 0.6, t.size) * ((t >= start) & (t < start + length))
    return (amplitude * signal + rng.normal(0, noise, t.size)).astype(np.float32)


def make_audio_dataset(n_per_class: int = 100, *, rate: int = 4000, duration: float = 0.5,
                       seed: int = 0, noise: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """``n_per_class`` synthetic signals of each class in :data:`AUDIO_CLASSES`, shuffled.

    Returns ``(signals, labels)`` with ``signals`` of shape ``(n, rate * duration)``.
    """
    n_per_class = check_int(n_per_class, "n_per_class", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    seeds = rng.integers(0, 2**31 - 1, size=(len(AUDIO_CLASSES), n_per_class))
    signals = [synth_signal(kind, rate=rate, duration=duration, seed=int(s), noise=noise)
               for k, kind in enumerate(AUDIO_CLASSES) for s in seeds[k]]
    labels = np.repeat(np.arange(len(AUDIO_CLASSES)), n_per_class)
    order = rng.permutation(len(labels))
    return np.stack(signals)[order], labels[order]


def spectrogram(signal: Any, *, frame: int = 128, hop: int = 64, log: bool = True) -> np.ndarray:
    """Short-time Fourier transform magnitudes, shape ``(frames, frame // 2 + 1)``.

    The signal is cut into overlapping frames of ``frame`` samples every ``hop``
    samples; each frame is multiplied by a Hann window and Fourier transformed;
    the magnitude of each frequency bin is kept (``log1p`` of it if ``log``).
    Bin ``k`` holds frequency ``k * rate / frame``.
    """
    signal = as_array(signal, "signal", ndim=1)
    frame = check_int(frame, "frame", minimum=2)
    hop = check_int(hop, "hop", minimum=1)
    if len(signal) < frame:
        raise ValueError(f"signal has {len(signal)} samples, fewer than one frame ({frame})")
    n_frames = 1 + (len(signal) - frame) // hop
    index = np.arange(frame)[None, :] + hop * np.arange(n_frames)[:, None]
    frames = signal[index] * np.hanning(frame)[None, :]
    magnitude = np.abs(np.fft.rfft(frames, axis=1))
    return np.log1p(magnitude) if log else magnitude


def spectrogram_grid(signals: Any, labels: Any, *, rate: int = 4000, frame: int = 128, hop: int = 64,
                     title: str = "Spectrograms of the synthetic signals, one column per class") -> plt.Figure:
    """First example of each class in :data:`AUDIO_CLASSES`: waveform above, spectrogram below."""
    signals = as_array(signals, "signals", ndim=2)
    labels = as_array(labels, "labels", ndim=1, dtype=int)
    check_same_length(signals, labels, "signals", "labels")
    rate = check_int(rate, "rate", minimum=1)
    present = [k for k in range(len(AUDIO_CLASSES)) if np.any(labels == k)]
    if not present:
        raise ValueError("labels contain none of the audio classes")
    fig, axes = plt.subplots(2, len(present), figsize=(3.6 * len(present), 5.0), squeeze=False,
                             gridspec_kw={"height_ratios": [1, 2]})
    for col, k in enumerate(present):
        signal = signals[int(np.flatnonzero(labels == k)[0])]
        t = np.arange(len(signal)) / rate
        axes[0, col].plot(t, signal, lw=0.4, color=PALETTE[0])
        axes[0, col].set_title(AUDIO_CLASSES[k])
        axes[0, col].set_xlabel("time (s)")
        axes[0, col].set_ylabel("amplitude")
        spec = spectrogram(signal, frame=frame, hop=hop)
        axes[1, col].imshow(spec.T, origin="lower", aspect="auto", cmap="magma",
                            extent=(0, len(signal) / rate, 0, rate / 2))
        axes[1, col].set_xlabel("time (s)")
        axes[1, col].set_ylabel("frequency (Hz)")
        axes[1, col].grid(False)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def audio_figure(signal: Any, *, rate: int = 4000, label: str | None = None, frame: int = 128,
                 hop: int = 64) -> plt.Figure:
    """The waveform (top) and its spectrogram (bottom), with time and frequency axes."""
    signal = as_array(signal, "signal", ndim=1)
    rate = check_int(rate, "rate", minimum=1)
    spec = spectrogram(signal, frame=frame, hop=hop)
    t = np.arange(len(signal)) / rate
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.5, 4.8), sharex=True)
    top.plot(t, signal, lw=0.5, color=PALETTE[0])
    top.set_ylabel("amplitude")
    top.set_title("waveform")
    extent = (0, len(signal) / rate, 0, rate / 2)
    image = bottom.imshow(spec.T, origin="lower", aspect="auto", extent=extent, cmap="magma")
    bottom.set_xlabel("time (s)")
    bottom.set_ylabel("frequency (Hz)")
    bottom.set_title(f"spectrogram ({frame}-sample frames, hop {hop})")
    bottom.grid(False)
    fig.colorbar(image, ax=[top, bottom], label="log(1 + magnitude)", fraction=0.04)
    fig.suptitle(f"A synthetic '{label}' signal" if label else "A synthetic signal")
    return fig


# --- training one recipe, for the sweeps over seeds ------------------------------

def train_and_score(build: Any, train: tuple[Any, Any], val: tuple[Any, Any], *, seed: int,
                    epochs: int, batch_size: int) -> dict[str, float]:
    """Seed Keras, build a fresh model with ``build()``, train it with plain ``model.fit``
    on ``train`` (validating on ``val``), and return its validation loss and accuracy.

    This is the recipe the chapter's comparisons run for every seed with ``experiments.run``:
    the same ``fit`` call the chapter shows, nothing else.
    """
    import keras

    if not callable(build):
        raise TypeError(f"build must be a function that returns a compiled model, got {type(build).__name__}")
    (x, y), (x_val, y_val) = train, val
    check_same_length(x, y, "train inputs", "train labels")
    check_same_length(x_val, y_val, "validation inputs", "validation labels")
    seed = check_int(seed, "seed", minimum=0)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    keras.utils.set_random_seed(seed)
    model = build()
    model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_data=(x_val, y_val), verbose=0)
    val_loss, val_accuracy = model.evaluate(x_val, y_val, verbose=0)
    return {"val_loss": float(val_loss), "val_accuracy": float(val_accuracy)}


# --- padding, stride and receptive field ------------------------------------------

def conv_output_size(size: int, kernel: int, *, stride: int = 1, padding: str = "valid") -> int:
    """Output length of a convolution or pooling window along one axis, as Keras computes it.

    ``"valid"`` (no padding): ``floor((size - kernel) / stride) + 1``;
    ``"same"`` (zeros added around the input): ``ceil(size / stride)``.
    """
    size = check_int(size, "size", minimum=1)
    kernel = check_int(kernel, "kernel", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    check_choice(padding, "padding", ("valid", "same"))
    if padding == "same":
        return -(-size // stride)
    if kernel > size:
        raise ValueError(f"kernel ({kernel}) is larger than the input ({size}) with 'valid' padding")
    return (size - kernel) // stride + 1


def receptive_field(layers: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Receptive field and jump after each layer of a stack of ``(kernel, stride)`` layers.

    The *receptive field* ``r`` is how many input pixels (along one axis) one output unit sees;
    the *jump* ``j`` is how many input pixels apart two neighbouring output units are.
    Starting from ``r = j = 1``, a layer with kernel ``k`` and stride ``s`` gives
    ``r + (k - 1) * j`` and ``j * s``. Returns ``[(r, j), ...]``, one pair per layer.
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence) or len(layers) == 0:
        raise TypeError("layers must be a non-empty list of (kernel, stride) pairs, e.g. [(3, 1), (2, 2)]")
    r, j, out = 1, 1, []
    for item in layers:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise TypeError(f"each layer must be a (kernel, stride) pair, got {item!r}")
        k = check_int(item[0], "kernel", minimum=1)
        s = check_int(item[1], "stride", minimum=1)
        r, j = r + (k - 1) * j, j * s
        out.append((r, j))
    return out


def augmentation_figure(originals: Any, augmented: Any, *,
                        title: str = "Digits and randomly augmented copies") -> plt.Figure:
    """Top row: the original images; each row below: one augmented copy of each (grey images)."""
    originals = as_array(originals, "originals", ndim=3)
    augmented = as_array(augmented, "augmented", ndim=4)
    if augmented.shape[1:] != originals.shape:
        raise ValueError(f"augmented must have shape (copies, {', '.join(map(str, originals.shape))}), "
                         f"got {augmented.shape}")
    rows, cols = 1 + augmented.shape[0], originals.shape[0]
    fig, axes = plt.subplots(rows, cols, figsize=(1.3 * cols, 1.4 * rows), squeeze=False)
    for c in range(cols):
        for r in range(rows):
            image = originals[c] if r == 0 else augmented[r - 1, c]
            axes[r, c].imshow(image, cmap="gray_r", vmin=0, vmax=1)
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
            axes[r, c].grid(False)
    axes[0, 0].set_ylabel("original")
    for r in range(1, rows):
        axes[r, 0].set_ylabel(f"copy {r}")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


# --- the negation task: word order decides ----------------------------------------

#: The four kinds of sentence in :func:`make_negation_corpus`, in label-rule order.
NEGATION_KINDS: tuple[str, ...] = ("plain", "negated", "contrast", "corrected")


def make_negation_corpus(n_per_kind: int = 250, *, seed: int = 0) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Sentences whose sentiment depends on which word "not" stands before (MIT, this project's own).

    Four kinds (index in :data:`NEGATION_KINDS`), with adjectives from the chapter's word lists:

    - ``plain``: "the {subject} was {adj}": the adjective's sentiment;
    - ``negated``: "the {subject} was not {adj}": the opposite;
    - ``contrast``: "the {subject} was {a} , not {b}" (``a``, ``b`` of opposite sentiment): ``a``'s;
    - ``corrected``: "the {subject} was not {a} , it was {b}" (opposite sentiments): ``b``'s.

    In ``contrast`` and ``corrected`` sentences, swapping ``a`` and ``b`` keeps the same *bag* of words
    and flips the label, so a model that ignores word order can do no better than chance on them.
    Returns ``(sentences, labels, kinds)``, shuffled, all sentences distinct.
    """
    n_per_kind = check_int(n_per_kind, "n_per_kind", minimum=1, maximum=1000)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    adjs = (_NEGATIVE, _POSITIVE)
    rows: list[tuple[str, int, int]] = []
    for kind in range(len(NEGATION_KINDS)):
        seen: set[str] = set()
        while len(seen) < n_per_kind:
            subject = rng.choice(_SUBJECTS)
            first = int(rng.integers(2))
            a, b = rng.choice(adjs[first]), rng.choice(adjs[1 - first])
            if kind == 0:
                text, label = f"the {subject} was {a}", first
            elif kind == 1:
                text, label = f"the {subject} was not {a}", 1 - first
            elif kind == 2:
                text, label = f"the {subject} was {a} , not {b}", first
            else:
                text, label = f"the {subject} was not {a} , it was {b}", 1 - first
            if text not in seen:
                seen.add(text)
                rows.append((text, label, kind))
    order = rng.permutation(len(rows))
    return ([rows[i][0] for i in order], np.asarray([rows[i][1] for i in order], dtype=np.int64),
            np.asarray([rows[i][2] for i in order], dtype=np.int64))


def accuracy_by_kind(probabilities: Any, labels: Any, kinds: Any) -> dict[str, float]:
    """Accuracy (threshold 0.5) on each kind of :data:`NEGATION_KINDS` sentence present in ``kinds``."""
    p = as_array(probabilities, "probabilities").reshape(-1)
    y = as_array(labels, "labels", ndim=1, dtype=int)
    k = as_array(kinds, "kinds", ndim=1, dtype=int)
    check_same_length(p, y, "probabilities", "labels")
    check_same_length(y, k, "labels", "kinds")
    if np.any(np.isnan(p)):
        raise ValueError("probabilities contain NaN")
    correct = (p >= 0.5).astype(int) == y
    return {name: float(correct[k == i].mean()) for i, name in enumerate(NEGATION_KINDS) if np.any(k == i)}


# --- attention from scratch ----------------------------------------------------------

def softmax(x: Any, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``."""
    x = as_array(x, "x")
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def scaled_dot_product_attention(q: Any, k: Any, v: Any) -> tuple[np.ndarray, np.ndarray]:
    """``softmax(q kᵀ / sqrt(d)) v`` over the last two axes; returns ``(output, weights)``.

    ``q``: ``(..., n_queries, d)``, ``k``: ``(..., n_keys, d)``, ``v``: ``(..., n_keys, d_v)``.
    Row ``i`` of ``weights`` says how much query ``i`` takes from each key's value; it sums to 1.
    """
    q, k, v = (as_array(a, name) for a, name in ((q, "q"), (k, "k"), (v, "v")))
    if q.ndim < 2 or k.ndim != q.ndim or v.ndim != q.ndim:
        raise ValueError(f"q, k, v must have the same number (>= 2) of axes, got {q.ndim}, {k.ndim}, {v.ndim}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must have the same last axis (d), got {q.shape[-1]} and {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must have as many rows (keys), got {k.shape[-2]} and {v.shape[-2]}")
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    weights = softmax(scores, axis=-1)
    return weights @ v, weights


def multi_head_attention(x: Any, weights: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Self-attention of ``x`` (``(n, d)`` or ``(batch, n, d)``) with the weights of a Keras
    ``MultiHeadAttention`` layer, in the order ``layer.get_weights()`` returns them:
    query kernel ``(d, heads, key_dim)`` and bias, key kernel and bias, value kernel and bias,
    output kernel ``(heads, key_dim, d)`` and bias. Returns ``(output, weights per head)``.
    """
    x = as_array(x, "x")
    if x.ndim not in (2, 3):
        raise ValueError(f"x must have shape (n, d) or (batch, n, d), got {x.shape}")
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or len(weights) != 8:
        raise ValueError("weights must be the 8 arrays of MultiHeadAttention.get_weights() "
                         "(query, key, value and output kernels, each with its bias)")
    wq, bq, wk, bk, wv, bv, wo, bo = (np.asarray(w, dtype=float) for w in weights)
    if wq.ndim != 3 or wq.shape[0] != x.shape[-1]:
        raise ValueError(f"the query kernel must have shape (d={x.shape[-1]}, heads, key_dim), got {wq.shape}")
    q = np.einsum("...nd,dhk->...hnk", x, wq) + bq[:, None, :]
    k = np.einsum("...nd,dhk->...hnk", x, wk) + bk[:, None, :]
    v = np.einsum("...nd,dhk->...hnk", x, wv) + bv[:, None, :]
    heads, attention = scaled_dot_product_attention(q, k, v)
    return np.einsum("...hnk,hkd->...nd", heads, wo) + bo, attention


def attention_figure(weights: Any, tokens: Sequence[str], *, title: str = "Attention weights") -> plt.Figure:
    """Heat map of one head's attention weights: row = query word, column = the word it attends to."""
    w = as_array(weights, "weights", ndim=2)
    if w.shape != (len(tokens), len(tokens)):
        raise ValueError(f"weights has shape {w.shape}, expected ({len(tokens)}, {len(tokens)}) for the tokens")
    fig, ax = plt.subplots(figsize=(5.2, 4.4))
    image = ax.imshow(w, cmap="viridis", vmin=0, vmax=max(float(w.max()), 1e-9))
    ax.set_xticks(range(len(tokens)), tokens, rotation=45, ha="right")
    ax.set_yticks(range(len(tokens)), tokens)
    ax.set_xlabel("attended word (key)")
    ax.set_ylabel("attending word (query)")
    ax.grid(False)
    fig.colorbar(image, ax=ax, label="weight")
    ax.set_title(title)
    fig.tight_layout()
    return fig


# --- spoken words, synthesised by espeak-ng -----------------------------------------

#: The words of the speech task (a few of Speech Commands' keywords), in label order.
SPEECH_WORDS: tuple[str, ...] = ("yes", "no", "up", "down", "left", "right", "stop", "go")
#: espeak-ng voices (accents) with a voice variant each: several synthetic "speakers".
SPEECH_VOICES: tuple[str, ...] = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029",
                                  "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us+f2", "en-gb+f3", "en-us+m3")


def espeak_available(program: str = "espeak-ng") -> bool:
    """True if the ``espeak-ng`` speech synthesiser (or ``program``) is installed (``apt-get install espeak-ng``)."""
    if not isinstance(program, str) or not program:
        raise TypeError(f"program must be the name of a program, got {program!r}")
    return shutil.which(program) is not None


def speak(word: str, *, voice: str = "en-us", speed: int = 150, pitch: int = 50, rate: int = 8000,
          duration: float = 1.0) -> np.ndarray:
    """``word`` spoken by espeak-ng (synthetic speech), as ``float32`` samples at ``rate`` Hz,
    scaled to peak 1, and cut or padded with silence to ``duration`` seconds."""
    import wave

    from scipy.signal import resample_poly

    if not isinstance(word, str) or not re.fullmatch(r"[a-z ]+", word):
        raise ValueError(f"word must be lower-case letters, got {word!r}")
    if not isinstance(voice, str) or not re.fullmatch(r"[a-z0-9+-]+", voice):
        raise ValueError(f"voice must be an espeak-ng voice name such as 'en-us', got {voice!r}")
    speed = check_int(speed, "speed", minimum=80, maximum=450)
    pitch = check_int(pitch, "pitch", minimum=0, maximum=99)
    rate = check_int(rate, "rate", minimum=1000, maximum=22050)
    duration = check_float(duration, "duration", minimum=0.0, strict_minimum=True)
    if not espeak_available():
        raise RuntimeError("espeak-ng is not installed (on Debian or Ubuntu: apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "word.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(path), word],
                       check=True, capture_output=True)
        with wave.open(str(path)) as f:
            source_rate = f.getframerate()
            samples = np.frombuffer(f.readframes(f.getnframes()), dtype=np.int16).astype(np.float64)
    from math import gcd
    g = gcd(rate, source_rate)
    signal = resample_poly(samples, rate // g, source_rate // g)
    signal = signal / (np.abs(signal).max() or 1.0)
    n = int(rate * duration)
    out = np.zeros(n, dtype=np.float32)
    out[: min(n, len(signal))] = signal[:n]
    return out


def make_speech_dataset(words: Sequence[str] = SPEECH_WORDS, voices: Sequence[str] = SPEECH_VOICES, *,
                        speeds: Sequence[int] = (120, 160, 200), pitches: Sequence[int] = (30, 50, 70),
                        rate: int = 8000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every word in every voice at every speed and pitch: ``(signals, labels, voice_index)``.

    Labels index ``words``; ``voice_index`` indexes ``voices``, so that a split can keep some
    voices (speakers) out of training entirely.
    """
    for name, seq in (("words", words), ("voices", voices), ("speeds", speeds), ("pitches", pitches)):
        if isinstance(seq, str) or not isinstance(seq, Sequence) or len(seq) == 0:
            raise TypeError(f"{name} must be a non-empty list")
    signals, labels, voice_ids = [], [], []
    for v, voice in enumerate(voices):
        for w, word in enumerate(words):
            for speed in speeds:
                for pitch in pitches:
                    signals.append(speak(word, voice=voice, speed=speed, pitch=pitch, rate=rate))
                    labels.append(w)
                    voice_ids.append(v)
    return np.stack(signals), np.asarray(labels, dtype=np.int64), np.asarray(voice_ids, dtype=np.int64)


# --- explorers (they work in Jupyter and on the static page) -----------------------

def feature_map_table(image: Any, kernel: str) -> Any:
    """The 2×2 max-pooled feature map (after ReLU) of ``image`` under the hand-made ``kernel``, one row per pixel."""
    import pandas as pd

    image = as_array(image, "image", ndim=2)
    name = check_choice(kernel, "kernel", KERNELS)
    fmap = max_pool2d(np.maximum(convolve2d(image, KERNELS[name]), 0), 2)
    rows, cols = np.indices(fmap.shape)
    return pd.DataFrame({"row": rows.ravel(), "column": cols.ravel(), "response": np.round(fmap.ravel(), 3)})


def feature_map_explorer(images: Any, labels: Any, indices: Sequence[int] = (0, 1, 2, 3)) -> widgets.Explorer:
    """Pick one of a few digits and a hand-made filter; see the feature map (after ReLU) and its pooled version."""
    images = as_array(images, "images", ndim=3)
    labels = as_array(labels, "labels", ndim=1, dtype=int)
    check_same_length(images, labels, "images", "labels")
    if isinstance(indices, (str, bytes)) or not isinstance(indices, Sequence) or not indices:
        raise TypeError("indices must be a non-empty list of image indices")
    picks = [check_int(i, "indices", minimum=0, maximum=len(images) - 1) for i in indices]
    names = {f"digit {labels[i]} (image {i})": i for i in picks}

    def compute(digit: str, kernel: str) -> Any:
        return feature_map_table(images[names[digit]] / 255.0, kernel)

    def render(frame: Any, digit: str, kernel: str) -> plt.Figure:
        return feature_map_figure(images[names[digit]] / 255.0, kernel, title=f"{digit} through the '{kernel}' filter")

    def chart(base: Any) -> Any:
        return base.mark_rect().encode(
            x="column:O", y="row:O",
            color={"field": "response", "type": "quantitative", "scale": {"scheme": "magma"}},
            tooltip=["row", "column", "response"]).properties(width=260, height=260, title="feature map (ReLU), 2×2 max pooled")

    return widgets.Explorer(
        controls={"digit": widgets.Choice(list(names), list(names)[0], label="digit"),
                  "kernel": widgets.Choice(list(KERNELS), "vertical edges", label="filter")},
        compute=compute, render=render, chart=chart, title="Feature-map explorer",
        description="The feature map of a digit under a hand-made 3×3 filter; the controls choose the digit and the filter.")


def sentence_table(model: Any, vocab: dict[str, int], sentence: str) -> Any:
    """Each word's contribution to the text model's logit, one row per word, and p(positive)."""
    import pandas as pd

    tokens, contributions, p = token_contributions(model, vocab, sentence)
    return pd.DataFrame({"position": np.arange(len(tokens)), "word": tokens,
                         "contribution": np.round(contributions, 4), "p_positive": round(p, 3)})


def sentence_explorer(model: Any, vocab: dict[str, int], sentences: Sequence[str]) -> widgets.Explorer:
    """Choose one of ``sentences``; see each word's contribution and the predicted sentiment."""
    if isinstance(sentences, str) or not isinstance(sentences, Sequence) or not sentences:
        raise TypeError("sentences must be a non-empty list of strings")
    for s in sentences:
        if not isinstance(s, str) or not tokenize(s):
            raise ValueError(f"every sentence must contain words, got {s!r}")

    def compute(sentence: str) -> Any:
        return sentence_table(model, vocab, sentence)

    def render(frame: Any, sentence: str) -> plt.Figure:
        return sentence_figure(model, vocab, sentence)

    def chart(base: Any) -> Any:
        return base.mark_bar().encode(
            x={"field": "word", "type": "nominal", "sort": {"field": "position"}},
            y="contribution:Q",
            color={"condition": {"test": "datum.contribution > 0", "value": PALETTE[2]}, "value": PALETTE[3]},
            tooltip=["word", "contribution", "p_positive"]).properties(width=420, height=220,
                                                                     title="contribution of each word to the logit")

    return widgets.Explorer(controls={"sentence": widgets.Choice(list(sentences), sentences[0], label="sentence")},
                            compute=compute, render=render, chart=chart, title="Sentence explorer",
                            description="Each word's push towards positive or negative for the chosen sentence.")


def spectrogram_table(kind: str, frame: int, *, rate: int = 4000, seed: int = 0) -> Any:
    """The spectrogram of one synthetic signal, one row per (time, frequency) cell."""
    import pandas as pd

    signal = synth_signal(kind, rate=rate, seed=seed)
    spec = spectrogram(signal, frame=frame, hop=frame // 2)
    t, f = np.indices(spec.shape)
    return pd.DataFrame({"time": np.round(t.ravel() * (frame // 2) / rate, 4),
                         "frequency": np.round(f.ravel() * rate / frame, 1),
                         "magnitude": np.round(spec.ravel(), 1)})


def audio_explorer(rate: int = 4000) -> widgets.Explorer:
    """Choose a synthetic signal and the frame length; see its spectrogram (the time-frequency trade-off)."""
    rate = check_int(rate, "rate", minimum=1000)

    def compute(kind: str, frame: int) -> Any:
        return spectrogram_table(kind, frame, rate=rate)

    def render(table: Any, kind: str, frame: int) -> plt.Figure:
        return audio_figure(synth_signal(kind, rate=rate), rate=rate, label=kind, frame=frame, hop=frame // 2)

    def chart(base: Any) -> Any:
        return base.mark_rect().encode(
            x="time:O", y={"field": "frequency", "type": "ordinal", "sort": "descending"},
            color={"field": "magnitude", "type": "quantitative", "scale": {"scheme": "magma"}},
            tooltip=["time", "frequency", "magnitude"]).properties(width=420, height=260, title="spectrogram")

    return widgets.Explorer(
        controls={"kind": widgets.Choice(list(AUDIO_CLASSES), "chirp", label="signal"),
                  "frame": widgets.Choice([64, 256], 64, label="frame length")},
        compute=compute, render=render, chart=chart, title="Spectrogram explorer",
        description="The spectrogram of a synthetic signal; the controls choose the signal and the frame length.")


# --- exercise checkers -------------------------------------------------------

def check_feature_map(answer: Any, image: Any, kernel: Any) -> Feedback:
    """Check a learner's valid convolution of ``image`` with ``kernel``."""
    expected = convolve2d(image, kernel)
    got = np.asarray(answer, dtype=float) if not isinstance(answer, (str, dict)) else answer
    flipped = convolve2d(image, np.asarray(kernel, dtype=float)[::-1, ::-1])
    hint = ""
    if isinstance(got, np.ndarray) and got.shape == expected.shape and np.allclose(got, flipped) \
            and not np.allclose(got, expected):
        hint = "you flipped the kernel: deep-learning 'convolution' slides it unflipped"
    elif isinstance(got, np.ndarray) and got.ndim == 2 and got.shape == np.asarray(image).shape:
        hint = "same size as the image: a 'valid' convolution has no padding, so it is smaller"
    return check_array(got, expected=expected, name="feature map", hint=hint)


def check_pooled(answer: Any, feature_map: Any, size: int = 2) -> Feedback:
    """Check a learner's max pooling; the message says if they averaged instead."""
    expected = max_pool2d(feature_map, size)
    fmap = np.asarray(feature_map, dtype=float)
    h, w = expected.shape
    averaged = fmap[:h * size, :w * size].reshape(h, size, w, size).mean(axis=(1, 3))
    got = np.asarray(answer, dtype=float)
    hint = "these are averages: max pooling keeps the largest value of each window" \
        if got.shape == averaged.shape and np.allclose(got, averaged) and not np.allclose(got, expected) else ""
    return check_array(got, expected=expected, name="pooled map", hint=hint)


def check_accuracy(answer: Any, expected: float) -> Feedback:
    """Check an accuracy the learner computed (within 0.001)."""
    return check_scalar(answer, expected=expected, name="accuracy", atol=1e-3, rtol=0)


def check_negated(neg_texts: Any, neg_labels: Any, texts: Sequence[str], labels: Any) -> Feedback:
    """Check negated copies of ``texts``: the first " was " becomes " was not " and the label flips.

    Every sentence of ``texts`` that contains " was " must have exactly one copy (in any order).
    """
    if isinstance(neg_texts, str) or not isinstance(neg_texts, Sequence):
        return Feedback(False, [f"the negated sentences should be a list of strings, got {type(neg_texts).__name__}"])
    neg_labels = np.asarray(neg_labels).ravel()
    if len(neg_texts) != len(neg_labels):
        return Feedback(False, [f"{len(neg_texts)} negated sentences but {len(neg_labels)} labels: "
                                "there must be one label per sentence"])
    labels = np.asarray(labels).ravel()
    expected = Counter((t.replace(" was ", " was not ", 1), 1 - int(y))
                       for t, y in zip(texts, labels) if " was " in t)
    got = Counter((str(t), int(y)) for t, y in zip(neg_texts, neg_labels))
    if got == expected:
        return Feedback(True, [f"{len(neg_texts)} negated sentences, each with 'was not' and the opposite label"])
    problems = [f"{len(neg_texts)} negated sentences, expected {sum(expected.values())} "
                "(one for every sentence that contains ' was ')"] if len(neg_texts) != sum(expected.values()) else []
    expected_texts = Counter(t for t, _ in expected.elements())
    got_texts = Counter(t for t, _ in got.elements())
    unflipped = sum(((Counter((t, 1 - y) for t, y in expected.elements())) & got).values())
    if unflipped:
        problems.append(f"{unflipped} sentences keep their original label: 'was not great' is negative, "
                        "so each negated copy gets the opposite label (1 - y)")
    without_not = [t for t in got_texts if " not " not in f" {t} "]
    if without_not:
        problems.append(f"{len(without_not)} sentences contain no 'not', e.g. {without_not[0]!r}: "
                        "insert it after 'was'")
    wrong_text = sum((got_texts - expected_texts).values())
    if wrong_text and not without_not:
        example = next(iter(got_texts - expected_texts))
        problems.append(f"{wrong_text} sentences are not the expected negations, e.g. {example!r}: replace only "
                        "the first ' was ' with ' was not ' (spaces included, so 'wasn't' etc. are untouched)")
    missing = sum((expected_texts - got_texts).values())
    if missing and len(neg_texts) == sum(expected.values()) and not wrong_text:
        problems.append(f"{missing} expected sentences are missing and others are repeated")
    if not problems:
        problems.append("the negated sentences or their labels do not match the originals")
    return Feedback(False, problems)


def check_noise_accuracies(levels: Any, accuracies: Any, *, classes: int = len(AUDIO_CLASSES)) -> Feedback:
    """Check accuracies measured at increasing noise levels: fractions, high at low noise, falling with noise."""
    try:
        levels = np.asarray(levels, dtype=float).ravel()
        acc = np.asarray(accuracies, dtype=float).ravel()
    except (TypeError, ValueError):
        return Feedback(False, ["levels and accuracies should be lists of numbers"])
    if len(levels) != len(acc):
        return Feedback(False, [f"{len(levels)} noise levels but {len(acc)} accuracies: one accuracy per level"])
    if len(acc) < 2:
        return Feedback(False, ["measure at least two noise levels to see a trend"])
    if np.any(np.diff(levels) <= 0):
        return Feedback(False, ["list the noise levels in increasing order, with their accuracies in the same order"])
    if not np.all(np.isfinite(acc)):
        return Feedback(False, ["some accuracies are NaN or infinite"])
    if acc.max() > 1:
        hint = "percentages? give fractions between 0 and 1" if acc.max() <= 100 else ""
        return Feedback(False, [f"accuracies go up to {acc.max():g}; an accuracy is between 0 and 1"]
                        + ([hint] if hint else []))
    problems = []
    chance = 1 / classes
    if acc[0] < 0.8:
        problems.append(f"accuracy at the lowest noise ({levels[0]:g}) is {acc[0]:.2f}, but the model scores "
                        "over 0.9 at its training noise level: did you take evaluate(...)[0] (the loss) "
                        "instead of [1], or forget the spectrogram or its channel axis [..., None]?")
    if acc[-1] > acc[0]:
        problems.append(f"accuracy rises from {acc[0]:.2f} to {acc[-1]:.2f} as the noise grows: "
                        "check that each accuracy belongs to its level")
    elif acc[-1] > 0.8:
        problems.append(f"accuracy at noise {levels[-1]:g} is still {acc[-1]:.2f}: did you pass noise=level "
                        "to make_audio_dataset?")
    if problems:
        return Feedback(False, problems)
    return Feedback(True, [f"accuracy falls from {acc[0]:.2f} at noise {levels[0]:g} to {acc[-1]:.2f} at "
                           f"{levels[-1]:g} (chance is {chance:.2f})"])
