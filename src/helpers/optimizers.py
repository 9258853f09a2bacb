"""Chapter 4c, "Optimizers": gradient descent and its descendants, from scratch.

All six optimizers share one small interface, :class:`Optimizer`::

    opt = Adam(learning_rate=0.001)
    params = opt.step(params, grads)     # lists of numpy arrays in, updated list out

A subclass only says what state it keeps per parameter (:meth:`Optimizer.init_state`)
and how one parameter is updated (:meth:`Optimizer.update`); the base class does
the bookkeeping (step counter, learning-rate schedule, one state per
parameter). The update rules follow ``keras.optimizers`` line by line, including
where Keras puts its ``epsilon``, so that :func:`keras_trajectory` and
:func:`numpy_trajectory` agree step by step.

The module also holds the learning-rate schedules, the 2-D test surfaces and the
optimizer race, the figures (including the chapter's tuned Keras comparison on MNIST,
:func:`plot_tuned_race`), the race explorer (:func:`race_explorer`, a `widgets.Explorer`) and the exercise
checkers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from . import surfaces, widgets
from .exercises import Feedback, check_array
from .experiments import Comparison, Runs, plot_comparisons, plot_runs
from .plotting import PALETTE
from .surfaces import Surface
from .validation import as_array, check_choice, check_float, check_int, check_same_length

__all__ = [
    "OPTIMIZERS",
    "Optimizer",
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adam",
    "make_optimizer",
    "make_keras_optimizer",
    "numpy_trajectory",
    "keras_trajectory",
    "step_decay",
    "exponential_decay",
    "cosine_decay",
    "warmup_cosine",
    "clip_by_global_norm",
    "plot_clipping",
    "SURFACES",
    "RACE_STEPS",
    "RATE_GRID",
    "race_path",
    "race_score",
    "tune_race",
    "race",
    "plot_race",
    "plot_races",
    "plot_tuned_race",
    "plot_schedules",
    "EXPLORER_FACTORS",
    "race_table",
    "plot_race_table",
    "race_chart",
    "race_explorer",
    "check_optimizer",
    "check_stable_learning_rate",
]

#: The chapter's optimizers, in historical order (names for :func:`make_optimizer`).
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")

LearningRate = float | Callable[[int], float]


class Optimizer:
    """The shared interface: ``step(params, grads) -> new params``.

    ``learning_rate`` is a number or a schedule, a function of the step
    number (0, 1, 2, …) returning the rate for that step. ``iterations``
    counts the steps taken, as Keras's ``optimizer.iterations`` does.
    """

    name = "optimizer"

    def __init__(self, learning_rate: LearningRate = 0.01) -> None:
        if not callable(learning_rate):
            learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
        self.learning_rate = learning_rate
        self.iterations = 0
        self.state: list[dict[str, np.ndarray]] = []

    def current_learning_rate(self) -> float:
        """The rate the next step will use."""
        if callable(self.learning_rate):
            value = self.learning_rate(self.iterations)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                    or not math.isfinite(value) or value <= 0:
                raise ValueError(f"the learning_rate schedule returned {value!r} at step {self.iterations}: "
                                 "a learning rate must be a positive, finite number (a negative one climbs the loss)")
            return float(value)
        return float(self.learning_rate)

    def step(self, params: Sequence[Any], grads: Sequence[Any]) -> list[np.ndarray]:
        """Apply one update to every parameter; returns the new parameters (inputs are not modified)."""
        if isinstance(params, np.ndarray) or isinstance(grads, np.ndarray):
            raise TypeError("params and grads must be lists of arrays (wrap a single array as [w])")
        params = [as_array(p, "params") for p in params]
        grads = [as_array(g, "grads") for g in grads]
        if len(params) != len(grads):
            raise ValueError(f"params and grads must have the same length, got {len(params)} and {len(grads)}")
        for p, g in zip(params, grads):
            if p.shape != g.shape:
                raise ValueError(f"each gradient must have its parameter's shape, got {g.shape} for {p.shape}")
        if not self.state:
            self.state = [self.init_state(p) for p in params]
        elif len(self.state) != len(params):
            raise ValueError(f"this optimizer was used with {len(self.state)} parameters, now {len(params)}")
        lr = self.current_learning_rate()
        self.iterations += 1
        return [self.update(p.copy(), g, s, lr) for p, g, s in zip(params, grads, self.state)]

    def init_state(self, param: np.ndarray) -> dict[str, np.ndarray]:
        """The per-parameter state (velocities, accumulators); none by default."""
        return {}

    def update(self, w: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        """Return the updated parameter ``w`` given its gradient ``g``; may modify ``state``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self.learning_rate})"


