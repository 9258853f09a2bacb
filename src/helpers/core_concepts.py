"""Chapter 2, "Core concepts: neurons, layers and feature abstraction".

From-scratch numpy versions of the objects the chapter explains, small enough
to read in one sitting:

- one artificial neuron, :func:`neuron`, and the activation functions in
  :data:`ACTIVATIONS`;
- a dense layer as a matrix product, :func:`dense_forward`, and a network as a
  composition of layers, :func:`forward`; :func:`trace_shapes` lists the
  array shapes through a network and :func:`collapse_linear` shows that linear
  layers without activations compose to a single linear map;
- seeded 2-D toy datasets (:func:`make_dataset`: XOR, circles, moons, spirals);
- a tiny trainer, :func:`train_mlp`, for binary classification on such data
  (full-batch gradient descent with the Adam update; Chapter 3 derives the
  gradients it uses, Chapter 4 the update rule);
- the figures: a neuron diagram, decision boundaries, what each hidden unit
  computes, first-layer weights on digits; and the two interactive
  playgrounds (:func:`neuron_playground`, :func:`network_playground`), explorers whose every
  setting is computed ahead, so that they work on the static web page too, and whose tables
  (:func:`neuron_table`, :func:`network_table`) are plain functions;
- checkers for the exercises.

Conventions (the book's one weight layout, Keras's; see the notation page): one
example is a row ``x`` of ``d`` numbers; a layer from ``n_in`` to ``n_out`` units
has a weight matrix ``W`` of shape ``(n_in, n_out)``, one column per unit (what
Keras calls the layer's kernel), and a bias ``b`` of shape ``(n_out,)``, and
computes ``a = f(x @ W + b)`` for a batch ``x`` of shape ``(n, n_in)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from . import widgets
from .exercises import Feedback, check_array, check_scalar, combine
from .plotting import PALETTE
from .validation import as_array, check_choice, check_float, check_int

__all__ = [
    "make_rings",
    "build_rings_model",
    "train_rings",
    "layer_responses",
    "radial_score",
    "unit_responses_figure",
    "ACTIVATIONS",
    "DATASETS",
    "activate",
    "neuron",
    "dense_forward",
    "forward",
    "ShapeRow",
    "trace_shapes",
    "collapse_linear",
    "xor_points",
    "make_dataset",
    "best_linear_accuracy",
    "xor_by_hand",
    "MLP",
    "train_mlp",
    "neuron_diagram",
    "activation_figure",
    "plot_decision_boundary",
    "boundary_comparison_figure",
    "hidden_units_figure",
    "weights_figure",
    "playground_model",
    "playground_validation",
    "network_playground_figure",
    "PLANE",
    "neuron_table",
    "plot_neuron_table",
    "neuron_chart",
    "neuron_playground",
    "network_table",
    "plot_network_table",
    "network_chart",
    "network_playground",
    "check_neuron_output",
    "check_xor_network",
    "check_collapse",
]

# --------------------------------------------------------------------------- activations


def _step(z: np.ndarray) -> np.ndarray:
    return (z > 0).astype(float)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the same as 1/(1+e^-z), without overflow


#: Activation functions by name. "step" is the perceptron's threshold unit.
ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "step": _step,
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: np.asarray(z, dtype=float),
}

_DERIVATIVES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    # (z, a) -> f'(z); written with the output a where that is cheaper
    "sigmoid": lambda z, a: a * (1 - a),
    "tanh": lambda z, a: 1 - a**2,
    "relu": lambda z, a: (z > 0).astype(float),
    "linear": lambda z, a: np.ones_like(z),
}


def activate(z: Any, name: str) -> np.ndarray:
    """Apply the activation function ``name`` (a key of :data:`ACTIVATIONS`) elementwise."""
    check_choice(name, "activation", ACTIVATIONS)
    return ACTIVATIONS[name](as_array(z, "z"))


# --------------------------------------------------------------------------- neurons and layers


def neuron(x: Any, w: Any, b: float, activation: str = "sigmoid") -> np.ndarray | float:
    """One artificial neuron: ``f(w · x + b)``.

    ``x`` is one input of shape ``(d,)`` (the result is a float) or a batch of
    shape ``(n, d)`` (the result has shape ``(n,)``); ``w`` has shape ``(d,)``.
    """
    x = as_array(x, "x", ndim=(1, 2))
    w = as_array(w, "w", ndim=1)
    b = check_float(b, "b")
    if x.shape[-1] != len(w):
        raise ValueError(f"x has {x.shape[-1]} features but w has {len(w)} weights")
    z = x @ w + b
    a = activate(z, activation)
    return float(a) if x.ndim == 1 else a


def dense_forward(x: Any, W: Any, b: Any, activation: str = "linear") -> np.ndarray:
    """A dense layer on a batch: ``f(x @ W + b)``.

    ``x``: ``(n, n_in)``; ``W``: ``(n_in, n_out)``, one column per unit; ``b``: ``(n_out,)``; result ``(n, n_out)``.
    """
    x = as_array(x, "x", ndim=2)
    W = as_array(W, "W", ndim=2)
    b = as_array(b, "b", ndim=1)
    if W.shape[0] != x.shape[1]:
        raise ValueError(f"W has shape {W.shape}: it expects {W.shape[0]} inputs, but x has {x.shape[1]} "
                         "columns (W is (n_in, n_out), like a Keras kernel)")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have shape ({W.shape[1]},) to match W {W.shape}, got {b.shape}")
    return activate(x @ W + b, activation)


def _check_params(params: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    if isinstance(params, (str, bytes)) or not isinstance(params, Sequence) or not params:
        raise TypeError("params must be a non-empty list of (W, b) pairs")
    checked = []
    for k, pair in enumerate(params):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"params[{k}] must be a (W, b) pair, got {type(pair).__name__}")
        W = as_array(pair[0], f"params[{k}] W", ndim=2)
        b = as_array(pair[1], f"params[{k}] b", ndim=1)
        if b.shape != (W.shape[1],):
            raise ValueError(f"params[{k}]: b has shape {b.shape}, expected ({W.shape[1]},) to match W {W.shape}")
        if checked and checked[-1][0].shape[1] != W.shape[0]:
            raise ValueError(f"params[{k}]: W expects {W.shape[0]} inputs but the previous layer has "
                             f"{checked[-1][0].shape[1]} units")
        checked.append((W, b))
    return checked


def forward(x: Any, params: Sequence[tuple[Any, Any]], activations: Sequence[str] | str,
            *, return_all: bool = False) -> np.ndarray | list[np.ndarray]:
    """A network as a composition of dense layers.

    ``params`` is a list of ``(W, b)`` pairs, ``activations`` one name per
    layer (or one name for all). Returns the output, or with
    ``return_all=True`` the list ``[x, a1, a2, …, output]``.
    """
    params = _check_params(params)
    if isinstance(activations, str):
        activations = [activations] * len(params)
    if len(activations) != len(params):
        raise ValueError(f"activations must name one function per layer: {len(params)} layers, "
                         f"{len(activations)} activations")
    a = as_array(x, "x", ndim=2)
    outputs = [a]
    for (W, b), f in zip(params, activations):
        a = dense_forward(a, W, b, f)
        outputs.append(a)
    return outputs if return_all else a


@dataclass(frozen=True)
class ShapeRow:
    """The shapes at one layer of a dense network for a batch of ``batch`` examples."""

    layer: int
    input: tuple[int, int]
    W: tuple[int, int]
    b: tuple[int]
    output: tuple[int, int]
    parameters: int

    def __str__(self) -> str:
        return (f"layer {self.layer}: x {str(self.input):11s} W {str(self.W):11s} b {str(self.b):7s} "
                f"-> {str(self.output):10s} {self.parameters:>9,} parameters")


def trace_shapes(layer_sizes: Sequence[int], batch: int = 32) -> list[ShapeRow]:
    """Trace array shapes through a dense network with widths ``layer_sizes`` (input first)."""
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(f"layer_sizes must be a list of integers, got {type(layer_sizes).__name__}")
    sizes = [check_int(s, "layer size", minimum=1) for s in layer_sizes]
    if len(sizes) < 2:
        raise ValueError("layer_sizes needs at least an input and an output size")
    batch = check_int(batch, "batch", minimum=1)
    return [ShapeRow(k + 1, (batch, n_in), (n_in, n_out), (n_out,), (batch, n_out), n_in * n_out + n_out)
            for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))]


def collapse_linear(params: Sequence[tuple[Any, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """The single linear map equal to a stack of linear layers (no activations).

    ``(x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2)``, applied layer by layer.
    """
    params = _check_params(params)
    W, b = params[0]
    for W_next, b_next in params[1:]:
        W, b = W @ W_next, b @ W_next + b_next
    return W, b


# --------------------------------------------------------------------------- toy data

#: The 2-D toy datasets :func:`make_dataset` can generate.
DATASETS: tuple[str, ...] = ("xor", "circles", "moons", "spirals")


def xor_points() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR inputs (0/1 corners) and their labels ``x1 XOR x2``."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    return x, np.array([0, 1, 1, 0])


def make_dataset(name: str, n: int = 200, *, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A seeded 2-D binary classification set: ``x`` of shape ``(n, 2)``, labels 0/1.

    - ``"xor"``: points scattered around the four corners of the square
      ``[-1, 1]²``, labelled 1 where the two coordinates have different signs;
    - ``"circles"``: a small circle inside a larger one (scikit-learn's ``make_circles``);
    - ``"moons"``: two interleaving half-moons (scikit-learn's ``make_moons``);
    - ``"spirals"``: two interleaved spiral arms.

    Generated locally from ``seed``: no download, identical on every run.
    """
    check_choice(name, "dataset", DATASETS)
    n = check_int(n, "n", minimum=4)
    noise = check_float(noise, "noise", minimum=0.0)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    if name == "xor":
        corners = rng.integers(0, 2, size=(n, 2)) * 2 - 1
        x = corners * 0.6 + rng.normal(scale=0.2 + noise, size=(n, 2))
        y = (np.sign(x[:, 0]) != np.sign(x[:, 1])).astype(int)
    elif name == "circles":
        from sklearn.datasets import make_circles

        x, y = make_circles(n_samples=n, noise=noise, factor=0.45, random_state=seed)
    elif name == "moons":
        from sklearn.datasets import make_moons

        x, y = make_moons(n_samples=n, noise=noise, random_state=seed)
        x = (x - np.array([0.5, 0.25])) / np.array([1.0, 0.5]) * 0.8
    else:
        half = n // 2
        t = np.sqrt(rng.uniform(0, 1, size=n)) * 3 * np.pi
        arm = np.r_[np.zeros(half, dtype=int), np.ones(n - half, dtype=int)]
        angle = t + np.pi * arm
        x = np.c_[t * np.cos(angle), t * np.sin(angle)] / (3 * np.pi)
        x = x + rng.normal(scale=noise * 0.5, size=x.shape)
        y = arm
    return np.asarray(x, dtype=float), np.asarray(y, dtype=int)


