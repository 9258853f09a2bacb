"""Chapter 9, FAQ 8: "How do you deal with deep learning's need for compute?" (如何解决计算能力问题？).

Counting before measuring: parameters and floating-point operations (FLOPs)
of dense and convolutional layers by hand (:func:`dense_params`, :func:`dense_flops`,
:func:`conv2d_params`, :func:`conv2d_flops`, :func:`model_cost`, checked
against Keras's own parameter count), the memory training needs
(:func:`training_memory`: parameters, gradients, optimizer state, activations), then
training time measured on this machine against model width and batch size
(:func:`time_epoch`), time and steps to a target accuracy against batch size
(:class:`StopAtAccuracy`, :func:`time_to_accuracy`), cheaper inference by post-training
int8 quantization of the weights (:func:`quantize_int8`, :func:`quantized_copy`), an
extrapolation from the measured throughput to full MNIST, ImageNet-scale training and a
large language model (:func:`estimate_seconds`, :func:`format_duration`), and the
compute-optimal split of a budget between parameters and data (:func:`compute_optimal`).

Convention: one multiply-add counts as **2 FLOPs**; activation functions,
pooling and bias additions are ignored (they are a few percent at most). A
training step costs about **3×** the forward pass: the backward pass computes
gradients with respect to both activations and weights, about twice the
forward work.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .exercises import Feedback, check_scalar, combine
from .plotting import PALETTE
from .validation import as_array, check_choice, check_float, check_int, check_same_length

__all__ = [
    "OPTIMIZER_SLOTS",
    "TOKENS_PER_PARAMETER",
    "TRAIN_TO_FORWARD",
    "dense_params",
    "dense_flops",
    "conv2d_params",
    "conv2d_flops",
    "Cost",
    "model_cost",
    "training_flops",
    "time_epoch",
    "estimate_seconds",
    "format_duration",
    "plot_timings",
    "StopAtAccuracy",
    "time_to_accuracy",
    "plot_batch_scaling",
    "quantize_int8",
    "dequantize",
    "quantized_copy",
    "weight_bytes",
    "training_memory",
    "compute_optimal",
    "check_dense_flops",
    "check_conv_cost",
    "check_time_prediction",
]

#: FLOPs of one training step per FLOP of the forward pass (forward + backward ≈ 1 + 2).
TRAIN_TO_FORWARD = 3


def _sizes(layer_sizes: Sequence[int]) -> list[int]:
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(f"layer_sizes must be a list of integers, got {type(layer_sizes).__name__}")
    sizes = [check_int(s, "layer size", minimum=1) for s in layer_sizes]
    if len(sizes) < 2:
        raise ValueError("layer_sizes needs at least an input and an output size")
    return sizes


def dense_params(layer_sizes: Sequence[int]) -> int:
    """Parameters of a dense network with these layer widths: weights ``n_in · n_out`` plus ``n_out`` biases per layer.

    ``[784, 512, 10]`` gives ``784·512 + 512 + 512·10 + 10 = 407,050``.
    """
    sizes = _sizes(layer_sizes)
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def dense_flops(layer_sizes: Sequence[int]) -> int:
    """Forward-pass FLOPs per example of a dense network with these layer widths.

    A dense layer from ``n_in`` to ``n_out`` units computes ``n_out`` dot
    products of length ``n_in``: ``n_in · n_out`` multiply-adds, 2 FLOPs each.
    ``[784, 512, 10]`` gives ``2 · (784·512 + 512·10) = 813,056``.
    """
    sizes = _sizes(layer_sizes)
    return sum(2 * a * b for a, b in zip(sizes[:-1], sizes[1:]))


def conv2d_params(kernel: int, c_in: int, c_out: int) -> int:
    """Parameters of a 2-D convolution: a ``kernel × kernel × c_in`` filter per output channel, plus biases."""
    kernel = check_int(kernel, "kernel", minimum=1)
    c_in = check_int(c_in, "c_in", minimum=1)
    c_out = check_int(c_out, "c_out", minimum=1)
    return kernel * kernel * c_in * c_out + c_out


def conv2d_flops(h_out: int, w_out: int, kernel: int, c_in: int, c_out: int) -> int:
    """Forward FLOPs of a 2-D convolution: one filter application per output pixel and channel."""
    h_out = check_int(h_out, "h_out", minimum=1)
    w_out = check_int(w_out, "w_out", minimum=1)
    return 2 * h_out * w_out * (conv2d_params(kernel, c_in, c_out) - c_out)


@dataclass(frozen=True)
class Cost:
    """Parameters and forward FLOPs per example of a model, counted layer by layer."""

    params: int
    forward_flops: int
    layers: tuple[tuple[str, int, int], ...]

    def table(self) -> str:
        """One line per layer: name, parameters, forward FLOPs; then the totals."""
        lines = [f"{'layer':32s}{'parameters':>12s}{'forward FLOPs':>16s}"]
        lines += [f"{name:32s}{p:12,d}{f:16,d}" for name, p, f in self.layers]
        lines.append(f"{'total':32s}{self.params:12,d}{self.forward_flops:16,d}")
        return "\n".join(lines)


def model_cost(model: Any) -> Cost:
    """Count a built Keras model's parameters and forward FLOPs from its layer shapes.

    Handles ``Dense`` and ``Conv2D`` (any stride/padding, from the output
    shape); layers without weights (``Flatten``, pooling, ``Dropout``) count
    zero. Raises ``ValueError`` for a layer with weights of another type.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            n_in, n_out = (int(d) for d in layer.kernel.shape)
            params, flops = dense_params([n_in, n_out]), dense_flops([n_in, n_out])
        elif isinstance(layer, keras.layers.Conv2D):
            k_h, k_w, c_in, c_out = (int(d) for d in layer.kernel.shape)
            if k_h != k_w:
                raise ValueError(f"layer {layer.name}: only square kernels are counted, got {k_h}×{k_w}")
            _, h_out, w_out, _ = layer.output.shape
            params, flops = conv2d_params(k_h, c_in, c_out), conv2d_flops(int(h_out), int(w_out), k_h, c_in, c_out)
        elif layer.weights:
            raise ValueError(f"layer {layer.name} ({type(layer).__name__}) has weights this counter does not handle")
        else:
            params, flops = 0, 0
        rows.append((f"{layer.name} ({type(layer).__name__})", params, flops))
    return Cost(sum(r[1] for r in rows), sum(r[2] for r in rows), tuple(rows))


