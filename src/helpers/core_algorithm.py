"""Chapter 3, "Gradient descent and backpropagation, from scratch and verified".

Three parts, each written to be read:

1. **Gradient descent** on functions of one and two variables
   (:func:`gradient_descent`, the test surfaces in :data:`SURFACES`, the
   explorer's render function :func:`explorer_figure`) and on a linear
   regression with batch, mini-batch and stochastic gradients
   (:func:`linear_regression_sgd`).
2. **A multilayer perceptron in numpy**, in the style of Nielsen's
   ``network.py``: :func:`init_mlp`, :func:`forward`, :func:`backward`,
   :func:`update`, and :func:`train_mlp`, whose inner loop is exactly the three
   steps the source article names (forward propagation, backpropagation,
   weight update).
3. **Verification**: :func:`numerical_gradients` (central finite
   differences), :func:`tape_gradients` (``tf.GradientTape``),
   :func:`keras_sgd_step` (one step of ``keras.optimizers.SGD``) and
   :func:`train_keras` (the same architecture trained by ``fit`` on the same
   batches).

Conventions: a batch ``x`` has one example per row, shape ``(n, features)``; a
layer's weights ``W`` have shape ``(inputs, units)`` and compute
``x @ W + b``, the layout Keras's ``Dense`` uses, so weights move between the
two without transposing. Labels for the network are one-hot rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from . import widgets
from .exercises import Feedback, check_scalar, combine
from .plotting import PALETTE
from .validation import as_array, check_choice, check_float, check_int, check_same_length

__all__ = [
    "GDResult",
    "Surface",
    "SURFACES",
    "gradient_descent",
    "quadratic_1d",
    "lr_comparison_figure",
    "surfaces_figure",
    "explorer_figure",
    "gd_explorer",
    "make_regression_data",
    "linear_regression_sgd",
    "regression_figure",
    "ACTIVATIONS",
    "Params",
    "init_mlp",
    "softmax",
    "cross_entropy",
    "forward",
    "backward",
    "update",
    "loss_and_gradients",
    "epoch_orders",
    "train_mlp",
    "predict",
    "one_hot",
    "load_digits_split",
    "relative_error",
    "numerical_gradients",
    "tape_gradients",
    "keras_model",
    "keras_sgd_step",
    "train_keras",
    "learning_curves_figure",
    "layer_gradient_norms",
    "gradient_norms_figure",
    "momentum_descent",
    "check_momentum",
    "check_divergence_rate",
    "check_activation_derivative",
]

#: Gradient descent stops and reports divergence once the parameters' norm exceeds this.
DIVERGENCE_NORM = 1e6


# =============================================================================
# 1. Gradient descent on functions
# =============================================================================

@dataclass(frozen=True)
class GDResult:
    """The run of :func:`gradient_descent`.

    ``path`` has one row per visited point (the start included); ``losses``
    the function value there (when ``f`` was given). ``diverged`` is true when
    the run stopped early because the parameters ran away.
    """

    path: np.ndarray
    losses: np.ndarray
    diverged: bool

    @property
    def final(self) -> np.ndarray:
        """The last point visited."""
        return self.path[-1]


def gradient_descent(grad: Callable[[np.ndarray], np.ndarray], start: Any, learning_rate: float,
                     steps: int, f: Callable[[np.ndarray], float] | None = None) -> GDResult:
    """Follow the negative gradient: ``θ ← θ − η ∇f(θ)``, ``steps`` times.

    ``start`` is a number or a vector; ``grad(θ)`` returns ∇f at θ, same shape.
    The run stops early (``diverged=True``) as soon as ‖θ‖ exceeds
    :data:`DIVERGENCE_NORM` or anything becomes non-finite, so a too-large
    learning rate gives a short, honest result instead of overflow warnings.
    """
    if not callable(grad):
        raise TypeError(f"grad must be a function, got {type(grad).__name__}")
    if f is not None and not callable(f):
        raise TypeError(f"f must be a function or None, got {type(f).__name__}")
    theta = as_array(start, "start", ndim=(0, 1)).reshape(-1)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    steps = check_int(steps, "steps", minimum=0)
    path = [theta.copy()]
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            theta = theta - learning_rate * np.asarray(grad(theta), dtype=float).reshape(theta.shape)
            if not np.all(np.isfinite(theta)) or np.linalg.norm(theta) > DIVERGENCE_NORM:
                diverged = True
                if np.all(np.isfinite(theta)):
                    path.append(theta.copy())
                break
            path.append(theta.copy())
        points = np.array(path)
        losses = np.array([np.asarray(f(p), dtype=float).item() for p in points]) if f is not None else np.array([])
    return GDResult(points, losses, diverged)


def quadratic_1d(curvature: float = 2.0, minimum: float = 2.0) -> tuple[Callable, Callable]:
    """``f(x) = curvature/2 · (x − minimum)² + 1`` and its derivative, as a pair.

    The second derivative is ``curvature`` everywhere, which makes the
    behaviour of gradient descent on it exactly predictable.
    """
    a = check_float(curvature, "curvature", minimum=0.0, strict_minimum=True)
    m = check_float(minimum, "minimum")

    def f(x: Any) -> Any:
        return a / 2 * (np.asarray(x, dtype=float) - m) ** 2 + 1.0

    def grad(x: Any) -> Any:
        return a * (np.asarray(x, dtype=float) - m)

    return f, grad


@dataclass(frozen=True)
class Surface:
    """A function of two parameters with its gradient and a sensible view.

    ``f`` and ``grad`` take points in their last axis (shape ``(..., 2)``), so
    ``f`` also evaluates a whole contour grid at once.
    """

    name: str
    title: str
    f: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    start: tuple[float, float]
    learning_rate: float
    steps: int

    @property
    def min_value(self) -> float:
        """The smallest value over the listed minima (the global minimum)."""
        return float(min(self.f(np.array(m)) for m in self.minima))


def _bowl(p: np.ndarray) -> np.ndarray:
    return p[..., 0] ** 2 + p[..., 1] ** 2


def _bowl_grad(p: np.ndarray) -> np.ndarray:
    return np.stack([2 * p[..., 0], 2 * p[..., 1]], axis=-1)


def _valley(p: np.ndarray) -> np.ndarray:
    return 0.5 * p[..., 0] ** 2 + 10.0 * p[..., 1] ** 2


def _valley_grad(p: np.ndarray) -> np.ndarray:
    return np.stack([p[..., 0], 20.0 * p[..., 1]], axis=-1)


_TILT = (0.3, 0.2)


def _bumps(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return (x ** 2 - 1) ** 2 + (y ** 2 - 1) ** 2 + _TILT[0] * x + _TILT[1] * y


def _bumps_grad(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return np.stack([4 * x ** 3 - 4 * x + _TILT[0], 4 * y ** 3 - 4 * y + _TILT[1]], axis=-1)


def _bumps_minima() -> tuple[tuple[float, float], ...]:
    """The four minima: each coordinate solves 4t³ − 4t + c = 0 at an outer root."""
    roots = []
    for c in _TILT:
        r = np.sort(np.roots([4.0, 0.0, -4.0, c]).real)
        roots.append((float(r[0]), float(r[2])))
    return tuple((x, y) for x in roots[0] for y in roots[1])


def _rosenbrock(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return (1 - x) ** 2 + 100.0 * (y - x ** 2) ** 2


def _rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2 * (1 - x) - 400.0 * x * (y - x ** 2), 200.0 * (y - x ** 2)], axis=-1)


#: The chapter's test surfaces, by name.
SURFACES: dict[str, Surface] = {
    s.name: s for s in (
        Surface("bowl", "Convex bowl  x² + y²", _bowl, _bowl_grad, (-3, 3), (-3, 3),
                ((0.0, 0.0),), (2.5, 2.0), 0.1, 40),
        Surface("valley", "Elongated valley  x²/2 + 10y²", _valley, _valley_grad, (-3, 3), (-2, 2),
                ((0.0, 0.0),), (-2.8, 1.5), 0.09, 60),
        Surface("bumps", "Four minima  (x²−1)² + (y²−1)² + 0.3x + 0.2y", _bumps, _bumps_grad,
                (-2, 2), (-2, 2), _bumps_minima(), (0.3, 0.4), 0.05, 60),
        Surface("rosenbrock", "Rosenbrock  (1−x)² + 100(y−x²)²", _rosenbrock, _rosenbrock_grad,
                (-2, 2), (-1, 3), ((1.0, 1.0),), (-1.5, 2.0), 0.001, 2000),
    )
}


def _surface(name: str) -> Surface:
    check_choice(name, "surface", SURFACES)
    return SURFACES[name]


def lr_comparison_figure(rates: Sequence[float], *, start: float = -2.0, steps: int = 30,
                         curvature: float = 2.0) -> plt.Figure:
    """Gradient descent on :func:`quadratic_1d` with several learning rates, side by side.

    Top row: the iterates on the curve. Bottom row: the loss above the minimum
    per step (log scale), so convergence is a falling line and divergence a
    rising one.
    """
    if isinstance(rates, (str, bytes)) or not isinstance(rates, Sequence) or not rates:
        raise TypeError("rates must be a non-empty list of learning rates")
    rates = [check_float(r, "rates", minimum=0.0, strict_minimum=True) for r in rates]
    f, grad = quadratic_1d(curvature)
    fig, axes = plt.subplots(2, len(rates), figsize=(3.1 * len(rates), 5.6), squeeze=False)
    xs = np.linspace(-3.0, 7.0, 200)
    for k, lr in enumerate(rates):
        run = gradient_descent(grad, start, lr, steps, f)
        top, bottom = axes[0, k], axes[1, k]
        top.plot(xs, f(xs), color="0.6", lw=1)
        pts = run.path[:, 0]
        top.plot(pts, f(pts), "-o", color=PALETTE[k % len(PALETTE)], ms=3, lw=0.8)
        top.set_xlim(xs[0], xs[-1])
        top.set_ylim(0, f(xs).max())
        top.set_title(f"η = {lr:g}  ({_verdict(run, 2.0)})")
        top.set_xlabel("parameter x")
        top.set_ylabel("loss f(x)")
        gap = np.maximum(run.losses - 1.0, 1e-16)
        bottom.semilogy(np.arange(len(gap)), gap, "-o", color=PALETTE[k % len(PALETTE)], ms=3)
        bottom.set_xlabel("step")
        bottom.set_ylabel("f(x) − f(x*)")
        bottom.set_title(f"after {steps} steps: x = {pts[-1]:.3g}")
    coefficient = "" if curvature == 2 else f"{curvature / 2:g}·"
    fig.suptitle(f"Gradient descent on f(x) = {coefficient}(x − 2)² + 1 from x = {start:g}")
    fig.tight_layout()
    return fig


def _verdict(run: GDResult, target: float, tol: float = 1e-3) -> str:
    """A one-word description of a 1-D run: converged, slow, oscillating or diverging."""
    if run.diverged:
        return "diverges"
    x = run.path[:, 0] - target
    if abs(x[-1]) > abs(x[0]):
        return "diverges"
    if abs(x[-1]) < tol:
        return "converges"
    signs = np.sign(x[1:]) != np.sign(x[:-1])
    return "oscillates" if signs.mean() > 0.5 else "too slow"


def _contour(ax: plt.Axes, surface: Surface, n: int = 160) -> None:
    xs = np.linspace(*surface.xlim, n)
    ys = np.linspace(*surface.ylim, n)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    z = surface.f(grid) - surface.min_value + 1e-3
    levels = np.geomspace(max(z.min(), 1e-3), z.max(), 18)
    ax.contour(xs, ys, z, levels=levels, norm=LogNorm(), cmap="viridis", linewidths=0.8)
    for m in surface.minima:
        ax.plot(*m, marker="*", color=PALETTE[3], ms=11, ls="none")
    ax.set_xlim(*surface.xlim)
    ax.set_ylim(*surface.ylim)
    ax.set_xlabel("parameter θ₁")
    ax.set_ylabel("parameter θ₂")


def _draw_path(ax: plt.Axes, run: GDResult, colour: str = PALETTE[3]) -> None:
    ax.plot(run.path[:, 0], run.path[:, 1], "-o", color=colour, ms=2.5, lw=1.0)
    ax.plot(*run.path[0], marker="s", color="black", ms=6, ls="none")


def surfaces_figure() -> plt.Figure:
    """The four surfaces, each with gradient descent from its default start."""
    fig, axes = plt.subplots(2, 2, figsize=(10, 8.4))
    for ax, surface in zip(axes.flat, SURFACES.values()):
        run = gradient_descent(surface.grad, surface.start, surface.learning_rate, surface.steps, surface.f)
        _contour(ax, surface)
        _draw_path(ax, run)
        ax.set_title(f"{surface.title}\nη = {surface.learning_rate:g}, {surface.steps} steps → "
                     f"({run.final[0]:.2f}, {run.final[1]:.2f})", fontsize=10)
    fig.suptitle("Gradient descent on four surfaces (■ start, ★ minima)")
    fig.tight_layout()
    return fig


def explorer_figure(surface: str = "valley", start_x: float = -2.8, start_y: float = 1.5,
                    learning_rate: float = 0.0794, steps: int = 50) -> plt.Figure:
    """The gradient-descent explorer's view: path on the contour plot, loss curve beside it.

    A diverging run is cut where it leaves the region (see
    :func:`gradient_descent`) and the title says so; nothing overflows.
    """
    s = _surface(surface)
    start = (check_float(start_x, "start_x"), check_float(start_y, "start_y"))
    run = gradient_descent(s.grad, start, learning_rate, steps, s.f)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.2), gridspec_kw={"width_ratios": [1.15, 1]})
    _contour(left, s)
    _draw_path(left, run)
    left.set_title(s.title, fontsize=10)
    gap = np.maximum(run.losses - s.min_value, 1e-12)
    right.semilogy(np.arange(len(gap)), gap, color=PALETTE[0], marker="o", ms=2)
    right.set_xlabel("step")
    right.set_ylabel("f(θ) − f(θ*)  (log scale)")
    if run.diverged:
        status = f"diverged after {len(run.path) - 1} steps (‖θ‖ > {DIVERGENCE_NORM:.0e})"
        right.set_title(status, color=PALETTE[3])
    else:
        right.set_title(f"after {steps} steps: θ = ({run.final[0]:.3f}, {run.final[1]:.3f})")
    fig.suptitle(f"Gradient descent, η = {learning_rate:.3g}, start ({start[0]:.2f}, {start[1]:.2f})")
    fig.tight_layout()
    return fig


def gd_explorer() -> widgets.Explorer:
    """Surface, starting point, learning rate and steps → the path and its loss curve."""
    controls = {
        "surface": widgets.dropdown("surface", list(SURFACES), "valley"),
        "start_x": widgets.slider("start θ₁", -2.8, -3.0, 3.0, 0.1),
        "start_y": widgets.slider("start θ₂", 1.5, -2.0, 3.0, 0.1),
        "learning_rate": widgets.log_slider("learning rate η", 0.0794, 1e-4, 1.0),
        "steps": widgets.int_slider("steps", 50, 1, 500),
    }
    return widgets.Explorer(explorer_figure, controls, title="Gradient-descent explorer")


# =============================================================================
# Batch, mini-batch and stochastic gradient descent on linear regression
# =============================================================================

def make_regression_data(n: int = 500, *, slope: float = 3.0, intercept: float = -2.0,
                         noise: float = 1.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points ``y = slope·x + intercept + noise``, with ``x`` standard normal."""
    n = check_int(n, "n", minimum=2)
    noise = check_float(noise, "noise", minimum=0.0)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    x = rng.normal(size=n)
    y = check_float(slope, "slope") * x + check_float(intercept, "intercept") + noise * rng.normal(size=n)
    return x, y