def best_linear_accuracy(x: Any, y: Any, *, n_lines: int = 20_000, seed: int = 0) -> float:
    """The best accuracy of ``n_lines`` random linear classifiers ``w · x + b > 0`` (both orientations).

    A search, so it gives a lower bound on what a single neuron can reach; the
    chapter proves the matching upper bound for XOR.
    """
    x = as_array(x, "x", ndim=2, shape=(None, 2))
    y = as_array(y, "y", ndim=1, dtype=int)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    n_lines = check_int(n_lines, "n_lines", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    angles = rng.uniform(0, 2 * np.pi, size=n_lines)
    w = np.c_[np.cos(angles), np.sin(angles)]
    centre = x.mean(axis=0)
    spread = np.abs(x - centre).max() + 1e-9
    b = -(w @ centre) + rng.uniform(-spread, spread, size=n_lines)
    predictions = (x @ w.T + b) > 0
    accuracy = (predictions == y[:, None].astype(bool)).mean(axis=0)
    return float(accuracy.max())


def xor_by_hand() -> list[tuple[np.ndarray, np.ndarray]]:
    """Hand-set weights of a 2-2-1 ReLU network that computes XOR exactly (linear output).

    Hidden unit 1 is ``relu(x1 + x2)``, hidden unit 2 is ``relu(x1 + x2 - 1)``;
    the output ``h1 - 2 h2`` is 0, 1, 1, 0 on the four corners.
    """
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([[1.0], [-2.0]])
    b2 = np.array([0.0])
    return [(W1, b1), (W2, b2)]


# --------------------------------------------------------------------------- a tiny trainer


@dataclass
class MLP:
    """A trained binary classifier: hidden layers with ``activation``, a sigmoid output."""

    params: list[tuple[np.ndarray, np.ndarray]]
    activation: str
    losses: list[float] = field(default_factory=list)

    @property
    def activations(self) -> list[str]:
        """The activation of every layer (hidden layers, then the sigmoid output)."""
        return [self.activation] * (len(self.params) - 1) + ["sigmoid"]

    def predict_proba(self, x: Any) -> np.ndarray:
        """The probability of class 1 for each row of ``x``."""
        return forward(x, self.params, self.activations)[:, 0]

    def predict(self, x: Any) -> np.ndarray:
        """Class labels 0/1 (probability above one half)."""
        return (self.predict_proba(x) > 0.5).astype(int)

    def accuracy(self, x: Any, y: Any) -> float:
        """The fraction of rows of ``x`` classified as ``y``."""
        y = as_array(y, "y", ndim=1, dtype=int)
        return float((self.predict(x) == y).mean())

    def hidden(self, x: Any) -> np.ndarray:
        """The first hidden layer's activations, shape ``(n, units)``."""
        if len(self.params) < 2:
            raise ValueError("this network has no hidden layer")
        W, b = self.params[0]
        return dense_forward(x, W, b, self.activation)


def _bce(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def train_mlp(x: Any, y: Any, *, hidden: Sequence[int] | int = (8,), activation: str = "tanh",
              learning_rate: float = 0.03, epochs: int = 500, seed: int = 0) -> MLP:
    """Train a small network for 0/1 labels on full batches; returns an :class:`MLP`.

    ``hidden`` lists the hidden-layer widths (``()`` or ``0``: a single sigmoid
    neuron, i.e. logistic regression). Weights start from a seeded Glorot-uniform
    draw, biases at zero; each epoch computes the binary cross-entropy on all
    of ``x``, its gradient by backpropagation (Chapter 3), and an Adam step
    (Chapter 4). Deterministic for a given ``seed``.
    """
    x = as_array(x, "x", ndim=2)
    y = as_array(y, "y", ndim=1, dtype=None)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    if not set(np.unique(y).tolist()) <= {0, 1}:
        raise ValueError("y must hold binary labels 0 and 1")
    y = y.astype(float)
    if isinstance(hidden, (int, np.integer)) and not isinstance(hidden, bool):
        hidden = [hidden] if hidden else []
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
        raise TypeError(f"hidden must be a list of layer widths, got {type(hidden).__name__}")
    hidden = [check_int(h, "hidden", minimum=1) for h in hidden]
    check_choice(activation, "activation", tuple(_DERIVATIVES))
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    epochs = check_int(epochs, "epochs", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))

    sizes = [x.shape[1], *hidden, 1]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6 / (n_in + n_out))
        # Glorot-uniform, W of shape (n_in, n_out): the draws come one unit at a time, then become its column
        params.append((rng.uniform(-limit, limit, size=(n_out, n_in)).T, np.zeros(n_out)))
    model = MLP(params, activation)
    acts = model.activations
    m = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
    v = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    n = len(x)
    for t in range(1, epochs + 1):
        outs = forward(x, model.params, acts, return_all=True)
        p = outs[-1][:, 0]
        model.losses.append(_bce(p, y))
        delta = ((p - y) / n)[:, None]  # dL/dz at the sigmoid output
        grads = []
        for k in range(len(model.params) - 1, -1, -1):
            W, _ = model.params[k]
            grads.append((outs[k].T @ delta, delta.sum(axis=0)))     # dL/dW = a_prev^T delta (BP4)
            if k:
                a = outs[k]
                W_prev, b_prev = model.params[k - 1]
                z = outs[k - 1] @ W_prev + b_prev
                delta = (delta @ W.T) * _DERIVATIVES[acts[k - 1]](z, a)   # BP2
        grads.reverse()
        new = []
        for k, ((W, b), (gW, gb)) in enumerate(zip(model.params, grads)):
            mW, mb = beta1 * m[k][0] + (1 - beta1) * gW, beta1 * m[k][1] + (1 - beta1) * gb
            vW, vb = beta2 * v[k][0] + (1 - beta2) * gW**2, beta2 * v[k][1] + (1 - beta2) * gb**2
            m[k], v[k] = (mW, mb), (vW, vb)
            c1, c2 = 1 - beta1**t, 1 - beta2**t
            new.append((W - learning_rate * (mW / c1) / (np.sqrt(vW / c2) + eps),
                        b - learning_rate * (mb / c1) / (np.sqrt(vb / c2) + eps)))
        model.params = new
    model.losses.append(_bce(model.predict_proba(x), y))
    return model


