"""FAQ 3, "How do I improve a model's performance?".

One baseline (Chapter 5's network trained with plain SGD) and a list of
changes, each described by a :class:`Recipe` and measured by :func:`run_recipe`
with the same data, the same seed and the same number of epochs. The changes
are the usual suspects: input scaling (:func:`scale_inputs`), a better
optimizer or learning rate, batch normalization, data augmentation
(:func:`shift_images`, :func:`augment_with_shifts`) and ensembling
(:func:`ensemble_accuracy`). :func:`gains_table` and :func:`plot_gains` put the
gains side by side with the seed-to-seed noise, so that a change that does not
help is reported as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .cache import cached
from .exercises import Feedback, check_array, check_scalar, combine
from .plotting import PALETTE
from .training import STEPS_PER_EXECUTION, fit as fit_model, predict_proba
from .validation import as_array, check_choice, check_float, check_int, check_same_length

__all__ = [
    "SCALINGS",
    "OPTIMIZERS",
    "shift_images",
    "augment_with_shifts",
    "scale_inputs",
    "build_model",
    "Recipe",
    "BASELINE",
    "Run",
    "run_recipe",
    "ensemble_accuracy",
    "verdict",
    "gains_table",
    "plot_gains",
    "check_standardized",
    "check_gain_verdict",
    "check_ensemble_accuracy",
]

#: How :func:`scale_inputs` may prepare pixels.
SCALINGS: tuple[str, ...] = ("raw", "unit", "standard")
#: Optimizers a :class:`Recipe` may name.
OPTIMIZERS: tuple[str, ...] = ("sgd", "adam")


def _check_images(images: Any, name: str) -> np.ndarray:
    images = as_array(images, name, ndim=3, dtype=None)
    if images.size and (images.min() < 0 or images.max() > 255):
        raise ValueError(f"{name} must hold raw pixel values in 0..255")
    return images


def shift_images(images: Any, dx: int, dy: int) -> np.ndarray:
    """Shift every image ``dx`` pixels right and ``dy`` pixels down, filling with 0 (background).

    Negative values shift left / up. Pixels pushed over the edge are lost.
    """
    images = _check_images(images, "images")
    _, h, w = images.shape
    dx = check_int(dx, "dx", minimum=-(w - 1), maximum=w - 1)
    dy = check_int(dy, "dy", minimum=-(h - 1), maximum=h - 1)
    out = np.zeros_like(images)
    src_y = slice(max(0, -dy), h - max(0, dy))
    dst_y = slice(max(0, dy), h - max(0, -dy))
    src_x = slice(max(0, -dx), w - max(0, dx))
    dst_x = slice(max(0, dx), w - max(0, -dx))
    out[:, dst_y, dst_x] = images[:, src_y, src_x]
    return out


def augment_with_shifts(
    images: Any,
    labels: Any,
    *,
    copies: int = 1,
    max_shift: int = 2,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """The originals plus ``copies`` randomly shifted versions of each image (labels repeated).

    Each copy of each image moves by a random whole number of pixels in
    ``[-max_shift, max_shift]`` in each direction; a shifted digit is still the
    same digit, so the label is kept. Returns ``(n × (copies + 1))`` examples.
    """
    images = _check_images(images, "images")
    labels = as_array(labels, "labels", ndim=1, dtype=None)
    check_same_length(images, labels, "images", "labels")
    copies = check_int(copies, "copies", minimum=0)
    max_shift = check_int(max_shift, "max_shift", minimum=0, maximum=images.shape[1] - 1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    out_x, out_y = [images], [labels]
    for _ in range(copies):
        shifts = rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))
        shifted = np.empty_like(images)
        for (dx, dy) in {tuple(s) for s in shifts.tolist()}:
            mask = (shifts[:, 0] == dx) & (shifts[:, 1] == dy)
            shifted[mask] = shift_images(images[mask], dx, dy)
        out_x.append(shifted)
        out_y.append(labels)
    return np.concatenate(out_x), np.concatenate(out_y)


def scale_inputs(train_images: Any, other_images: Any, scaling: str = "unit") -> tuple[np.ndarray, np.ndarray]:
    """Flatten images to ``float32`` rows and scale them, using training statistics only.

    - ``"raw"``: pixel values as they are, 0–255;
    - ``"unit"``: divided by 255, so in [0, 1] (Chapter 5);
    - ``"standard"``: per pixel, minus the *training* mean and divided by the
      *training* standard deviation (plus 1e-3 for pixels that never vary).

    ``other_images`` (validation or test data) is transformed with the same
    numbers as the training images: never with its own statistics.
    """
    train = _check_images(train_images, "train_images")
    other = _check_images(other_images, "other_images")
    check_choice(scaling, "scaling", SCALINGS)
    a = train.reshape(len(train), -1).astype("float32")
    b = other.reshape(len(other), -1).astype("float32")
    if scaling == "unit":
        a, b = a / 255, b / 255
    elif scaling == "standard":
        mean = a.mean(axis=0)
        std = a.std(axis=0) + 1e-3 * 255
        a, b = (a - mean) / std, (b - mean) / std
    return a, b


def build_model(
    *,
    hidden_units: int = 128,
    optimizer: str = "sgd",
    learning_rate: float = 0.01,
    batch_norm: bool = False,
    inputs: int = 28 * 28,
) -> Any:
    """Chapter 5's network (one ``Dense`` ReLU hidden layer), optionally with batch normalization.

    With ``batch_norm``, a ``BatchNormalization`` layer sits between the hidden
    layer's weighted sums and its ReLU. Compiled with sparse categorical
    cross-entropy and the named optimizer at ``learning_rate``.
    """
    import keras

    hidden_units = check_int(hidden_units, "hidden_units", minimum=1)
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    if not isinstance(batch_norm, bool):
        raise TypeError(f"batch_norm must be True or False, got {type(batch_norm).__name__}")
    layers: list[Any] = [keras.Input(shape=(inputs,))]
    if batch_norm:
        layers += [keras.layers.Dense(hidden_units, use_bias=False), keras.layers.BatchNormalization(),
                   keras.layers.Activation("relu")]
    else:
        layers.append(keras.layers.Dense(hidden_units, activation="relu"))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    opt = (keras.optimizers.SGD(learning_rate) if optimizer == "sgd"
           else keras.optimizers.Adam(learning_rate))
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=STEPS_PER_EXECUTION)
    return model


@dataclass(frozen=True)
class Recipe:
    """Everything that defines one training run; change one field to test one idea."""

    name: str = "baseline"
    scaling: str = "unit"
    optimizer: str = "sgd"
    learning_rate: float = 0.01
    batch_norm: bool = False
    augment: bool = False
    hidden_units: int = 128
    epochs: int = 5
    batch_size: int = 64

    def but(self, name: str, **changes: Any) -> Recipe:
        """A copy with a new ``name`` and the given fields changed."""
        return replace(self, name=name, **changes)


#: The baseline every change is measured against: Chapter 5's network, inputs
#: in [0, 1], plain SGD at learning rate 0.01, 5 epochs of batches of 64.
BASELINE = Recipe()


@dataclass(frozen=True)
class Run:
    """The outcome of one recipe: validation accuracy and predicted probabilities."""

    name: str
    val_accuracy: float
    probabilities: np.ndarray


@cached
def run_recipe(recipe: Recipe, images: Any, labels: Any, val_images: Any, val_labels: Any,
               *, seed: int = 0) -> Run:
    """Train ``recipe`` on raw ``(images, labels)``; measure it on the validation images.

    Scaling and augmentation are part of the recipe, so both take raw
    ``uint8`` images of shape ``(n, 28, 28)``. Seeded: the same recipe and seed
    give the same numbers.
    """
    import keras

    if not isinstance(recipe, Recipe):
        raise TypeError(f"recipe must be a Recipe, got {type(recipe).__name__}")
    images = _check_images(images, "images")
    val_images = _check_images(val_images, "val_images")
    labels = as_array(labels, "labels", ndim=1, dtype=int)
    val_labels = as_array(val_labels, "val_labels", ndim=1, dtype=int)
    check_same_length(images, labels, "images", "labels")
    check_same_length(val_images, val_labels, "val_images", "val_labels")
    seed = check_int(seed, "seed", minimum=0)
    if recipe.augment:
        images, labels = augment_with_shifts(images, labels, copies=1, max_shift=2, seed=seed)
    x, x_val = scale_inputs(images, val_images, recipe.scaling)
    keras.utils.set_random_seed(seed)
    model = build_model(hidden_units=recipe.hidden_units, optimizer=recipe.optimizer,
                        learning_rate=recipe.learning_rate, batch_norm=recipe.batch_norm,
                        inputs=x.shape[1])
    fit_model(model, x, labels, epochs=check_int(recipe.epochs, "epochs", minimum=1),
              batch_size=check_int(recipe.batch_size, "batch_size", minimum=1), verbose=0)
    probabilities = predict_proba(model, x_val)
    accuracy = float(np.mean(probabilities.argmax(axis=1) == val_labels))
    return Run(recipe.name, accuracy, probabilities)


def ensemble_accuracy(probabilities: Sequence[Any], labels: Any) -> float:
    """Accuracy of the average of several models' predicted probabilities."""
    if isinstance(probabilities, np.ndarray) and probabilities.ndim == 2:
        raise TypeError("probabilities must be a list of (n, classes) arrays, one per model")
    if not isinstance(probabilities, (Sequence, np.ndarray)) or len(probabilities) == 0:
        raise TypeError("probabilities must be a non-empty list of (n, classes) arrays")
    arrays = [as_array(p, "probabilities[i]", ndim=2) for p in probabilities]
    labels = as_array(labels, "labels", ndim=1, dtype=int)
    if len({a.shape for a in arrays}) != 1:
        raise ValueError("all probability arrays must have the same shape")
    check_same_length(arrays[0], labels, "probabilities[i]", "labels")
    mean = np.mean(arrays, axis=0)
    return float(np.mean(mean.argmax(axis=1) == labels))