def _mse(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """Half the mean squared error of the line θ = (w, b) on (x, y)."""
    return float(0.5 * np.mean((theta[0] * x + theta[1] - y) ** 2))


def linear_regression_sgd(x: Any, y: Any, *, batch_size: int, learning_rate: float = 0.1,
                          epochs: int = 5, seed: int = 0) -> dict[str, np.ndarray]:
    """Fit ``y ≈ w·x + b`` by gradient descent on mini-batches of ``batch_size``.

    ``batch_size = len(x)`` is (full-)batch gradient descent, ``1`` is
    stochastic gradient descent, anything between is mini-batch. Every epoch
    visits the examples once, in a fresh random order. Returns, per update,
    the parameters ``theta`` (w, b), the loss on the *whole* data set
    ``loss``, and ``examples``, the number of examples whose gradient has been
    computed so far (the cost).
    """
    x = as_array(x, "x", ndim=1)
    y = as_array(y, "y", ndim=1)
    check_same_length(x, y, "x", "y")
    batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=len(x))
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    epochs = check_int(epochs, "epochs", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    theta = np.zeros(2)
    thetas, losses, seen = [theta.copy()], [_mse(theta, x, y)], [0]
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(x), batch_size):
            idx = order[i:i + batch_size]
            error = theta[0] * x[idx] + theta[1] - y[idx]          # forward: residuals
            gradient = np.array([np.mean(error * x[idx]), np.mean(error)])
            theta = theta - learning_rate * gradient               # update
            thetas.append(theta.copy())
            losses.append(_mse(theta, x, y))
            seen.append(seen[-1] + len(idx))
    return {"theta": np.array(thetas), "loss": np.array(losses), "examples": np.array(seen)}


