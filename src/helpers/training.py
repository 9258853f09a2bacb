"""Training small Keras models without paying Keras's fixed cost per epoch (shared by several chapters).

``model.fit(x, y, epochs=30)`` starts 30 Keras epochs, and each start has a
fixed cost (a new ``tf.data`` iterator, callbacks, metric resets): about 50 ms
on the book's 2-core machine, the price of 10-15 training steps (measured by
``benchmarks/bench_overheads.py``). On a few hundred examples an epoch is only a
handful of steps, so most of the time goes into starting epochs rather than
learning.

The remedy is to do the shuffling ourselves: lay whole shuffled epochs end to
end (:func:`epoch_order`) and give Keras that sequence as *one* epoch, without
shuffling. Each example is still seen once per pass, in a new random order
each pass. One thing differs from ``fit(epochs=...)``: the last, shorter
mini-batch of a pass is not cut short, so a mini-batch can straddle two passes.

- :func:`fit_steps` trains for an exact number of mini-batches (chapters that
  compare training-set sizes give every size the same number of steps);
- :func:`fit_epochs` trains for a number of passes over the data (the usual
  meaning of "epochs");
- :data:`STEPS_PER_EXECUTION` (``compile(steps_per_execution=32)``) lets Keras
  run 32 training steps per call into TensorFlow instead of one, which removes
  most of the Python overhead of a small network's step;
- :data:`VALIDATION_BATCH` makes the per-epoch validation pass one big batch;
- :func:`validation_callback` replaces ``fit(validation_data=...)``: the same
  ``val_loss`` and ``val_accuracy`` at the end of every epoch, computed by the
  model's own ``test_step``, without a new ``tf.data`` iterator per epoch and
  without compiling a separate evaluation function for every new model;
- :func:`predict_proba` and :func:`accuracy` call a trained model directly
  instead of through ``model.predict``/``model.evaluate``, which compile a new
  function for every new model (about 0.2-0.3 s each, more than the prediction
  itself takes for the book's small networks).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .validation import as_array, check_int, check_same_length

__all__ = [
    "STEPS_PER_EXECUTION", "VALIDATION_BATCH", "epoch_order", "fit_steps", "fit_epochs", "validation_callback",
    "predict_proba", "accuracy",
]

#: Training steps per call into TensorFlow, for ``model.compile(...,
#: steps_per_execution=STEPS_PER_EXECUTION)``. Keras's default is 1: every
#: mini-batch is one call of the compiled training function from Python, and for
#: the book's small networks that call costs more than the arithmetic (about 8 ms
#: against 3-4 ms, ``benchmarks/bench_overheads.py``). With 32, Keras loops over
#: up to 32 mini-batches inside one call. The same mini-batches are applied in the
#: same order, so the trained weights are identical (tested); only callbacks'
#: per-*batch* hooks run less often, and the book uses none.
STEPS_PER_EXECUTION = 32

#: Batch size for evaluating a trained model: the default of
#: :func:`validation_callback` and :func:`predict_proba`, and the value to pass as
#: ``model.fit(..., validation_batch_size=VALIDATION_BATCH)`` when validating the
#: Keras way. Keras evaluates the validation set in batches of the *training*
#: batch size unless told otherwise, so 1,000 validation images at batch 64 take
#: 16 steps every epoch. The book's networks are small enough to evaluate 2,048
#: images in one step; the loss and accuracy are the same (up to float rounding in
#: the average) and the epoch is shorter.
VALIDATION_BATCH = 2048


def epoch_order(n: int, *, steps: int = 300, batch_size: int = 32, seed: int = 0) -> np.ndarray:
    """Indices for ``steps`` mini-batches over ``n`` examples: whole shuffled epochs, back to back.

    Training on ``x[epoch_order(...)]`` for *one* Keras epoch without shuffling
    is the same as training for ``steps * batch_size / n`` epochs, but avoids
    Keras's fixed cost per epoch, which dominates when ``n`` is tiny (50
    examples make 2 batches per epoch).
    """
    n = check_int(n, "n", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    rng = np.random.default_rng(seed)
    needed = steps * batch_size
    order = np.concatenate([rng.permutation(n) for _ in range(math.ceil(needed / n))])
    return order[:needed]


def fit_steps(model: Any, x: Any, y: Any, *, steps: int = 300, batch_size: int = 32, seed: int = 0) -> Any:
    """Train a compiled Keras ``model`` for exactly ``steps`` mini-batches (see :func:`epoch_order`).

    ``x`` may have any shape whose first axis counts the examples (flat vectors
    or images). Returns the trained ``model``.
    """
    import keras

    x = as_array(x, "x", dtype=None)
    if x.ndim < 2:
        raise ValueError(f"x must have one row per example (2 or more dimensions), got shape {x.shape}")
    y = as_array(y, "y", ndim=1, dtype=int)
    check_same_length(x, y, "x", "y")
    order = epoch_order(len(x), steps=steps, batch_size=batch_size, seed=seed)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model.fit(x[order], y[order], epochs=1, batch_size=batch_size, shuffle=False, verbose=0)
    return model


def fit_epochs(model: Any, x: Any, y: Any, *, epochs: int, batch_size: int = 32, seed: int = 0) -> Any:
    """Train a compiled Keras ``model`` for ``epochs`` passes over ``(x, y)``, as one Keras epoch.

    The number of mini-batches is ``ceil(epochs * len(x) / batch_size)``, so every
    example is seen ``epochs`` times (see the module docstring for the one
    difference from ``model.fit(x, y, epochs=epochs)``). Returns the trained ``model``.
    """
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    n = len(as_array(y, "y", ndim=1, dtype=int))
    steps = max(1, math.ceil(epochs * n / batch_size))
    return fit_steps(model, x, y, steps=steps, batch_size=batch_size, seed=seed)


def validation_callback(x_val: Any, y_val: Any, *, batch_size: int = VALIDATION_BATCH) -> Any:
    """A Keras callback that validates on ``(x_val, y_val)`` at the end of every epoch.

    ``model.fit(x, y, callbacks=[validation_callback(x_val, y_val)])`` records
    the same ``val_loss`` and ``val_<metric>`` entries in the history as
    ``model.fit(x, y, validation_data=(x_val, y_val),
    validation_batch_size=batch_size)``, and callbacks listed *after* it (early
    stopping, for instance) see them. Keras validates by calling ``evaluate``
    each epoch, which opens a new ``tf.data`` iterator (about 30 ms) and, for
    every new model, compiles an evaluation function first (about 0.5 s). This
    callback runs the model's own ``test_step`` (the code ``evaluate`` runs)
    directly on the arrays, in chunks of ``batch_size``, and reports
    ``get_metrics_result()``, as ``evaluate`` does. It resets the metrics
    before validating (as ``evaluate`` does) and again afterwards, so that the
    validation counts never mix with training counts (``fit`` also resets them
    at the start of every epoch). The training numbers are untouched: Keras has
    already recorded the epoch's training loss and accuracy in ``logs``.
    """
    import keras

    x_val = as_array(x_val, "x_val", dtype=None)
    y_val = as_array(y_val, "y_val", dtype=None)
    check_same_length(x_val, y_val, "x_val", "y_val")
    if len(x_val) == 0:
        raise ValueError("the validation set is empty")
    if np.issubdtype(x_val.dtype, np.floating):
        x_val = x_val.astype("float32", copy=False)      # as Keras's data adapter does
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    chunks = [(x_val[i:i + batch_size], y_val[i:i + batch_size]) for i in range(0, len(x_val), batch_size)]

    class EpochEndValidation(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            self.model.reset_metrics()
            for x, y in chunks:
                self.model.test_step((x, y))
            results = self.model.get_metrics_result()
            if logs is not None:
                logs.update({f"val_{name}": float(value) for name, value in sorted(results.items())})
            self.model.reset_metrics()

    return EpochEndValidation()


def predict_proba(model: Any, x: Any, *, batch_size: int = VALIDATION_BATCH) -> np.ndarray:
    """The outputs of ``model`` on ``x``, from ``model(x, training=False)`` in chunks of ``batch_size``.

    The same numbers as ``model.predict(x)`` up to float rounding (floating
    inputs are cast to float32, as ``predict`` does; a different batch size can
    change the last bits of a matrix product), without ``predict``'s per-model
    compilation.
    """
    if not callable(model):
        raise TypeError(f"model must be a Keras model (callable), got {type(model).__name__}")
    x = as_array(x, "x", dtype=None)
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"x must have one row per example and at least one example, got shape {x.shape}")
    if np.issubdtype(x.dtype, np.floating):
        x = x.astype("float32", copy=False)      # as predict does; integer inputs (token ids) stay integers
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    chunks = [np.asarray(model(x[i:i + batch_size], training=False)) for i in range(0, len(x), batch_size)]
    return np.concatenate(chunks)


def accuracy(model: Any, x: Any, y: Any) -> float:
    """Fraction of ``x`` that ``model`` classifies as ``y``, as Keras's ``"accuracy"`` metric counts it.

    The predicted class is the arg-max of the outputs; a model with a single
    (sigmoid) output predicts 1 where it exceeds 0.5.
    """
    x = as_array(x, "x", dtype=None)
    y = as_array(y, "y", ndim=1, dtype=int)
    check_same_length(x, y, "x", "y")
    probs = predict_proba(model, x)
    predicted = (probs[:, 0] > 0.5).astype(int) if probs.shape[1] == 1 else probs.argmax(axis=1)
    return float(np.mean(predicted == y))
