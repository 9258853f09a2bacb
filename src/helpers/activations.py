"""Chapter 4a, "Activation functions": the non-linearities, from scratch.

Each activation is written twice, as the function and as its derivative, in
plain numpy so that it reads like its formula. :func:`keras_reference` computes
the same two things with ``keras.activations`` and ``tf.GradientTape``, so the
chapter can assert that the two agree.

The rest of the module builds the chapter's experiments: a deep stack of dense
layers whose activations we measure layer by layer (:func:`forward_stack`), the
"dying ReLU" (:func:`dying_relu_experiment`, which trains chapter 3's
:class:`~helpers.network.Network`), the figures, the activation explorer (whose
render function is :func:`explorer_figure`), and the exercise checkers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from scipy.special import erf
from threadpoolctl import threadpool_limits

from . import widgets
from .exercises import Feedback, check_array
from .network import Network, one_hot
from .plotting import PALETTE
from .validation import as_array, check_choice, check_float, check_int

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "elu",
    "elu_grad",
    "gelu",
    "gelu_grad",
    "softmax",
    "softmax_naive",
    "softmax_jacobian",
    "function",
    "derivative",
    "keras_reference",
    "init_std",
    "forward_stack",
    "dead_units",
    "dying_relu_experiment",
    "plot_activations",
    "plot_gradient_norms",
    "plot_layer_spread",
    "plot_softmax_temperature",
    "plot_dying_relu",
    "explorer_figure",
    "EXPLORER_DEPTHS",
    "spread_table",
    "plot_spread_table",
    "spread_chart",
    "activation_explorer",
    "check_softplus",
    "check_init_std",
]

#: The element-wise activations of the chapter, in the order they appeared in history.
ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu")

#: Weight initializations compared in the chapter (see :func:`init_std`).
INITS: tuple[str, ...] = ("small", "large", "glorot", "he")


def _x(x: Any) -> np.ndarray:
    return as_array(x, "x")


# --- the activations and their derivatives -----------------------------------

def sigmoid(x: Any) -> np.ndarray:
    r"""The logistic sigmoid $\sigma(x) = 1 / (1 + e^{-x})$, squashing into $(0, 1)$.

    Written with ``exp(-|x|)`` so that neither branch overflows for large ``|x|``.
    """
    x = _x(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x: Any) -> np.ndarray:
    r"""$\sigma'(x) = \sigma(x)\,(1 - \sigma(x))$; at most 0.25, at $x = 0$."""
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x: Any) -> np.ndarray:
    r"""The hyperbolic tangent, $\tanh x = 2\sigma(2x) - 1$, squashing into $(-1, 1)$."""
    return np.tanh(_x(x))


def tanh_grad(x: Any) -> np.ndarray:
    r"""$\tanh'(x) = 1 - \tanh^2 x$; at most 1, at $x = 0$."""
    return 1 - np.tanh(_x(x)) ** 2


def relu(x: Any) -> np.ndarray:
    r"""The rectified linear unit $\max(0, x)$."""
    return np.maximum(_x(x), 0.0)


def relu_grad(x: Any) -> np.ndarray:
    """1 where ``x > 0``, else 0 (at exactly 0 we take 0, as TensorFlow does)."""
    return (_x(x) > 0).astype(float)


def leaky_relu(x: Any, negative_slope: float = 0.2) -> np.ndarray:
    r"""$x$ for $x > 0$, else $a x$. Keras's default slope $a$ is 0.2 (PyTorch's is 0.01)."""
    a = check_float(negative_slope, "negative_slope", minimum=0.0)
    x = _x(x)
    return np.where(x > 0, x, a * x)


def leaky_relu_grad(x: Any, negative_slope: float = 0.2) -> np.ndarray:
    """1 for ``x > 0``, else ``negative_slope``: the gradient never vanishes completely."""
    a = check_float(negative_slope, "negative_slope", minimum=0.0)
    return np.where(_x(x) > 0, 1.0, a)