def regression_figure(x: Any, y: Any, runs: dict[str, dict[str, np.ndarray]]) -> plt.Figure:
    """Loss against cost (examples processed) and the parameter paths, for several runs."""
    x = as_array(x, "x", ndim=1)
    y = as_array(y, "y", ndim=1)
    if not isinstance(runs, dict) or not runs:
        raise TypeError("runs must be a non-empty dict {label: result of linear_regression_sgd}")
    design = np.stack([x, np.ones_like(x)], axis=1)
    best = np.linalg.lstsq(design, y, rcond=None)[0]
    best_loss = _mse(best, x, y)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.3))
    for k, (label, run) in enumerate(runs.items()):
        c = PALETTE[k % len(PALETTE)]
        left.semilogy(run["examples"] / len(x), run["loss"] - best_loss + 1e-6, color=c, lw=1.0,
                      label=f"{label}: {len(run['loss']) - 1} updates")
        right.plot(run["theta"][:, 0], run["theta"][:, 1], color=c, lw=0.8, alpha=0.9 if k < 2 else 0.55,
                   label=label, zorder=3 - k)
    left.set_xlabel("epochs (examples processed / n)")
    left.set_ylabel("loss − least-squares loss")
    left.set_title("Loss against computation")
    left.legend(fontsize=8)
    ws = np.linspace(-0.5, 4.0, 120)
    bs = np.linspace(-3.0, 0.8, 120)
    W, B = np.meshgrid(ws, bs)
    Z = 0.5 * np.mean((W[..., None] * x + B[..., None] - y) ** 2, axis=-1)
    right.contour(W, B, Z, levels=np.geomspace(Z.min() + 1e-3, Z.max(), 14), cmap="viridis", linewidths=0.7)
    right.plot(*best, marker="*", color=PALETTE[3], ms=12, ls="none", label="least squares")
    right.set_xlabel("slope w")
    right.set_ylabel("intercept b")
    right.set_title("Paths in parameter space, from (0, 0)")
    right.legend(fontsize=8, loc="upper right")
    fig.suptitle("Batch, mini-batch and stochastic gradient descent on a linear regression")
    fig.tight_layout()
    return fig