# --------------------------------------------------------------------------- depth: nested rings


def make_rings(n: int = 4000, *, bands: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points uniform in the square [−1, 1]², labelled by ring: ``floor(bands · r) mod 2``.

    ``r`` is the distance from the centre, so the classes are nested rings of width
    ``1 / bands``: a function of a feature (the radius) that is itself a function of the inputs.
    """
    n = check_int(n, "n", minimum=1)
    bands = check_int(bands, "bands", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    r = np.sqrt((x ** 2).sum(axis=1))
    return x.astype("float32"), (np.floor(bands * r) % 2).astype("int64")


def build_rings_model(hidden: Sequence[int], *, learning_rate: float = 0.01) -> Any:
    """A compiled Keras classifier for 2-D points: ReLU hidden layers of widths ``hidden``, a sigmoid output."""
    import keras

    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence) or not hidden:
        raise TypeError("hidden must be a non-empty list of layer widths, e.g. [8, 8, 8]")
    hidden = [check_int(h, "hidden", minimum=1) for h in hidden]
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    model = keras.Sequential([keras.Input(shape=(2,))]
                             + [keras.layers.Dense(h, activation="relu") for h in hidden]
                             + [keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


def train_rings(hidden: Sequence[int], seed: int, train: tuple[Any, Any], val: tuple[Any, Any], *,
                epochs: int = 10, batch_size: int = 64) -> dict[str, Any]:
    """One seeded training run on the rings: the recipe that ``experiments.run`` repeats over seeds.

    Returns the validation accuracy and loss after the last epoch, and the weights before and
    after training (for :func:`layer_responses`).
    """
    import keras

    seed = check_int(seed, "seed", minimum=0)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    keras.utils.set_random_seed(seed)
    model = build_rings_model(hidden)
    initial = model.get_weights()
    model.fit(*train, epochs=epochs, batch_size=batch_size, validation_data=val, verbose=0)
    val_loss, val_accuracy = model.evaluate(*val, verbose=0)
    return {"val_accuracy": val_accuracy, "val_loss": val_loss, "parameters": model.count_params(),
            "initial_weights": initial, "weights": model.get_weights()}


def _check_weights(weights: Any) -> list[np.ndarray]:
    if isinstance(weights, (str, bytes)) or not isinstance(weights, (list, tuple)) or len(weights) < 4 \
            or len(weights) % 2:
        raise TypeError("weights must be a Keras model's get_weights(): kernel, bias, kernel, bias, ...")
    arrays = [as_array(w, "weights", ndim=(1, 2)) for w in weights]
    for k in range(0, len(arrays), 2):
        W, b = arrays[k], arrays[k + 1]
        if W.ndim != 2 or b.shape != (W.shape[1],) or (k and W.shape[0] != arrays[k - 2].shape[1]):
            raise ValueError(f"weights[{k}] and weights[{k + 1}] must be a kernel (inputs, units) and its bias")
    return arrays


def layer_responses(weights: Any, x: Any) -> list[np.ndarray]:
    """Every hidden layer's ReLU outputs for the points ``x``, from a rings model's ``get_weights()``."""
    arrays = _check_weights(weights)
    a = as_array(x, "x", ndim=2, shape=(None, arrays[0].shape[0]))
    out = []
    for k in range(0, len(arrays) - 2, 2):
        a = np.maximum(a @ arrays[k] + arrays[k + 1], 0.0)
        out.append(a)
    return out


def radial_score(responses: Any, x: Any, *, bins: int = 20) -> np.ndarray:
    """For each unit, the fraction of its response's variance that the radius alone explains (0 to 1).

    The points are grouped into ``bins`` rings of equal width; the score is the variance of the
    per-ring mean response over the total variance. A unit that depends only on the distance
    from the centre scores 1; a half-plane (one line) scores low; a silent unit scores 0.
    """
    a = as_array(responses, "responses", ndim=2)
    x = as_array(x, "x", ndim=2, shape=(a.shape[0], 2))
    bins = check_int(bins, "bins", minimum=2)
    r = np.sqrt((x ** 2).sum(axis=1))
    which = np.minimum((r / r.max() * bins).astype(int), bins - 1)
    total = a.var(axis=0)
    means = np.zeros((bins, a.shape[1]))
    counts = np.bincount(which, minlength=bins)
    np.add.at(means, which, a)
    filled = counts > 0
    means[filled] /= counts[filled, None]
    explained = (counts[filled, None] * (means[filled] - a.mean(axis=0)) ** 2).sum(axis=0) / len(a)
    return np.where(total > 1e-12, explained / np.where(total > 1e-12, total, 1.0), 0.0)


def unit_responses_figure(weights: Any, *, title: str = "What each hidden unit responds to", steps: int = 121
                          ) -> plt.Figure:
    """One row per hidden layer, one panel per unit: the unit's output over the square [−1, 1]²."""
    arrays = _check_weights(weights)
    steps = check_int(steps, "steps", minimum=10)
    g = np.linspace(-1.0, 1.0, steps)
    g0, g1 = np.meshgrid(g, g)
    pts = np.stack([g0.ravel(), g1.ravel()], axis=1)
    layers = layer_responses(arrays, pts)
    units = max(a.shape[1] for a in layers)
    if units > 12:
        raise ValueError(f"unit_responses_figure draws layers of at most 12 units, got {units}")
    fig, axes = plt.subplots(len(layers), units, figsize=(1.35 * units, 1.5 * len(layers) + 0.7), squeeze=False)
    for row, a in enumerate(layers):
        scores = radial_score(a, pts)
        for k, ax in enumerate(axes[row]):
            ax.set_xticks([])
            ax.set_yticks([])
            if k >= a.shape[1]:
                ax.set_axis_off()
                continue
            values = a[:, k].reshape(g0.shape)
            ax.imshow(values, origin="lower", extent=(-1, 1, -1, 1), cmap="viridis",
                      vmin=0.0, vmax=float(values.max()) or 1.0)
            ax.set_title("silent" if values.max() <= 0 else f"radial {scores[k]:.2f}", fontsize=7)
            if k == 0:
                ax.set_ylabel(f"layer {row + 1}\n$x_2$", fontsize=8)
            if row == len(layers) - 1:
                ax.set_xlabel("$x_1$", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- figures


def neuron_diagram(w: Any, b: float, x: Any | None = None, activation: str = "sigmoid", *,
                   title: str = "One artificial neuron") -> plt.Figure:
    """Draw a neuron: inputs, weighted edges, the sum node, the activation, the output.

    With ``x`` given, the diagram shows the input values and the numbers the
    neuron computes from them.
    """
    w = as_array(w, "w", ndim=1)
    b = check_float(b, "b")
    check_choice(activation, "activation", ACTIVATIONS)
    if x is not None:
        x = as_array(x, "x", ndim=1)
        if len(x) != len(w):
            raise ValueError(f"x has {len(x)} values but w has {len(w)} weights")
    d = len(w)
    if not 1 <= d <= 6:
        raise ValueError(f"the diagram draws 1 to 6 inputs, got {d}")
    fig, ax = plt.subplots(figsize=(8.5, 3.8))
    ys = np.linspace(1.2, -1.2, d) if d > 1 else np.array([0.0])
    for k in range(d):
        label = f"$x_{k + 1}$" + (f" = {x[k]:g}" if x is not None else "")
        ax.add_patch(plt.Circle((0, ys[k]), 0.22, color=PALETTE[5], alpha=0.5))
        ax.text(-0.35, ys[k], label, ha="right", va="center", fontsize=11)
        ax.annotate("", xy=(2.55, 0), xytext=(0.22, ys[k]),
                    arrowprops={"arrowstyle": "-|>", "color": PALETTE[0], "lw": 1 + 2 * min(abs(w[k]), 2)})
        t = 0.28  # label the edge a little way along it, above the line
        ax.text(0.22 + t * 2.33, ys[k] * (1 - t) + 0.2, f"$w_{k + 1}$ = {w[k]:g}", ha="center",
                fontsize=10, color=PALETTE[0], bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.add_patch(plt.Circle((3.0, 0), 0.45, color=PALETTE[1], alpha=0.5))
    ax.text(3.0, 0, r"$\Sigma$", ha="center", va="center", fontsize=18)
    ax.annotate("", xy=(3.0, 0.45), xytext=(3.0, 1.3), arrowprops={"arrowstyle": "-|>", "color": "0.3"})
    ax.text(3.0, 1.42, f"bias $b$ = {b:g}", ha="center", fontsize=10)
    z_text = "$z = w \\cdot x + b$"
    if x is not None:
        z = float(x @ w + b)
        z_text += f" = {z:.3g}"
    ax.annotate("", xy=(4.6, 0), xytext=(3.45, 0), arrowprops={"arrowstyle": "-|>", "color": "0.3"})
    ax.text(4.0, -0.35, z_text, ha="center", va="top", fontsize=10)
    ax.add_patch(plt.Rectangle((4.6, -0.4), 1.1, 0.8, color=PALETTE[2], alpha=0.4))
    ax.text(5.15, 0, f"$f$\n{activation}", ha="center", va="center", fontsize=10)
    ax.annotate("", xy=(6.7, 0), xytext=(5.7, 0), arrowprops={"arrowstyle": "-|>", "color": "0.3"})
    out = "$a = f(z)$"
    if x is not None:
        out += f"\n= {float(neuron(x, w, b, activation)):.3g}"
    ax.text(6.8, 0, out, ha="left", va="center", fontsize=11)
    ax.set_xlim(-1.6, 8.0)
    ax.set_ylim(-1.6, 1.75)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title)
    fig.tight_layout()
    return fig


def activation_figure(names: Sequence[str] = ("step", "sigmoid", "tanh", "relu"), *,
                      title: str = "Activation functions") -> plt.Figure:
    """Plot the named activation functions on ``z`` in [-4, 4]."""
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise TypeError("names must be a non-empty list of activation names")
    for name in names:
        check_choice(name, "activation", ACTIVATIONS)
    z = np.linspace(-4, 4, 401)
    fig, axes = plt.subplots(1, len(names), figsize=(2.8 * len(names), 2.8), squeeze=False, sharey=True)
    for ax, name, color in zip(axes.flat, names, PALETTE):
        ax.plot(z, activate(z, name), color=color, lw=2)
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.set_title(name)
        ax.set_xlabel("$z$")
    axes[0, 0].set_ylabel("$f(z)$")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _grid(x: np.ndarray, steps: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lo = x.min(axis=0) - 0.3
    hi = x.max(axis=0) + 0.3
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], steps), np.linspace(lo[1], hi[1], steps))
    return g0, g1, np.c_[g0.ravel(), g1.ravel()]


