"""Chapter 3, "Gradient descent and backpropagation, from scratch and verified".

Three parts, each written to be read:

1. **Gradient descent** on functions of one and two variables
   (:func:`gradient_descent`, the test surfaces in :data:`SURFACES`, the
   explorer's render function :func:`explorer_figure`) and on a linear
   regression with batch, mini-batch and stochastic gradients
   (:func:`linear_regression_sgd`).
2. **The digits** for the from-scratch network, which lives in the shared module
   :mod:`helpers.network` (``Network``: forward, BP1-BP4, update, train), shown whole
   in the chapter and reused by chapter 4.
3. **Verification** of that network: :func:`numerical_gradients` (central finite
   differences) and :func:`epsilon_sweep` (their error against the step size),
   :func:`tape_gradients` (``tf.GradientTape``), :func:`keras_copy` and
   :func:`keras_sgd_step` (one step of ``keras.optimizers.SGD``), and the
   exercise's checker :func:`check_backward`, which names the typical mistakes
   (a missing transpose, the wrong averaging, a forgotten activation derivative).

Conventions: a batch ``x`` has one example per row, shape ``(n, features)``; a
layer's weights ``W`` have shape ``(inputs, units)`` and compute
``x @ W + b``, the layout Keras's ``Dense`` uses, so weights move between the
two without transposing. Labels for the network are one-hot rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from . import autodiff, surfaces, widgets
from .exercises import Feedback, check_scalar, combine
from .network import ACTIVATIONS, Network
from .plotting import PALETTE
from .surfaces import Surface
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
    "GD_RATES",
    "GD_STEPS",
    "gd_path",
    "gd_render",
    "gd_chart",
    "gd_explorer",
    "make_regression_data",
    "linear_regression_sgd",
    "regression_figure",
    "BATCH_SIZES",
    "BATCH_RATES",
    "batch_table",
    "plot_batch_table",
    "batch_chart",
    "batch_explorer",
    "load_digits_split",
    "relative_error",
    "numerical_gradients",
    "backprop_gradients",
    "epsilon_sweep",
    "epsilon_figure",
    "tape_gradients",
    "keras_copy",
    "keras_sgd_step",
    "learning_curves_figure",
    "layer_gradient_norms",
    "gradient_norms_figure",
    "momentum_descent",
    "check_momentum",
    "check_divergence_rate",
    "check_backward",
    "check_training_loop",
    "micrograd_example",
    "BACKPROP_STEPS",
    "backprop_table",
    "plot_backprop_table",
    "backprop_chart",
    "backprop_explorer",
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


#: The chapter's four surfaces (defined in :mod:`helpers.surfaces`, which chapter 4c shares).
SURFACES: dict[str, Surface] = {name: surfaces.SURFACES[name] for name in ("bowl", "valley", "bumps", "rosenbrock")}


def _surface(name: str) -> Surface:
    return surfaces.get(name, SURFACES)


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


def _draw_path(ax: plt.Axes, run: GDResult, colour: str = PALETTE[3]) -> None:
    ax.plot(run.path[:, 0], run.path[:, 1], "-o", color=colour, ms=2.5, lw=1.0)
    ax.plot(*run.path[0], marker="s", color="black", ms=6, ls="none")


def surfaces_figure() -> plt.Figure:
    """The four surfaces, each with gradient descent from its default start."""
    fig, axes = plt.subplots(2, 2, figsize=(10, 8.4))
    for ax, surface in zip(axes.flat, SURFACES.values()):
        run = gradient_descent(surface.grad, surface.start, surface.learning_rate, surface.steps, surface.f)
        surfaces.plot_contours(ax, surface)
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
    surfaces.plot_contours(left, s)
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


#: The explorer's grid: learning rates (a log scale) and numbers of steps.
GD_RATES = (0.001, 0.01, 0.03, 0.0794, 0.1, 0.3, 1.0)
GD_STEPS = (20, 50, 200)


def gd_path(surface: str = "valley", learning_rate: float = 0.0794, steps: int = 50) -> Any:
    """The explorer's numbers at one setting: the path from the surface's default start, one row per step.

    Columns ``step``, ``theta1``, ``theta2``, ``gap`` (the loss above the global minimum, at least
    1e-12 so that it can be drawn on a log scale) and ``diverged``.
    """
    import pandas as pd

    s = _surface(surface)
    run = gradient_descent(s.grad, s.start, learning_rate, check_int(steps, "steps", minimum=1), s.f)
    return pd.DataFrame({"step": np.arange(len(run.path)), "theta1": run.path[:, 0], "theta2": run.path[:, 1],
                         "gap": np.maximum(run.losses - s.min_value, 1e-12), "diverged": run.diverged})


def gd_render(frame: Any, surface: str = "valley", learning_rate: float = 0.0794, steps: int = 50) -> plt.Figure:
    """The matplotlib form of the explorer, from :func:`gd_path`'s table."""
    s = _surface(surface)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.2), gridspec_kw={"width_ratios": [1.15, 1]})
    surfaces.plot_contours(left, s)
    left.plot(frame["theta1"], frame["theta2"], "-o", color=PALETTE[3], ms=2.5, lw=1.0)
    left.plot(frame["theta1"].iloc[0], frame["theta2"].iloc[0], marker="s", color="black", ms=6, ls="none")
    left.set_title(s.title, fontsize=10)
    right.semilogy(frame["step"], frame["gap"], color=PALETTE[0], marker="o", ms=2)
    right.set_xlabel("step")
    right.set_ylabel("f(θ) − f(θ*)  (log scale)")
    last = frame.iloc[-1]
    if bool(last["diverged"]):
        right.set_title(f"diverged after {int(last['step'])} steps (‖θ‖ > {DIVERGENCE_NORM:.0e})", color=PALETTE[3])
    else:
        right.set_title(f"after {int(last['step'])} steps: θ = ({last['theta1']:.3f}, {last['theta2']:.3f})")
    fig.suptitle(f"Gradient descent, η = {learning_rate:.3g}, start ({s.start[0]:.2f}, {s.start[1]:.2f})")
    fig.tight_layout()
    return fig