# =============================================================================
# 2. A multilayer perceptron in numpy
# =============================================================================

#: A network's parameters: one ``(W, b)`` pair per layer, ``W`` of shape (inputs, units).
Params = list[tuple[np.ndarray, np.ndarray]]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))          # = 1/(1+e^-z), without overflow


#: Hidden-layer activations: name -> (function, its derivative), both of the pre-activation z.
ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype)),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
}


def init_mlp(sizes: Sequence[int], *, seed: int = 0, activation: str = "relu") -> Params:
    """Random weights for layer widths ``sizes`` (inputs first, classes last); zero biases.

    Weights are normal with standard deviation √(2/inputs) for ReLU (He et al.
    2015) and √(1/inputs) otherwise, so signals neither explode nor vanish at
    the start.
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a list of layer widths, got {type(sizes).__name__}")
    sizes = [check_int(s, "sizes", minimum=1) for s in sizes]
    if len(sizes) < 2:
        raise ValueError("sizes needs at least an input and an output width")
    check_choice(activation, "activation", ACTIVATIONS)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    gain = 2.0 if activation == "relu" else 1.0
    return [(rng.normal(0.0, np.sqrt(gain / n_in), size=(n_in, n_out)), np.zeros(n_out))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def softmax(z: Any) -> np.ndarray:
    """Row-wise softmax: exponentiate and normalize (shifted by the row max, for stability)."""
    z = as_array(z, "z", ndim=2)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(probabilities: Any, y: Any) -> float:
    """Mean categorical cross-entropy −Σ y·log p of one-hot ``y`` under ``probabilities``."""
    p = as_array(probabilities, "probabilities", ndim=2)
    y = as_array(y, "y", ndim=2)
    if p.shape != y.shape:
        raise ValueError(f"probabilities and y must have the same shape, got {p.shape} and {y.shape}")
    return float(-np.sum(y * np.log(np.clip(p, 1e-300, 1.0))) / len(y))


def _check_params(params: Any) -> Params:
    if not isinstance(params, (list, tuple)) or not params:
        raise TypeError("params must be a non-empty list of (W, b) pairs, as init_mlp returns")
    for k, layer in enumerate(params):
        if not (isinstance(layer, (list, tuple)) and len(layer) == 2):
            raise TypeError(f"params[{k}] must be a (W, b) pair")
        W, b = layer
        if np.ndim(W) != 2 or np.ndim(b) != 1 or np.shape(W)[1] != np.shape(b)[0]:
            raise ValueError(f"params[{k}]: W must be (inputs, units) and b (units,), "
                             f"got {np.shape(W)} and {np.shape(b)}")
        if k and np.shape(W)[0] != np.shape(params[k - 1][0])[1]:
            raise ValueError(f"params[{k}] takes {np.shape(W)[0]} inputs but layer {k - 1} "
                             f"has {np.shape(params[k - 1][0])[1]} units")
    return list(params)


def forward(params: Params, x: Any, activation: str = "relu") -> tuple[np.ndarray, list]:
    """Forward propagation: ``a ← act(a @ W + b)`` layer by layer, softmax at the end.

    Returns the class probabilities and a *cache* of each layer's input ``a``
    and pre-activation ``z``: the values the backward pass needs.
    """
    params = _check_params(params)
    act = ACTIVATIONS[check_choice(activation, "activation", ACTIVATIONS)][0]
    a = as_array(x, "x", ndim=2)
    if a.shape[1] != params[0][0].shape[0]:
        raise ValueError(f"x has {a.shape[1]} features but the network expects {params[0][0].shape[0]}")
    cache = []
    for k, (W, b) in enumerate(params):
        z = a @ W + b
        cache.append((a, z))
        a = act(z) if k < len(params) - 1 else softmax(z)
    return a, cache


def backward(params: Params, cache: list, probabilities: np.ndarray, y: Any,
             activation: str = "relu") -> Params:
    """Backpropagation: the gradient of the mean cross-entropy for every ``(W, b)``.

    Start from δ = ∂loss/∂z of the output layer, which for softmax with
    cross-entropy is (p − y)/n. For each layer, from the last to the first:
    ``dW = aᵀ δ`` and ``db = Σ δ`` over the batch; then pass δ back through
    the weights and the activation's derivative: ``δ ← (δ Wᵀ) ⊙ act′(z)``.
    """
    params = _check_params(params)
    dact = ACTIVATIONS[check_choice(activation, "activation", ACTIVATIONS)][1]
    y = as_array(y, "y", ndim=2)
    if y.shape != np.shape(probabilities):
        raise ValueError(f"y must have shape {np.shape(probabilities)} (one-hot rows), got {y.shape}")
    delta = (probabilities - y) / len(y)
    grads: Params = []
    for k in range(len(params) - 1, -1, -1):
        a, _ = cache[k]
        grads.append((a.T @ delta, delta.sum(axis=0)))
        if k > 0:
            delta = (delta @ params[k][0].T) * dact(cache[k - 1][1])
    return grads[::-1]


def update(params: Params, grads: Params, learning_rate: float) -> Params:
    """Weight update, plain SGD: every parameter moves by −η times its gradient."""
    params = _check_params(params)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    if len(grads) != len(params):
        raise ValueError(f"grads has {len(grads)} layers, params {len(params)}")
    return [(W - learning_rate * dW, b - learning_rate * db) for (W, b), (dW, db) in zip(params, grads)]


def loss_and_gradients(params: Params, x: Any, y: Any, activation: str = "relu") -> tuple[float, Params]:
    """Forward then backward on one batch: ``(loss, grads)``."""
    probabilities, cache = forward(params, x, activation)
    return cross_entropy(probabilities, y), backward(params, cache, probabilities, y, activation)


def epoch_orders(n: int, epochs: int, seed: int = 0) -> list[np.ndarray]:
    """One random permutation of ``range(n)`` per epoch, from one seed.

    :func:`train_mlp` and :func:`train_keras` both take their batches from
    these, so the two see exactly the same examples in the same order.
    """
    n = check_int(n, "n", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    return [rng.permutation(n) for _ in range(epochs)]


def one_hot(labels: Any, num_classes: int = 10) -> np.ndarray:
    """Integer labels → one-hot rows (float64)."""
    labels = as_array(labels, "labels", ndim=1, dtype=None)
    num_classes = check_int(num_classes, "num_classes", minimum=1)
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must lie in 0..{num_classes - 1}")
    return np.eye(num_classes)[labels]


def predict(params: Params, x: Any, activation: str = "relu") -> np.ndarray:
    """The most probable class for each row of ``x``."""
    return forward(params, x, activation)[0].argmax(axis=1)


def train_mlp(params: Params, x: Any, y: Any, *, epochs: int = 10, batch_size: int = 32,
              learning_rate: float = 0.1, activation: str = "relu", seed: int = 0,
              validation_data: tuple[Any, Any] | None = None,
              epoch_seconds: list[float] | None = None) -> tuple[Params, dict[str, list[float]]]:
    """Mini-batch SGD, the source article's three steps per batch.

    For every batch: (1) forward propagation, (2) backpropagation, (3) weight
    update. The history records, per epoch, what Keras's ``fit`` reports: the
    mean of the batch losses and accuracies during the epoch, and the loss and
    accuracy on ``validation_data`` at the end of it. If ``epoch_seconds`` is a
    list, the training time of each epoch (validation excluded) is appended to it.
    """
    x = as_array(x, "x", ndim=2)
    y = as_array(y, "y", ndim=2)
    check_same_length(x, y, "x", "y")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    for order in epoch_orders(len(x), epochs, seed):
        start = time.perf_counter()
        losses, hits = [], 0
        with _one_blas_thread():
            for i in range(0, len(x), batch_size):
                xb, yb = x[order[i:i + batch_size]], y[order[i:i + batch_size]]
                probabilities, cache = forward(params, xb, activation)              # 1. forward
                grads = backward(params, cache, probabilities, yb, activation)      # 2. backward
                params = update(params, grads, learning_rate)                       # 3. update
                losses.append(cross_entropy(probabilities, yb) * len(xb))
                hits += int((probabilities.argmax(1) == yb.argmax(1)).sum())
        history["loss"].append(sum(losses) / len(x))
        history["accuracy"].append(hits / len(x))
        if epoch_seconds is not None:
            epoch_seconds.append(time.perf_counter() - start)
        if validation_data is not None:
            xv, yv = validation_data
            pv = forward(params, xv, activation)[0]
            history.setdefault("val_loss", []).append(cross_entropy(pv, yv))
            history.setdefault("val_accuracy", []).append(float(np.mean(pv.argmax(1) == np.argmax(yv, 1))))
    return params, history


def _one_blas_thread() -> Any:
    """Run numpy's matrix products on one thread.

    A mini-batch's products are too small to share between cores: on a busy
    machine, OpenBLAS's threads spend more time waiting for each other than
    computing (measured: 25× slower per epoch on two shared cores).
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def load_digits_split(test_fraction: float = 0.25, seed: int = 0) -> tuple[np.ndarray, ...]:
    """scikit-learn's 1,797 8×8 digits, pixels scaled to [0, 1], stratified split.

    Returns ``x_train, labels_train, x_test, labels_test`` (labels are integers).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    test_fraction = check_float(test_fraction, "test_fraction", minimum=0.0, maximum=0.9, strict_minimum=True)
    digits = load_digits()
    x = digits.data / 16.0
    x_tr, x_te, l_tr, l_te = train_test_split(x, digits.target, test_size=test_fraction,
                                              stratify=digits.target,
                                              random_state=check_int(seed, "seed", minimum=0))
    return x_tr, l_tr, x_te, l_te


# =============================================================================
# 3. Verification: finite differences, GradientTape, Keras
# =============================================================================

def relative_error(a: Any, b: Any) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖) over all entries; ``a`` and ``b`` may be lists of (W, b) pairs."""
    fa, fb = _flatten(a, "a"), _flatten(b, "b")
    if fa.shape != fb.shape:
        raise ValueError(f"a and b hold different numbers of values: {fa.size} and {fb.size}")
    scale = np.linalg.norm(fa) + np.linalg.norm(fb)
    return 0.0 if scale == 0 else float(np.linalg.norm(fa - fb) / scale)