def training_flops(forward_flops: float, examples: float, epochs: float = 1) -> float:
    """FLOPs to train: ``TRAIN_TO_FORWARD × forward FLOPs per example × examples × epochs``."""
    forward_flops = check_float(forward_flops, "forward_flops", minimum=0.0)
    examples = check_float(examples, "examples", minimum=0.0)
    epochs = check_float(epochs, "epochs", minimum=0.0)
    return TRAIN_TO_FORWARD * forward_flops * examples * epochs


def time_epoch(build: Callable[[], Any], x: Any, y: Any, *, batch_size: int | Sequence[int] = 128,
               repeats: int = 2, seed: int = 0) -> float | list[float]:
    """Seconds for one training epoch of ``build()`` on ``(x, y)``: the fastest of ``repeats``.

    ``batch_size`` may also be a list of batch sizes: the same network is then
    timed at each in turn, and the seconds come back as a list (one model, so
    its training step is traced once, not once per batch size).

    Before timing, an untimed warm-up absorbs the one-off cost of tracing the
    training step into a graph. It trains on one full mini-batch and a second
    of a single example: a step traced for batches of varying size serves
    every batch of every epoch, so the timed epochs trace nothing, and the
    warm-up costs a trace rather than a whole extra epoch. Taking the minimum
    of the timed epochs filters out interruptions by other programs; the
    result still varies from run to run and machine to machine.
    """
    import keras

    if isinstance(build, keras.Model) or not callable(build):
        raise TypeError(f"build must be a function returning a compiled model, got {type(build).__name__}")
    x = as_array(x, "x", ndim=(2, 4))
    y = as_array(y, "y", ndim=1, dtype=int)
    check_same_length(x, y, "x", "y")
    several = isinstance(batch_size, Sequence) and not isinstance(batch_size, (str, bytes))
    if several and not batch_size:
        raise ValueError("batch_size must be a batch size or a non-empty list of them")
    batch_sizes = [check_int(b, "batch_size", minimum=1) for b in (batch_size if several else [batch_size])]
    repeats = check_int(repeats, "repeats", minimum=1)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model = build()
    seconds = []
    for size in batch_sizes:  # each a plain model.fit of one epoch
        warmup = min(len(x), size + 1)          # a full batch and a batch of one: any batch size after it
        model.fit(x[:warmup], y[:warmup], epochs=1, batch_size=size, verbose=0)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            model.fit(x, y, epochs=1, batch_size=size, verbose=0)
            times.append(time.perf_counter() - start)
        seconds.append(min(times))
    return seconds if several else seconds[0]