def verdict(delta: float, noise: float) -> str:
    """"helps" / "hurts" when ``|delta|`` exceeds two seed standard deviations, else "within noise"."""
    delta = check_float(delta, "delta")
    noise = check_float(noise, "noise", minimum=0.0)
    if delta > 2 * noise:
        return "helps"
    if delta < -2 * noise:
        return "hurts"
    return "within noise"


def _check_rows(rows: Any) -> list[tuple[str, float]]:
    if not isinstance(rows, Sequence) or isinstance(rows, str) or len(rows) == 0:
        raise TypeError("rows must be a non-empty list of (name, accuracy) pairs")
    out = []
    for row in rows:
        if not (isinstance(row, tuple) and len(row) == 2 and isinstance(row[0], str)):
            raise TypeError(f"each row must be a (name, accuracy) pair, got {row!r}")
        out.append((row[0], check_float(row[1], f"accuracy of {row[0]!r}", minimum=0.0, maximum=1.0)))
    return out


def gains_table(rows: Sequence[tuple[str, float]], baseline: float, noise: float) -> str:
    """One line per change: validation accuracy, gain over ``baseline``, verdict against ``noise``."""
    rows = _check_rows(rows)
    baseline = check_float(baseline, "baseline", minimum=0.0, maximum=1.0)
    noise = check_float(noise, "noise", minimum=0.0)
    width = max(len(name) for name, _ in rows) + 2
    lines = [f"{'change':<{width}}{'val acc':>8}{'gain':>9}  verdict (noise: 2 × {noise:.3f})"]
    for name, acc in rows:
        delta = acc - baseline
        lines.append(f"{name:<{width}}{acc:>8.3f}{delta:>+9.3f}  {verdict(delta, noise)}")
    return "\n".join(lines)