def _flatten(value: Any, name: str) -> np.ndarray:
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (list, tuple)):
        return np.concatenate([np.ravel(as_array(p, name)) for layer in value for p in layer])
    return np.ravel(as_array(value, name))


def numerical_gradients(params: Params, x: Any, y: Any, activation: str = "relu",
                        eps: float = 1e-6) -> Params:
    """Central finite differences (L(θ+ε) − L(θ−ε)) / 2ε, one parameter at a time.

    Slow (two forward passes per parameter) but obviously right: the
    reference that backpropagation must match.
    """
    params = _check_params(params)
    eps = check_float(eps, "eps", minimum=0.0, strict_minimum=True)
    x = as_array(x, "x", ndim=2)
    y = as_array(y, "y", ndim=2)

    def loss(p: Params) -> float:
        return cross_entropy(forward(p, x, activation)[0], y)

    work = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in params]
    grads = []
    with _one_blas_thread():
        for W, b in work:
            layer_grads = []
            for array in (W, b):
                g = np.zeros_like(array)
                for index in np.ndindex(array.shape):
                    saved = array[index]
                    array[index] = saved + eps
                    up = loss(work)
                    array[index] = saved - eps
                    down = loss(work)
                    array[index] = saved
                    g[index] = (up - down) / (2 * eps)
                layer_grads.append(g)
            grads.append((layer_grads[0], layer_grads[1]))
    return grads