def estimate_seconds(total_flops: float, flops_per_second: float) -> float:
    """Time to do ``total_flops`` at a sustained ``flops_per_second``."""
    total_flops = check_float(total_flops, "total_flops", minimum=0.0)
    flops_per_second = check_float(flops_per_second, "flops_per_second", minimum=0.0, strict_minimum=True)
    return total_flops / flops_per_second


_UNITS = (("years", 365.25 * 86400), ("days", 86400.0), ("hours", 3600.0), ("minutes", 60.0), ("seconds", 1.0))


def format_duration(seconds: float) -> str:
    """A duration in the largest sensible unit, two significant figures: ``"3.4 hours"``, ``"1.2e+06 years"``."""
    seconds = check_float(seconds, "seconds", minimum=0.0)
    for name, size in _UNITS:
        if seconds >= size or name == "seconds":
            value = seconds / size
            text = f"{value:,.0f}" if value >= 100 and value < 1e6 else f"{value:.2g}"
            return f"{text} {name}"
    raise AssertionError("unreachable")  # pragma: no cover


def plot_timings(xs: Sequence[float], seconds: Sequence[float], *, xlabel: str, title: str,
                 flops: Sequence[float] | None = None) -> plt.Figure:
    """Measured seconds per epoch against ``xs`` (log–log).

    With ``flops``, both curves are drawn on one log axis relative to their first point (time and
    FLOPs as multiples of the smallest setting's), so that their slopes compare directly.
    """
    x = as_array(xs, "xs", ndim=1)
    t = as_array(seconds, "seconds", ndim=1)
    check_same_length(x, t, "xs", "seconds")
    if np.any(x <= 0) or np.any(t <= 0):
        raise ValueError("xs and seconds must be positive (log axes)")
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    if flops is None:
        ax.plot(x, t, marker="o", color=PALETTE[0], label="measured time per epoch")
        ax.set_ylabel("seconds per epoch (log scale)")
    else:
        f = as_array(flops, "flops", ndim=1)
        check_same_length(x, f, "xs", "flops")
        if np.any(f <= 0):
            raise ValueError("flops must be positive (log axes)")
        ax.plot(x, t / t[0], marker="o", color=PALETTE[0], label="measured time per epoch")
        ax.plot(x, f / f[0], marker="s", ls="--", color=PALETTE[1], label="FLOPs per epoch (counted)")
        ax.set_ylabel(f"multiple of the value at {x[0]:g} (log scale)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(x, [f"{v:g}" for v in x])
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


# --- time to a target accuracy against batch size -----------------------------

def _callback_base() -> type:
    import keras

    return keras.callbacks.Callback


class StopAtAccuracy(_callback_base()):  # type: ignore[misc]
    """A Keras callback: stop training at the end of the first epoch whose ``val_accuracy`` reaches ``target``.

    After training, ``epoch`` is the number of epochs run until then (``None`` if the target was
    never reached) and ``seconds`` the wall time from the start of training to that moment.
    """

    def __init__(self, target: float) -> None:
        super().__init__()
        self.target = check_float(target, "target", minimum=0.0, maximum=1.0)
        self.epoch: int | None = None
        self.seconds: float | None = None
        self._start = 0.0

    def on_train_begin(self, logs: Any = None) -> None:
        self.epoch, self.seconds = None, None
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        if logs and logs.get("val_accuracy", 0.0) >= self.target and self.epoch is None:
            self.epoch = epoch + 1
            self.seconds = time.perf_counter() - self._start
            self.model.stop_training = True


def time_to_accuracy(build: Callable[[], Any], train: tuple[Any, Any], val: tuple[Any, Any], *,
                     batch_size: int, target: float, max_epochs: int, seed: int = 0) -> dict[str, float]:
    """Train ``build()`` with ``batch_size`` until validation accuracy reaches ``target``.

    A plain ``model.fit(..., validation_data=val, callbacks=[StopAtAccuracy(target)])`` of at most
    ``max_epochs`` epochs. Returns ``epochs``, ``steps`` (gradient steps taken until the target was
    reached), ``examples`` (training examples processed until then), ``seconds`` (wall time,
    machine-dependent) and ``reached`` (1.0 or 0.0). If the target is never reached the counts
    are those of all ``max_epochs`` epochs.
    """
    import keras

    if isinstance(build, keras.Model) or not callable(build):
        raise TypeError(f"build must be a function returning a compiled model, got {type(build).__name__}")
    x, y = _pair(train, "train")
    x_val, y_val = _pair(val, "val")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model = build()
    stop = StopAtAccuracy(target)
    start = time.perf_counter()
    model.fit(x, y, epochs=max_epochs, batch_size=batch_size, validation_data=(x_val, y_val),
              callbacks=[stop], verbose=0)
    total = time.perf_counter() - start
    epochs = stop.epoch if stop.epoch is not None else max_epochs
    steps = epochs * int(np.ceil(len(x) / batch_size))
    return {"epochs": float(epochs), "steps": float(steps), "examples": float(epochs * len(x)),
            "seconds": float(stop.seconds if stop.seconds is not None else total),
            "reached": float(stop.epoch is not None)}


def _pair(pair: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(f"{name} must be a pair (x, y)")
    x = as_array(pair[0], f"{name} x", ndim=(2, 4))
    y = as_array(pair[1], f"{name} y", ndim=1, dtype=int)
    check_same_length(x, y, f"{name} x", f"{name} y")
    return x, y


def plot_batch_scaling(batch_sizes: Sequence[float], steps: Sequence[float], examples: Sequence[float], *,
                       title: str) -> plt.Figure:
    """Steps and examples to reach the target against batch size (log–log), side by side."""
    b = as_array(batch_sizes, "batch_sizes", ndim=1)
    s = as_array(steps, "steps", ndim=1)
    e = as_array(examples, "examples", ndim=1)
    check_same_length(b, s, "batch_sizes", "steps")
    check_same_length(b, e, "batch_sizes", "examples")
    if np.any(b <= 0) or np.any(s <= 0) or np.any(e <= 0):
        raise ValueError("batch_sizes, steps and examples must be positive (log axes)")
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.8))
    for ax, values, label, color in ((axes[0], s, "gradient steps to the target", PALETTE[0]),
                                     (axes[1], e, "training examples to the target", PALETTE[1])):
        ax.plot(b, values, marker="o", color=color)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(b, [f"{v:g}" for v in b])
        ax.set_xlabel("batch size (log scale)")
        ax.set_ylabel(label + " (log)")
    axes[0].plot(b, s[0] * b[0] / b, ls=":", color="0.5", label="perfect scaling (steps ∝ 1/batch)")
    axes[0].legend(loc="lower left")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