def gd_chart(base: Any) -> Any:
    """The web form of the explorer: the path in parameter space and the loss gap per step."""
    import altair as alt

    widgets.require_chart(base)
    path = base.mark_line(point=True, color=PALETTE[3]).encode(
        x=alt.X("theta1:Q", title="parameter θ₁"), y=alt.Y("theta2:Q", title="parameter θ₂"), order="step:Q")
    loss = base.mark_line(point=True, color=PALETTE[0]).encode(
        x=alt.X("step:Q", title="step"), y=alt.Y("gap:Q", title="f(θ) − f(θ*)", scale=alt.Scale(type="log")))
    return alt.hconcat(path.properties(width=300, height=260), loss.properties(width=300, height=260))


def gd_explorer() -> widgets.Explorer:
    """Surface, learning rate and number of steps → the path and its loss curve (from each surface's start)."""
    return widgets.Explorer(
        controls={"surface": widgets.Choice(list(SURFACES), "valley", label="surface"),
                  "learning_rate": widgets.Steps(list(GD_RATES), 0.0794, label="learning rate η"),
                  "steps": widgets.Steps(list(GD_STEPS), 50, label="steps")},
        compute=gd_path, render=gd_render, chart=gd_chart, title="Gradient-descent explorer",
        description="Gradient descent on one of four surfaces from its default start: the path on the contour "
                    "plot and the loss above the minimum per step; the controls pick the surface, the learning "
                    "rate and the number of steps.")


# =============================================================================
# Backpropagation, one operation at a time (an explorer)
# =============================================================================

def micrograd_example() -> autodiff.Value:
    """The chapter's graph ``L = (a·b + c)·f`` with a=2, b=-3, c=10, f=-2, before the backward pass."""
    a, b = autodiff.Value(2.0, label="a"), autodiff.Value(-3.0, label="b")
    c, f = autodiff.Value(10.0, label="c"), autodiff.Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


#: The explorer's steps: 0 the forward pass, 1 the seed dL/dL = 1, then one per operation.
BACKPROP_STEPS: tuple[int, ...] = (0, 1, 2, 3, 4)
_RULES = {"×": "{x} = {y}·{z}: ∂L/∂{y} = {z}·∂L/∂{x}, ∂L/∂{z} = {y}·∂L/∂{x}",
          "+": "{x} = {y} + {z}: ∂L/∂{y} = ∂L/∂{z} = 1·∂L/∂{x}"}


def backprop_table(step: int) -> Any:
    """The graph of :func:`micrograd_example` after ``step`` steps of ``autodiff``'s own backward pass.

    One ``node`` row per Value (its position, ``value``, ``grad`` once known, and ``state``: ``"done"``,
    ``"current"`` or ``"waiting"``) and one ``caption`` row saying what the step did. Each step after
    the seed runs one operation's ``_backward``, in the order :meth:`Value.backward` uses.
    """
    import pandas as pd

    step = check_int(step, "step", minimum=0, maximum=BACKPROP_STEPS[-1])
    L = micrograd_example()
    order = autodiff.topological_order(L)
    operations = [node for node in reversed(order) if node.children]    # output first, as backward visits them
    known: set[int] = set()
    current: list[autodiff.Value] = []
    caption = "Forward pass: every value is computed from the inputs; no gradient is known yet."
    if step >= 1:
        L.grad = 1.0
        known.add(id(L))
        current = [L]
        caption = "The backward pass starts at the output: ∂L/∂L = 1."
    for node in operations[:max(0, step - 1)]:
        node.backward_step()                                                   # the engine's own local chain rule
        known.update(id(child) for child in node.children)
        current = list(node.children)
        y, z = (child.label for child in node.children)
        caption = _RULES[node.op].format(x=node.label, y=y, z=z) + \
            "  →  " + ", ".join(f"∂L/∂{child.label} = {child.grad:g}" for child in node.children)
    pos = autodiff.layout(L)
    rows = []
    for node in order:
        x, y = pos[id(node)]
        state = "current" if any(node is c for c in current) else ("done" if id(node) in known else "waiting")
        grad = f"{node.grad:g}" if id(node) in known else "?"
        rows.append({"part": "node", "x": x, "y": y, "name": node.label, "value": node.data,
                     "grad": node.grad if id(node) in known else np.nan, "state": state,
                     "text": f"{node.label} = {node.data:g}\n∂L/∂{node.label} = {grad}"})
    rows.append({"part": "caption", "x": min(p[0] for p in pos.values()), "y": min(p[1] for p in pos.values()) - 1.0,
                 "name": "", "value": np.nan, "grad": np.nan, "state": "", "text": caption})
    return pd.DataFrame(rows)