_TF_ACTIVATIONS = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh"}


def tape_gradients(params: Params, x: Any, y: Any, activation: str = "relu") -> Params:
    """The same gradients computed by TensorFlow's automatic differentiation, in float64."""
    import tensorflow as tf

    params = _check_params(params)
    check_choice(activation, "activation", ACTIVATIONS)
    act = getattr(tf.nn, _TF_ACTIVATIONS[activation])
    variables = [(tf.Variable(np.asarray(W, dtype=np.float64)), tf.Variable(np.asarray(b, dtype=np.float64)))
                 for W, b in params]
    a = tf.constant(as_array(x, "x", ndim=2), dtype=tf.float64)
    y = tf.constant(as_array(y, "y", ndim=2), dtype=tf.float64)
    with tf.GradientTape() as tape:
        for k, (W, b) in enumerate(variables):
            z = a @ W + b
            a = act(z) if k < len(variables) - 1 else z
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=a))
    flat = tape.gradient(loss, [v for pair in variables for v in pair])
    return [(flat[2 * k].numpy(), flat[2 * k + 1].numpy()) for k in range(len(variables))]


def keras_model(params: Params, activation: str = "relu", *, dtype: str = "float64") -> Any:
    """A Keras ``Sequential`` of ``Dense`` layers holding exactly ``params``."""
    import keras

    params = _check_params(params)
    check_choice(activation, "activation", ACTIVATIONS)
    check_choice(dtype, "dtype", ("float32", "float64"))
    layers: list[Any] = [keras.Input(shape=(params[0][0].shape[0],), dtype=dtype)]
    for k, (W, _) in enumerate(params):
        act = activation if k < len(params) - 1 else "softmax"
        layers.append(keras.layers.Dense(W.shape[1], activation=act, dtype=dtype))
    model = keras.Sequential(layers)
    model.set_weights([np.asarray(p, dtype=dtype) for layer in params for p in layer])
    return model


