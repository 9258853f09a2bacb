"""Chapter 4b, "Loss functions": what a network is trained to minimise, from scratch.

Every loss here follows the same convention as ``keras.losses``: it takes
``y_true`` and ``y_pred`` whose last axis holds one example's outputs, and
returns **one value per example** (the mean over the last axis, or the sum
over classes for cross-entropy). Averaging over the batch is left to the
caller, as Keras's ``Loss`` objects do. :func:`keras_loss` computes the same
thing with Keras so the chapter can assert agreement.

Beyond the losses: the log-sum-exp trick, the gradient of softmax +
cross-entropy (:func:`softmax_cross_entropy_grad`) checked against finite
differences (:func:`numerical_gradient`), the figures (including the learning
curves of the chapter's Keras comparison of the two losses) and the exercise checkers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from . import widgets
from .exercises import Feedback, check_array
from .experiments import Runs
from .plotting import PALETTE
from .validation import as_array, check_choice, check_float, check_same_length

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
    "plot_losses_for_positive",
    "plot_gradient_vs_probability",
    "plot_learning_speed",
    "EXPLORER_LOSSES",
    "loss_curve",
    "plot_loss_curve",
    "loss_chart",
    "loss_explorer",
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


def _check_range(arr: np.ndarray, name: str, what: str, hint: str = "") -> None:
    """Reject values outside [0, 1]: a cross-entropy of such "probabilities" or "labels" means nothing.

    Keras does not check: it clips ``y_pred`` to ``[EPSILON, 1 - EPSILON]`` and returns a number
    (a "perfect" loss of about 0 for a prediction of 2, say). The book's losses refuse instead.
    """
    if arr.size and (arr.min() < 0 or arr.max() > 1):
        raise ValueError(f"{name} must hold {what} in [0, 1], got values from {arr.min():g} to {arr.max():g}{hint}")


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
    ``[EPSILON, 1 - EPSILON]`` as Keras does. Unlike Keras, values outside [0, 1] in ``y_pred``
    (without ``from_logits``) or in ``y_true`` raise ``ValueError``: Keras would clip them and
    report a meaningless, often "perfect", loss. With ``from_logits=True`` it holds
    logits $z$ and the loss is computed without ever forming $p = \sigma(z)$:
    $\max(z, 0) - z y + \ln(1 + e^{-|z|})$, which cannot overflow.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    _check_range(y_true, "y_true", "labels (0 or 1, or soft labels between)")
    if not from_logits:
        _check_range(y_pred, "y_pred", "probabilities", " (pass from_logits=True for raw scores)")
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
    _check_range(y_true, "y_true", "one-hot (or soft) labels")
    if from_logits:
        return logsumexp(y_pred) - np.sum(y_true * y_pred, axis=-1)
    _check_range(y_pred, "y_pred", "probabilities", " (pass from_logits=True for raw scores)")
    if y_pred.size and np.any(y_pred.sum(axis=-1) == 0):
        raise ValueError("y_pred has a row of zeros: each row must be a probability distribution")
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


# --- figures -----------------------------------------------------------------

def plot_losses_for_positive() -> plt.Figure:
    """Each loss for one example whose true label is 1, against the prediction.

    MSE, MAE and BCE take a probability $p \\in (0, 1)$; the hinge takes a
    score $s$; we plot it against $s = 3(2p - 1)$, from −3 to 3, so that all four share an axis
    and the flat region beyond the margin $s \\ge 1$ (here $p \\ge 2/3$) shows.
    """
    p = np.linspace(0.001, 0.999, 500)
    ones = np.ones((len(p), 1))
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.plot(p, mean_squared_error(ones, p[:, None]), color=PALETTE[0], label="MSE  (1 − p)²")
    ax.plot(p, mean_absolute_error(ones, p[:, None]), color=PALETTE[1], label="MAE  |1 − p|")
    ax.plot(p, binary_crossentropy(ones, p[:, None]), color=PALETTE[2], label="BCE  −ln p")
    ax.plot(p, hinge(ones, (3 * (2 * p - 1))[:, None]), color=PALETTE[3], ls="--",
            label="hinge  max(0, 1 − s), s = 3(2p − 1)")
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


def plot_learning_speed(runs: dict[str, Runs], metric: str = "val_accuracy") -> plt.Figure:
    """Per-epoch ``metric`` of every seed (thin lines) and their mean (thick) for each recipe.

    ``runs`` maps a label to the :class:`helpers.experiments.Runs` of a recipe whose result kept
    Keras's ``history.history`` under ``"history"`` (it lands in ``Runs.details``).
    """
    if not isinstance(runs, dict) or not runs or not all(isinstance(r, Runs) for r in runs.values()):
        raise TypeError("runs must be a non-empty dict {label: Runs from helpers.experiments.run}")
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for i, (label, r) in enumerate(runs.items()):
        try:
            curves = np.array([r.details[seed]["history"][metric] for seed in r.seeds], dtype=float)
        except (KeyError, TypeError):
            raise ValueError(f"runs[{label!r}] must keep each seed's Keras history (with {metric!r}) under "
                             "'history'") from None
        epochs = np.arange(1, curves.shape[1] + 1)
        color = PALETTE[i % len(PALETTE)]
        for curve in curves:
            ax.plot(epochs, curve, color=color, lw=0.8, alpha=0.45)
        ax.plot(epochs, curves.mean(axis=0), color=color, lw=2.2, marker="o", ms=3,
                label=f"{label} (mean of {len(curves)} seeds)")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric.replace("_", " "))
    ax.set_ylim(0, 1)
    ax.set_title("Same network, same start, same batches: two losses")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


# --- the loss explorer --------------------------------------------------------

#: The losses the explorer offers, for one sigmoid output p = σ(z).
EXPLORER_LOSSES: tuple[str, ...] = ("cross-entropy", "squared error", "absolute error", "hinge")


def loss_curve(loss: str, label: int) -> Any:
    r"""One example with a sigmoid output $p = \sigma(z)$: its loss and $\partial L / \partial z$ against $p$.

    ``loss`` is one of :data:`EXPLORER_LOSSES`; ``label`` is 0 or 1. The hinge loss takes the logit
    $z$ as its score (labels mapped to ±1). Returns a table with columns ``p``, ``quantity``
    (``"loss"`` or ``"gradient on the logit"``) and ``value``.
    """
    import pandas as pd

    check_choice(loss, "loss", EXPLORER_LOSSES)
    if isinstance(label, bool) or label not in (0, 1):
        raise ValueError(f"label must be 0 or 1, got {label!r}")
    p = np.linspace(0.01, 0.99, 50)
    z = np.log(p / (1 - p))
    y = np.full((len(p), 1), float(label))
    if loss == "cross-entropy":
        value, grad = binary_crossentropy(y, p[:, None]), p - label
    elif loss == "squared error":
        value, grad = mean_squared_error(y, p[:, None]), 2 * (p - label) * p * (1 - p)
    elif loss == "absolute error":
        value, grad = mean_absolute_error(y, p[:, None]), np.sign(p - label) * p * (1 - p)
    else:
        sign = 2 * label - 1
        value = hinge(y, z[:, None])
        grad = np.where(sign * z < 1, -sign, 0.0)
    return pd.concat([pd.DataFrame({"p": p, "quantity": "loss", "value": value}),
                      pd.DataFrame({"p": p, "quantity": "gradient on the logit", "value": grad})],
                     ignore_index=True)


def plot_loss_curve(frame: Any, loss: str, label: int) -> plt.Figure:
    """The explorer's matplotlib form: the loss (left) and its gradient on the logit (right)."""
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.4))
    for ax, quantity, color in zip(axes, ("loss", "gradient on the logit"), (PALETTE[0], PALETTE[2])):
        rows = frame[frame["quantity"] == quantity]
        ax.plot(rows["p"], rows["value"], color=color)
        ax.axhline(0, color="0.6", lw=0.8)
        ax.set_xlabel("predicted probability p of class 1")
        ax.set_ylabel(quantity)
        ax.set_title(f"{loss}, label {label}: {quantity}")
    fig.tight_layout()
    return fig


def loss_chart(base: Any) -> Any:
    """The explorer's Vega-Lite form: the same two curves, one colour each."""
    widgets.require_chart(base)
    return base.mark_line().encode(x="p:Q", y="value:Q", color="quantity:N").properties(width=420, height=260)


def loss_explorer() -> widgets.Explorer:
    """Pick a loss and the true label; see how hard the loss pushes the logit at every prediction."""
    return widgets.Explorer(
        controls={"loss": widgets.Choice(list(EXPLORER_LOSSES), "squared error"),
                  "label": widgets.Choice([0, 1], 1, radio=True)},
        compute=loss_curve, render=plot_loss_curve, chart=loss_chart, title="Loss explorer",
        description="The loss of one example with a sigmoid output, and its gradient on the logit, against the "
                    "predicted probability; the controls choose the loss and the true label.")


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