def _backprop_edges() -> list[tuple[float, float, float, float]]:
    L = micrograd_example()
    pos = autodiff.layout(L)
    return [(*pos[id(child)], *pos[id(node)]) for node in autodiff.topological_order(L) for child in node.children]


_STATE_COLOURS = {"waiting": "#dddddd", "current": PALETTE[1], "done": PALETTE[5]}


def plot_backprop_table(frame: Any, step: int) -> plt.Figure:
    """The explorer's matplotlib form: the graph, each node's value and gradient, the step's rule below."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame) or not {"part", "x", "y", "state", "text"} <= set(frame.columns):
        raise TypeError("frame must be the table backprop_table returns")
    nodes, caption = frame[frame["part"] == "node"], frame[frame["part"] == "caption"]
    if nodes.empty or caption.empty:
        raise ValueError("frame must hold 'node' rows and a 'caption' row, as backprop_table returns")
    fig, ax = plt.subplots(figsize=(8.5, 3.8))
    for x0, y0, x1, y1 in _backprop_edges():
        ax.annotate("", xy=(x1 - 0.55, y1), xytext=(x0 + 0.55, y0),
                    arrowprops={"arrowstyle": "->", "color": "0.5", "lw": 1.0})
    for row in nodes.itertuples():
        ax.text(row.x, row.y, row.text, ha="center", va="center", fontsize=9, family="monospace",
                bbox={"boxstyle": "round,pad=0.4", "fc": _STATE_COLOURS[row.state], "ec": "0.3"})
    ax.text(caption["x"].iloc[0] - 0.6, caption["y"].iloc[0], caption["text"].iloc[0], ha="left", va="center",
            fontsize=9)
    ax.set_xlim(nodes["x"].min() - 0.8, nodes["x"].max() + 0.8)
    ax.set_ylim(caption["y"].iloc[0] - 0.4, nodes["y"].max() + 0.6)
    ax.set_axis_off()
    ax.set_title(f"Backpropagation on L = (a·b + c)·f, step {step} of {BACKPROP_STEPS[-1]} "
                 "(orange: just computed; blue: known)")
    fig.tight_layout()
    return fig


def backprop_chart(base: Any) -> Any:
    """The explorer's Vega-Lite form: the edges (fixed), the nodes coloured by state, the caption."""
    import altair as alt
    import pandas as pd

    widgets.require_chart(base)
    xs = alt.Scale(domain=[-0.8, 3 * 2.5 + 0.8])
    ys = alt.Scale(domain=[-2.0, 1.2])
    edges = pd.DataFrame(_backprop_edges(), columns=["x0", "y0", "x1", "y1"])
    edge_layer = alt.Chart(edges).mark_rule(color="#888888").encode(
        x=alt.X("x0:Q", scale=xs, axis=None), y=alt.Y("y0:Q", scale=ys, axis=None), x2="x1:Q", y2="y1:Q")
    node = base.transform_filter("datum.part == 'node'")
    boxes = node.mark_square(size=4200, opacity=0.95, stroke="#444444").encode(
        x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None),
        color=alt.Color("state:N", scale=alt.Scale(domain=list(_STATE_COLOURS), range=list(_STATE_COLOURS.values())),
                        title="gradient"))
    labels = node.mark_text(lineBreak="\n", fontSize=11, font="monospace").encode(
        x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None), text="text:N")
    caption = base.transform_filter("datum.part == 'caption'").mark_text(align="left", fontSize=12).encode(
        x=alt.X("x:Q", scale=xs, axis=None), y=alt.Y("y:Q", scale=ys, axis=None), text="text:N")
    return alt.layer(edge_layer, boxes, labels, caption).properties(width=620, height=300)


def backprop_explorer() -> widgets.Explorer:
    """Step through the backward pass of the chapter's graph, one operation at a time."""
    return widgets.Explorer(
        controls={"step": widgets.Steps(list(BACKPROP_STEPS), 0, label="backward step")},
        compute=backprop_table, render=plot_backprop_table, chart=backprop_chart,
        title="Backpropagation, step by step",
        description="The graph L = (a·b + c)·f with each value and, once the backward pass has reached it, its "
                    "gradient; the slider runs the backward pass one operation at a time and the line below the "
                    "graph states that operation's chain rule.")


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