def keras_sgd_step(params: Params, x: Any, y: Any, learning_rate: float,
                   activation: str = "relu") -> Params:
    """One ``train_on_batch`` step of ``keras.optimizers.SGD`` from ``params``; the new weights."""
    import keras

    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    model = keras_model(params, activation)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss="categorical_crossentropy")
    model.train_on_batch(as_array(x, "x", ndim=2), as_array(y, "y", ndim=2))
    w = model.get_weights()
    return [(w[2 * k], w[2 * k + 1]) for k in range(len(params))]


def train_keras(params: Params, x: Any, y: Any, *, epochs: int = 10, batch_size: int = 32,
                learning_rate: float = 0.1, activation: str = "relu", seed: int = 0,
                validation_data: tuple[Any, Any] | None = None,
                dtype: str = "float32") -> tuple[Any, dict[str, list[float]], list[float]]:
    """The same network, initial weights and batches as :func:`train_mlp`, trained by Keras ``fit``.

    Each epoch calls ``fit(..., epochs=1, shuffle=False)`` on the data in the
    order :func:`epoch_orders` gives, so numpy and Keras see identical
    batches. Returns ``(model, history, seconds_per_epoch)``.
    """
    import keras

    x = as_array(x, "x", ndim=2)
    y = as_array(y, "y", ndim=2)
    check_same_length(x, y, "x", "y")
    model = keras_model(params, activation, dtype=dtype)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=check_float(learning_rate, "learning_rate")),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    history: dict[str, list[float]] = {}
    seconds: list[float] = []
    x, y = x.astype(dtype), y.astype(dtype)
    val = None if validation_data is None else tuple(np.asarray(v, dtype=dtype) for v in validation_data)
    for order in epoch_orders(len(x), epochs, seed):
        start = time.perf_counter()
        h = model.fit(x[order], y[order], batch_size=check_int(batch_size, "batch_size", minimum=1),
                      epochs=1, shuffle=False, verbose=0, validation_data=val)
        seconds.append(time.perf_counter() - start)
        for key, values in h.history.items():
            if key in ("loss", "accuracy", "val_loss", "val_accuracy"):
                history.setdefault(key, []).append(float(values[-1]))
    return model, history, seconds


def learning_curves_figure(histories: dict[str, dict[str, list[float]]], *,
                           title: str = "numpy MLP and Keras, same architecture") -> plt.Figure:
    """Loss and accuracy per epoch for several runs (solid: training, dashed: test)."""
    if not isinstance(histories, dict) or not histories:
        raise TypeError("histories must be a non-empty dict {label: history dict}")
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 3.8))
    markers = "os^d"
    for k, (label, h) in enumerate(histories.items()):
        if "loss" not in h or "accuracy" not in h:
            raise ValueError(f"history {label!r} needs 'loss' and 'accuracy'")
        for ax, metric in zip(axes, ("loss", "accuracy")):
            epochs = np.arange(1, len(h[metric]) + 1)
            style = {"lw": 4.0, "ms": 8, "alpha": 0.45} if k == 0 else {"lw": 1.2, "ms": 4}  # overlaps stay visible
            ax.plot(epochs, h[metric], marker=markers[k % 4], color=PALETTE[k], label=f"{label}, training", **style)
            if f"val_{metric}" in h:
                ax.plot(epochs, h[f"val_{metric}"], ls="--", marker=markers[k % 4], mfc="none",
                        color=PALETTE[k], label=f"{label}, test", **style)
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric if metric == "accuracy" else "cross-entropy loss")
        ax.set_title(f"{metric.capitalize()} per epoch")
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def layer_gradient_norms(x: Any, y: Any, *, depth: int = 8, width: int = 32, activation: str = "sigmoid",
                         weight_scale: float = 1.0, seed: int = 0) -> np.ndarray:
    """‖∂loss/∂W‖ for each layer (first to last) of a freshly initialized deep network.

    ``weight_scale`` multiplies the hidden layers' initial weights (those of
    :func:`init_mlp`); values above 1 show gradients exploding instead of vanishing.
    """
    x = as_array(x, "x", ndim=2)
    y = as_array(y, "y", ndim=2)
    depth = check_int(depth, "depth", minimum=1)
    width = check_int(width, "width", minimum=1)
    weight_scale = check_float(weight_scale, "weight_scale", minimum=0.0, strict_minimum=True)
    params = init_mlp([x.shape[1]] + [width] * depth + [y.shape[1]], seed=seed, activation=activation)
    params = [(W * weight_scale if 0 < k < depth else W, b) for k, (W, b) in enumerate(params)]
    _, grads = loss_and_gradients(params, x, y, activation)
    return np.array([np.linalg.norm(dW) for dW, _ in grads])