def _check_decay(value: Any, name: str) -> float:
    """A decay rate of a moving average: in [0, 1). At 1 the average never moves off its start."""
    value = check_float(value, name, minimum=0.0, maximum=1.0)
    if value == 1.0:
        raise ValueError(f"{name} must be < 1 (a decay rate in [0, 1)), got 1.0")
    return value


class SGD(Optimizer):
    r"""Gradient descent, optionally with momentum (Polyak 1964) or Nesterov momentum.

    - plain: $w \leftarrow w - \eta g$
    - momentum $\mu$: $v \leftarrow \mu v - \eta g$, then $w \leftarrow w + v$
    - Nesterov: the same $v$, then $w \leftarrow w + \mu v - \eta g$ (a look-ahead
      step, in the form Keras uses, Sutskever et al. 2013)
    """

    name = "sgd"

    def __init__(self, learning_rate: LearningRate = 0.01, momentum: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(learning_rate)
        self.momentum = check_float(momentum, "momentum", minimum=0.0, maximum=1.0)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be True or False, got {type(nesterov).__name__}")
        self.nesterov = nesterov

    def init_state(self, param: np.ndarray) -> dict[str, np.ndarray]:
        return {"velocity": np.zeros_like(param)} if self.momentum else {}

    def update(self, w: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        if not self.momentum:
            return w - lr * g
        v = state["velocity"] = self.momentum * state["velocity"] - lr * g
        if self.nesterov:
            return w + self.momentum * v - lr * g
        return w + v


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al. 2011): divide by the root of *all* past squared gradients.

    $s \leftarrow s + g^2$, then $w \leftarrow w - \eta g / \sqrt{s + \epsilon}$, with $s$
    starting at 0.1 as in Keras.
    """

    name = "adagrad"

    def __init__(self, learning_rate: LearningRate = 0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7) -> None:
        super().__init__(learning_rate)
        self.initial_accumulator_value = check_float(initial_accumulator_value, "initial_accumulator_value",
                                                     minimum=0.0)
        self.epsilon = check_float(epsilon, "epsilon", minimum=0.0, strict_minimum=True)  # 0 gives 0/0 on a zero gradient

    def init_state(self, param: np.ndarray) -> dict[str, np.ndarray]:
        return {"accumulator": np.full_like(param, self.initial_accumulator_value)}

    def update(self, w: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        s = state["accumulator"] = state["accumulator"] + g**2
        return w - lr * g / np.sqrt(s + self.epsilon)


class RMSprop(Optimizer):
    r"""RMSprop (Hinton 2012): divide by the root of a *moving average* of squared gradients.

    $s \leftarrow \rho s + (1 - \rho) g^2$, then $w \leftarrow w - \eta g / \sqrt{s + \epsilon}$.
    The source program's ``optimizer='rmsprop'`` uses $\eta = 0.001$, $\rho = 0.9$.
    """

    name = "rmsprop"

    def __init__(self, learning_rate: LearningRate = 0.001, rho: float = 0.9, epsilon: float = 1e-7) -> None:
        super().__init__(learning_rate)
        self.rho = _check_decay(rho, "rho")
        self.epsilon = check_float(epsilon, "epsilon", minimum=0.0, strict_minimum=True)  # 0 gives 0/0 on a zero gradient

    def init_state(self, param: np.ndarray) -> dict[str, np.ndarray]:
        return {"mean_square": np.zeros_like(param)}

    def update(self, w: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        s = state["mean_square"] = self.rho * state["mean_square"] + (1 - self.rho) * g**2
        return w - lr * g / np.sqrt(s + self.epsilon)


class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015): momentum on $g$ and RMSprop's scaling, both bias-corrected.

    $m \leftarrow \beta_1 m + (1 - \beta_1) g$, $v \leftarrow \beta_2 v + (1 - \beta_2) g^2$, then
    $w \leftarrow w - \hat\eta_t\, m / (\sqrt v + \epsilon)$ with
    $\hat\eta_t = \eta \sqrt{1 - \beta_2^t} / (1 - \beta_1^t)$: the paper's bias
    correction folded into the step size, which is how Keras writes it.
    """

    name = "adam"

    def __init__(self, learning_rate: LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7) -> None:
        super().__init__(learning_rate)
        self.beta_1 = _check_decay(beta_1, "beta_1")  # 1 would make the bias correction 1 / (1 - 1)
        self.beta_2 = _check_decay(beta_2, "beta_2")
        self.epsilon = check_float(epsilon, "epsilon", minimum=0.0, strict_minimum=True)  # 0 gives 0/0 on a zero gradient

    def init_state(self, param: np.ndarray) -> dict[str, np.ndarray]:
        return {"m": np.zeros_like(param), "v": np.zeros_like(param)}

    def update(self, w: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        t = self.iterations
        m = state["m"] = self.beta_1 * state["m"] + (1 - self.beta_1) * g
        v = state["v"] = self.beta_2 * state["v"] + (1 - self.beta_2) * g**2
        step_size = lr * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        return w - step_size * m / (np.sqrt(v) + self.epsilon)


def make_optimizer(name: str, learning_rate: LearningRate) -> Optimizer:
    """One of :data:`OPTIMIZERS` by name; ``momentum``/``nesterov`` are SGD with momentum 0.9."""
    check_choice(name, "optimizer", OPTIMIZERS)
    if name == "sgd":
        return SGD(learning_rate)
    if name in ("momentum", "nesterov"):
        return SGD(learning_rate, momentum=0.9, nesterov=name == "nesterov")
    return {"adagrad": Adagrad, "rmsprop": RMSprop, "adam": Adam}[name](learning_rate)


def make_keras_optimizer(name: str, learning_rate: Any) -> Any:
    """The ``keras.optimizers`` object that :func:`make_optimizer` ``(name, …)`` imitates."""
    import keras

    check_choice(name, "optimizer", OPTIMIZERS)
    if not callable(learning_rate):   # a number, or a keras.optimizers.schedules object
        learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate)
    if name in ("momentum", "nesterov"):
        return keras.optimizers.SGD(learning_rate, momentum=0.9, nesterov=name == "nesterov")
    return {"adagrad": keras.optimizers.Adagrad, "rmsprop": keras.optimizers.RMSprop,
            "adam": keras.optimizers.Adam}[name](learning_rate)


GradFn = Callable[[np.ndarray], np.ndarray]


def numpy_trajectory(optimizer: Optimizer, w0: Any, grad_fn: GradFn, steps: int) -> np.ndarray:
    """Positions ``w_0 … w_steps`` of one parameter array optimised with ``grad_fn(w)`` as its gradient."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an Optimizer, got {type(optimizer).__name__}")
    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be callable, got {type(grad_fn).__name__}")
    steps = check_int(steps, "steps", minimum=0)
    w = as_array(w0, "w0")
    path = [w]
    for _ in range(steps):
        (w,) = optimizer.step([w], [grad_fn(w)])
        path.append(w)
    return np.array(path)


def keras_trajectory(optimizer: Any, w0: Any, grad_fn: GradFn, steps: int) -> np.ndarray:
    """The same as :func:`numpy_trajectory` with a Keras optimizer on a float64 ``keras.Variable``."""
    import keras

    if not hasattr(optimizer, "apply_gradients"):
        raise TypeError(f"optimizer must be a keras optimizer, got {type(optimizer).__name__}")
    steps = check_int(steps, "steps", minimum=0)
    w = keras.Variable(as_array(w0, "w0"), dtype="float64")
    path = [np.array(w.numpy())]
    for _ in range(steps):
        g = grad_fn(np.array(w.numpy()))
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), w)])
        path.append(np.array(w.numpy()))
    return np.array(path)


# --- learning-rate schedules ---------------------------------------------------

def step_decay(initial: float, rate: float, every: int) -> Callable[[int], float]:
    r"""$\eta_t = \eta_0\, r^{\lfloor t / \text{every} \rfloor}$: drop by a factor ``rate`` every ``every`` steps."""
    initial = check_float(initial, "initial", minimum=0.0, strict_minimum=True)
    rate = check_float(rate, "rate", minimum=0.0, maximum=1.0)
    every = check_int(every, "every", minimum=1)
    return lambda t: initial * rate ** (t // every)


def exponential_decay(initial: float, rate: float, decay_steps: int) -> Callable[[int], float]:
    r"""$\eta_t = \eta_0\, r^{t / T}$: the smooth version of step decay."""
    initial = check_float(initial, "initial", minimum=0.0, strict_minimum=True)
    rate = check_float(rate, "rate", minimum=0.0, maximum=1.0)
    decay_steps = check_int(decay_steps, "decay_steps", minimum=1)
    return lambda t: initial * rate ** (t / decay_steps)


def cosine_decay(initial: float, decay_steps: int, alpha: float = 0.0) -> Callable[[int], float]:
    r"""$\eta_t = \eta_0 \bigl[(1 - \alpha)\tfrac12(1 + \cos(\pi \min(t, T)/T)) + \alpha\bigr]$ (Loshchilov & Hutter 2017)."""
    initial = check_float(initial, "initial", minimum=0.0, strict_minimum=True)
    decay_steps = check_int(decay_steps, "decay_steps", minimum=1)
    alpha = check_float(alpha, "alpha", minimum=0.0, maximum=1.0)

    def schedule(t: int) -> float:
        progress = min(t, decay_steps) / decay_steps
        return initial * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * progress)) + alpha)

    return schedule


def warmup_cosine(peak: float, warmup_steps: int, decay_steps: int) -> Callable[[int], float]:
    r"""Linear warm-up from 0 to ``peak`` over ``warmup_steps``, then cosine decay to 0 over ``decay_steps``.

    Keras writes it as ``CosineDecay(0.0, decay_steps, warmup_target=peak, warmup_steps=warmup_steps)``.
    """
    peak = check_float(peak, "peak", minimum=0.0, strict_minimum=True)
    warmup_steps = check_int(warmup_steps, "warmup_steps", minimum=1)
    decay = cosine_decay(peak, decay_steps)

    def schedule(t: int) -> float:
        return peak * t / warmup_steps if t < warmup_steps else decay(t - warmup_steps)

    return schedule


# --- gradient clipping -----------------------------------------------------------

def clip_by_global_norm(grads: Sequence[Any], max_norm: float) -> list[np.ndarray]:
    r"""Scale all gradients by $\min(1, c / \lVert g \rVert)$, where $\lVert g \rVert$ is the norm of all of them together.

    The direction of the whole step is kept; only its length is capped at ``max_norm`` (``c``).
    This is what ``global_clipnorm=c`` does in every Keras optimizer.
    """
    if isinstance(grads, np.ndarray) or not isinstance(grads, Sequence) or len(grads) == 0:
        raise TypeError("grads must be a non-empty list of gradient arrays, one per parameter")
    arrays = [as_array(g, f"grads[{i}]") for i, g in enumerate(grads)]
    max_norm = check_float(max_norm, "max_norm", minimum=0.0, strict_minimum=True)
    norm = math.sqrt(sum(float(np.sum(g ** 2)) for g in arrays))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [g * scale for g in arrays]


def plot_clipping(histories: dict[str, Sequence[dict[str, Any]]], *, metric: str = "val_accuracy",
                  title: str | None = None) -> plt.Figure:
    """One panel per label: ``metric`` after each epoch, one line per seed's Keras ``history`` dict."""
    if not isinstance(histories, dict) or not histories:
        raise TypeError("histories must be a non-empty dict {label: list of history dicts}")
    fig, axes = plt.subplots(1, len(histories), figsize=(4.2 * len(histories), 3.4), sharey=True, squeeze=False)
    for ax, (label, runs) in zip(axes[0], histories.items()):
        if isinstance(runs, dict) or not isinstance(runs, Sequence) or not runs:
            raise TypeError(f"histories[{label!r}] must be a non-empty list of history dicts")
        for i, history in enumerate(runs):
            if not isinstance(history, dict) or metric not in history:
                raise ValueError(f"histories[{label!r}][{i}] has no {metric!r}")
            values = history[metric]
            ax.plot(range(1, len(values) + 1), values, marker="o", color=PALETTE[i % len(PALETTE)], alpha=0.8)
        ax.set_title(label)
        ax.set_xlabel("epoch")
    axes[0, 0].set_ylabel(metric.replace("_", " "))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# --- the race on 2-D surfaces -------------------------------------------------

#: The race tracks, from :mod:`helpers.surfaces` (the valley and Rosenbrock are chapter 3's): an
#: ill-conditioned valley, the same valley turned by 45°, a saddle point, Rosenbrock's banana.
SURFACES: dict[str, Surface] = {name: surfaces.SURFACES[name] for name in ("valley", "tilted", "saddle", "rosenbrock")}

#: Steps per race on each surface.
RACE_STEPS: dict[str, int] = {"valley": 60, "tilted": 60, "saddle": 60, "rosenbrock": 1000}

#: The learning rates every optimizer is tuned over: four per decade, from 1e-4 to 10.
RATE_GRID: tuple[float, ...] = tuple(float(f"{10 ** (k / 4):.3g}") for k in range(-16, 5))


def _track(surface: str) -> Surface:
    return surfaces.get(surface, SURFACES)


def race_path(surface: str, name: str, learning_rate: float, steps: int | None = None) -> np.ndarray:
    """One optimizer's positions from the surface's start, one row per step (the start included).

    ``steps`` defaults to :data:`RACE_STEPS`. A path that runs away (a coordinate beyond 1,000, or
    not finite) is cut there.
    """
    track = _track(surface)
    opt = make_optimizer(check_choice(name, "optimizer", OPTIMIZERS),
                         check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True))
    steps = RACE_STEPS[surface] if steps is None else check_int(steps, "steps", minimum=1)
    w = np.array(track.start, dtype=float)
    path = [w]
    for _ in range(steps):
        (w,) = opt.step([w], [track.grad(w)])
        if not np.all(np.isfinite(w)) or np.abs(w).max() > 1e3:
            break
        path.append(w)
    return np.array(path)


