"""A fully connected neural network in numpy, short enough to read in one sitting (shared by chapters 3 and 4).

Chapter 3 derives every line of it and shows it whole; chapters 3 and 4 train it in every
from-scratch experiment. In the spirit of Nielsen's ``network.py``, but in the layout Keras uses:

- a batch ``X`` has one example per row, shape ``(n, inputs)``;
- layer ``l`` has weights ``W[l]`` of shape ``(inputs, units)`` and biases ``b[l]`` of shape
  ``(units,)``, and computes ``Z = A @ W + b``, then ``A = f(Z)`` (softmax on the last layer);
- labels are one-hot rows ``Y`` of shape ``(n, classes)``.

Training repeats the source article's three steps on each mini-batch: forward propagation
(:meth:`Network.forward`), backpropagation (:meth:`Network.backward`, the four equations
BP1-BP4 in matrix form) and the weight update (plain SGD, or any optimizer with a
``step(params, grads) -> params`` method, as chapter 4's are).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .validation import as_array, check_choice, check_float, check_int

__all__ = ["ACTIVATIONS", "INITS", "LOSSES", "softmax", "one_hot", "Network"]

#: Each activation with its derivative, written in terms of the pre-activation z.
ACTIVATIONS = {
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: (s := 1 / (1 + np.exp(-z))) * (1 - s)),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype)),
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
}
#: Standard deviation of the initial weights for a layer with n_in inputs and n_out units.
INITS = {
    "he": lambda n_in, n_out: np.sqrt(2.0 / n_in),                # He et al. 2015, for ReLU
    "glorot": lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out)),  # Glorot & Bengio 2010, for tanh
    "lecun": lambda n_in, n_out: np.sqrt(1.0 / n_in),
    "small": lambda n_in, n_out: 0.01,
    "zeros": lambda n_in, n_out: 0.0,                             # every unit the same: symmetry never breaks
}
LOSSES = ("cross_entropy", "mse")


def softmax(Z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by each row's maximum so that ``exp`` cannot overflow."""
    Z = as_array(Z, "Z", ndim=2)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def one_hot(labels: Any, classes: int = 10) -> np.ndarray:
    """Integer labels -> one-hot rows."""
    labels = as_array(labels, "labels", ndim=1, dtype=None)
    classes = check_int(classes, "classes", minimum=2)
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"labels must lie in 0..{classes - 1}, got {labels.min()}..{labels.max()}")
    return np.eye(classes)[labels]


