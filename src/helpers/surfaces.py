"""The 2-D loss surfaces of chapters 3 and 4c, defined once.

Chapter 3 runs gradient descent on four of them (bowl, valley, bumps, Rosenbrock);
chapter 4c races six optimizers on four (the valley, the same valley turned by 45°, a saddle,
Rosenbrock). Each
:class:`Surface` carries its function, gradient, minima, start and the view to draw,
and :func:`plot_contours` draws any of them the same way in both chapters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from .plotting import PALETTE
from .validation import check_choice

__all__ = ["Surface", "SURFACES", "get", "plot_contours"]


@dataclass(frozen=True)
class Surface:
    """A function of two parameters with its gradient, its minima and a sensible view.

    ``f`` and ``grad`` take points in their last axis (shape ``(..., 2)``), so ``f`` also
    evaluates a whole contour grid at once. ``learning_rate`` and ``steps`` are the plain
    gradient-descent run chapter 3 draws on it.
    """

    name: str
    label: str
    formula: str
    f: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    start: tuple[float, float]
    learning_rate: float
    steps: int

    @property
    def title(self) -> str:
        """The name and the formula, as figures show them."""
        return f"{self.label}  {self.formula}"

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


#: The valley turned by 45°: its Hessian R · diag(1, 20) · Rᵀ, with R the rotation by 45°.
_TURN = np.array([[np.cos(np.pi / 4), -np.sin(np.pi / 4)], [np.sin(np.pi / 4), np.cos(np.pi / 4)]])
_TILTED_HESSIAN = _TURN @ np.diag([1.0, 20.0]) @ _TURN.T      # [[10.5, −9.5], [−9.5, 10.5]]


def _tilted(p: np.ndarray) -> np.ndarray:
    return 0.5 * np.einsum("...i,ij,...j->...", p, _TILTED_HESSIAN, p)


def _tilted_grad(p: np.ndarray) -> np.ndarray:
    return p @ _TILTED_HESSIAN


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


def _saddle(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return 0.5 * x ** 2 + 0.25 * y ** 4 - 0.5 * y ** 2


def _saddle_grad(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return np.stack([x, y ** 3 - y], axis=-1)


def _rosenbrock(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return (1 - x) ** 2 + 100.0 * (y - x ** 2) ** 2


def _rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2 * (1 - x) - 400.0 * x * (y - x ** 2), 200.0 * (y - x ** 2)], axis=-1)


#: Every surface of the book, by name.
SURFACES: dict[str, Surface] = {
    s.name: s for s in (
        Surface("bowl", "Convex bowl", "x² + y²", _bowl, _bowl_grad, (-3, 3), (-3, 3),
                ((0.0, 0.0),), (2.5, 2.0), 0.1, 40),
        Surface("valley", "Elongated valley", "x²/2 + 10y²", _valley, _valley_grad, (-3, 3), (-2, 2),
                ((0.0, 0.0),), (-2.8, 1.5), 0.09, 60),
        Surface("tilted", "The valley turned by 45°", "5.25(x² + y²) − 9.5xy", _tilted, _tilted_grad,
                (-3.5, 3.5), (-3.5, 3.5), ((0.0, 0.0),), tuple(float(v) for v in _TURN @ np.array([-2.8, 1.5])),
                0.09, 60),
        Surface("bumps", "Four minima", "(x²−1)² + (y²−1)² + 0.3x + 0.2y", _bumps, _bumps_grad,
                (-2, 2), (-2, 2), _bumps_minima(), (0.3, 0.4), 0.05, 60),
        Surface("saddle", "Saddle point", "x²/2 + y⁴/4 − y²/2", _saddle, _saddle_grad, (-2.5, 1), (-1.5, 1.5),
                ((0.0, -1.0), (0.0, 1.0)), (-2.0, 0.001), 0.1, 60),
        Surface("rosenbrock", "Rosenbrock", "(1−x)² + 100(y−x²)²", _rosenbrock, _rosenbrock_grad,
                (-2, 2), (-1, 3), ((1.0, 1.0),), (-1.5, 2.0), 0.001, 2000),
    )
}


def get(name: str, among: dict[str, Surface] = SURFACES) -> Surface:
    """The surface called ``name``, with a clear error naming the choices (``among`` narrows them)."""
    check_choice(name, "surface", tuple(among))
    return among[name]


def plot_contours(ax: plt.Axes, surface: Surface, n: int = 160) -> None:
    """Log-spaced contour lines of ``f − f(θ*)`` on ``ax``, with a star at each minimum."""
    if not isinstance(surface, Surface):
        raise TypeError(f"surface must be a Surface (from helpers.surfaces), got {type(surface).__name__}")
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