def gradient_norms_figure(norms: dict[str, np.ndarray]) -> plt.Figure:
    """Gradient norm per layer (log scale), one line per activation."""
    if not isinstance(norms, dict) or not norms:
        raise TypeError("norms must be a non-empty dict {label: norms per layer}")
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for k, (label, values) in enumerate(norms.items()):
        values = as_array(values, f"norms[{label!r}]", ndim=1)
        ax.semilogy(np.arange(1, len(values) + 1), values, marker="o", color=PALETTE[k], label=label)
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("‖∂loss/∂W‖ (log scale)")
    ax.set_title("Gradient size per layer at initialization")
    ax.legend()
    fig.tight_layout()
    return fig


# =============================================================================
# Exercises: reference solution pieces and checkers
# =============================================================================

def momentum_descent(grad: Callable[[np.ndarray], np.ndarray], start: Any, learning_rate: float,
                     beta: float, steps: int) -> np.ndarray:
    """Gradient descent with momentum: ``v ← βv − η∇f(θ)``, ``θ ← θ + v``; returns the path."""
    theta = as_array(start, "start", ndim=(0, 1)).reshape(-1)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    beta = check_float(beta, "beta", minimum=0.0, maximum=1.0)
    steps = check_int(steps, "steps", minimum=0)
    v = np.zeros_like(theta)
    path = [theta.copy()]
    for _ in range(steps):
        v = beta * v - learning_rate * np.asarray(grad(theta), dtype=float).reshape(theta.shape)
        theta = theta + v
        path.append(theta.copy())
    return np.array(path)


def check_momentum(fn: Callable[..., Any]) -> Feedback:
    """Check a learner's momentum optimizer ``fn(grad, start, learning_rate, beta, steps) -> path``."""
    if not callable(fn):
        return Feedback(False, [f"pass your function itself, got {type(fn).__name__}"])
    s = SURFACES["valley"]
    expected = momentum_descent(s.grad, s.start, 0.05, 0.8, 30)
    try:
        got = np.asarray(fn(s.grad, s.start, 0.05, 0.8, 30), dtype=float)
    except Exception as exc:  # the learner's code: report, do not crash
        return Feedback(False, [f"your function raised {type(exc).__name__}: {exc}"])
    if got.shape != expected.shape:
        return Feedback(False, [f"the path has shape {got.shape}, expected {expected.shape} "
                                "(the start plus one row per step)"])
    if np.allclose(got, gradient_descent(s.grad, s.start, 0.05, 30).path):
        return Feedback(False, ["your path equals plain gradient descent: the velocity is not carried over"])
    if not np.allclose(got[1], expected[1]):
        return Feedback(False, ["the first step is already off: it should be θ − η∇f(θ) since v starts at 0"])
    return combine(Feedback(bool(np.allclose(got, expected)),
                            [] if np.allclose(got, expected) else
                            ["later steps differ: update v ← βv − η∇f(θ) first, then θ ← θ + v"]),
                   Feedback(True, [f"final point ({got[-1, 0]:.3f}, {got[-1, 1]:.3f})"]))


def check_divergence_rate(answer: Any, curvature: float) -> Feedback:
    """Check the learning rate above which gradient descent on a/2·x² diverges (2/a)."""
    a = check_float(curvature, "curvature", minimum=0.0, strict_minimum=True)
    hint = ""
    if isinstance(answer, (int, float)) and not isinstance(answer, bool) and np.isclose(answer, 1 / a):
        hint = "η = 1/a jumps to the minimum in one step; divergence starts where |1 − ηa| > 1"
    return check_scalar(answer, expected=2.0 / a, name=f"critical learning rate for curvature {a:g}",
                        rtol=1e-3, hint=hint)


def check_activation_derivative(function: Callable[[np.ndarray], np.ndarray],
                                derivative: Callable[[np.ndarray], np.ndarray]) -> Feedback:
    """Compare ``derivative`` with central differences of ``function`` on [−4, 4] (0 excluded)."""
    if not callable(function) or not callable(derivative):
        return Feedback(False, ["pass two functions: the activation and its derivative"])
    z = np.linspace(-4, 4, 81)
    z = z[np.abs(z) > 1e-3]
    eps = 1e-6
    try:
        numeric = (np.asarray(function(z + eps), dtype=float) - np.asarray(function(z - eps), dtype=float)) / (2 * eps)
        got = np.asarray(derivative(z), dtype=float)
    except Exception as exc:
        return Feedback(False, [f"calling your functions raised {type(exc).__name__}: {exc}"])
    if got.shape != z.shape:
        return Feedback(False, [f"the derivative returned shape {got.shape} for an input of shape {z.shape}: "
                                "it must work element-wise"])
    bad = ~np.isclose(got, numeric, rtol=1e-4, atol=1e-6)
    if bad.any():
        i = int(np.argmax(np.abs(got - numeric)))
        return Feedback(False, [f"{int(bad.sum())} of {z.size} points disagree with finite differences; "
                                f"worst at z = {z[i]:.2f}: yours {got[i]:.4g}, numerical {numeric[i]:.4g}"])
    return Feedback(True, [f"matches central differences at {z.size} points in [−4, 4]"])