#: The batch-size explorer's grid: batch sizes (1 is SGD, 500 the full batch) and learning rates.
BATCH_SIZES = (1, 4, 16, 32, 64, 128, 500)
BATCH_RATES = (0.01, 0.03, 0.1, 0.3, 1.0)


def batch_table(batch_size: int = 32, learning_rate: float = 0.1, *, points: int = 101) -> Any:
    """The batch-size explorer's numbers: 5 epochs of :func:`linear_regression_sgd` on the chapter's 500 points.

    One row per kept update (at most ``points``, always the first and the last): ``epoch`` (examples
    processed / 500), ``gap`` (the loss above the least-squares loss, at least 1e-6 for a log scale),
    ``w`` and ``b``, rounded to what a figure shows.
    """
    import pandas as pd

    points = check_int(points, "points", minimum=2)
    x, y = make_regression_data(500, slope=3.0, intercept=-2.0, noise=1.0)
    run = linear_regression_sgd(x, y, batch_size=batch_size, learning_rate=learning_rate, epochs=5, seed=0)
    best = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)[0]
    keep = np.unique(np.linspace(0, len(run["loss"]) - 1, min(points, len(run["loss"]))).round().astype(int))
    gap = np.maximum(run["loss"][keep] - _mse(best, x, y), 1e-6)
    return pd.DataFrame({"update": keep, "epoch": (run["examples"][keep] / len(x)).round(3),
                         "gap": [float(f"{g:.3g}") for g in gap],
                         "w": run["theta"][keep, 0].round(4), "b": run["theta"][keep, 1].round(4)})


def plot_batch_table(frame: Any, batch_size: int = 32, learning_rate: float = 0.1) -> plt.Figure:
    """The matplotlib form of the batch-size explorer, from :func:`batch_table`'s table."""
    columns = {"update", "epoch", "gap", "w", "b"}
    if not hasattr(frame, "columns") or not columns <= set(frame.columns):
        raise TypeError(f"frame must be a table from batch_table, with the columns {sorted(columns)}")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.2))
    left.semilogy(frame["epoch"], frame["gap"], "-o", ms=2, lw=1.0, color=PALETTE[0])
    left.set_xlabel("epochs (examples processed / 500)")
    left.set_ylabel("loss − least-squares loss")
    left.set_title(f"after {int(frame['update'].iloc[-1])} updates: {frame['gap'].iloc[-1]:.2g} above the best")
    right.plot(frame["w"], frame["b"], "-o", ms=2, lw=0.8, color=PALETTE[3])
    x, y = make_regression_data(500, slope=3.0, intercept=-2.0, noise=1.0)
    best = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)[0]
    right.plot(*best, marker="*", color="black", ms=11, ls="none")
    right.set_xlabel("slope w")
    right.set_ylabel("intercept b")
    right.set_title("path from (0, 0); ★ least squares")
    fig.suptitle(f"Batch size {batch_size}, η = {learning_rate:g}, 5 epochs")
    fig.tight_layout()
    return fig


def batch_chart(base: Any) -> Any:
    """The web form of the batch-size explorer: loss gap against epochs, and the path of (w, b)."""
    import altair as alt

    widgets.require_chart(base)
    loss = base.mark_line(point=True, color=PALETTE[0]).encode(
        x=alt.X("epoch:Q", title="epochs (examples processed / 500)"),
        y=alt.Y("gap:Q", title="loss − least-squares loss", scale=alt.Scale(type="log")),
        tooltip=["update", "epoch", "gap"])
    path = base.mark_line(point=True, color=PALETTE[3]).encode(
        x=alt.X("w:Q", title="slope w"), y=alt.Y("b:Q", title="intercept b"), order="update:Q",
        tooltip=["update", "w", "b"])
    return alt.hconcat(loss.properties(width=260, height=240), path.properties(width=260, height=240))


def batch_explorer() -> widgets.Explorer:
    """Batch size and learning rate → the regression's loss against computation and its (w, b) path."""
    return widgets.Explorer(
        controls={"batch_size": widgets.Steps(list(BATCH_SIZES), 32, label="batch size"),
                  "learning_rate": widgets.Steps(list(BATCH_RATES), 0.1, label="learning rate η")},
        compute=batch_table, render=plot_batch_table, chart=batch_chart, title="Batch-size explorer",
        description="Five epochs of gradient descent on the chapter's linear regression: the loss above the "
                    "least-squares loss against the examples processed, and the path of slope and intercept; "
                    "the controls pick the batch size and the learning rate.")


# =============================================================================
# 2. The from-scratch network (helpers.network) and the digits
# =============================================================================
# The network itself is helpers.network.Network, shared with chapter 4: the chapter shows its
# source whole. This module only adds the data and the tools that verify it.