# --- cheaper inference: post-training int8 quantization ------------------------

def quantize_int8(weights: Any) -> tuple[np.ndarray, float]:
    """Symmetric per-tensor int8 quantization: ``q = round(w / scale)`` with ``scale = max|w| / 127``.

    Returns ``(q, scale)``; ``q`` is ``int8`` in ``[-127, 127]`` and ``q * scale`` approximates ``w``
    to within ``scale / 2`` per entry.
    """
    w = as_array(weights, "weights", dtype=float)
    if w.size == 0:
        raise ValueError("weights must not be empty")
    peak = float(np.abs(w).max())
    scale = peak / 127 if peak > 0 else 1.0
    q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
    return q, scale


def dequantize(q: Any, scale: float) -> np.ndarray:
    """``q * scale`` as ``float32``: the weights the quantized model computes with."""
    q = as_array(q, "q", dtype=None)
    if q.dtype != np.int8:
        raise TypeError(f"q must be an int8 array, got {q.dtype}")
    scale = check_float(scale, "scale", minimum=0.0, strict_minimum=True)
    return (q.astype(np.float32) * np.float32(scale)).astype(np.float32)


def quantized_copy(model: Any) -> tuple[Any, list[tuple[np.ndarray, float]]]:
    """A copy of ``model`` whose weight matrices (not biases) are replaced by their int8 quantization.

    Uses ``keras.models.clone_model`` and ``set_weights``; the copy is compiled like ``model``'s
    metrics for ``evaluate`` (sparse categorical cross-entropy and accuracy). Returns the copy and
    the ``(q, scale)`` pairs of the quantized matrices, in layer order.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
    copy = keras.models.clone_model(model)
    new_weights, packed = [], []
    for w in model.get_weights():
        if w.ndim >= 2:
            q, scale = quantize_int8(w)
            packed.append((q, scale))
            new_weights.append(dequantize(q, scale))
        else:
            new_weights.append(w)
    copy.set_weights(new_weights)
    copy.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return copy, packed


def weight_bytes(model: Any, *, bits: int = 32) -> int:
    """Bytes to store ``model``'s weight matrices at ``bits`` per entry, biases always in 32 bits (+4 bytes per scale)."""
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
    bits = check_choice(bits, "bits", (8, 16, 32))
    total = 0
    for w in model.get_weights():
        if w.ndim >= 2:
            total += w.size * bits // 8 + (4 if bits < 32 else 0)
        else:
            total += w.size * 4
    return total