def _scatter(ax: plt.Axes, x: np.ndarray, y: np.ndarray) -> None:
    for label, color, marker in ((0, PALETTE[0], "o"), (1, PALETTE[3], "s")):
        pts = x[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=22, color=color, marker=marker, edgecolor="white",
                   linewidth=0.5, label=f"class {label}", zorder=3)


def plot_decision_boundary(ax: plt.Axes, predict: Callable[[np.ndarray], np.ndarray], x: Any, y: Any, *,
                           title: str = "", levels: Sequence[float] = (0.5,)) -> None:
    """Shade ``predict``'s output over the plane, draw its boundary and the labelled points on ``ax``.

    ``predict`` maps an ``(m, 2)`` array to ``m`` numbers (probabilities, or any
    score whose boundary is at ``levels``).
    """
    if not callable(predict):
        raise TypeError(f"predict must be callable, got {type(predict).__name__}")
    x = as_array(x, "x", ndim=2, shape=(None, 2))
    y = as_array(y, "y", ndim=1, dtype=int)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    g0, g1, pts = _grid(x)
    values = np.asarray(predict(pts), dtype=float).reshape(g0.shape)
    lo, hi = float(values.min()), float(values.max())
    ax.contourf(g0, g1, values, levels=20, cmap="RdBu_r", alpha=0.35, vmin=min(lo, 0.0), vmax=max(hi, 1.0))
    if lo < min(levels) and hi > max(levels):
        ax.contour(g0, g1, values, levels=list(levels), colors="black", linewidths=1.5)
    _scatter(ax, x, y)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)
    if title:
        ax.set_title(title)