def race_score(surface: str, path: Any) -> float:
    """How far from the minimum a path ended: the largest ``f − f(θ*)`` over its last tenth of steps.

    Infinite if the path was cut or left the drawn region, so a rate that throws the optimizer off
    the picture never wins. Taking the worst of the last steps, not the last one, keeps a path that
    still bounces from scoring by the luck of where the bounce ended.
    """
    track = _track(surface)
    path = as_array(path, "path", ndim=2)
    if path.shape[1] != 2:
        raise ValueError(f"path must have one row per step and two columns (x, y), got shape {path.shape}")
    if len(path) < RACE_STEPS[surface] + 1:
        return math.inf
    (x0, x1), (y0, y1) = track.xlim, track.ylim
    if not (np.all((x0 <= path[:, 0]) & (path[:, 0] <= x1)) and np.all((y0 <= path[:, 1]) & (path[:, 1] <= y1))):
        return math.inf
    tail = path[-max(1, RACE_STEPS[surface] // 10):]
    return float(np.max(track.f(tail)) - track.min_value)


def tune_race(surface: str, name: str) -> dict[float, float]:
    """Every rate of :data:`RATE_GRID` with its :func:`race_score` (lower is better) for one optimizer."""
    _track(surface)
    return {lr: race_score(surface, race_path(surface, name, lr)) for lr in RATE_GRID}


def race(surface: str, learning_rates: dict[str, float]) -> dict[str, np.ndarray]:
    """Run each optimizer in ``learning_rates`` (``{name: rate}``) from the surface's start; returns the paths."""
    _track(surface)
    if not isinstance(learning_rates, dict) or not learning_rates:
        raise TypeError("learning_rates must be a non-empty dict {optimizer: learning rate}")
    return {name: race_path(surface, name, lr) for name, lr in learning_rates.items()}


# --- figures -----------------------------------------------------------------

_STYLES = {"sgd": "-", "momentum": "-", "nesterov": "--", "adagrad": "-", "rmsprop": "--", "adam": ":"}


def plot_race(surface: str, paths: dict[str, np.ndarray], *, ax: plt.Axes | None = None,
              legend: bool = True) -> plt.Figure:
    """Draw the optimizers' paths over the surface's contour lines (■ the start, ★ the minima, ● each end)."""
    track = _track(surface)
    if not isinstance(paths, dict) or not paths:
        raise TypeError("paths must be a non-empty dict {optimizer: array of positions}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.0, 4.6))
    else:
        fig = ax.figure
    surfaces.plot_contours(ax, track)
    for name, path in paths.items():
        path = as_array(path, f"paths[{name!r}]", ndim=2)
        color = PALETTE[OPTIMIZERS.index(name) % len(PALETTE)] if name in OPTIMIZERS else None
        line, = ax.plot(path[:, 0], path[:, 1], ls=_STYLES.get(name, "-"), lw=1.6, color=color, alpha=0.9,
                        label=name)
        ax.plot(*path[-1], marker="o", ms=7, color=line.get_color(), mec="white", ls="none")
    ax.plot(*track.start, marker="s", color="black", ms=6, ls="none")
    ax.set_title(f"{track.title}, {RACE_STEPS[surface]} steps", fontsize=10)
    if legend:
        ax.legend(fontsize=8, loc="best")
    return fig


def plot_races(results: dict[str, dict[str, np.ndarray]]) -> plt.Figure:
    """One :func:`plot_race` panel per surface, side by side, with one legend: ``{surface: {optimizer: path}}``."""
    if not isinstance(results, dict) or not results:
        raise TypeError("results must be a non-empty dict {surface: {optimizer: path}}")
    columns = min(len(results), 2)
    rows = math.ceil(len(results) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(6.2 * columns, 4.7 * rows + 0.6), squeeze=False)
    for ax, (surface, paths) in zip(axes.flat, results.items()):
        plot_race(surface, paths, ax=ax, legend=False)
    for ax in list(axes.flat)[len(results):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False, fontsize=10)
    fig.suptitle("The optimizer race, each optimizer at its own tuned rate (■ start, ★ minimum, ● end)")
    fig.tight_layout(rect=(0, 0.6 / (4.7 * rows + 0.6), 1, 1))
    return fig


def plot_tuned_race(runs: Sequence[Runs], comparisons: Sequence[Comparison]) -> plt.Figure:
    """Left: every seed's validation accuracy per optimizer, each with its mean and 95% interval.
    Right: each paired difference from the baseline with its interval (helpers.experiments' figures)."""
    if not runs or not all(isinstance(r, Runs) for r in runs):
        raise TypeError("runs must be a non-empty list of Runs (from helpers.experiments.run)")
    if not comparisons or not all(isinstance(c, Comparison) for c in comparisons):
        raise TypeError("comparisons must be a non-empty list of Comparison (from helpers.experiments.compare)")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.5, 3.9), gridspec_kw={"width_ratios": [1.25, 1]})
    plot_runs(list(runs), comparisons[0].metric, ax=left,
              title=f"Each optimizer at its tuned rate, {len(runs[0].seeds)} seeds")
    left.set_xlabel("optimizer")
    left.tick_params(axis="x", labelrotation=30)
    plot_comparisons(list(comparisons), ax=right, title=f"Paired difference from {comparisons[0].b}")
    right.set_ylabel("comparison")
    fig.tight_layout()
    return fig


def plot_schedules(schedules: dict[str, Callable[[int], float]], steps: int) -> plt.Figure:
    """Learning rate against step for each labelled schedule."""
    if not isinstance(schedules, dict) or not schedules:
        raise TypeError("schedules must be a non-empty dict {label: schedule function}")
    steps = check_int(steps, "steps", minimum=1)
    t = np.arange(steps)
    fig, ax = plt.subplots(figsize=(6.5, 3.5))
    for i, (label, schedule) in enumerate(schedules.items()):
        ax.plot(t, [schedule(int(s)) for s in t], color=PALETTE[i % len(PALETTE)], label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    ax.set_title("Learning-rate schedules")
    ax.legend()
    fig.tight_layout()
    return fig


#: The explorer's learning rates, as multiples of each optimizer's tuned rate.
EXPLORER_FACTORS: tuple[float, ...] = (0.1, 0.3, 1.0, 2.0, 3.0)


def race_table(surface: str, optimizer: str, factor: float, tuned: dict[str, dict[str, float]], *,
               points: int = 61) -> Any:
    """One optimizer's race at ``factor`` times its tuned rate, as a table.

    Columns ``learning_rate``, ``step``, ``x``, ``y`` and ``gap`` (the loss above the minimum, at least
    1e-12 for a log scale), rounded to what a figure shows; at most ``points`` positions of the path, always
    the first and the last (61 keeps every step of a 60-step race). ``tuned`` is
    ``{surface: {optimizer: rate}}``, as the chapter's tuning found them.
    """
    import pandas as pd

    track = _track(surface)
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    factor = check_float(factor, "factor", minimum=0.0, strict_minimum=True)
    points = check_int(points, "points", minimum=2)
    if not isinstance(tuned, dict) or surface not in tuned or optimizer not in tuned[surface]:
        raise TypeError(f"tuned must be a dict {{surface: {{optimizer: rate}}}} with a rate for {surface}/{optimizer}")
    rate = float(f"{tuned[surface][optimizer] * factor:.3g}")
    path = race_path(surface, optimizer, rate)
    keep = np.unique(np.linspace(0, len(path) - 1, min(points, len(path))).round().astype(int))
    gaps = np.maximum(track.f(path[keep]) - track.min_value, 1e-12)
    return pd.DataFrame({"learning_rate": rate, "step": keep, "x": path[keep, 0].round(4),
                         "y": path[keep, 1].round(4), "gap": [float(f"{g:.3g}") for g in gaps]})


def plot_race_table(frame: Any, surface: str, optimizer: str, factor: float) -> plt.Figure:
    """The explorer's matplotlib form: the path of :func:`race_table` on the surface, its loss beside it."""
    track = _track(surface)
    columns = {"learning_rate", "step", "x", "y", "gap"}
    if not hasattr(frame, "columns") or not columns <= set(frame.columns):
        raise TypeError(f"frame must be a table from race_table, with the columns {sorted(columns)}")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.2), gridspec_kw={"width_ratios": [1.15, 1]})
    surfaces.plot_contours(left, track)
    left.plot(frame["x"], frame["y"], "-o", ms=2.5, lw=1.2, color=PALETTE[3])
    left.plot(*track.start, marker="s", color="black", ms=6, ls="none")
    left.set_title(track.title, fontsize=10)
    right.semilogy(frame["step"], frame["gap"], "-o", ms=2, color=PALETTE[0])
    right.set_xlabel("step")
    right.set_ylabel("f(θ) − f(θ*)  (log scale)")
    last = frame.iloc[-1]
    right.set_title(f"after {int(last['step'])} steps: f − f(θ*) = {last['gap']:.2g}")
    fig.suptitle(f"{optimizer} at {factor:g} × its tuned rate (η = {frame['learning_rate'].iloc[0]:g})")
    fig.tight_layout()
    return fig