# --- memory of training --------------------------------------------------------

#: Values the optimizer keeps per parameter: SGD none, SGD with momentum one, RMSprop one, Adam two.
OPTIMIZER_SLOTS = {"sgd": 0, "momentum": 1, "rmsprop": 1, "adam": 2}


def training_memory(layer_sizes: Sequence[int], *, batch_size: int, optimizer: str = "adam",
                    bytes_per_value: int = 4) -> dict[str, int]:
    """Bytes training a dense network needs, by kind, for one step with ``batch_size`` examples.

    - ``parameters``: every weight and bias;
    - ``gradients``: one value per parameter;
    - ``optimizer_state``: :data:`OPTIMIZER_SLOTS` values per parameter (Adam's two moment estimates);
    - ``activations``: every layer's input and output for the batch, kept for the backward pass
      (``batch_size × sum(layer_sizes)`` values);
    - ``total``.
    """
    sizes = _sizes(layer_sizes)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    check_choice(optimizer, "optimizer", tuple(OPTIMIZER_SLOTS))
    bytes_per_value = check_choice(bytes_per_value, "bytes_per_value", (2, 4, 8))
    params = dense_params(sizes)
    out = {
        "parameters": params * bytes_per_value,
        "gradients": params * bytes_per_value,
        "optimizer_state": OPTIMIZER_SLOTS[optimizer] * params * bytes_per_value,
        "activations": batch_size * sum(sizes) * bytes_per_value,
    }
    out["total"] = sum(out.values())
    return out


# --- compute-optimal scaling ---------------------------------------------------

#: Training tokens per parameter at the compute-optimal point of Hoffmann et al. (2022) (about 20).
TOKENS_PER_PARAMETER = 20


def compute_optimal(flops: float, *, tokens_per_parameter: float = TOKENS_PER_PARAMETER) -> tuple[float, float]:
    """Compute-optimal ``(parameters, tokens)`` for a budget of ``flops``, with ``C = 6 N D`` and ``D = k N``.

    So ``N = sqrt(C / (6 k))`` and ``D = k N``: parameters and data grow equally, as the square root
    of compute (Hoffmann et al. 2022).
    """
    flops = check_float(flops, "flops", minimum=0.0, strict_minimum=True)
    k = check_float(tokens_per_parameter, "tokens_per_parameter", minimum=0.0, strict_minimum=True)
    n = float(np.sqrt(flops / (6 * k)))
    return n, k * n