def load_digits_split(val_fraction: float = 0.25, seed: int = 0) -> tuple[np.ndarray, ...]:
    """scikit-learn's 1,797 8×8 digits, pixels scaled to [0, 1], stratified split.

    Returns ``x_train, labels_train, x_val, labels_val`` (labels are integers).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    val_fraction = check_float(val_fraction, "val_fraction", minimum=0.0, maximum=0.9, strict_minimum=True)
    digits = load_digits()
    x = digits.data / 16.0
    x_tr, x_va, l_tr, l_va = train_test_split(x, digits.target, test_size=val_fraction,
                                              stratify=digits.target,
                                              random_state=check_int(seed, "seed", minimum=0))
    return x_tr, l_tr, x_va, l_va


def _check_network(net: Any) -> Network:
    if not isinstance(net, Network):
        raise TypeError(f"net must be a helpers.network.Network, got {type(net).__name__}")
    return net


# =============================================================================
# 3. Verification: finite differences, GradientTape, Keras
# =============================================================================

def relative_error(a: Any, b: Any) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖) over all entries; ``a`` and ``b`` may be lists of arrays."""
    fa, fb = _flatten(a, "a"), _flatten(b, "b")
    if fa.shape != fb.shape:
        raise ValueError(f"a and b hold different numbers of values: {fa.size} and {fb.size}")
    scale = np.linalg.norm(fa) + np.linalg.norm(fb)
    return 0.0 if scale == 0 else float(np.linalg.norm(fa - fb) / scale)


def _flatten(value: Any, name: str) -> np.ndarray:
    if isinstance(value, (list, tuple)) and value and not np.isscalar(value[0]):
        try:
            return np.concatenate([_flatten(v, name) for v in value])
        except TypeError:
            raise TypeError(f"{name} must be an array or a list of arrays") from None
    return np.ravel(as_array(value, name))


def numerical_gradients(net: Network, X: Any, Y: Any, eps: float = 1e-6) -> list[np.ndarray]:
    """Central finite differences (L(θ+ε) − L(θ−ε)) / 2ε for every parameter, in ``net.params`` order.

    Slow (two forward passes per parameter) but independent of the chain rule: the reference
    that backpropagation must match. ``net`` is restored exactly afterwards.
    """
    net = _check_network(net)
    eps = check_float(eps, "eps", minimum=0.0, strict_minimum=True)
    X, Y = as_array(X, "X", ndim=2), as_array(Y, "Y", ndim=2)
    grads = []
    for P in net.params:                  # the arrays themselves: nudging them changes the network
        G = np.zeros_like(P)
        for index in np.ndindex(P.shape):
            saved = P[index]
            P[index] = saved + eps
            up = net.loss(X, Y)
            P[index] = saved - eps
            down = net.loss(X, Y)
            P[index] = saved
            G[index] = (up - down) / (2 * eps)
        grads.append(G)
    return grads


def backprop_gradients(net: Network, X: Any, Y: Any) -> list[np.ndarray]:
    """``net.backward`` in the order of ``net.params`` (every ``dW``, then every ``db``)."""
    dW, db, _ = _check_network(net).backward(X, Y)
    return [*dW, *db]


def epsilon_sweep(net: Network, X: Any, Y: Any, epsilons: Sequence[float]) -> np.ndarray:
    """Relative error between backprop and central differences, for each ε in ``epsilons``."""
    eps = as_array(epsilons, "epsilons", ndim=1)
    if eps.size < 3 or np.any(eps <= 0):
        raise ValueError("epsilons must hold at least three positive step sizes")
    exact = backprop_gradients(net, X, Y)
    return np.array([relative_error(exact, numerical_gradients(net, X, Y, float(e))) for e in eps])


def epsilon_figure(epsilons: Any, errors: Any, *, title: str = "Finite differences: error against step size ε"
                   ) -> plt.Figure:
    """The V of the finite-difference error: truncation (∝ ε²) on the right, round-off (∝ 1/ε) on the left."""
    eps = as_array(epsilons, "epsilons", ndim=1)
    err = as_array(errors, "errors", ndim=1, shape=eps.shape)
    fig, ax = plt.subplots(figsize=(6.8, 3.9))
    ax.loglog(eps, err, marker="o", color=PALETTE[0], label="backprop vs central differences")
    k = int(np.argmin(err))
    right, left = eps >= eps[k], eps <= eps[k]
    ax.loglog(eps[right], err[k] * (eps[right] / eps[k]) ** 2, ls="--", color=PALETTE[1],
              label="truncation ∝ ε²")
    ax.loglog(eps[left], err[k] * eps[k] / eps[left], ls=":", color=PALETTE[2], label="round-off ∝ 1/ε")
    ax.axvline(eps[k], color="0.6", lw=0.8)
    ax.set_xlabel("step size ε")
    ax.set_ylabel("relative error (log scale)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def tape_gradients(net: Network, X: Any, Y: Any) -> list[np.ndarray]:
    """The same gradients from TensorFlow's automatic differentiation, in float64, in ``net.params`` order."""
    import tensorflow as tf

    net = _check_network(net)
    if net.loss_name != "cross_entropy":
        raise ValueError("tape_gradients reproduces the cross-entropy loss only")
    act = {"relu": tf.nn.relu, "sigmoid": tf.sigmoid, "tanh": tf.tanh, "linear": tf.identity}[net.activation]
    Ws = [tf.Variable(W) for W in net.W]
    bs = [tf.Variable(b) for b in net.b]
    A = tf.constant(as_array(X, "X", ndim=2), dtype=tf.float64)
    Y = tf.constant(as_array(Y, "Y", ndim=2), dtype=tf.float64)
    with tf.GradientTape() as tape:
        for k, (W, b) in enumerate(zip(Ws, bs)):
            Z = A @ W + b
            A = act(Z) if k < len(Ws) - 1 else Z
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=Y, logits=A))
    return [g.numpy() for g in tape.gradient(loss, [*Ws, *bs])]