def boundary_comparison_figure(models: Sequence[MLP], names: Sequence[str], x: Any, y: Any, *,
                               title: str = "Decision boundaries") -> plt.Figure:
    """One panel per trained model: its probability over the plane, its boundary and accuracy."""
    if len(models) != len(names) or not models:
        raise ValueError("models and names must be non-empty lists of the same length")
    fig, axes = plt.subplots(1, len(models), figsize=(4.2 * len(models), 4.2), squeeze=False)
    for ax, model, name in zip(axes.flat, models, names):
        if not isinstance(model, MLP):
            raise TypeError(f"models must hold MLP objects, got {type(model).__name__}")
        plot_decision_boundary(ax, model.predict_proba, x, y,
                               title=f"{name}\naccuracy {model.accuracy(x, y):.2f}")
    axes[0, 0].legend(loc="lower left", fontsize=8, frameon=True)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def hidden_units_figure(model: MLP, x: Any, y: Any, *,
                        title: str = "What each hidden unit computes, and how the output combines them"
                        ) -> plt.Figure:
    """A panel per first-layer hidden unit (its activation and its line ``w·x + b = 0``), then the output."""
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    x = as_array(x, "x", ndim=2, shape=(None, 2))
    y = as_array(y, "y", ndim=1, dtype=int)
    W, b = model.params[0]
    units = W.shape[1]
    if len(model.params) < 2 or units > 8:
        raise ValueError("hidden_units_figure draws networks with one hidden layer of 1 to 8 units")
    ncols = min(units + 1, 3)
    nrows = int(np.ceil((units + 1) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 3.4 * nrows), squeeze=False)
    g0, g1, pts = _grid(x, 150)
    hidden = model.hidden(pts)
    w_out = model.params[1][0][:, 0] if len(model.params) == 2 else None
    for k, ax in enumerate(axes.flat):
        if k > units:
            ax.set_axis_off()
            continue
        if k < units:
            ax.contourf(g0, g1, hidden[:, k].reshape(g0.shape), levels=20, cmap="Greens", alpha=0.6)
            z = pts @ W[:, k] + b[k]
            ax.contour(g0, g1, z.reshape(g0.shape), levels=[0], colors=PALETTE[2], linewidths=2)
            label = f"hidden unit {k + 1}"
            if w_out is not None:
                label += f"\n(output weight {w_out[k]:+.1f})"
            ax.set_title(label, fontsize=10)
            _scatter(ax, x, y)
        else:
            plot_decision_boundary(ax, model.predict_proba, x, y)
            for j in range(units):
                ax.contour(g0, g1, (pts @ W[:, j] + b[j]).reshape(g0.shape), levels=[0], colors=PALETTE[2],
                           linewidths=0.8, linestyles="--")
            ax.set_title(f"output: accuracy {model.accuracy(x, y):.2f}", fontsize=10)
        ax.set_xlim(g0.min(), g0.max())
        ax.set_ylim(g1.min(), g1.max())
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.grid(False)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def weights_figure(kernel: Any, *, side: int = 8, initial: Any | None = None,
                   title: str = "First-layer weights: one image per hidden unit") -> plt.Figure:
    """Show each column of a Keras kernel ``(side*side, units)`` as a ``side × side`` image.

    Red pixels push the unit's weighted sum up, blue ones down. With ``initial`` (the same
    layer's kernel before training) a first row shows the starting weights, the baseline against
    which the learned pattern is read. Every image shares one colour scale, symmetric around zero
    and shown by the colour bar, so that units and rows can be compared by how strong they are.
    """
    kernel = as_array(kernel, "kernel", ndim=2)
    side = check_int(side, "side", minimum=1)
    if kernel.shape[0] != side * side:
        raise ValueError(f"kernel must have {side * side} rows (one per pixel), got shape {kernel.shape}")
    rows = [("after training", kernel)]
    if initial is not None:
        initial = as_array(initial, "initial", ndim=2)
        if initial.shape != kernel.shape:
            raise ValueError(f"initial must have the kernel's shape {kernel.shape}, got {initial.shape}")
        rows.insert(0, ("before training", initial))
    units = kernel.shape[1]
    ncols = min(units, 8)
    per_row = int(np.ceil(units / ncols))
    nrows = per_row * len(rows)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.4 * ncols + 0.8, 1.5 * nrows + 0.6), squeeze=False,
                             layout="constrained")
    for ax in axes.flat:
        ax.set_axis_off()
    limit = float(max(np.abs(v).max() for _, v in rows)) or 1.0       # one scale for every image
    for r, (label, values) in enumerate(rows):
        for k in range(units):
            ax = axes[r * per_row + k // ncols, k % ncols]
            image = ax.imshow(values[:, k].reshape(side, side), cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_title(f"unit {k + 1}" + (f"\n{label}" if k == 0 and len(rows) > 1 else ""), fontsize=8)
    fig.colorbar(image, ax=axes, shrink=0.6, label="weight")
    fig.suptitle(title)
    return fig


@functools.lru_cache(maxsize=32)
def playground_model(dataset: str = "circles", hidden_units: int = 4, layers: int = 1, activation: str = "tanh",
                     learning_rate: float = 0.03, epochs: int = 300) -> tuple[np.ndarray, np.ndarray, MLP]:
    """Generate the playground's 200-point dataset (seed 0) and train the network; returns ``(x, y, model)``.

    Results are cached (training is deterministic), so the figure and a
    notebook's assert on the same settings train only once. Treat the
    returned model as read-only.
    """
    check_choice(dataset, "dataset", DATASETS)
    hidden_units = check_int(hidden_units, "hidden_units", minimum=0, maximum=64)
    layers = check_int(layers, "layers", minimum=1, maximum=3)
    x, y = make_dataset(dataset, 200, seed=0)
    hidden = [hidden_units] * layers if hidden_units else []
    model = train_mlp(x, y, hidden=hidden, activation=activation, learning_rate=learning_rate,
                      epochs=epochs, seed=0)
    return x, y, model


def playground_validation(dataset: str = "circles") -> tuple[np.ndarray, np.ndarray]:
    """200 fresh points from the same distribution as :func:`playground_model`'s data (seed 1, never trained on)."""
    return make_dataset(check_choice(dataset, "dataset", DATASETS), 200, seed=1)


def network_playground_figure(dataset: str = "circles", hidden_units: int = 4, layers: int = 1,
                              activation: str = "tanh", learning_rate: float = 0.03,
                              epochs: int = 300) -> plt.Figure:
    """The network playground's view: train on a toy set, show the boundary and the loss per epoch."""
    x, y, model = playground_model(dataset, hidden_units, layers, activation, learning_rate, epochs)
    hidden = [W.shape[1] for W, _ in model.params[:-1]]
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 4.2), gridspec_kw={"width_ratios": [1.1, 1]})
    shape = " → ".join(["2", *map(str, hidden), "1"])
    val_accuracy = model.accuracy(*playground_validation(dataset))
    plot_decision_boundary(axes[0], model.predict_proba, x, y,
                           title=f"{dataset}, network {shape}\ntraining accuracy {model.accuracy(x, y):.2f}, "
                                 f"validation {val_accuracy:.2f}")
    axes[1].plot(np.arange(len(model.losses)), model.losses, color=PALETTE[3])
    axes[1].set_xlabel("epoch (full pass over the 200 points)")
    axes[1].set_ylabel("binary cross-entropy loss")
    axes[1].set_ylim(0, max(0.8, max(model.losses) * 1.05))
    axes[1].set_title(f"loss: {model.losses[0]:.3f} → {model.losses[-1]:.3f}")
    fig.suptitle(f"Network playground: {activation}, Adam at learning rate {learning_rate:g}, {epochs} epochs")
    fig.tight_layout()
    return fig


