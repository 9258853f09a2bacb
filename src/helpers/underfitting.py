"""Chapter 9, FAQ 6: "How do you fix underfitting?" (如何解决欠拟合问题？).

A reference recipe is trained to convergence (early stopping on validation loss); underfitting
is then produced four ways, each a single change from it (too small a model, too few epochs,
too much L2, a learning rate far too small), read with :func:`helpers.diagnosis.diagnose`, and
each fix (undoing the change) is measured over paired seeds. A capacity sweep shows the path from
underfitting to fitting; a deep sigmoid network shows vanishing gradients, and batch
normalization as their measured remedy.

- :func:`build_model`: the chapter's dense network in plain Keras, with the settings the
  experiments change;
- :func:`scores`: cross-entropy (no penalty) and accuracy from the model's outputs;
- :func:`recipe`: a function of the seed for :func:`helpers.experiments.run`, which trains and
  scores with :func:`helpers.recipes.fit_and_score`;
- :func:`gradient_norms`: the size of the loss gradient at each layer, on one batch;
- :func:`plot_capacity`: accuracy against width, every seed;
- checkers for the exercises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .exercises import Feedback, check_scalar
from .experiments import scores  # shared by FAQ 3, 5 and 8's recipes
from .plotting import PALETTE
from .recipes import check_fit_settings, fit_and_score
from .validation import as_array, check_choice, check_float, check_int

__all__ = ["OPTIMIZERS", "build_model", "scores", "recipe", "gradient_norms", "plot_capacity",
           "check_diagnosis", "check_large_lr", "check_paired_mean"]

#: Optimizers :func:`build_model` accepts.
OPTIMIZERS = ("adam", "sgd")
Data = tuple[Any, Any]


def build_model(hidden: Sequence[int] = (128,), *, activation: str = "relu", l2: float = 0.0,
                learning_rate: float = 1e-3, optimizer: str = "adam", batch_norm: bool = False) -> Any:
    """A compiled dense network: 784 inputs, ``Dense`` layers of the ``hidden`` widths, softmax over 10.

    ``l2`` adds ``l2 * sum(w ** 2)`` over every kernel to the loss; ``batch_norm=True`` puts a
    ``BatchNormalization`` layer between each hidden ``Dense`` layer and its activation
    (Ioffe & Szegedy 2015); ``optimizer`` is ``"adam"`` or ``"sgd"`` (plain, no momentum).
    """
    import keras

    if isinstance(hidden, (int, str, bytes)) or not isinstance(hidden, Sequence):
        raise TypeError(f"hidden must be a list of layer widths, e.g. (128,); got {hidden!r}")
    widths = [check_int(w, "hidden layer width", minimum=1) for w in hidden]
    check_choice(activation, "activation", ("relu", "sigmoid", "tanh"))
    l2 = check_float(l2, "l2", minimum=0.0)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    if not isinstance(batch_norm, bool):
        raise TypeError(f"batch_norm must be True or False, got {batch_norm!r}")
    penalty = keras.regularizers.L2(l2) if l2 > 0 else None
    layers: list[Any] = [keras.Input(shape=(784,))]
    for width in widths:
        if batch_norm:
            layers += [keras.layers.Dense(width, kernel_regularizer=penalty),
                       keras.layers.BatchNormalization(), keras.layers.Activation(activation)]
        else:
            layers.append(keras.layers.Dense(width, activation=activation, kernel_regularizer=penalty))
    layers.append(keras.layers.Dense(10, activation="softmax", kernel_regularizer=penalty))
    model = keras.Sequential(layers)
    opt = (keras.optimizers.Adam(learning_rate=learning_rate) if optimizer == "adam"
           else keras.optimizers.SGD(learning_rate=learning_rate))
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model



def recipe(train: Data, val: Data, *, epochs: int, batch_size: int = 64, patience: int | None = None,
           **model_settings: Any) -> Callable[[int], dict[str, Any]]:
    """A training recipe for :func:`helpers.experiments.run`: a function of the seed.

    For a seed it seeds Keras, builds ``build_model(**model_settings)`` and trains and scores it
    with :func:`helpers.recipes.fit_and_score` on ``train``, validating on ``val`` every epoch
    (with ``EarlyStopping`` on validation loss, best weights restored, when ``patience`` is given).
    """
    import keras

    fit = check_fit_settings(train, val, epochs=epochs, batch_size=batch_size, patience=patience)
    build_model(**model_settings)       # check the settings now, not at the first seed

    def run_one(seed: int) -> dict[str, Any]:
        keras.utils.set_random_seed(seed)
        return fit_and_score(build_model(**model_settings), train, val, **fit)

    return run_one


def gradient_norms(model: Any, x: Any, y: Any) -> np.ndarray:
    """The norm of the loss gradient with respect to each ``Dense`` layer's kernel, first layer first, on ``(x, y)``.

    Computed with ``tf.GradientTape`` on the model as it is (untrained, or trained). In a deep
    sigmoid network the first layers' gradients are orders of magnitude smaller than the last's:
    the gradients vanish on their way back.
    """
    import keras
    import tensorflow as tf

    x = np.asarray(x, dtype="float32")
    y = as_array(y, "y", ndim=1, dtype=None).astype("int64")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    kernels = [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, kernels)
    return np.array([float(tf.norm(g)) for g in grads])


def plot_capacity(widths: Sequence[int], runs: Sequence[Any]) -> plt.Figure:
    """Training and validation accuracy against the hidden-layer width (log axis): every seed, and the means."""
    w = as_array(widths, "widths", ndim=1)
    if len(w) != len(runs) or len(runs) < 2:
        raise ValueError(f"widths and runs must have the same length (at least 2), got {len(w)} and {len(runs)}")
    if np.any(w < 1):
        raise ValueError("widths must be >= 1")
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    for metric, color, marker, label in (("train_accuracy", PALETTE[0], "o", "training"),
                                         ("val_accuracy", PALETTE[1], "s", "validation")):
        table = np.stack([r[metric] for r in runs], axis=1)
        for row in table:
            ax.plot(w, row, color=color, alpha=0.3, lw=0.8)
        ax.plot(w, table.mean(axis=0), color=color, marker=marker, lw=2, label=f"{label} (mean)")
    ax.set_xscale("log", base=2)
    ax.set_xticks(w, [str(int(v)) for v in w])
    ax.set_xlabel("hidden units (one layer, log scale)")
    ax.set_ylabel("accuracy")
    ax.set_title("Capacity: accuracy against width, every seed (thin) and the mean")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


# --- exercise checkers -------------------------------------------------------

def check_diagnosis(answer: Any, history: Any, *, target: float = 0.95) -> Feedback:
    """Check a learner's reading (one of :data:`helpers.diagnosis.LABELS`) of a run's curves against ``diagnose``."""
    from .diagnosis import LABELS, diagnose

    reading = diagnose(history, target=target)
    if not isinstance(answer, str) or answer not in LABELS:
        return Feedback(False, [f"answer must be one of {', '.join(map(repr, LABELS))}, got {answer!r}"])
    if answer == reading.label:
        return Feedback(True, [f"{reading.label}: {reading.reason}"])
    return Feedback(False, [f"not {answer!r}: {reading.reason}. The rules are checked in order: a rise of "
                            "validation loss first, then a training loss still falling, then the target"])


def check_large_lr(result: Any, one_class_acc: Any, labels: Any, *, target: float = 0.95) -> Feedback:
    """Check the large-learning-rate exercise: the run's dict from a recipe, and the one-class accuracy."""
    labels = as_array(labels, "labels", ndim=1, dtype=None).astype(int)
    messages: list[str] = []
    ok = True
    if not isinstance(result, dict) or "history" not in result or "train_accuracy" not in result:
        return Feedback(False, [f"pass the dict a recipe returns for one seed, got {type(result).__name__}"])
    expected = float(np.bincount(labels).max() / len(labels))
    acc = check_scalar(one_class_acc, expected=expected, name="accuracy of predicting one class", atol=1e-9,
                       hint="count the most common label and divide by the number of labels")
    losses = result["history"]["loss"]
    if result["train_accuracy"] >= target:
        ok = False
        messages.append(f"training accuracy {result['train_accuracy']:.3f} reaches the target {target}: "
                        "was the learning rate really 1.0?")
    else:
        messages.append(f"training accuracy {result['train_accuracy']:.3f}, below {target}: underfitting; "
                        f"first-epoch loss {losses[0]:.1f}")
    return Feedback(ok and bool(acc), messages + list(acc.messages))


def check_paired_mean(answer: Any, a: Any, b: Any, metric: str) -> Feedback:
    """Check the mean paired difference ``a - b`` on ``metric``, seed by seed, of two Runs on the same seeds."""
    from .experiments import Runs

    for name, r in (("a", a), ("b", b)):
        if not isinstance(r, Runs):
            raise TypeError(f"{name} must be a Runs from experiments.run, got {type(r).__name__}")
    if a.seeds != b.seeds:
        raise ValueError(f"a and b must have run on the same seeds, got {list(a.seeds)} and {list(b.seeds)}")
    expected = float(np.mean(a[metric] - b[metric]))
    hint = ""
    if isinstance(answer, (int, float, np.floating)) and not isinstance(answer, bool) and np.isclose(answer, -expected):
        hint = f"the sign is flipped: the difference is {a.name} minus {b.name}"
    return check_scalar(answer, expected=expected, name=f"mean of {a.name} − {b.name} ({metric})", atol=1e-9,
                        hint=hint)