# --- exercise checkers -------------------------------------------------------

def check_dense_flops(answer: Any, layer_sizes: Sequence[int]) -> Feedback:
    """Check forward FLOPs per example worked out by hand for a dense network."""
    expected = dense_flops(layer_sizes)
    hint = ""
    if isinstance(answer, (int, np.integer)) and int(answer) * 2 == expected:
        hint = "that counts multiply-adds; each is two floating-point operations (a multiply and an add)"
    elif isinstance(answer, (int, np.integer)) and int(answer) == dense_params(list(layer_sizes)):
        hint = "that is the parameter count; FLOPs count operations: 2 per weight per example"
    return check_scalar(answer, expected=expected, name=f"forward FLOPs of {list(layer_sizes)}", exact=True,
                        hint=hint)


def _is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer, float, np.floating)) and not isinstance(x, bool)


def check_conv_cost(params: Any, flops: Any, *, h_out: int, w_out: int, kernel: int, c_in: int,
                    c_out: int) -> Feedback:
    """Check a convolution layer's parameters and forward FLOPs worked out by hand."""
    p_exp = conv2d_params(kernel, c_in, c_out)
    f_exp = conv2d_flops(h_out, w_out, kernel, c_in, c_out)
    weights = p_exp - c_out
    p_hint = f_hint = ""
    if _is_int(params) and params == weights:
        p_hint = f"add the biases: one per output channel, {c_out} here"
    elif _is_int(params) and params == kernel * kernel * c_out + c_out:
        p_hint = f"each filter spans all {c_in} input channels: k·k·c_in weights per output channel"
    if _is_int(flops):
        if flops * 2 == f_exp:
            f_hint = "that counts multiply-adds; each is two FLOPs"
        elif flops == 2 * weights:
            f_hint = (f"a convolution applies every filter at every output position: multiply by "
                      f"{h_out}×{w_out} = {h_out * w_out}")
        elif flops == 2 * p_exp * h_out * w_out:
            f_hint = "count only the weights' multiply-adds, not the biases (as for the dense layers)"
        elif h_out > 1 and flops == 2 * (h_out + kernel - 1) * (w_out + kernel - 1) * weights:
            f_hint = (f"use the OUTPUT size ({h_out}×{w_out}), not the input size: a 'valid' {kernel}×{kernel} "
                      f"convolution has one position per output pixel")
    return combine(
        check_scalar(params, expected=p_exp, name="convolution parameters", exact=True, hint=p_hint),
        check_scalar(flops, expected=f_exp, name="convolution forward FLOPs", exact=True, hint=f_hint),
    )


def check_time_prediction(answer: Any, *, layer_sizes: Sequence[int], examples: float, rate: float,
                          epochs: float = 1) -> Feedback:
    """Check a predicted training time: training FLOPs (3 × forward × examples × epochs) divided by the rate."""
    forward = dense_flops(layer_sizes)
    expected = estimate_seconds(training_flops(forward, examples, epochs), rate)
    hint = ""
    if _is_int(answer) and expected:
        ratio = float(answer) / expected
        if np.isclose(ratio, 1 / TRAIN_TO_FORWARD, rtol=1e-3):
            hint = "that counts the forward pass only; training costs about 3× the forward FLOPs (forward + backward)"
        elif np.isclose(ratio, 1 / examples, rtol=1e-3):
            hint = f"that is the time for ONE example; multiply by the {examples:g} examples of an epoch"
        elif np.isclose(float(answer), rate / training_flops(forward, examples, epochs), rtol=1e-3):
            hint = "divide the FLOPs by the rate (FLOP/s), not the rate by the FLOPs"
    return check_scalar(answer, expected=expected, name="predicted seconds", rtol=1e-3, hint=hint)