#: The square of the plane both playgrounds draw (every toy dataset fits inside it).
PLANE: tuple[float, float] = (-2.0, 2.0)
#: The neuron playground's grid: weights and bias from -2 to 2.
NEURON_WEIGHTS: tuple[float, ...] = tuple(np.round(np.arange(-2.0, 2.01, 0.5), 2).tolist())
NEURON_BIASES: tuple[float, ...] = (-2.0, -1.0, 0.0, 1.0, 2.0)
#: The network playground's grid, and how long each network trains.
PLAYGROUND_UNITS: tuple[int, ...] = (1, 2, 3, 4, 8, 16)
PLAYGROUND_LAYERS: tuple[int, ...] = (1, 2)
PLAYGROUND_ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "linear")
PLAYGROUND_RATES: tuple[float, ...] = (0.01, 0.1, 1.0)
PLAYGROUND_EPOCHS = 500


def _check_table(frame: Any, name: str, columns: Sequence[str]) -> None:
    import pandas as pd

    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise TypeError(f"{name} must be a non-empty pandas DataFrame (the explorer's rows), got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the columns {missing}")


def _line_in_plane(w1: float, w2: float, b: float) -> list[tuple[float, float]]:
    """The two points where the line ``w1 x1 + w2 x2 + b = 0`` crosses the edges of :data:`PLANE` (or none)."""
    lo, hi = PLANE
    points: list[tuple[float, float]] = []
    if w2 != 0:
        points += [(x1, -(w1 * x1 + b) / w2) for x1 in (lo, hi)]
    if w1 != 0:
        points += [(-(w2 * x2 + b) / w1, x2) for x2 in (lo, hi)]
    inside = sorted({(round(p, 9), round(q, 9)) for p, q in points
                     if lo - 1e-9 <= p <= hi + 1e-9 and lo - 1e-9 <= q <= hi + 1e-9})
    return [inside[0], inside[-1]] if len(inside) >= 2 and inside[0] != inside[-1] else []


def neuron_table(w1: float, w2: float, b: float, dataset: str) -> Any:
    """The neuron playground's numbers at one setting: one row.

    ``start_x1, start_x2, end_x1, end_x2``: the ends of the decision line ``w1 x1 + w2 x2 + b = 0``
    inside :data:`PLANE` (NaN when the line misses it or ``w`` is zero); ``tip_x1, tip_x2``: the tip of
    an arrow from the line's midpoint along ``w``, towards the side the neuron calls class 1; ``accuracy``
    on the dataset's 200 points (the neuron says class 1 where ``z > 0``) and ``text``, its label.
    """
    import pandas as pd

    w1, w2, b = check_float(w1, "w1"), check_float(w2, "w2"), check_float(b, "b")
    check_choice(dataset, "dataset", DATASETS)
    x, y = make_dataset(dataset, 200, seed=0)
    accuracy = float((((x @ np.array([w1, w2]) + b) > 0).astype(int) == y).mean())
    row = dict.fromkeys(["start_x1", "start_x2", "end_x1", "end_x2", "mid_x1", "mid_x2", "tip_x1", "tip_x2"],
                        np.nan)
    ends = _line_in_plane(w1, w2, b)
    if ends:
        (p0, q0), (p1, q1) = ends
        mid = np.array([(p0 + p1) / 2, (q0 + q1) / 2])
        tip = mid + 0.5 * np.array([w1, w2]) / np.hypot(w1, w2)
        row.update(start_x1=p0, start_x2=q0, end_x1=p1, end_x2=q1, mid_x1=mid[0], mid_x2=mid[1],
                   tip_x1=tip[0], tip_x2=tip[1])
    row = {key: round(float(value), 3) for key, value in row.items()}
    row.update(accuracy=accuracy, text=f"{dataset}: accuracy {accuracy:.2f}")
    return pd.DataFrame([row])


def _playground_points() -> Any:
    """The four toy datasets' points, for the playgrounds' web form (drawn at every setting)."""
    import pandas as pd

    frames = []
    for name in DATASETS:
        x, y = make_dataset(name, 200, seed=0)
        frames.append(pd.DataFrame({"points_of": name, "px1": np.round(x[:, 0], 3), "px2": np.round(x[:, 1], 3),
                                    "label": [f"class {k}" for k in y]}))
    return pd.concat(frames, ignore_index=True)