def plot_gains(rows: Sequence[tuple[str, float]], baseline: float, noise: float,
               *, title: str = "Gain over the baseline") -> plt.Figure:
    """Horizontal bars of each change's gain, with the ± 2-standard-deviation noise band shaded."""
    rows = _check_rows(rows)
    baseline = check_float(baseline, "baseline", minimum=0.0, maximum=1.0)
    noise = check_float(noise, "noise", minimum=0.0)
    names = [n for n, _ in rows][::-1]
    deltas = np.array([a - baseline for _, a in rows])[::-1]
    colors = [PALETTE[2] if d > 2 * noise else PALETTE[3] if d < -2 * noise else "#999999" for d in deltas]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(rows) + 1.4))
    ax.barh(names, deltas, color=colors)
    ax.axvspan(-2 * noise, 2 * noise, color="#cccccc", alpha=0.5, label="seed noise (± 2 sd)")
    ax.axvline(0, color="black", lw=0.8)
    for i, d in enumerate(deltas):
        ax.text(d, i, f" {d:+.3f} ", va="center", ha="left" if d >= 0 else "right", fontsize=9)
    lo, hi = min(deltas.min(), -2 * noise), max(deltas.max(), 2 * noise)
    pad = 0.25 * (hi - lo) + 1e-3
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_xlabel(f"validation accuracy minus baseline ({baseline:.3f})")
    ax.set_ylabel("change")
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


