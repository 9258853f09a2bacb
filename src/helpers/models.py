"""The Keras models several chapters train, written once (chapter 5 builds the first by hand).

Each function is the few lines of Keras you would write yourself: ``keras.Sequential`` with a
``keras.Input``, the layers, and ``model.compile``. Chapters show this source where they first
call it (``helpers.runtime.show_source``) and train the result with plain ``model.fit``.

- :func:`build_mlp`: a dense network (one or more ``Dense`` ReLU layers, a softmax output),
  optionally with dropout and an L2 penalty; no hidden layer gives softmax regression;
- :func:`build_cnn`: a small convolutional network of the usual shape for 28x28 digits
  (``Conv2D`` and ``MaxPooling2D`` blocks, a ``Dense`` layer, dropout, a softmax output);
- :func:`make_optimizer`: a Keras optimizer object from its name and learning rate.

The models expect integer labels (``sparse_categorical_crossentropy``) unless you pass
``loss="categorical_crossentropy"`` for one-hot labels, as the source article's program uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .runtime import quiet_tensorflow
from .validation import check_choice, check_float, check_int

__all__ = ["OPTIMIZERS", "LOSSES", "make_optimizer", "build_mlp", "build_cnn"]

#: Optimizer names :func:`make_optimizer` accepts, and Keras's class for each.
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam", "adamw")
#: Losses the builders compile with.
LOSSES = ("sparse_categorical_crossentropy", "categorical_crossentropy")


def make_optimizer(name: str = "rmsprop", learning_rate: float | None = None) -> Any:
    """A Keras optimizer: ``"sgd"``, ``"momentum"`` (SGD with momentum 0.9), ``"rmsprop"``, ``"adam"`` or ``"adamw"``.

    ``learning_rate=None`` keeps Keras's default for that optimizer (0.01 for SGD, 0.001 for the others).
    """
    quiet_tensorflow()
    import keras

    check_choice(name, "optimizer", OPTIMIZERS)
    kwargs = {}
    if learning_rate is not None:
        kwargs["learning_rate"] = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    if name == "sgd":
        return keras.optimizers.SGD(**kwargs)
    if name == "momentum":
        return keras.optimizers.SGD(momentum=0.9, **kwargs)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(**kwargs)
    if name == "adam":
        return keras.optimizers.Adam(**kwargs)
    return keras.optimizers.AdamW(**kwargs)


def _widths(hidden: Any) -> list[int]:
    if isinstance(hidden, (int, np.integer)) and not isinstance(hidden, bool):
        hidden = [hidden]
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
        raise TypeError(f"hidden must be a layer width or a list of widths, e.g. 512 or (256, 256); got {hidden!r}")
    return [check_int(u, "hidden layer width", minimum=1) for u in hidden]


def build_mlp(
    hidden: int | Sequence[int] = 512,
    *,
    inputs: int = 784,
    classes: int = 10,
    activation: str = "relu",
    dropout: float = 0.0,
    l2: float = 0.0,
    optimizer: str = "rmsprop",
    learning_rate: float | None = None,
    loss: str = "sparse_categorical_crossentropy",
) -> Any:
    """A compiled dense network: ``inputs`` -> ``Dense`` layers of the ``hidden`` widths -> softmax over ``classes``.

    ``dropout`` zeroes that fraction of each hidden layer's outputs at random during training;
    ``l2`` adds ``l2 * sum(w ** 2)`` over every weight matrix to the loss. ``hidden=()`` gives
    softmax (multinomial logistic) regression.
    """
    quiet_tensorflow()
    import keras

    widths = _widths(hidden)
    dropout = check_float(dropout, "dropout", minimum=0.0, maximum=0.95)
    l2 = check_float(l2, "l2", minimum=0.0)
    check_choice(loss, "loss", LOSSES)
    regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
    layers: list[Any] = [keras.Input(shape=(check_int(inputs, "inputs", minimum=1),))]
    for width in widths:
        layers.append(keras.layers.Dense(width, activation=activation, kernel_regularizer=regularizer))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(check_int(classes, "classes", minimum=2), activation="softmax",
                                     kernel_regularizer=regularizer))
    model = keras.Sequential(layers)
    model.compile(optimizer=make_optimizer(optimizer, learning_rate), loss=loss, metrics=["accuracy"])
    return model


def build_cnn(
    filters: Sequence[int] = (32, 64),
    *,
    dense: int = 128,
    input_shape: tuple[int, int, int] = (28, 28, 1),
    classes: int = 10,
    kernel_size: int = 3,
    dropout: float = 0.5,
    optimizer: str = "adam",
    learning_rate: float | None = None,
    loss: str = "sparse_categorical_crossentropy",
) -> Any:
    """A compiled convolutional network: per entry of ``filters`` a ``Conv2D`` (ReLU) and a 2x2 ``MaxPooling2D``,
    then ``Flatten``, ``Dropout``, a ``Dense`` layer of ``dense`` units (none if 0) and a softmax output.

    The defaults are the usual small CNN for 28x28 digits (32 and 64 filters of 3x3, 128 dense units).
    """
    quiet_tensorflow()
    import keras

    widths = _widths(list(filters))
    if not widths:
        raise ValueError("filters needs at least one convolutional layer, e.g. (32, 64)")
    dense = check_int(dense, "dense", minimum=0)
    dropout = check_float(dropout, "dropout", minimum=0.0, maximum=0.95)
    check_choice(loss, "loss", LOSSES)
    if (not isinstance(input_shape, tuple) or len(input_shape) != 3
            or not all(isinstance(s, (int, np.integer)) and s > 0 for s in input_shape)):
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r}")
    layers: list[Any] = [keras.Input(shape=input_shape)]
    for width in widths:
        layers.append(keras.layers.Conv2D(width, check_int(kernel_size, "kernel_size", minimum=1), activation="relu"))
        layers.append(keras.layers.MaxPooling2D(2))
    layers.append(keras.layers.Flatten())
    if dropout > 0:
        layers.append(keras.layers.Dropout(dropout))
    if dense:
        layers.append(keras.layers.Dense(dense, activation="relu"))
    layers.append(keras.layers.Dense(check_int(classes, "classes", minimum=2), activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer=make_optimizer(optimizer, learning_rate), loss=loss, metrics=["accuracy"])
    return model