def race_chart(base: Any) -> Any:
    """The explorer's Vega-Lite form: the path in parameter space and its loss above the minimum."""
    import altair as alt

    widgets.require_chart(base)
    tooltip = ["learning_rate", "step", "gap"]
    path = base.mark_line(point=True, color=PALETTE[3]).encode(
        x=alt.X("x:Q", title="parameter θ₁"), y=alt.Y("y:Q", title="parameter θ₂"), order="step:Q", tooltip=tooltip)
    loss = base.mark_line(point=True, color=PALETTE[0]).encode(
        x=alt.X("step:Q", title="step"), y=alt.Y("gap:Q", title="f(θ) − f(θ*)", scale=alt.Scale(type="log")),
        tooltip=tooltip)
    return alt.hconcat(path.properties(width=260, height=240), loss.properties(width=260, height=240))


def race_explorer(tuned: dict[str, dict[str, float]]) -> widgets.Explorer:
    """Choose a surface, an optimizer and a multiple of its tuned rate; see its path and its loss."""
    if not isinstance(tuned, dict) or set(tuned) != set(SURFACES):
        raise TypeError(f"tuned must be a dict {{surface: {{optimizer: rate}}}} for the surfaces {list(SURFACES)}")

    def compute(surface: str, optimizer: str, factor: float) -> Any:
        return race_table(surface, optimizer, factor, tuned)

    return widgets.Explorer(
        controls={"surface": widgets.Choice(list(SURFACES), "valley"),
                  "optimizer": widgets.Choice(list(OPTIMIZERS), "sgd"),
                  "factor": widgets.Steps(list(EXPLORER_FACTORS), 1.0, label="learning rate × tuned")},
        compute=compute, render=plot_race_table, chart=race_chart, title="Optimizer race, one learning rate",
        description="One optimizer's path on a 2-D loss surface at a multiple of its tuned learning rate, with "
                    "the loss above the minimum per step; the controls choose the surface, the optimizer and the "
                    "multiple (1 is the tuned rate).")


