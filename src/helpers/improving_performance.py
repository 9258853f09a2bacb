"""FAQ 3, "How do I improve a model's performance?".

One baseline (Chapter 5's network with one hidden layer, trained with plain SGD) and a list of
recipes, each a :class:`Recipe` that differs from the baseline in one field and is trained by
:func:`train_recipe` with plain ``model.fit`` (validation data passed to ``fit``) and measured
with ``model.evaluate``. The notebook runs every recipe over the same seeds and the same split
(``helpers.experiments.run``) and judges it against the baseline with
``helpers.experiments.compare``: better, worse, or indistinguishable at this budget.

The recipes are the usual suspects: input scaling (:func:`scale_inputs`), a larger learning
rate, a learning-rate schedule (cosine decay), longer training, data augmentation
(:func:`shift_images`, :func:`augment_with_shifts`), ensembling (:func:`ensemble_accuracy`), a
different architecture (a small CNN) and more data. :func:`confused_pairs` and
:func:`confusion_matrix` do the error analysis of the best model; :func:`comparison_table`
prints the verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .exercises import Feedback, check_array, check_scalar, combine
from .validation import as_array, check_choice, check_float, check_int, check_same_length

__all__ = [
    "SCALINGS",
    "OPTIMIZERS",
    "SCHEDULES",
    "ARCHITECTURES",
    "shift_images",
    "augment_with_shifts",
    "scale_inputs",
    "Recipe",
    "BASELINE",
    "build_model",
    "train_recipe",
    "ensemble_accuracy",
    "comparison_table",
    "confusion_matrix",
    "confused_pairs",
    "check_standardized",
    "check_paired_interval",
    "check_ensemble_accuracy",
]

#: How :func:`scale_inputs` may prepare pixels.
SCALINGS: tuple[str, ...] = ("raw", "unit", "standard")
#: Optimizers a :class:`Recipe` may name.
OPTIMIZERS: tuple[str, ...] = ("sgd", "adam")
#: Learning-rate schedules: a constant rate, or cosine decay from it to 0 over the training steps.
SCHEDULES: tuple[str, ...] = ("constant", "cosine")
#: Architectures: Chapter 5's dense network, or a small convolutional network.
ARCHITECTURES: tuple[str, ...] = ("mlp", "cnn")


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


@dataclass(frozen=True)
class Recipe:
    """Everything that defines one training run; change one field to test one idea.

    ``n_train`` (``None``: all the training images given) uses only the first ``n_train``
    training images, to ask what more data is worth.
    """

    name: str = "baseline"
    scaling: str = "unit"
    optimizer: str = "sgd"
    learning_rate: float = 0.01
    schedule: str = "constant"
    augment: bool = False
    architecture: str = "mlp"
    hidden_units: int = 128
    epochs: int = 5
    batch_size: int = 64
    n_train: int | None = None

    def but(self, name: str, **changes: Any) -> Recipe:
        """A copy with a new ``name`` and the given fields changed."""
        return replace(self, name=name, **changes)


#: The baseline every recipe is measured against: Chapter 5's network with 128 hidden units,
#: inputs in [0, 1], plain SGD at a constant learning rate of 0.01, 5 epochs of batches of 64.
BASELINE = Recipe()


def _check_recipe(recipe: Any) -> Recipe:
    if not isinstance(recipe, Recipe):
        raise TypeError(f"recipe must be a Recipe, got {type(recipe).__name__}")
    check_choice(recipe.scaling, "recipe.scaling", SCALINGS)
    check_choice(recipe.optimizer, "recipe.optimizer", OPTIMIZERS)
    check_choice(recipe.schedule, "recipe.schedule", SCHEDULES)
    check_choice(recipe.architecture, "recipe.architecture", ARCHITECTURES)
    check_float(recipe.learning_rate, "recipe.learning_rate", minimum=0.0, strict_minimum=True)
    check_int(recipe.hidden_units, "recipe.hidden_units", minimum=1)
    check_int(recipe.epochs, "recipe.epochs", minimum=1)
    check_int(recipe.batch_size, "recipe.batch_size", minimum=1)
    if recipe.n_train is not None:
        check_int(recipe.n_train, "recipe.n_train", minimum=1)
    if not isinstance(recipe.augment, bool):
        raise TypeError(f"recipe.augment must be True or False, got {type(recipe.augment).__name__}")
    return recipe


def build_model(recipe: Recipe, steps: int) -> Any:
    """The compiled Keras model of ``recipe``; ``steps`` (the number of training steps) sets the schedule's length.

    ``"mlp"``: ``Input(784)``, ``Dense(hidden_units, relu)``, ``Dense(10, softmax)``.
    ``"cnn"``: two 3x3 ``Conv2D`` layers (16 and 32 filters, ReLU), each followed by 2x2
    max pooling, then ``Flatten``, ``Dense(64, relu)`` and ``Dense(10, softmax)``.
    With ``schedule="cosine"`` the learning rate falls from ``learning_rate`` to 0 along half
    a cosine over ``steps`` steps (``keras.optimizers.schedules.CosineDecay``).
    """
    import keras

    recipe = _check_recipe(recipe)
    steps = check_int(steps, "steps", minimum=1)
    if recipe.architecture == "mlp":
        model = keras.Sequential([
            keras.Input(shape=(28 * 28,)),
            keras.layers.Dense(recipe.hidden_units, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ])
    else:
        model = keras.Sequential([
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(16, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ])
    rate: Any = recipe.learning_rate
    if recipe.schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, decay_steps=steps)
    optimizer = keras.optimizers.SGD(rate) if recipe.optimizer == "sgd" else keras.optimizers.Adam(rate)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train_recipe(recipe: Recipe, seed: int, train: tuple[Any, Any], val: tuple[Any, Any]) -> dict[str, Any]:
    """Train ``recipe`` from ``seed`` on raw ``train = (images, labels)``; measure it on ``val``.

    Scaling and augmentation are part of the recipe, so both sets are raw ``uint8`` images of
    shape ``(n, 28, 28)``. The model is trained with ``model.fit(..., validation_data=...)``
    and measured with ``model.evaluate`` and ``model.predict``. Returns ``val_accuracy``,
    ``val_loss``, ``train_accuracy`` (of the last epoch's weights, on the un-augmented training
    images), ``steps`` and the validation ``probabilities`` (an ``(n_val, 10)`` array).
    """
    import keras

    recipe = _check_recipe(recipe)
    seed = check_int(seed, "seed", minimum=0)
    images, labels = _check_pair(train, "train")
    val_images, val_labels = _check_pair(val, "val")
    if recipe.n_train is not None:
        if recipe.n_train > len(images):
            raise ValueError(f"recipe.n_train is {recipe.n_train}, but train has only {len(images)} images")
        images, labels = images[:recipe.n_train], labels[:recipe.n_train]
    fit_images, fit_labels = images, labels
    if recipe.augment:
        fit_images, fit_labels = augment_with_shifts(images, labels, copies=1, max_shift=2, seed=seed)
    x_fit, x_val = scale_inputs(fit_images, val_images, recipe.scaling)
    _, x_train = scale_inputs(fit_images, images, recipe.scaling)
    if recipe.architecture == "cnn":
        x_fit, x_val, x_train = (a.reshape(-1, 28, 28, 1) for a in (x_fit, x_val, x_train))
    steps = recipe.epochs * int(np.ceil(len(x_fit) / recipe.batch_size))
    keras.utils.set_random_seed(seed)
    model = build_model(recipe, steps)
    model.fit(x_fit, fit_labels, epochs=recipe.epochs, batch_size=recipe.batch_size,
              validation_data=(x_val, val_labels), verbose=0)
    val_loss, val_accuracy = model.evaluate(x_val, val_labels, verbose=0)
    _, train_accuracy = model.evaluate(x_train, labels, verbose=0)
    probabilities = model.predict(x_val, verbose=0)
    return {"val_accuracy": float(val_accuracy), "val_loss": float(val_loss),
            "train_accuracy": float(train_accuracy), "steps": steps, "probabilities": probabilities}


def _check_pair(pair: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(f"{name} must be a pair (images, labels)")
    images = _check_images(pair[0], f"{name} images")
    if images.shape[1:] != (28, 28):
        raise ValueError(f"{name} images must have shape (n, 28, 28), got {images.shape}")
    labels = as_array(pair[1], f"{name} labels", ndim=1, dtype=int)
    check_same_length(images, labels, f"{name} images", f"{name} labels")
    return images, labels


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


def comparison_table(comparisons: Sequence[Any]) -> str:
    """One line per paired comparison: mean difference, 95% interval, seeds, verdict."""
    from .experiments import Comparison

    if isinstance(comparisons, (str, bytes)) or not isinstance(comparisons, Sequence) or not comparisons:
        raise TypeError("comparisons must be a non-empty list of experiments.Comparison")
    if not all(isinstance(c, Comparison) for c in comparisons):
        raise TypeError("comparisons must be a non-empty list of experiments.Comparison")
    names = [f"{c.a} − {c.b}" for c in comparisons]
    width = max(len(n) for n in names) + 2
    lines = [f"{'comparison':<{width}}{'mean':>8}  {'95% interval':>17}  seeds  verdict"]
    for name, c in zip(names, comparisons):
        lines.append(f"{name:<{width}}{c.mean:>+8.3f}  [{c.low:+.3f}, {c.high:+.3f}]  {c.n:>5}  {c.verdict}")
    return "\n".join(lines)


def confusion_matrix(labels: Any, predicted: Any, classes: int = 10) -> np.ndarray:
    """Counts of (true class, predicted class): rows are the true classes."""
    classes = check_int(classes, "classes", minimum=2)
    labels = as_array(labels, "labels", ndim=1, dtype=int)
    predicted = as_array(predicted, "predicted", ndim=1, dtype=int)
    check_same_length(labels, predicted, "labels", "predicted")
    for arr, name in ((labels, "labels"), (predicted, "predicted")):
        if arr.size and (arr.min() < 0 or arr.max() >= classes):
            raise ValueError(f"{name} must be class numbers in 0..{classes - 1}")
    matrix = np.zeros((classes, classes), dtype=int)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def confused_pairs(labels: Any, predicted: Any, *, top: int = 5) -> list[tuple[int, int, int]]:
    """The ``top`` most frequent mistakes as ``(true class, predicted class, count)``, most frequent first."""
    top = check_int(top, "top", minimum=1)
    matrix = confusion_matrix(labels, predicted)
    np.fill_diagonal(matrix, 0)
    order = np.argsort(-matrix, axis=None, kind="stable")[:top]
    pairs = [(int(i // 10), int(i % 10), int(matrix.flat[i])) for i in order]
    return [p for p in pairs if p[2] > 0]


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


def check_paired_interval(mean: Any, low: Any, high: Any, verdict: Any, *, a: Any, b: Any) -> Feedback:
    """Check a paired comparison worked out by hand: the mean of ``a - b``, its 95% t interval, the verdict.

    ``a`` and ``b`` are two recipes' scores on the same seeds, in the same order.
    """
    from scipy import stats

    a = as_array(a, "a", ndim=1)
    b = as_array(b, "b", ndim=1)
    check_same_length(a, b, "a", "b")
    if len(a) < 2:
        raise ValueError("a and b need at least two seeds each")
    d = a - b
    n = len(d)
    m = float(d.mean())
    se = float(d.std(ddof=1) / np.sqrt(n))
    half = float(stats.t.ppf(0.975, n - 1) * se)
    exp_low, exp_high = m - half, m + half
    right = "better" if exp_low > 0 else "worse" if exp_high < 0 else "indistinguishable"
    m_hint = ""
    if _number(mean) and m and np.isclose(float(mean), -m, atol=1e-6):
        m_hint = "the sign is reversed: the difference is a minus b"
    mean_fb = check_scalar(mean, expected=m, name="mean difference", atol=1e-6, rtol=0.0, hint=m_hint)
    i_hint = ""
    if _number(low) and _number(high):
        got = (float(high) - float(low)) / 2
        unpaired = float(stats.t.ppf(0.975, n - 1) * np.sqrt(a.var(ddof=1) / n + b.var(ddof=1) / n))
        if se and np.isclose(got, half * np.sqrt(n), rtol=1e-3):
            i_hint = "divide the standard deviation of the differences by the square root of the number of seeds"
        elif se and np.isclose(got, 1.96 * se, rtol=1e-3) and n < 30:
            i_hint = f"with {n} seeds use the t quantile with {n - 1} degrees of freedom, not 1.96"
        elif se and np.isclose(got, unpaired, rtol=1e-3) and not np.isclose(unpaired, half, rtol=1e-3):
            i_hint = "that is the unpaired interval; pair the seeds: take the standard deviation of a - b"
    low_fb = check_scalar(low, expected=exp_low, name="lower end of the interval", atol=1e-6, rtol=0.0, hint=i_hint)
    high_fb = check_scalar(high, expected=exp_high, name="upper end of the interval", atol=1e-6, rtol=0.0,
                           hint=i_hint)
    if not isinstance(verdict, str):
        verdict_fb = Feedback(False, [f"the verdict should be a string, got {type(verdict).__name__}"])
    elif verdict.strip().lower() == right:
        verdict_fb = Feedback(True, [f"verdict: {right}"])
    else:
        verdict_fb = Feedback(False, [f"verdict is {verdict!r}, expected {right!r}: the interval "
                                      f"[{exp_low:+.4f}, {exp_high:+.4f}] "
                                      + ("includes zero" if right == "indistinguishable" else "excludes zero")])
    return combine(mean_fb, low_fb, high_fb, verdict_fb)


def _number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) and np.isfinite(x)


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