# --- exercise checkers -------------------------------------------------------

def check_standardized(x_train: Any, x_val: Any, train_images: Any, val_images: Any) -> Feedback:
    """Check a learner's standardization: training statistics applied to both sets."""
    expected_train, expected_val = scale_inputs(train_images, val_images, "standard")
    train_fb = check_array(x_train, expected=expected_train, name="standardized training data", rtol=1e-4,
                           atol=1e-4)
    hint = ""
    own_val, _ = scale_inputs(val_images, val_images, "standard")
    try:
        if np.allclose(np.asarray(x_val, dtype=float), own_val, atol=1e-4):
            hint = "the validation data must use the TRAINING mean and standard deviation, not its own"
    except (TypeError, ValueError):
        pass
    val_fb = check_array(x_val, expected=expected_val, name="standardized validation data", rtol=1e-4,
                         atol=1e-4, hint=hint)
    return combine(train_fb, val_fb)


def check_gain_verdict(gain: Any, said: Any, *, new: float, reference: float, noise: float) -> Feedback:
    """Check a measured gain (``new - reference``) and the verdict drawn from it."""
    new = check_float(new, "new")
    reference = check_float(reference, "reference")
    noise = check_float(noise, "noise", minimum=0.0)
    expected = new - reference
    hint = ""
    if isinstance(gain, (int, float, np.floating)) and not isinstance(gain, bool):
        if expected and np.isclose(float(gain), -expected, atol=5e-4):
            hint = "the sign is reversed: the gain is the NEW score minus the REFERENCE score"
        elif np.isclose(float(gain), new, atol=5e-4):
            hint = "that is the new accuracy itself; subtract the reference run's accuracy"
    gain_fb = check_scalar(gain, expected=expected, name="gain", atol=5e-4, rtol=0.0,
                           hint=hint or "compare with the recipe that differs ONLY in the change (same optimizer, same seed)")
    right = verdict(expected, noise)
    if not isinstance(said, str):
        verdict_fb = Feedback(False, [f"the verdict should be a string, got {type(said).__name__}"])
    elif said.strip().lower() == right:
        verdict_fb = Feedback(True, [f"verdict: {right}"])
    else:
        verdict_fb = Feedback(False, [f"verdict is {said!r}, expected {right!r}: a gain of {expected:+.3f} "
                                      f"against a noise band of ±{2 * noise:.3f} (two standard deviations)"])
    return combine(gain_fb, verdict_fb)


def check_ensemble_accuracy(answer: Any, probabilities: Sequence[Any], labels: Any) -> Feedback:
    """Check an ensemble accuracy computed by hand: average the probabilities, then take the argmax."""
    expected = ensemble_accuracy(probabilities, labels)
    labels = np.asarray(labels)
    singles = [float(np.mean(np.asarray(p).argmax(axis=1) == labels)) for p in probabilities]
    hint = ""
    if isinstance(answer, (int, float, np.floating)) and not isinstance(answer, bool):
        a = float(answer)
        if not np.isclose(a, expected, atol=1e-9) and np.isclose(a, float(np.mean(singles)), atol=1e-9):
            hint = ("that is the mean of the members' accuracies; an ensemble averages the PROBABILITIES, "
                    "then takes the argmax")
        elif a > 1.0:
            hint = "an accuracy is a fraction between 0 and 1, not a count or a percentage"
    return check_scalar(answer, expected=expected, name="ensemble accuracy", atol=1e-9, rtol=0.0,
                        hint=hint or "average the three (n, 10) probability arrays over the members (axis 0), "
                                     "argmax over the classes, compare with the labels")