# --- exercise checkers ---------------------------------------------------------

def check_optimizer(optimizer: Any, keras_optimizer: Any, *, steps: int = 20) -> Feedback:
    """Compare a learner's :class:`Optimizer` with a Keras optimizer on the valley, step by step."""
    if not isinstance(optimizer, Optimizer):
        return Feedback(False, [f"optimizer must be an instance of an Optimizer subclass, got "
                                f"{type(optimizer).__name__}"])
    track = SURFACES["valley"]
    try:
        ours = numpy_trajectory(optimizer, track.start, track.grad, steps)
    except NotImplementedError:
        return Feedback(False, ["your class does not define update(self, w, g, state, lr)"])
    theirs = keras_trajectory(keras_optimizer, track.start, track.grad, steps)
    diff = np.abs(ours - theirs).max(axis=1)
    if np.all(diff < 1e-6):
        return Feedback(True, [f"matches Keras for all {steps} steps (largest difference {diff.max():.1e})"])
    first = int(np.argmax(diff >= 1e-6))
    return check_array(ours, expected=theirs, name="trajectory", atol=1e-6,
                       hint=f"the first step that differs is step {first}: "
                            + ("check the update formula" if first == 1 else "check how the state is carried over"))


def check_stable_learning_rate(answer: Any, curvature: float, momentum: float = 0.0) -> Feedback:
    """Check the largest stable learning rate on f = curvature · w² / 2: 2(1 + β) / curvature.

    With ``momentum`` β = 0 this is plain gradient descent's 2 / curvature (chapter 3's result); with
    heavy-ball momentum (Keras's ``SGD(momentum=β)``) the limit grows to 2(1 + β) / curvature.
    """
    from .exercises import check_scalar

    curvature = check_float(curvature, "curvature", minimum=0.0, strict_minimum=True)
    momentum = check_float(momentum, "momentum", minimum=0.0, maximum=1.0)
    if momentum == 1.0:
        raise ValueError("momentum must be below 1: with β = 1 the velocity never decays and no rate is stable")
    hint = ""
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        if np.isclose(answer, 1 / curvature):
            hint = "1/a reaches the minimum in one step; steps up to 2/a still shrink the error (they overshoot)"
        elif momentum > 0 and np.isclose(answer, 2 / curvature):
            hint = ("2/a is plain gradient descent's limit; with momentum the velocity's own dynamics move it: "
                    "find where a root of λ² − (1 + β − ηa)λ + β = 0 reaches −1")
    return check_scalar(answer, expected=2 * (1 + momentum) / curvature, name="largest stable learning rate",
                        rtol=1e-3, hint=hint)