def elu(x: Any, alpha: float = 1.0) -> np.ndarray:
    r"""Exponential linear unit: $x$ for $x > 0$, else $\alpha (e^x - 1)$."""
    alpha = check_float(alpha, "alpha", minimum=0.0)
    x = _x(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_grad(x: Any, alpha: float = 1.0) -> np.ndarray:
    r"""1 for $x > 0$, else $\alpha e^x$."""
    alpha = check_float(alpha, "alpha", minimum=0.0)
    x = _x(x)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def _phi(x: np.ndarray) -> np.ndarray:
    """Standard normal density."""
    return np.exp(-0.5 * x**2) / np.sqrt(2 * np.pi)


def _Phi(x: np.ndarray) -> np.ndarray:
    """Standard normal cumulative distribution function."""
    return 0.5 * (1 + erf(x / np.sqrt(2)))


def gelu(x: Any) -> np.ndarray:
    r"""Gaussian error linear unit $x\,\Phi(x)$, the exact form (Keras's default).

    $\Phi$ is the standard normal CDF: the input is kept with the probability that
    a standard normal variable is below it.
    """
    x = _x(x)
    return x * _Phi(x)


def gelu_grad(x: Any) -> np.ndarray:
    r"""$\Phi(x) + x\,\varphi(x)$, by the product rule ($\varphi$ is the normal density)."""
    x = _x(x)
    return _Phi(x) + x * _phi(x)


def softmax(z: Any, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    r"""$\mathrm{softmax}(z)_i = e^{z_i/T} / \sum_j e^{z_j/T}$, computed stably.

    Subtracting the largest logit first changes nothing mathematically (it cancels
    between numerator and denominator) but keeps every exponent at most 0, so
    ``exp`` cannot overflow. ``temperature`` $T > 0$ sharpens ($T < 1$) or
    flattens ($T > 1$) the distribution.
    """
    z = as_array(z, "z")
    t = check_float(temperature, "temperature", minimum=0.0, strict_minimum=True)
    z = z / t
    shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_naive(z: Any, axis: int = -1) -> np.ndarray:
    """The textbook formula without the shift: overflows (gives NaN) for logits above ~709."""
    z = as_array(z, "z")
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / e.sum(axis=axis, keepdims=True)


def softmax_jacobian(z: Any) -> np.ndarray:
    r"""The matrix $\partial p_i / \partial z_j = p_i(\delta_{ij} - p_j)$ for one logit vector."""
    z = as_array(z, "z", ndim=1)
    p = softmax(z)
    return np.diag(p) - np.outer(p, p)


_FUNCTIONS: dict[str, Callable[[Any], np.ndarray]] = {
    "sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu, "elu": elu, "gelu": gelu,
}
_DERIVATIVES: dict[str, Callable[[Any], np.ndarray]] = {
    "sigmoid": sigmoid_grad, "tanh": tanh_grad, "relu": relu_grad, "leaky_relu": leaky_relu_grad,
    "elu": elu_grad, "gelu": gelu_grad,
}


def function(name: str) -> Callable[[Any], np.ndarray]:
    """The from-scratch activation called ``name`` (one of :data:`ACTIVATIONS`)."""
    return _FUNCTIONS[check_choice(name, "activation", ACTIVATIONS)]


def derivative(name: str) -> Callable[[Any], np.ndarray]:
    """The from-scratch derivative of the activation called ``name``."""
    return _DERIVATIVES[check_choice(name, "activation", ACTIVATIONS)]


def keras_reference(name: str, x: Any) -> tuple[np.ndarray, np.ndarray]:
    """Keras's value and TensorFlow's autodiff derivative of activation ``name`` at ``x``.

    Computed in float64 with ``keras.activations.<name>`` inside a
    ``tf.GradientTape``; each output depends only on its own input, so the
    gradient of the sum is the element-wise derivative.
    """
    import keras
    import tensorflow as tf

    check_choice(name, "activation", ACTIVATIONS)
    x = tf.constant(as_array(x, "x"), dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = getattr(keras.activations, name)(x)
        total = tf.reduce_sum(y)
    grad = tape.gradient(total, x)
    return np.asarray(y), np.asarray(grad)


# --- deep stacks: initialization, activation spread, gradients ----------------

def init_std(scheme: str, fan_in: int, fan_out: int) -> float:
    r"""Standard deviation of the normal weights under an initialization scheme.

    - ``"small"``: 0.01, a fixed value common in early code;
    - ``"large"``: 1.0, the "just use a standard normal" mistake;
    - ``"glorot"``: $\sqrt{2 / (n_\text{in} + n_\text{out})}$ (Glorot & Bengio, 2010), for tanh/sigmoid;
    - ``"he"``: $\sqrt{2 / n_\text{in}}$ (He et al., 2015), for ReLU.
    """
    check_choice(scheme, "init", INITS)
    fan_in = check_int(fan_in, "fan_in", minimum=1)
    fan_out = check_int(fan_out, "fan_out", minimum=1)
    return {"small": 0.01, "large": 1.0, "glorot": float(np.sqrt(2 / (fan_in + fan_out))),
            "he": float(np.sqrt(2 / fan_in))}[scheme]


def _stack_weights(depth: int, width: int, init: str, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(0.0, init_std(init, width, width), size=(width, width)) for _ in range(depth)]


def forward_stack(x: Any, *, activation: str, depth: int = 10, width: int = 100, init: str = "glorot",
                  seed: int = 0) -> list[np.ndarray]:
    """Push ``x`` (shape ``(n, width)``) through ``depth`` dense layers without biases.

    Returns the list of each layer's outputs ``h_1 … h_depth``: the raw material
    for the "spread of activations per layer" figures.
    """
    x = as_array(x, "x", ndim=2)
    depth = check_int(depth, "depth", minimum=1)
    width = check_int(width, "width", minimum=1)
    if x.shape[1] != width:
        raise ValueError(f"x must have {width} columns (the width), got shape {x.shape}")
    f = function(activation)
    outputs, h = [], x
    with threadpool_limits(limits=1):       # small matrices: one BLAS thread is fastest on shared CPUs
        for w in _stack_weights(depth, width, init, seed):
            h = f(h @ w)
            outputs.append(h)
    return outputs


def dead_units(w: Any, b: Any, x: Any) -> np.ndarray:
    """Boolean mask of ReLU units that output 0 for *every* row of ``x``.

    Such a unit also has gradient 0 for every example, so gradient descent can
    never change its incoming weights again: it is dead.
    """
    w = as_array(w, "w", ndim=2)
    b = as_array(b, "b", ndim=1)
    x = as_array(x, "x", ndim=2)
    if x.shape[1] != w.shape[0] or b.shape[0] != w.shape[1]:
        raise ValueError(f"shapes do not chain: x {x.shape}, w {w.shape}, b {b.shape}")
    return np.all(x @ w + b <= 0, axis=0)


def dying_relu_experiment(x: Any, y: Any, *, learning_rate: float, hidden: int = 64, steps: int = 100,
                          seed: int = 0) -> dict[str, np.ndarray]:
    """Train chapter 3's :class:`~helpers.network.Network` (one hidden ReLU layer) by full-batch gradient descent.

    ``x`` has shape ``(n, d)``, ``y`` holds integer classes. He-initialized
    weights, softmax output, cross-entropy loss. Returns ``{"dead": fraction of
    dead hidden units after each step, "loss": loss before each step}`` so the
    chapter can show that a too-large learning rate kills units and that dead
    units stay dead.
    """
    x = as_array(x, "x", ndim=2)
    y = as_array(y, "y", ndim=1, dtype=int)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    lr = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    steps = check_int(steps, "steps", minimum=1)
    classes = int(y.max()) + 1
    net = Network([x.shape[1], check_int(hidden, "hidden", minimum=1), classes], activation="relu", init="he",
                  seed=seed)
    targets = one_hot(y, classes)
    dead, losses = np.zeros(steps), np.zeros(steps)
    for step in range(steps):
        dW, db, losses[step] = net.backward(x, targets)   # forward and BP1-BP4 on the whole training set
        net.update(dW, db, lr)
        dead[step] = dead_units(net.W[0], net.b[0], x).mean()
    return {"dead": dead, "loss": losses}


# --- figures -----------------------------------------------------------------

def plot_activations(names: Sequence[str] = ACTIVATIONS, *, lo: float = -5.0, hi: float = 5.0) -> plt.Figure:
    """One panel per activation: the function (solid) and its derivative (dashed)."""
    names = [check_choice(nm, "activation", ACTIVATIONS) for nm in names]
    if not names:
        raise ValueError("names is empty: nothing to plot")
    lo = check_float(lo, "lo")
    hi = check_float(hi, "hi")
    if hi <= lo:
        raise ValueError(f"hi must be greater than lo, got lo={lo}, hi={hi}")
    x = np.linspace(lo, hi, 401)
    ncols = min(3, len(names))
    nrows = int(np.ceil(len(names) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 2.8 * nrows), squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.set_axis_off()
    for ax, nm in zip(axes.flat, names):
        ax.plot(x, function(nm)(x), color=PALETTE[0], label="f(x)")
        ax.plot(x, derivative(nm)(x), color=PALETTE[1], ls="--", label="f′(x)")
        ax.axhline(0, color="grey", lw=0.6)
        ax.set_title(nm)
        ax.set_xlabel("x")
        ax.set_ylabel("value")
        ax.legend(loc="upper left", fontsize=8)
    fig.suptitle("Activation functions (solid) and their derivatives (dashed)")
    fig.tight_layout()
    return fig


def plot_gradient_norms(norms: dict[str, Any], *, title: str = "Gradient norm per layer") -> plt.Figure:
    """Gradient norm against layer index (log scale), one line per labelled run."""
    if not isinstance(norms, dict) or not norms:
        raise TypeError("norms must be a non-empty dict {label: array of per-layer norms}")
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for i, (label, values) in enumerate(norms.items()):
        values = as_array(values, f"norms[{label!r}]", ndim=1)
        ax.semilogy(np.arange(1, len(values) + 1), values, marker="o", color=PALETTE[i % len(PALETTE)],
                    label=label)
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("‖∂L/∂W‖ (log scale)")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig


def _spread_panel(ax: plt.Axes, outputs: list[np.ndarray], label: str) -> None:
    data = [o.ravel()[:: max(1, o.size // 2000)] for o in outputs]   # a 2,000-value sample per layer
    parts = ax.violinplot(data, showextrema=False, widths=0.8)
    for body in parts["bodies"]:
        body.set_facecolor(PALETTE[0])
        body.set_alpha(0.6)
    ax.set_xticks(range(1, len(outputs) + 1))
    ax.set_xlabel("layer")
    ax.set_ylabel("activation value")
    ax.set_title(label, fontsize=10)


def plot_layer_spread(runs: dict[str, list[np.ndarray]], *, title: str = "Activations per layer") -> plt.Figure:
    """Violin plots of every layer's activation values, one panel per labelled run."""
    if not isinstance(runs, dict) or not runs:
        raise TypeError("runs must be a non-empty dict {label: list of per-layer outputs}")
    ncols = min(2, len(runs))
    nrows = int(np.ceil(len(runs) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 2.9 * nrows), squeeze=False)
    for ax in axes.flat[len(runs):]:
        ax.set_axis_off()
    for ax, (label, outputs) in zip(axes.flat, runs.items()):
        _spread_panel(ax, outputs, label)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_softmax_temperature(z: Any, temperatures: Sequence[float] = (0.5, 1.0, 2.0, 5.0)) -> plt.Figure:
    """Bars of softmax(z / T) for several temperatures T."""
    z = as_array(z, "z", ndim=1)
    temps = [check_float(t, "temperature", minimum=0.0, strict_minimum=True) for t in temperatures]
    if not temps:
        raise ValueError("temperatures is empty")
    fig, ax = plt.subplots(figsize=(7.0, 3.4))
    width = 0.8 / len(temps)
    for i, t in enumerate(temps):
        ax.bar(np.arange(len(z)) + (i - (len(temps) - 1) / 2) * width, softmax(z, temperature=t), width,
               color=PALETTE[i % len(PALETTE)], label=f"T = {t:g}")
    ax.set_xticks(range(len(z)), [f"z={v:g}" for v in z])
    ax.set_xlabel("class (its logit)")
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1)
    ax.set_title("Softmax at different temperatures")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_dying_relu(runs: dict[str, dict[str, np.ndarray]]) -> plt.Figure:
    """Two panels from :func:`dying_relu_experiment` results: dead units and loss per step."""
    if not isinstance(runs, dict) or not runs:
        raise TypeError("runs must be a non-empty dict {label: result of dying_relu_experiment}")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 3.4))
    for i, (label, run) in enumerate(runs.items()):
        steps = np.arange(1, len(run["dead"]) + 1)
        left.plot(steps, 100 * np.asarray(run["dead"]), color=PALETTE[i % len(PALETTE)], label=label)
        right.plot(steps, run["loss"], color=PALETTE[i % len(PALETTE)], label=label)
    left.set_xlabel("gradient-descent step")
    left.set_ylabel("dead hidden units (%)")
    left.set_title("Units that output 0 for every training image")
    left.set_ylim(-3, 103)
    right.set_xlabel("gradient-descent step")
    right.set_ylabel("cross-entropy loss (log scale)")
    right.set_yscale("log")
    right.set_title("Training loss")
    for ax in (left, right):
        ax.legend()
    fig.tight_layout()
    return fig


def explorer_figure(activation: str = "tanh", depth: int = 10, init: str = "glorot",
                    width: int = 100) -> plt.Figure:
    """The activation explorer's view: f and f′ on the left, the layer-by-layer spread on the right."""
    check_choice(activation, "activation", ACTIVATIONS)
    depth = check_int(depth, "depth", minimum=1, maximum=50)
    check_choice(init, "init", INITS)
    x = np.linspace(-4, 4, 301)
    rng = np.random.default_rng(0)
    outputs = forward_stack(rng.normal(size=(200, width)), activation=activation, depth=depth, width=width,
                            init=init, seed=0)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 3.6), gridspec_kw={"width_ratios": [1, 2]})
    left.plot(x, function(activation)(x), color=PALETTE[0], label="f(x)")
    left.plot(x, derivative(activation)(x), color=PALETTE[1], ls="--", label="f′(x)")
    left.set_xlabel("x")
    left.set_ylabel("value")
    left.set_title(f"{activation} and its derivative")
    left.legend(fontsize=8)
    _spread_panel(right, outputs, f"{depth} layers of width {width}, {init} initialization")
    last = float(outputs[-1].std())
    fig.suptitle(f"{activation}, {init} init: std of the last layer's activations = {last:.3g}")
    fig.tight_layout()
    return fig


#: The explorer's depths (a slider over these values).
EXPLORER_DEPTHS: tuple[int, ...] = (1, 2, 5, 10, 20, 30)


def spread_table(activation: str, depth: int, init: str) -> Any:
    """Standard deviation of each layer's activations in :func:`forward_stack` (200 random inputs, width 100)."""
    import pandas as pd

    check_choice(activation, "activation", ACTIVATIONS)
    depth = check_int(depth, "depth", minimum=1, maximum=50)
    check_choice(init, "init", INITS)
    inputs = np.random.default_rng(0).normal(size=(200, 100))
    outputs = forward_stack(inputs, activation=activation, depth=depth, width=100, init=init, seed=0)
    return pd.DataFrame({"layer": np.arange(1, depth + 1), "std": [float(o.std()) for o in outputs]})


def plot_spread_table(frame: Any, activation: str, depth: int, init: str) -> plt.Figure:
    """The explorer's matplotlib form: f and f′ (left) and the per-layer spread of :func:`spread_table` (right)."""
    x = np.linspace(-4, 4, 301)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 3.6), gridspec_kw={"width_ratios": [1, 2]})
    left.plot(x, function(activation)(x), color=PALETTE[0], label="f(x)")
    left.plot(x, derivative(activation)(x), color=PALETTE[1], ls="--", label="f′(x)")
    left.set_xlabel("x")
    left.set_ylabel("value")
    left.set_title(f"{activation} and its derivative")
    left.legend(fontsize=8)
    right.plot(frame["layer"], np.maximum(frame["std"], 1e-30), marker="o", color=PALETTE[2])
    right.set_yscale("log")
    right.set_xlabel("layer")
    right.set_ylabel("std of the layer's activations")
    right.set_title(f"{depth} layers of width 100, {init} initialization")
    fig.tight_layout()
    return fig


