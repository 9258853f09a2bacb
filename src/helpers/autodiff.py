"""A tiny scalar automatic-differentiation engine, in the spirit of micrograd.

Chapter 3 uses it to show backpropagation on a computational graph you can
read in one sitting. A :class:`Value` wraps one number. Every arithmetic
operation on Values creates a new Value that remembers

- ``data``: the number computed in the forward pass,
- ``_children``: the Values it was computed from (the graph's edges),
- ``_op``: the operation's name, for drawing,
- ``_backward``: a small function that applies the chain rule *locally*:
  it adds ``local derivative × self.grad`` to each child's ``grad``.

:meth:`Value.backward` sorts the graph topologically and calls every
``_backward`` from the output back to the inputs. That is all
backpropagation is. :func:`draw_graph` draws the graph with each node's value
and gradient using matplotlib only (no system graphviz needed).

The design follows Andrej Karpathy's micrograd (MIT licence); the code here
is written from scratch for this book.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Union

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyBboxPatch

from .plotting import PALETTE
from .validation import check_float

__all__ = ["Value", "topological_order", "layout", "draw_graph"]

Number = Union[int, float]


class Value:
    """One scalar in a computational graph, with its gradient.

    ``Value(2.0, label="a")`` makes a leaf. Combine Values (or Values and plain
    numbers) with ``+ - * / **`` and the methods :meth:`tanh`, :meth:`exp`,
    :meth:`relu`, :meth:`sigmoid`; call :meth:`backward` on the result, and
    each Value's ``grad`` holds ∂result/∂value.
    """

    def __init__(self, data: Number, _children: Iterable[Value] = (), _op: str = "", label: str = "") -> None:
        self.data = check_float(data, "data")
        self.grad = 0.0
        self._children: tuple[Value, ...] = tuple(_children)
        self._op = _op
        self.label = label
        self._backward = lambda: None

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.4g}, grad={self.grad:.4g})"

    @property
    def children(self) -> tuple[Value, ...]:
        """The Values this one was computed from (none for a leaf), for code that walks the graph."""
        return self._children

    @property
    def op(self) -> str:
        """The name of the operation that made this Value (``""`` for a leaf)."""
        return self._op

    def backward_step(self) -> None:
        """Apply this node's local chain rule once: what :meth:`backward` does at every node, in order."""
        self._backward()

    # --- operations: forward value + local chain rule -------------------------

    def __add__(self, other: Value | Number) -> Value:
        other = _wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:          # d(a+b)/da = 1, d(a+b)/db = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | Number) -> Value:
        other = _wrap(other)
        out = Value(self.data * other.data, (self, other), "×")

        def _backward() -> None:          # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent: Number) -> Value:
        if isinstance(exponent, Value) or isinstance(exponent, bool) or not isinstance(exponent, (int, float)):
            raise TypeError(f"exponent must be a plain int or float, got {type(exponent).__name__}")
        out = Value(self.data ** exponent, (self,), f"**{exponent:g}")

        def _backward() -> None:          # d(a**n)/da = n a**(n-1)
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        """e to the power of this value."""
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward() -> None:          # d(e**a)/da = e**a
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward() -> None:          # d tanh(a)/da = 1 - tanh(a)**2
            self.grad += (1.0 - out.data ** 2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        """The logistic function 1 / (1 + e**-a)."""
        s = 1.0 / (1.0 + math.exp(-self.data)) if self.data >= 0 else math.exp(self.data) / (1.0 + math.exp(self.data))
        out = Value(s, (self,), "σ")

        def _backward() -> None:          # dσ/da = σ(1 - σ)
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        """max(0, a); its derivative at 0 is taken to be 0."""
        out = Value(max(0.0, self.data), (self,), "ReLU")

        def _backward() -> None:          # 1 where a > 0, else 0
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    # The rest are built from the operations above, so they need no chain rule of their own.
    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other: Value | Number) -> Value:
        return self + (-_wrap(other))

    def __truediv__(self, other: Value | Number) -> Value:
        return self * _wrap(other) ** -1

    def __radd__(self, other: Number) -> Value:
        return self + other

    def __rmul__(self, other: Number) -> Value:
        return self * other

    def __rsub__(self, other: Number) -> Value:
        return _wrap(other) - self

    def __rtruediv__(self, other: Number) -> Value:
        return _wrap(other) / self

    # --- backpropagation -----------------------------------------------------

    def backward(self) -> None:
        """Fill in ``grad`` of every Value this one depends on.

        Resets all gradients to 0, seeds d(self)/d(self) = 1, then visits the
        nodes from the output back to the leaves, each applying its local
        chain rule. Gradients *accumulate* (``+=``) because a value used twice
        receives a contribution along each path.
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def _wrap(value: Value | Number) -> Value:
    """Turn a plain number into a constant leaf; leave Values alone."""
    if isinstance(value, Value):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"can only combine a Value with a Value or a number, got {type(value).__name__}")
    return Value(value)


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each listed after all of its children."""
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}")
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:                       # iterative depth-first search (no recursion limit)
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node._children) if id(child) not in seen)
    return order


