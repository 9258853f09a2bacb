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
- :func:`fit` is ``model.fit`` without tracing again: the first ``fit`` of every
  new Keras model traces its training step into a TensorFlow graph (about 0.5-1 s
  on the book's machine, often longer than the training), even when an identical
  network was traced a moment before. :func:`fit` keeps one traced "twin" per
  architecture and compile settings, and trains the twin in the model's place
  (see its docstring);
- :func:`predict_proba` and :func:`accuracy` call a trained model directly
  instead of through ``model.predict``/``model.evaluate``, which compile a new
  function for every new model (about 0.2-0.3 s each, more than the prediction
  itself takes for the book's small networks).
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from typing import Any

import numpy as np

from .cache import anonymous_config, restore_rng_state, rng_state
from .validation import as_array, check_int, check_same_length

__all__ = [
    "STEPS_PER_EXECUTION", "VALIDATION_BATCH", "epoch_order", "fit", "fit_steps", "fit_epochs", "validation_callback",
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


#: The traced twins of :func:`fit`, most recently used last.
_TWINS: OrderedDict[str, Any] = OrderedDict()
#: How many twins to keep per process (the book's networks are small).
MAX_TWINS = 16
#: ``fit`` keyword arguments that change neither the traced step nor what it computes.
_PLAIN_FIT_ARGUMENTS = frozenset({"epochs", "batch_size", "verbose", "shuffle", "callbacks", "initial_epoch",
                                  "validation_split", "validation_batch_size", "validation_freq"})


def _twin_key(model: Any, x: Any, y: Any, kwargs: dict[str, Any]) -> str | None:
    """What a traced twin of ``model`` must share with it, as a string; ``None`` if no twin may stand in.

    Twins are used only where the match can be checked completely: a compiled,
    built, never-trained ``Sequential`` or functional model made of Keras's own
    layers (no ``Lambda``, no preprocessing layers, whose state lives outside
    their variables), losses and metrics given by name, a constant learning rate
    (a variable, copied with the optimizer's state), numpy inputs and plain
    ``fit`` arguments. The key holds the architecture with names anonymised,
    every layer's ``trainable`` flag, the optimizer's settings other than its name
    and learning rate, the compile settings, and the shapes and dtypes of one
    example of ``x`` and ``y`` (they decide, for instance, which accuracy
    ``"accuracy"`` means).
    """
    import keras
    from keras.src.models.functional import Functional

    if type(model) not in (keras.Sequential, Functional) or not getattr(model, "compiled", False):
        return None
    if model.train_function is not None or not model.built or not set(kwargs) <= _PLAIN_FIT_ARGUMENTS:
        return None
    if not all(isinstance(a, np.ndarray) for a in (x, y)):
        return None
    layers = list(model._flatten_layers(include_self=False))
    for layer in layers:
        module = type(layer).__module__
        if (not module.startswith(("keras.src.layers.", "keras.src.models.")) or ".preprocessing." in module
                or isinstance(layer, keras.layers.Lambda)):
            return None
    config = model._compile_config.config

    def by_name(value: Any) -> bool:
        if value is None or isinstance(value, str):
            return True
        if isinstance(value, (list, tuple)):
            return all(by_name(v) for v in value)
        if isinstance(value, dict):
            return all(by_name(v) for v in value.values())
        return False

    optimizer = model.optimizer
    if not all(by_name(config[k]) for k in ("loss", "metrics", "weighted_metrics")) or not isinstance(
            getattr(optimizer, "_learning_rate", None), keras.Variable):
        return None
    settings = {k: v for k, v in optimizer.get_config().items() if k not in ("name", "learning_rate")}
    return json.dumps({
        "model": anonymous_config(json.dumps(model.get_config(), sort_keys=True, default=repr)),
        "trainable": [model.trainable] + [layer.trainable for layer in layers],
        "optimizer": [type(optimizer).__name__, settings],
        "compile": {k: config[k] for k in ("loss", "loss_weights", "metrics", "weighted_metrics")},
        "execution": [model.steps_per_execution, str(config["jit_compile"]), model.run_eagerly],
        "data": [[list(a.shape[1:]), str(a.dtype)] for a in (x, y)],
    }, sort_keys=True, default=repr)


def _new_twin(model: Any) -> Any:
    """A copy of ``model``, compiled the same way, that leaves every random-number and name counter untouched."""
    import keras

    state = rng_state()                 # cloning draws initial weights and may number new objects
    try:
        twin = keras.models.clone_model(model)
        config = model._compile_config.config
        twin.compile(optimizer=type(model.optimizer).from_config(model.optimizer.get_config()),
                     loss=config["loss"], loss_weights=config["loss_weights"], metrics=config["metrics"],
                     weighted_metrics=config["weighted_metrics"], run_eagerly=model.run_eagerly,
                     steps_per_execution=model.steps_per_execution, jit_compile=config["jit_compile"])
        twin.optimizer.build(twin.trainable_variables)
    finally:
        restore_rng_state(state)
    return twin


def _copy_state(source: Any, target: Any) -> None:
    """Assign every variable of ``source`` (weights, random-seed states, optimizer state) to ``target``'s."""
    if not source.optimizer.built:
        source.optimizer.build(source.trainable_variables)     # as fit would, before its first step
    for mine, theirs in ((source.variables, target.variables),
                         (source.optimizer.variables, target.optimizer.variables)):
        for a, b in zip(mine, theirs, strict=True):
            b.assign(a)


def fit(model: Any, x: Any, y: Any, **kwargs: Any) -> Any:
    """``model.fit(x, y, **kwargs)``, with no new tracing if an identical network was trained before.

    Keras traces a model's training step into a TensorFlow graph at its first
    ``fit``, and the trace belongs to that model object: the next model, even one
    with the same layers and settings, is traced again. For the book's small
    networks that costs more than the training (about 0.5-1 s per model against
    a few hundred milliseconds), and the FAQ chapters train dozens of them.

    So :func:`fit` keeps a private, already traced *twin* for every architecture
    and compile setting it meets (at most :data:`MAX_TWINS`). To train ``model``,
    it copies ``model``'s variables and optimizer state into the twin (its
    initial weights, random-seed states and learning rate included), calls the
    twin's ``fit`` with the same arguments, and copies the trained state back.
    The same graph runs on the same numbers in the same order, so ``model`` ends
    with the weights, optimizer state and history that ``model.fit`` would have
    given it, bit for bit (tested). Afterwards ``model.history`` and every
    callback's ``model`` are ``model``; the metrics' running totals, which every
    ``fit`` resets, stay in the twin.

    :func:`fit` also tells Keras ``steps_per_epoch``, the number of batches an
    epoch takes anyway, which saves one ``tf.data`` iterator per epoch and changes
    no number (see :func:`_with_steps_per_epoch`).

    Anything :func:`_twin_key` cannot check completely (a model trained before,
    a subclassed model, a ``Lambda`` layer, a loss given as a Python function,
    validation data, ...) goes to ``model.fit`` itself (with ``steps_per_epoch`` added). Returns the
    ``History``.
    """
    if not callable(getattr(model, "fit", None)):
        raise TypeError(f"model must be a compiled Keras model, got {type(model).__name__}")
    key = _twin_key(model, x, y, kwargs)
    kwargs = _with_steps_per_epoch(x, kwargs)
    if key is None:
        return model.fit(x, y, **kwargs)
    twin = _TWINS.pop(key, None)
    if twin is None:
        twin = _new_twin(model)
    _TWINS[key] = twin
    while len(_TWINS) > MAX_TWINS:
        _TWINS.popitem(last=False)
    _copy_state(model, twin)
    history = twin.fit(x, y, **kwargs)
    _copy_state(twin, model)
    for callback in [*(kwargs.get("callbacks") or []), history]:
        callback.set_model(model)
    model.history = history
    return history


def _with_steps_per_epoch(x: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` plus ``steps_per_epoch``, the number of batches ``fit`` takes from ``x`` anyway.

    Without it, Keras opens a new ``tf.data`` iterator at the start of every epoch
    *and* one at its end that the next epoch throws away (about 20 ms each on the
    book's machine: most of a small epoch's fixed cost). With it, the one opened
    at the end is the one the next epoch uses. The batches, their order and the
    trained weights are the same (tested). Left out where the number of batches
    is not simply ``ceil(len(x) / batch_size)``: ``validation_split``, or ``x``
    that is not one array.
    """
    if "steps_per_epoch" in kwargs or kwargs.get("validation_split") or not isinstance(x, np.ndarray) \
            or len(x) == 0:
        return kwargs
    batch_size = kwargs.get("batch_size") or 32              # Keras's default
    return {**kwargs, "steps_per_epoch": math.ceil(len(x) / batch_size)}


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
    fit(model, x[order], y[order], epochs=1, batch_size=batch_size, shuffle=False, verbose=0)
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