def spread_chart(base: Any) -> Any:
    """The explorer's Vega-Lite form: the per-layer spread on a log scale."""
    widgets.require_chart(base)
    import altair as alt

    return (base.transform_calculate(shown="max(datum.std, 1e-30)")
            .mark_line(point=True)
            .encode(x=alt.X("layer:Q", title="layer"),
                    y=alt.Y("shown:Q", scale=alt.Scale(type="log"), title="std of the layer's activations"))
            .properties(width=420, height=260))


def activation_explorer() -> widgets.Explorer:
    """Choose an activation, the depth and the initialization; see f, f′ and the spread per layer."""
    return widgets.Explorer(
        controls={"activation": widgets.Choice(list(ACTIVATIONS), "tanh"),
                  "depth": widgets.Steps(list(EXPLORER_DEPTHS), 10),
                  "init": widgets.Choice(list(INITS), "glorot", label="initialization")},
        compute=spread_table, render=plot_spread_table, chart=spread_chart, title="Activation explorer",
        description="The standard deviation of each layer's activations in a deep stack of dense layers; the "
                    "controls choose the activation, the depth and the initialization.")


# --- exercise checkers ---------------------------------------------------------

def check_softplus(f: Callable[[Any], Any], df: Callable[[Any], Any]) -> Feedback:
    r"""Check a learner's softplus $\log(1 + e^x)$ and its derivative against Keras and autodiff.

    The grid is [-30, 30] plus the extreme inputs ±800, where the naive formula overflows.
    """
    import keras
    import tensorflow as tf

    if not callable(f) or not callable(df):
        return Feedback(False, ["pass two functions: softplus and its derivative"])
    x = np.concatenate([np.linspace(-30, 30, 121), [-800.0, 800.0]])
    xt = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = keras.activations.softplus(xt)
    expected_df = np.asarray(tape.gradient(y, xt))
    with np.errstate(over="ignore", invalid="ignore"):
        got_f, got_df = np.asarray(f(x), dtype=float), np.asarray(df(x), dtype=float)
    hint = ""
    if got_f.shape == x.shape and not np.all(np.isfinite(got_f)):
        hint = "np.log(1 + np.exp(x)) overflows for large x: use np.logaddexp(0, x)"
    a = check_array(got_f, expected=np.asarray(y), name="softplus(x)", atol=1e-6, hint=hint)
    b = check_array(got_df, expected=expected_df, name="softplus'(x)", atol=1e-6,
                    hint="the derivative of softplus is the sigmoid")
    return Feedback(a.passed and b.passed, a.messages + b.messages)


def check_init_std(answer: Any, *, width: int) -> Feedback:
    """Check the weight standard deviation that keeps a ReLU stack's scale constant (He)."""
    from .exercises import check_scalar

    width = check_int(width, "width", minimum=1)
    expected = float(np.sqrt(2 / width))
    hint = ""
    if isinstance(answer, (int, float)) and np.isclose(answer, np.sqrt(1 / width)):
        hint = "that keeps a *linear* stack stable; ReLU zeroes half of its inputs, which halves the variance"
    return check_scalar(answer, expected=expected, name="weight std", rtol=1e-3, hint=hint)