_COLUMN = 2.5   # horizontal distance between graph columns, in layout units


def layout(root: Value) -> dict[int, tuple[float, float]]:
    """Each node's drawing position, keyed by ``id(node)``: x = depth from the leaves, y = spread in its column."""
    order = topological_order(root)
    depth: dict[int, int] = {}
    for node in order:
        depth[id(node)] = 1 + max((depth[id(c)] for c in node._children), default=-1)
    users: dict[int, list[Value]] = {}
    for node in order:
        for child in node._children:
            users.setdefault(id(child), []).append(node)
    for node in order:                 # inputs sit just left of their first use: fewer crossings
        if not node._children and id(node) in users:
            depth[id(node)] = min(depth[id(u)] for u in users[id(node)]) - 1
    columns: dict[int, list[Value]] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    pos: dict[int, tuple[float, float]] = {}
    for d, nodes in columns.items():
        for i, node in enumerate(nodes):
            pos[id(node)] = (_COLUMN * d, (len(nodes) - 1) / 2 - i)
    return pos


def draw_graph(root: Value, *, title: str = "Computational graph", show_grad: bool = True) -> plt.Figure:
    """Draw the graph that produced ``root``: one box per Value, one circle per operation.

    Each box shows the Value's label, its ``data`` and (if ``show_grad``) its
    ``grad``. Arrows run forward, from inputs to the output; gradients flow
    back along them.
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}")
    order = topological_order(root)
    if len(order) > 60:
        raise ValueError(f"the graph has {len(order)} nodes; draw_graph is meant for at most 60")
    pos = layout(root)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    box_w, box_h = 1.25, (0.66 if show_grad else 0.46)
    op_x, op_r = 0.95, 0.2               # an operation's circle sits this far left of its result
    xlim = (min(xs) - box_w / 2 - 0.1, max(xs) + box_w / 2 + 0.1)
    ylim = (min(ys) - 0.6, max(ys) + 0.6)
    inch = 0.62                          # figure inches per layout unit: keeps the text readable
    fig, ax = plt.subplots(figsize=(inch * (xlim[1] - xlim[0]) + 0.3, inch * (ylim[1] - ylim[0]) + 0.6))
    for node in order:
        x, y = pos[id(node)]
        for child in node._children:     # edges: child box -> op circle -> this box
            cx, cy = pos[id(child)]
            ax.annotate("", xy=(x - op_x - op_r, y), xytext=(cx + box_w / 2, cy),
                        arrowprops={"arrowstyle": "->", "color": "0.45", "lw": 1.0})
        colour = PALETTE[5] if not node._children else (PALETTE[1] if node is root else "white")
        ax.add_patch(FancyBboxPatch((x - box_w / 2, y - box_h / 2), box_w, box_h,
                                    boxstyle="round,pad=0.03", fc=colour, ec="0.2", lw=1.0, alpha=0.9))
        lines = [f"{node.label or ' '}", f"data {node.data:.4g}"]
        if show_grad:
            lines.append(f"grad {node.grad:.4g}")
        ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=7.5, family="monospace")
        if node._op:
            ax.add_patch(Circle((x - op_x, y), op_r, fc=PALETTE[2], ec="0.2", alpha=0.85, zorder=3))
            ax.text(x - op_x, y, node._op, ha="center", va="center", zorder=4,
                    fontsize=7.5 if len(node._op) <= 2 else 5.5)
            ax.plot([x - op_x + op_r, x - box_w / 2], [y, y], color="0.45", lw=1.0)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title)
    fig.tight_layout()
    return fig
