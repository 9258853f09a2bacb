"""Chapter 4b, "Loss functions": what a network is trained to minimise, from scratch.

Every loss here follows the same convention as ``keras.losses``: it takes
``y_true`` and ``y_pred`` whose last axis holds one example's outputs, and
returns **one value per example** (the mean over the last axis, or the sum
over classes for cross-entropy). Averaging over the batch is left to the
caller, as Keras's ``Loss`` objects do. :func:`keras_loss` computes the same
thing with Keras so the chapter can assert agreement.

Beyond the losses: the log-sum-exp trick, the gradient of softmax +
cross-entropy (:func:`softmax_cross_entropy_grad`) checked against finite
differences (:func:`numerical_gradient`), a from-scratch softmax classifier
trained with either MSE or cross-entropy (:func:`train_softmax_regression`),
the figures, and the exercise checkers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from threadpoolctl import threadpool_limits

from .exercises import Feedback, check_array
from .plotting import PALETTE
from .validation import as_array, check_choice, check_float, check_int, check_same_length

__all__ = [
    "EPSILON",
    "LOSSES",
    "mean_squared_error",
    "mean_absolute_error",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "hinge",
    "logsumexp",
    "softmax",
    "softmax_cross_entropy_grad",
    "numerical_gradient",
    "keras_loss",
    "train_softmax_regression",
    "plot_losses_for_positive",
    "plot_gradient_vs_probability",
    "plot_learning_speed",
    "check_bce_from_logits",
    "check_constant_fit",
]

#: Keras clips probabilities to ``[EPSILON, 1 - EPSILON]`` before taking logs.
EPSILON: float = 1e-7

#: Names of the losses, as in ``keras.losses``.
LOSSES: tuple[str, ...] = ("mean_squared_error", "mean_absolute_error", "binary_crossentropy",
                           "categorical_crossentropy", "sparse_categorical_crossentropy", "hinge")


def _pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    y_true = as_array(y_true, "y_true")
    y_pred = as_array(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}")
    return y_true, y_pred


def mean_squared_error(y_true: Any, y_pred: Any) -> np.ndarray:
    r"""$\frac1K \sum_k (y_k - \hat y_k)^2$ over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return np.mean((y_true - y_pred) ** 2, axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> np.ndarray:
    r"""$\frac1K \sum_k |y_k - \hat y_k|$ over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return np.mean(np.abs(y_true - y_pred), axis=-1)


def binary_crossentropy(y_true: Any, y_pred: Any, *, from_logits: bool = False) -> np.ndarray:
    r"""$-\frac1K \sum_k \bigl[y_k \ln p_k + (1 - y_k) \ln(1 - p_k)\bigr]$ over the last axis.

    With ``from_logits=False``, ``y_pred`` holds probabilities, clipped to
    ``[EPSILON, 1 - EPSILON]`` as Keras does. With ``from_logits=True`` it holds
    logits $z$ and the loss is computed without ever forming $p = \sigma(z)$:
    $\max(z, 0) - z y + \ln(1 + e^{-|z|})$, which cannot overflow.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        z = y_pred
        per_output = np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
    else:
        p = np.clip(y_pred, EPSILON, 1 - EPSILON)
        per_output = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
    return per_output.mean(axis=-1)


def logsumexp(z: Any, axis: int = -1) -> np.ndarray:
    r"""$\ln \sum_j e^{z_j}$, computed as $m + \ln \sum_j e^{z_j - m}$ with $m = \max_j z_j$."""
    z = as_array(z, "z")
    m = z.max(axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.exp(z - m).sum(axis=axis))


def softmax(z: Any, axis: int = -1) -> np.ndarray:
    """Stable softmax (the same as :func:`helpers.activations.softmax` without temperature)."""
    z = as_array(z, "z")
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def categorical_crossentropy(y_true: Any, y_pred: Any, *, from_logits: bool = False) -> np.ndarray:
    r"""$-\sum_k y_k \ln p_k$ for one-hot (or soft) targets $y$.

    ``from_logits=False``: ``y_pred`` holds probabilities; like Keras, each row
    is renormalised to sum to 1 and clipped to ``[EPSILON, 1 - EPSILON]``.
    ``from_logits=True``: $\ln\sum_j e^{z_j} - \sum_k y_k z_k$ (log-sum-exp form;
    exact for any logits, since the rows of ``y_true`` sum to 1).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if from_logits:
        return logsumexp(y_pred) - np.sum(y_true * y_pred, axis=-1)
    p = y_pred / y_pred.sum(axis=-1, keepdims=True)
    p = np.clip(p, EPSILON, 1 - EPSILON)
    return -np.sum(y_true * np.log(p), axis=-1)


def sparse_categorical_crossentropy(labels: Any, y_pred: Any, *, from_logits: bool = False) -> np.ndarray:
    r"""Categorical cross-entropy with integer class ``labels`` instead of one-hot rows: $-\ln p_{\text{label}}$."""
    labels = as_array(labels, "labels", dtype=None)
    y_pred = as_array(y_pred, "y_pred", ndim=2)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise TypeError("labels must be a 1-D array of integer class numbers")
    check_same_length(labels, y_pred, "labels", "y_pred")
    if labels.size and (labels.min() < 0 or labels.max() >= y_pred.shape[1]):
        raise ValueError(f"labels must lie in 0..{y_pred.shape[1] - 1}")
    onehot = np.eye(y_pred.shape[1])[labels]
    return categorical_crossentropy(onehot, y_pred, from_logits=from_logits)


def hinge(y_true: Any, y_pred: Any) -> np.ndarray:
    r"""$\frac1K \sum_k \max(0, 1 - y_k \hat y_k)$ with labels $y_k \in \{-1, +1\}$.

    Labels given as 0/1 are converted to −1/+1 first, as Keras does. The loss
    is zero once an output is on the right side with margin at least 1.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if np.all(np.isin(y_true, (0.0, 1.0))):
        y_true = 2 * y_true - 1
    elif not np.all(np.isin(y_true, (-1.0, 1.0))):
        raise ValueError("y_true must hold labels -1/+1 (or 0/1) for the hinge loss")
    return np.mean(np.maximum(0.0, 1 - y_true * y_pred), axis=-1)


_NUMPY_LOSSES: dict[str, Callable[..., np.ndarray]] = {
    "mean_squared_error": mean_squared_error, "mean_absolute_error": mean_absolute_error,
    "binary_crossentropy": binary_crossentropy, "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy, "hinge": hinge,
}


def keras_loss(name: str, y_true: Any, y_pred: Any, *, from_logits: bool = False) -> np.ndarray:
    """The per-example values of ``keras.losses.<name>`` (computed in float64)."""
    import keras
    import tensorflow as tf

    check_choice(name, "loss", LOSSES)
    fn = getattr(keras.losses, name)
    y_pred = tf.constant(as_array(y_pred, "y_pred"), dtype=tf.float64)
    y_true = tf.constant(np.asarray(y_true))
    if name in ("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"):
        return np.asarray(fn(y_true, y_pred, from_logits=from_logits))
    if from_logits:
        raise ValueError(f"from_logits only applies to the cross-entropy losses, not {name}")
    return np.asarray(fn(y_true, y_pred))


def softmax_cross_entropy_grad(logits: Any, y_true: Any) -> np.ndarray:
    r"""Gradient of $\mathrm{CE}(y, \mathrm{softmax}(z))$ with respect to the logits: $p - y$ (per example)."""
    logits = as_array(logits, "logits")
    y_true = as_array(y_true, "y_true")
    if logits.shape != y_true.shape:
        raise ValueError(f"logits and y_true must have the same shape, got {logits.shape} and {y_true.shape}")
    return softmax(logits) - y_true


def numerical_gradient(f: Callable[[np.ndarray], float], x: Any, *, eps: float = 1e-6) -> np.ndarray:
    r"""Central differences $\bigl(f(x + \epsilon e_i) - f(x - \epsilon e_i)\bigr) / 2\epsilon$ for every entry."""
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    x = as_array(x, "x").copy()
    eps = check_float(eps, "eps", minimum=0.0, strict_minimum=True)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = float(f(x))
        x[i] = old - eps
        down = float(f(x))
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def train_softmax_regression(x: Any, labels: Any, *, loss: str, learning_rate: float = 0.5, steps: int = 300,
                             init_scale: float = 0.0, seed: int = 0, x_test: Any = None,
                             labels_test: Any = None) -> dict[str, np.ndarray]:
    r"""Full-batch gradient descent on a linear softmax classifier, $p = \mathrm{softmax}(xW + b)$.

    ``loss`` is ``"cross_entropy"`` (gradient $p - y$ with respect to the logits)
    or ``"mse"`` (the mean squared error between $p$ and the one-hot $y$, whose
    gradient has to pass back through the softmax Jacobian). Weights start as
    normal noise of standard deviation ``init_scale`` drawn with ``seed`` (0 gives
    zeros: a uniform first prediction; a large scale gives a confident, mostly
    wrong one), identical for both losses. Returns per-step
    ``"loss"`` (of the trained objective), ``"accuracy"`` and, when test data is
    given, ``"test_accuracy"``.
    """
    x = as_array(x, "x", ndim=2)
    labels = as_array(labels, "labels", ndim=1, dtype=int)
    check_same_length(x, labels, "x", "labels")
    check_choice(loss, "loss", ("cross_entropy", "mse"))
    lr = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    steps = check_int(steps, "steps", minimum=1)
    n, d = x.shape
    k = int(labels.max()) + 1
    y = np.eye(k)[labels]
    init_scale = check_float(init_scale, "init_scale", minimum=0.0)
    w, b = np.random.default_rng(seed).normal(0.0, init_scale, size=(d, k)), np.zeros(k)
    history: dict[str, list[float]] = {"loss": [], "accuracy": [], "test_accuracy": []}
    with threadpool_limits(limits=1):      # small matrices: one BLAS thread is fastest on shared CPUs
        for _ in range(steps):
            p = softmax(x @ w + b)
            history["accuracy"].append(float(np.mean(p.argmax(1) == labels)))
            if x_test is not None and labels_test is not None:
                pred = (np.asarray(x_test) @ w + b).argmax(1)
                history["test_accuracy"].append(float(np.mean(pred == np.asarray(labels_test))))
            if loss == "cross_entropy":
                history["loss"].append(float(np.mean(categorical_crossentropy(y, p))))
                g_logits = (p - y) / n
            else:
                history["loss"].append(float(np.mean(mean_squared_error(y, p))))
                g_p = 2 * (p - y) / (k * n)                                  # dL/dp
                g_logits = p * (g_p - np.sum(g_p * p, axis=1, keepdims=True))  # back through softmax
            w -= lr * (x.T @ g_logits)
            b -= lr * g_logits.sum(0)
    return {key: np.asarray(v) for key, v in history.items() if v}


# --- figures -----------------------------------------------------------------

def plot_losses_for_positive() -> plt.Figure:
    """Each loss for one example whose true label is 1, against the prediction.

    MSE, MAE and BCE take a probability $p \\in (0, 1)$; the hinge takes a
    score $s$ (we plot it against $s = 2p - 1$ so all four share an axis).
    """
    p = np.linspace(0.001, 0.999, 500)
    ones = np.ones((len(p), 1))
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.plot(p, mean_squared_error(ones, p[:, None]), color=PALETTE[0], label="MSE  (1 − p)²")
    ax.plot(p, mean_absolute_error(ones, p[:, None]), color=PALETTE[1], label="MAE  |1 − p|")
    ax.plot(p, binary_crossentropy(ones, p[:, None]), color=PALETTE[2], label="BCE  −ln p")
    ax.plot(p, hinge(ones, (2 * p - 1)[:, None]), color=PALETTE[3], ls="--", label="hinge  max(0, 1 − s), s = 2p − 1")
    ax.set_xlabel("predicted probability p of the true class")
    ax.set_ylabel("loss for this example")
    ax.set_ylim(0, 4)
    ax.set_title("Four losses for an example whose label is 1")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_gradient_vs_probability() -> plt.Figure:
    r"""|∂L/∂z| for a sigmoid output $p = \sigma(z)$ with label 1: cross-entropy against squared error."""
    p = np.linspace(0.001, 0.999, 500)
    ce_grad = 1 - p                    # |p - y| with y = 1
    mse_grad = 2 * (1 - p) * p * (1 - p)  # |2 (p - y) σ'(z)|
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.plot(p, ce_grad, color=PALETTE[2], label="cross-entropy: |p − y|")
    ax.plot(p, mse_grad, color=PALETTE[0], label="squared error: |2(p − y) p(1 − p)|")
    ax.set_xlabel("predicted probability p of the true class")
    ax.set_ylabel("|∂L/∂z| (gradient on the logit)")
    ax.set_title("How hard each loss pushes, by how wrong the prediction is")
    ax.annotate("confidently wrong:\nMSE barely pushes", xy=(0.03, 0.06), xytext=(0.15, 0.55),
                arrowprops={"arrowstyle": "->"})
    ax.legend()
    fig.tight_layout()
    return fig


def plot_learning_speed(runs: dict[str, dict[str, np.ndarray]]) -> plt.Figure:
    """Training accuracy per step for each labelled run of :func:`train_softmax_regression`."""
    if not isinstance(runs, dict) or not runs:
        raise TypeError("runs must be a non-empty dict {label: result of train_softmax_regression}")
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for i, (label, run) in enumerate(runs.items()):
        acc = as_array(run["accuracy"], f"runs[{label!r}]['accuracy']", ndim=1)
        ax.plot(np.arange(1, len(acc) + 1), acc, color=PALETTE[i % len(PALETTE)], label=label)
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("training accuracy")
    ax.set_ylim(0, 1)
    ax.set_title("Same classifier, same learning rate, two losses")
    ax.legend()
    fig.tight_layout()
    return fig


# --- exercise checkers ---------------------------------------------------------

def check_bce_from_logits(f: Callable[[Any, Any], Any]) -> Feedback:
    """Check a learner's ``f(y_true, logits)`` (binary cross-entropy from logits) against Keras."""
    if not callable(f):
        return Feedback(False, ["pass a function f(y_true, logits) returning one loss per example"])
    logits = np.array([[-800.0], [-30.0], [-2.0], [0.0], [0.5], [3.0], [40.0], [800.0]])
    y = np.array([[1.0], [0.0], [1.0], [1.0], [0.0], [1.0], [0.0], [0.0]])
    expected = keras_loss("binary_crossentropy", y, logits, from_logits=True)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        try:
            got = np.asarray(f(y, logits), dtype=float)
        except Exception as exc:  # noqa: BLE001 - report any failure to the learner
            return Feedback(False, [f"your function raised {type(exc).__name__}: {exc}"])
    hint = ""
    if got.shape == expected.shape and not np.all(np.isfinite(got)):
        hint = "exp(±800) overflows: rewrite with max(z, 0) and log1p(exp(-|z|)), which never overflow"
    elif got.shape == expected.shape and np.isclose(got[0], -np.log(EPSILON), rtol=1e-3):
        hint = "the loss at z = -800 is capped at 16.1: you clip probabilities; work with logits instead"
    return check_array(got, expected=expected, name="binary cross-entropy", atol=1e-6, hint=hint)


def check_constant_fit(mse_constant: Any, mae_constant: Any, data: Any) -> Feedback:
    """Check the constants minimising MSE (the mean) and MAE (a median) for ``data``."""
    from .exercises import check_scalar

    data = as_array(data, "data", ndim=1)
    a = check_scalar(mse_constant, expected=float(np.mean(data)), name="MSE-minimising constant", rtol=1e-3,
                     hint="set the derivative of the mean of (y - c)^2 to zero")
    lo, hi = np.sort(data)[(len(data) - 1) // 2], np.sort(data)[len(data) // 2]
    ok = isinstance(mae_constant, (int, float, np.floating)) and lo - 1e-3 <= float(mae_constant) <= hi + 1e-3
    b = Feedback(bool(ok), [f"MAE-minimising constant {'is' if ok else 'should be'} a median "
                            f"(between {lo:g} and {hi:g})"])
    return Feedback(a.passed and b.passed, a.messages + b.messages)