def keras_copy(net: Network, *, dtype: str = "float32") -> Any:
    """A Keras ``Sequential`` of ``Dense`` layers with the architecture and the weights of ``net``."""
    import keras

    net = _check_network(net)
    check_choice(dtype, "dtype", ("float32", "float64"))
    layers = [keras.Input(shape=(net.sizes[0],), dtype=dtype)]
    for k, units in enumerate(net.sizes[1:]):
        last = k == len(net.W) - 1
        layers.append(keras.layers.Dense(units, activation="softmax" if last else net.activation, dtype=dtype))
    model = keras.Sequential(layers)
    model.set_weights([p.astype(dtype) for pair in zip(net.W, net.b) for p in pair])
    return model


def keras_sgd_step(net: Network, X: Any, Y: Any, learning_rate: float) -> list[np.ndarray]:
    """One ``train_on_batch`` step of ``keras.optimizers.SGD`` from ``net``'s weights, in float64.

    Returns the new weights in ``net.params`` order; ``net`` itself is not changed.
    """
    import keras

    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    model = keras_copy(net, dtype="float64")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="categorical_crossentropy")
    model.train_on_batch(as_array(X, "X", ndim=2), as_array(Y, "Y", ndim=2))
    w = model.get_weights()
    return [*w[0::2], *w[1::2]]