def _plane_axes(ax: plt.Axes, dataset: str) -> None:
    x, y = make_dataset(dataset, 200, seed=0)
    _scatter(ax, x, y)
    ax.set_xlim(*PLANE)
    ax.set_ylim(*PLANE)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)


def plot_neuron_table(frame: Any, w1: float, w2: float, b: float, dataset: str) -> plt.Figure:
    """The neuron playground's matplotlib form: the data, the line and its class-1 arrow, the accuracy."""
    _check_table(frame, "frame", ("start_x1", "end_x1", "tip_x1", "text"))
    check_choice(dataset, "dataset", DATASETS)
    row = frame.iloc[0]
    fig, ax = plt.subplots(figsize=(4.8, 4.6))
    _plane_axes(ax, dataset)
    if np.isfinite(row["start_x1"]):
        ax.plot([row["start_x1"], row["end_x1"]], [row["start_x2"], row["end_x2"]], color="black", lw=1.5)
        ax.annotate("", xy=(row["tip_x1"], row["tip_x2"]), xytext=(row["mid_x1"], row["mid_x2"]),
                    arrowprops={"arrowstyle": "->", "color": "black", "lw": 1.5})
    ax.set_title(row["text"])
    fig.suptitle(f"One neuron: w = ({w1:g}, {w2:g}), b = {b:g}")
    fig.tight_layout()
    return fig


def _plane_scale() -> Any:
    import altair as alt

    return alt.Scale(domain=list(PLANE), nice=False)


def _points_chart(size: int) -> Any:
    import altair as alt

    return (alt.Chart(_playground_points()).transform_filter("datum.points_of == p_dataset")
            .mark_point(filled=True, size=28, opacity=0.9)
            .encode(x=alt.X("px1:Q", scale=_plane_scale(), title="x1"),
                    y=alt.Y("px2:Q", scale=_plane_scale(), title="x2"),
                    color=alt.Color("label:N", scale=alt.Scale(range=[PALETTE[0], PALETTE[3]]), title=None),
                    shape=alt.Shape("label:N", scale=alt.Scale(range=["circle", "square"]), title=None))
            .properties(width=size, height=size))


def neuron_chart(base: Any) -> Any:
    """The neuron playground's Vega-Lite form: the data (fixed), the line, the arrow and the accuracy."""
    widgets.require_chart(base)
    import altair as alt

    def at(a: str, b: str) -> dict[str, Any]:
        return {"x": alt.X(f"{a}:Q", scale=_plane_scale()), "y": alt.Y(f"{b}:Q", scale=_plane_scale())}

    line = base.mark_rule(color="black", strokeWidth=2).encode(
        **at("start_x1", "start_x2"), x2="end_x1:Q", y2="end_x2:Q")
    arrow = base.mark_rule(color="black", strokeWidth=1.5).encode(**at("mid_x1", "mid_x2"), x2="tip_x1:Q",
                                                                 y2="tip_x2:Q")
    tip = (base.transform_calculate(angle="90 - atan2(datum.tip_x2 - datum.mid_x2, datum.tip_x1 - datum.mid_x1)"
                                          " * 180 / PI")
           .mark_point(shape="triangle", filled=True, color="black", size=60)
           .encode(**at("tip_x1", "tip_x2"), angle=alt.Angle("angle:Q", scale=None)))
    score = (base.transform_calculate(tx=f"{PLANE[0] + 0.1}", ty=f"{PLANE[1] - 0.2}")
             .mark_text(align="left", fontSize=13, fontWeight="bold").encode(**at("tx", "ty"), text="text:N"))
    return alt.layer(_points_chart(300), line, arrow, tip, score)


def neuron_playground() -> widgets.Explorer:
    """The interactive neuron: its two weights, its bias and the dataset; see its line and accuracy."""
    return widgets.Explorer(
        controls={"w1": widgets.Steps(list(NEURON_WEIGHTS), 1.0, label="weight w1"),
                  "w2": widgets.Steps(list(NEURON_WEIGHTS), 1.0, label="weight w2"),
                  "b": widgets.Steps(list(NEURON_BIASES), 0.0, label="bias b"),
                  "dataset": widgets.Choice(list(DATASETS), "moons", label="data")},
        compute=neuron_table, render=plot_neuron_table, chart=neuron_chart, title="Neuron playground",
        description="A single neuron's decision line over a toy dataset, with an arrow towards the side it calls "
                    "class 1 and its accuracy; the controls set its two weights, its bias and the dataset.")


def _probability_png(p: np.ndarray) -> str:
    """A probability map as a small PNG data URL (ten shades, red for class 1, blue for class 0)."""
    import base64
    import io

    shades = np.round(np.clip(p, 0.0, 1.0) * 10) / 10
    buffer = io.BytesIO()
    plt.imsave(buffer, shades[::-1], cmap="RdBu_r", vmin=-0.25, vmax=1.25, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def network_table(dataset: str, hidden_units: int, layers: int, activation: str, learning_rate: float) -> Any:
    """The network playground's numbers at one setting (column ``part``).

    Trains :func:`playground_model` for :data:`PLAYGROUND_EPOCHS` epochs and returns a ``region`` row
    (the probability of class 1 over :data:`PLANE` as a 32×32 PNG, and the training accuracy) and one
    ``loss`` row every 50 epochs; every row also carries the setting's ``validation`` accuracy, on
    :func:`playground_validation`'s 200 fresh points.
    """
    import pandas as pd

    x, y, model = playground_model(dataset, hidden_units, layers, activation, learning_rate, PLAYGROUND_EPOCHS)
    g = np.linspace(PLANE[0], PLANE[1], 32)
    g0, g1 = np.meshgrid(g, g)
    p = model.predict_proba(np.c_[g0.ravel(), g1.ravel()]).reshape(g0.shape)
    accuracy, val_accuracy = model.accuracy(x, y), model.accuracy(*playground_validation(dataset))
    shape = " → ".join(["2", *[str(hidden_units)] * layers, "1"])
    rows = [{"part": "region", "epoch": 0, "value": accuracy, "url": _probability_png(p),
             "text": f"network {shape}\naccuracy: training {accuracy:.2f}, validation {val_accuracy:.2f}"}]
    losses = model.losses
    for epoch in sorted({*range(0, len(losses), 50), len(losses) - 1}):   # losses[k]: after k epochs
        rows.append({"part": "loss", "epoch": epoch, "value": round(float(losses[epoch]), 4), "url": "", "text": ""})
    return pd.DataFrame(rows).assign(validation=val_accuracy)


def plot_network_table(frame: Any, dataset: str, hidden_units: int, layers: int, activation: str,
                       learning_rate: float) -> plt.Figure:
    """The network playground's matplotlib form: the probability map over the data, and the loss curve."""
    import base64
    import io

    _check_table(frame, "frame", ("part", "epoch", "value", "url", "text"))
    check_choice(dataset, "dataset", DATASETS)
    if not (frame["part"] == "region").any() or not (frame["part"] == "loss").any():
        raise ValueError("frame must hold a 'region' row and 'loss' rows, as network_table returns")

    region = frame[frame["part"] == "region"].iloc[0]
    image = plt.imread(io.BytesIO(base64.b64decode(region["url"].split(",", 1)[1])), format="png")
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 4.2), gridspec_kw={"width_ratios": [1.1, 1]})
    axes[0].imshow(image, extent=(*PLANE, *PLANE), interpolation="bilinear", alpha=0.6)
    _plane_axes(axes[0], dataset)
    axes[0].set_title(f"{dataset}, {region['text']}", fontsize=10)
    loss = frame[frame["part"] == "loss"]
    axes[1].plot(loss["epoch"], loss["value"], color=PALETTE[3])
    axes[1].set_xlabel("epoch (full pass over the 200 points)")
    axes[1].set_ylabel("binary cross-entropy loss")
    axes[1].set_ylim(0, max(0.8, float(loss["value"].max()) * 1.05))
    fig.suptitle(f"Network playground: {activation}, Adam at learning rate {learning_rate:g}, {PLAYGROUND_EPOCHS} epochs")
    fig.tight_layout()
    return fig