class Network:
    """A network of ``sizes`` (inputs first, classes last), e.g. ``Network([784, 64, 10])``.

    ``activation`` is used in every hidden layer, the output is softmax; ``loss`` is
    ``"cross_entropy"`` (the usual) or ``"mse"`` (squared error of the probabilities, for
    comparison); ``init`` names the initial weights' scale (:data:`INITS`).
    """

    def __init__(self, sizes: Sequence[int], *, activation: str = "relu", loss: str = "cross_entropy",
                 init: str = "he", seed: int = 0) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) < 2:
            raise TypeError("sizes must be a list of at least two layer widths, e.g. [784, 64, 10]")
        self.sizes = [check_int(s, "layer width", minimum=1) for s in sizes]
        self.activation = check_choice(activation, "activation", ACTIVATIONS)
        self.loss_name = check_choice(loss, "loss", LOSSES)
        check_choice(init, "init", INITS)
        rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
        self.W = [rng.normal(0.0, INITS[init](n_in, n_out), size=(n_in, n_out))
                  for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        self.b = [np.zeros(n_out) for n_out in self.sizes[1:]]

    # -- forward propagation ---------------------------------------------------------------------
    def forward(self, X: Any) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """Probabilities for each row of ``X``, with every layer's input ``A`` and pre-activation ``Z``."""
        A = as_array(X, "X", ndim=2)
        if A.shape[1] != self.sizes[0]:
            raise ValueError(f"X has {A.shape[1]} features, the network takes {self.sizes[0]}")
        f = ACTIVATIONS[self.activation][0]
        As, Zs = [], []
        for l, (W, b) in enumerate(zip(self.W, self.b)):
            As.append(A)
            Z = A @ W + b
            Zs.append(Z)
            A = softmax(Z) if l == len(self.W) - 1 else f(Z)
        return A, As, Zs

    def loss(self, X: Any, Y: Any) -> float:
        """The mean loss over the batch."""
        P, _, _ = self.forward(X)
        return self._loss(P, self._targets(Y, len(P)))

    def _loss(self, P: np.ndarray, Y: np.ndarray) -> float:
        if self.loss_name == "cross_entropy":
            return float(-np.sum(Y * np.log(np.clip(P, 1e-300, 1.0))) / len(Y))
        return float(np.sum((P - Y) ** 2) / len(Y))

    # -- backpropagation ----------------------------------------------------------------------
    def backward(self, X: Any, Y: Any) -> tuple[list[np.ndarray], list[np.ndarray], float]:
        """Gradients of the mean loss for every ``W`` and ``b``, and the loss: BP1-BP4 for a mini-batch.

        BP1: the output error ``D = dLoss/dZ`` of the last layer, ``(P - Y) / n`` for softmax with
        cross-entropy. BP2: ``D_prev = (D @ W.T) * f'(Z_prev)``. BP3: ``db = sum of D over the
        batch``. BP4: ``dW = A.T @ D``, with ``A`` the layer's input.
        """
        P, As, Zs = self.forward(X)
        Y = self._targets(Y, len(P))
        n = len(P)
        if self.loss_name == "cross_entropy":
            D = (P - Y) / n                                                   # BP1
        else:  # squared error: through the softmax's Jacobian, row by row
            G = 2 * (P - Y) / n
            D = P * (G - np.sum(G * P, axis=1, keepdims=True))                # BP1 for mse
        fprime = ACTIVATIONS[self.activation][1]
        dW, db = [None] * len(self.W), [None] * len(self.W)
        for l in range(len(self.W) - 1, -1, -1):
            dW[l] = As[l].T @ D                                               # BP4
            db[l] = D.sum(axis=0)                                             # BP3
            if l > 0:
                D = (D @ self.W[l].T) * fprime(Zs[l - 1])                     # BP2
        return dW, db, self._loss(P, Y)

    def _targets(self, Y: Any, n: int) -> np.ndarray:
        Y = as_array(Y, "Y", ndim=2)
        if Y.shape != (n, self.sizes[-1]):
            raise ValueError(f"Y must be one-hot rows of shape ({n}, {self.sizes[-1]}), got {Y.shape}")
        return Y

    # -- the weight update and training ----------------------------------------------------------
    @property
    def params(self) -> list[np.ndarray]:
        """Every weight matrix, then every bias vector."""
        return [*self.W, *self.b]

    def update(self, dW: list[np.ndarray], db: list[np.ndarray], learning_rate: float | None = None,
               optimizer: Any = None) -> None:
        """One step: plain SGD ``W <- W - learning_rate * dW``, or ``optimizer.step(params, grads)``."""
        if optimizer is not None:
            new = optimizer.step(self.params, [*dW, *db])
            self.W, self.b = list(new[:len(self.W)]), list(new[len(self.W):])
            return
        lr = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
        self.W = [W - lr * g for W, g in zip(self.W, dW)]
        self.b = [b - lr * g for b, g in zip(self.b, db)]

    def train(self, X: Any, Y: Any, *, epochs: int = 10, batch_size: int = 32, learning_rate: float | None = 0.1,
              optimizer: Any = None, seed: int = 0, validation: tuple[Any, Any] | None = None) -> dict[str, list[float]]:
        """Mini-batch training: per batch, forward, backward, update. Returns per-epoch history like Keras's ``fit``."""
        X, Y = as_array(X, "X", ndim=2), self._targets(Y, len(X))
        epochs, batch_size = check_int(epochs, "epochs", minimum=1), check_int(batch_size, "batch_size", minimum=1)
        rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
        history: dict[str, list[float]] = {"loss": [], "accuracy": []}
        for _ in range(epochs):
            order, losses = rng.permutation(len(X)), []
            for start in range(0, len(X), batch_size):
                batch = order[start:start + batch_size]
                dW, db, batch_loss = self.backward(X[batch], Y[batch])
                self.update(dW, db, learning_rate, optimizer)
                losses.append(batch_loss * len(batch))
            history["loss"].append(float(np.sum(losses) / len(X)))
            history["accuracy"].append(self.accuracy(X, Y))
            if validation is not None:
                history.setdefault("val_loss", []).append(self.loss(*validation))
                history.setdefault("val_accuracy", []).append(self.accuracy(*validation))
        return history

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        return self.forward(X)[0].argmax(axis=1)

    def accuracy(self, X: Any, Y: Any) -> float:
        """The fraction of rows whose most probable class is the label (``Y`` one-hot)."""
        return float(np.mean(self.predict(X) == as_array(Y, "Y", ndim=2).argmax(axis=1)))