def learning_curves_figure(histories: dict[str, dict[str, list[float]]], *,
                           title: str = "numpy network and Keras, same architecture") -> plt.Figure:
    """Loss per epoch (solid: training, dashed: validation) and validation accuracy, for several runs."""
    if not isinstance(histories, dict) or not histories:
        raise TypeError("histories must be a non-empty dict {label: history dict}")
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 3.8))
    markers = "os^d"
    for k, (label, h) in enumerate(histories.items()):
        missing = {"loss", "val_loss", "val_accuracy"} - set(h)
        if missing:
            raise ValueError(f"history {label!r} needs {sorted(missing)}")
        style = {"lw": 4.0, "ms": 8, "alpha": 0.45} if k == 0 else {"lw": 1.2, "ms": 4}  # overlaps stay visible
        epochs = np.arange(1, len(h["loss"]) + 1)
        axes[0].plot(epochs, h["loss"], marker=markers[k % 4], color=PALETTE[k], label=f"{label}, training", **style)
        axes[0].plot(epochs, h["val_loss"], ls="--", marker=markers[k % 4], mfc="none", color=PALETTE[k],
                     label=f"{label}, validation", **style)
        axes[1].plot(epochs, h["val_accuracy"], ls="--", marker=markers[k % 4], mfc="none", color=PALETTE[k],
                     label=f"{label}, validation", **style)
    for ax, ylabel, name in zip(axes, ("cross-entropy loss", "accuracy"), ("Loss", "Validation accuracy")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.set_title(f"{name} per epoch")
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def layer_gradient_norms(X: Any, Y: Any, *, depth: int = 8, width: int = 32, activation: str = "sigmoid",
                         weight_scale: float = 1.0, seed: int = 0) -> np.ndarray:
    """‖∂loss/∂W‖ for each layer (first to last) of a freshly initialized deep :class:`Network`.

    ``weight_scale`` multiplies the hidden-to-hidden initial weights; values above 1 show
    gradients exploding instead of vanishing.
    """
    X, Y = as_array(X, "X", ndim=2), as_array(Y, "Y", ndim=2)
    depth = check_int(depth, "depth", minimum=1)
    width = check_int(width, "width", minimum=1)
    weight_scale = check_float(weight_scale, "weight_scale", minimum=0.0, strict_minimum=True)
    init = "he" if activation == "relu" else "lecun"
    net = Network([X.shape[1]] + [width] * depth + [Y.shape[1]], activation=activation, init=init, seed=seed)
    net.W = [W * weight_scale if 0 < k < depth else W for k, W in enumerate(net.W)]
    dW, _, _ = net.backward(X, Y)
    return np.array([np.linalg.norm(g) for g in dW])


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


def _reference_backward(net: Network, X: np.ndarray, Y: np.ndarray, *, transpose: bool = True,
                        scale: float = 1.0, derivative: bool = True) -> list[np.ndarray]:
    """BP1-BP4 for cross-entropy, with the typical mistakes switchable (for the checker's diagnoses)."""
    P, As, Zs = net.forward(X)
    D = (P - Y) / len(X) * scale
    fprime = ACTIVATIONS[net.activation][1]
    dW, db = [None] * len(net.W), [None] * len(net.W)
    for l in range(len(net.W) - 1, -1, -1):
        dW[l] = As[l].T @ D
        db[l] = D.sum(axis=0)
        if l > 0:
            D = D @ (net.W[l].T if transpose else net.W[l])
            if derivative:
                D = D * fprime(Zs[l - 1])
    return [*dW, *db]


def check_backward(fn: Callable[..., Any]) -> Feedback:
    """Check a learner's ``backward(net, X, Y) -> (dW, db)`` for a :class:`~helpers.network.Network`.

    It must return the gradients of the mean cross-entropy: one ``dW[l]`` of ``W[l]``'s shape and one
    ``db[l]`` of ``b[l]``'s shape per layer. Tested on a network with square hidden layers (where a
    missing transpose still fits the shapes) and on one without.
    """
    if not callable(fn):
        return Feedback(False, [f"pass your function itself, got {type(fn).__name__}"])
    rng = np.random.default_rng(7)
    cases = [Network([3, 3, 3, 3], activation="tanh", init="glorot", seed=3),
             Network([5, 6, 3], activation="relu", seed=4)]
    for net in cases:
        X = rng.normal(size=(6, net.sizes[0]))
        Y = np.eye(net.sizes[-1])[rng.integers(0, net.sizes[-1], size=6)]
        before = [p.copy() for p in net.params]
        try:
            out = fn(net, X.copy(), Y.copy())
        except Exception as exc:  # the learner's code: report, do not crash
            hint = " (check the transposes: dW = A.T @ D and D_prev = D @ W.T)" if "shape" in str(exc) or \
                "mismatch" in str(exc) or "align" in str(exc) else ""
            return Feedback(False, [f"your function raised {type(exc).__name__}: {exc}{hint}"])
        if not all(np.array_equal(a, b) for a, b in zip(before, net.params)):
            return Feedback(False, ["your function changed the network's weights: backward only computes gradients"])
        if not (isinstance(out, (tuple, list)) and len(out) in (2, 3)):
            return Feedback(False, [f"return (dW, db): two lists with one array per layer, got {type(out).__name__}"])
        dW, db = out[0], out[1]
        layers = len(net.W)
        if not all(isinstance(g, (list, tuple)) and len(g) == layers for g in (dW, db)):
            return Feedback(False, [f"dW and db must be lists with one array per layer ({layers} layers)"])
        got = []
        for name, grads, params in (("dW", dW, net.W), ("db", db, net.b)):
            for l, (g, p) in enumerate(zip(grads, params)):
                try:
                    g = np.asarray(g, dtype=float)
                except (TypeError, ValueError):
                    return Feedback(False, [f"{name}[{l}] is not an array of numbers"])
                if g.shape != p.shape:
                    return Feedback(False, [f"{name}[{l}] has shape {g.shape}, the parameter has {p.shape}"
                                            + (" (did you sum D over the batch? db = D.sum(axis=0))" if name == "db"
                                               else " (dW = A.T @ D, A the layer's input)")])
                if not np.all(np.isfinite(g)):
                    return Feedback(False, [f"{name}[{l}] contains NaN or infinite values"])
                got.append(g)
        want = _reference_backward(net, X, Y)
        if relative_error(got, want) < 1e-7:
            continue
        diagnoses = [
            (dict(scale=len(X)), "your gradients are n times too large: average over the batch, D = (P − Y) / n"),
            (dict(scale=1 / len(X)), "your gradients are n times too small: divide by n once, in BP1 only"),
            (dict(scale=1 / net.sizes[-1]), "you averaged over the classes as well: divide by n, the batch size, only"),
            (dict(transpose=False), "the error is passed back through W instead of W.T: D_prev = (D @ W.T) * f'(Z)"),
            (dict(derivative=False), "you forgot the activation's derivative in BP2: D_prev = (D @ W.T) * f'(Z_prev)"),
        ]
        for kwargs, message in diagnoses:
            if relative_error(got, _reference_backward(net, X, Y, **kwargs)) < 1e-7:
                return Feedback(False, [message])
        errors = [relative_error(g, w) for g, w in zip(got, want)]
        worst = int(np.argmax(errors))
        name = f"dW[{worst}]" if worst < layers else f"db[{worst - layers}]"
        return Feedback(False, [f"{name} is wrong (relative error {errors[worst]:.1e}); the layers after it in the "
                                "backward order are the first place to look"])
    return Feedback(True, ["BP1-BP4 agree with the reference on both test networks (relative error below 1e-7)"])


def _reference_train(net: Network, X: np.ndarray, Y: np.ndarray, *, epochs: int, batch_size: int,
                     learning_rate: float, seed: int, shuffle: str = "every epoch", last_batch: bool = True,
                     weighted: bool = True, sign: float = -1.0) -> tuple[list[np.ndarray], list[float]]:
    """Mini-batch SGD as :meth:`Network.train` runs it, with the typical mistakes switchable."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X))
    losses = []
    for epoch in range(epochs):
        if shuffle == "every epoch" and epoch > 0:
            order = rng.permutation(len(X))
        elif shuffle == "never":
            order = np.arange(len(X))
        stop = len(X) if last_batch else len(X) - len(X) % batch_size
        batch_losses, sizes = [], []
        for start in range(0, stop, batch_size):
            batch = order[start:start + batch_size]
            dW, db, loss = net.backward(X[batch], Y[batch])
            net.W = [W + sign * learning_rate * g for W, g in zip(net.W, dW)]
            net.b = [b + sign * learning_rate * g for b, g in zip(net.b, db)]
            batch_losses.append(loss)
            sizes.append(len(batch))
        losses.append(float(np.average(batch_losses, weights=sizes if weighted else None)))
    return [p.copy() for p in net.params], losses


def check_training_loop(fn: Callable[..., Any]) -> Feedback:
    """Check a learner's ``train(net, X, Y, *, epochs, batch_size, learning_rate, seed) -> losses``.

    It must train ``net`` in place by mini-batch SGD exactly as :meth:`Network.train` does (a new
    ``rng.permutation`` at the start of every epoch from ``rng = np.random.default_rng(seed)``, the
    last, smaller batch included, ``W <- W - learning_rate * dW``) and return each epoch's mean
    training loss over the examples (each batch's loss weighted by its size). Tested on 50 examples
    in batches of 16, so the last batch has 2.
    """
    if not callable(fn):
        return Feedback(False, [f"pass your function itself, got {type(fn).__name__}"])
    rng = np.random.default_rng(11)
    X = rng.normal(size=(50, 4))
    Y = np.eye(3)[rng.integers(0, 3, size=50)]
    settings = dict(epochs=3, batch_size=16, learning_rate=0.5, seed=5)
    fresh = lambda: Network([4, 5, 3], activation="tanh", init="glorot", seed=2)  # noqa: E731
    net = fresh()
    try:
        losses = fn(net, X.copy(), Y.copy(), **settings)
    except Exception as exc:  # the learner's code: report, do not crash
        return Feedback(False, [f"your function raised {type(exc).__name__}: {exc}"])
    try:
        losses = [float(v) for v in losses]
    except (TypeError, ValueError):
        return Feedback(False, [f"return the list of per-epoch training losses, got {type(losses).__name__}"])
    if len(losses) != settings["epochs"]:
        return Feedback(False, [f"return one loss per epoch ({settings['epochs']}), got {len(losses)}"])
    got = net.params
    if not all(np.all(np.isfinite(p)) for p in got):
        return Feedback(False, ["the trained weights contain NaN or infinite values"])
    want, want_losses = _reference_train(fresh(), X, Y, **settings)
    if relative_error(got, want) < 1e-9:
        if np.allclose(losses, want_losses, rtol=1e-9, atol=0):
            return Feedback(True, ["the same weights and per-epoch losses as Network.train, batch for batch"])
        if np.allclose(losses, _reference_train(fresh(), X, Y, **settings, weighted=False)[1], rtol=1e-9, atol=0):
            return Feedback(False, ["the weights are right, but the epoch loss is the plain mean of the batch losses: "
                                    "weight each batch's loss by its size (the last batch is smaller)"])
        return Feedback(False, ["the weights are right, but the losses are not each epoch's mean training loss "
                                "(record the loss that net.backward returns for each batch)"])
    if all(np.array_equal(a, b) for a, b in zip(got, fresh().params)):
        return Feedback(False, ["the network's weights did not change: update net.W and net.b in place "
                                "(or call net.update(dW, db, learning_rate))"])
    diagnoses = [
        (dict(sign=+1.0), "the weights moved up the gradient: the update is W <- W - learning_rate * dW"),
        (dict(shuffle="never"), "the batches are never shuffled: draw order = rng.permutation(len(X)) every epoch"),
        (dict(shuffle="once"), "the examples are shuffled only once: draw a new permutation at the start of every epoch"),
        (dict(last_batch=False), "the last, smaller batch is skipped: range(0, len(X), batch_size) includes it"),
    ]
    for kwargs, message in diagnoses:
        if relative_error(got, _reference_train(fresh(), X, Y, **settings, **kwargs)[0]) < 1e-9:
            return Feedback(False, [message])
    return Feedback(False, ["the trained weights differ from Network.train's; check the order of the steps: per epoch "
                            "one permutation, per batch net.backward, then the update"])