def network_chart(base: Any) -> Any:
    """The network playground's Vega-Lite form: the probability map under the data, and the loss curve."""
    widgets.require_chart(base)
    import altair as alt

    size = 300
    centre = (PLANE[0] + PLANE[1]) / 2
    region = (base.transform_filter("datum.part == 'region'")
              .transform_calculate(cx=f"{centre}", cy=f"{centre}")
              .mark_image(width=size, height=size, aspect=False, opacity=0.6)
              .encode(x=alt.X("cx:Q", scale=_plane_scale(), title="x1"),
                      y=alt.Y("cy:Q", scale=_plane_scale(), title="x2"), url="url:N"))
    title = (base.transform_filter("datum.part == 'region'")
             .transform_calculate(tx=f"{PLANE[0] + 0.05}", ty=f"{PLANE[1] + 0.15}")
             .mark_text(align="left", baseline="bottom", lineBreak="\n", fontSize=12, fontWeight="bold")
             .encode(x=alt.X("tx:Q", scale=_plane_scale()), y=alt.Y("ty:Q", scale=_plane_scale()), text="text:N"))
    loss = (base.transform_filter("datum.part == 'loss'").mark_line(color=PALETTE[3], point=alt.OverlayMarkDef(color=PALETTE[3]))
            .encode(x=alt.X("epoch:Q", title="epoch"),
                    y=alt.Y("value:Q", title="binary cross-entropy loss", scale=alt.Scale(domainMin=0)))
            .properties(width=260, height=size))
    return alt.hconcat(alt.layer(region, _points_chart(size), title), loss)


def network_playground() -> widgets.Explorer:
    """The interactive network: data, width, depth, activation and learning rate, each setting trained ahead."""
    return widgets.Explorer(
        controls={"dataset": widgets.Choice(list(DATASETS), "circles", label="data"),
                  "hidden_units": widgets.Steps(list(PLAYGROUND_UNITS), 4, label="hidden units per layer"),
                  "layers": widgets.Steps(list(PLAYGROUND_LAYERS), 1, label="hidden layers"),
                  "activation": widgets.Choice(list(PLAYGROUND_ACTIVATIONS), "tanh", label="activation"),
                  "learning_rate": widgets.Steps(list(PLAYGROUND_RATES), 0.1, label="learning rate")},
        compute=network_table, render=plot_network_table, chart=network_chart,
        title="Network playground (full-batch Adam)",
        description=f"A small network's probability of class 1 over a toy dataset after {PLAYGROUND_EPOCHS} epochs "
                    "of full-batch training with the Adam optimizer, its training loss per epoch, and its accuracy "
                    "on the 200 training points and on 200 fresh validation points; the controls set the data, the "
                    "width, the depth, the activation and Adam's learning rate.")


# --------------------------------------------------------------------------- exercise checkers


def check_neuron_output(answer: Any, x: Any, w: Any, b: float, activation: str = "sigmoid") -> Feedback:
    """Check a neuron's output computed by hand; says if the bias or the activation was forgotten."""
    expected = float(neuron(as_array(x, "x", ndim=1), w, b, activation))
    result = check_scalar(answer, expected=expected, name="neuron output", rtol=1e-3, atol=1e-4)
    if not result.passed and isinstance(answer, (int, float, np.floating)):
        z = float(np.dot(as_array(x, "x", ndim=1), as_array(w, "w", ndim=1)) + b)
        if np.isclose(answer, z, rtol=1e-3):
            result.messages.append("that is z, the weighted sum plus bias: apply the activation too")
        elif np.isclose(answer, float(activate(z - b, activation)), rtol=1e-3):
            result.messages.append("the bias is missing: z = w · x + b")
    return result


def check_xor_network(params: Any, activations: Sequence[str] | str = "relu") -> Feedback:
    """Check hand-set weights: does ``forward`` with them output XOR (0, 1, 1, 0, rounded) on the corners?"""
    try:
        x, y = xor_points()
        out = np.asarray(forward(x, params, activations), dtype=float)
    except (TypeError, ValueError) as exc:
        return Feedback(False, [str(exc)])
    if out.shape != (4, 1):
        return Feedback(False, [f"the network must end in one output unit; its output has shape {out.shape}"])
    got = out[:, 0]
    wrong = [f"input {tuple(int(v) for v in x[k])}: output {got[k]:.3g}, want {y[k]}"
             for k in range(4) if not abs(got[k] - y[k]) < 0.5]
    if wrong:
        return Feedback(False, wrong)
    return Feedback(True, ["outputs " + ", ".join(f"{v:.3g}" for v in got) + " round to 0, 1, 1, 0"])


def check_collapse(W: Any, b: Any, params: Sequence[tuple[Any, Any]]) -> Feedback:
    """Check a hand-derived single linear map ``(W, b)`` against a stack of linear layers."""
    W_true, b_true = collapse_linear(params)
    result = combine(check_array(W, expected=W_true, name="W", rtol=1e-6, atol=1e-9),
                     check_array(b, expected=b_true, name="b", rtol=1e-6, atol=1e-9))
    if not result.passed and len(params) == 2:
        W1, W2 = np.asarray(params[0][0], dtype=float), np.asarray(params[1][0], dtype=float)
        if W2.shape[1] == W1.shape[0]:
            swapped = W2 @ W1
            if np.shape(W) == swapped.shape and np.allclose(np.asarray(W, dtype=float), swapped):
                result.messages.append("order matters: rows go through the first layer first, so W1 @ W2")
    return result
