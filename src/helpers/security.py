"""FAQ 4, "What are deep learning's security problems?".

Adversarial examples with the fast gradient sign method (FGSM) of Goodfellow,
Shlens and Szegedy (2015), measured against an MNIST network:

- :func:`input_gradient` and :func:`fgsm` build the attack from scratch with
  ``tf.GradientTape``; :func:`random_sign_noise` is the same-sized but
  undirected control;
- :func:`accuracy_under_attack` and :func:`plot_accuracy_vs_epsilon` give the
  accuracy-against-ε curve; :func:`adversarial_figure` shows perturbed digits
  and is the render function of the ε slider (:func:`epsilon_explorer`);
- :func:`adversarial_training` is the mitigation (train on FGSM examples made
  against the current model, every epoch);
- :func:`per_example_loss` and :func:`membership_attack` measure how much a
  model's losses reveal about which examples it was trained on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .cache import cached
from . import widgets
from .exercises import Feedback, check_array, check_scalar
from .plotting import PALETTE
from .training import accuracy as model_accuracy, fit as fit_model, fit_epochs, predict_proba
from .validation import as_array, check_float, check_int, check_same_length, check_features_labels

__all__ = [
    "BATCH_SIZE",
    "train_model",
    "input_gradient",
    "fgsm",
    "random_sign_noise",
    "accuracy",
    "accuracy_under_attack",
    "plot_accuracy_vs_epsilon",
    "adversarial_figure",
    "epsilon_explorer",
    "adversarial_training",
    "per_example_loss",
    "MembershipResult",
    "membership_attack",
    "check_fgsm",
    "check_transfer",
    "threshold_attack_accuracy",
    "check_attack_accuracy",
]


def _check_xy(x: Any, y: Any, name_x: str = "x", name_y: str = "y") -> tuple[np.ndarray, np.ndarray]:
    x, y = check_features_labels(x, y, name_x, name_y)
    if x.min() < 0.0 or x.max() > 1.0:
        raise ValueError(f"{name_x} must hold pixel values scaled to [0, 1]")
    return x, y


def _check_model(model: Any) -> Any:
    if not (hasattr(model, "predict") and callable(model)):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
    return model


#: Mini-batch size of :func:`train_model` and :func:`adversarial_training`.
BATCH_SIZE = 128


@cached
def train_model(x: Any, y: Any, *, hidden_units: int = 128, epochs: int = 5, batch_size: int = BATCH_SIZE,
                seed: int = 0) -> Any:
    """Chapter 5's network (Adam, sparse cross-entropy), trained on ``(x, y)`` in [0, 1].

    ``epochs`` passes over the data in mini-batches of ``batch_size``, laid end to end as
    one Keras epoch (:func:`helpers.training.fit_epochs`: no fixed cost per epoch).
    """
    import keras

    from .mnist_keras import build_model

    x, y = _check_xy(x, y)
    hidden_units = check_int(hidden_units, "hidden_units", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    keras.utils.set_random_seed(seed)
    model = build_model(hidden_units, optimizer="adam", inputs=x.shape[1],
                        loss="sparse_categorical_crossentropy")
    fit_epochs(model, x, y, epochs=epochs, batch_size=batch_size, seed=seed)
    return model


def input_gradient(model: Any, x: Any, y: Any) -> np.ndarray:
    """Gradient of each example's cross-entropy loss with respect to its *input pixels*.

    Training differentiates the loss with respect to the weights; an attacker
    differentiates it with respect to the image, holding the weights fixed.
    """
    import tensorflow as tf

    model = _check_model(model)
    x, y = _check_xy(x, y)
    xt = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        p = model(xt, training=False)
        loss = tf.keras.losses.sparse_categorical_crossentropy(y, p)
    return tape.gradient(loss, xt).numpy()


def fgsm(model: Any, x: Any, y: Any, epsilon: float) -> np.ndarray:
    """Fast gradient sign method: ``clip(x + ε · sign(∇ₓ loss), 0, 1)``.

    Every pixel moves by at most ``epsilon`` (the perturbation's L∞ norm is
    ``epsilon``), each in the direction that increases the loss.
    """
    epsilon = check_float(epsilon, "epsilon", minimum=0.0, maximum=1.0)
    x, y = _check_xy(x, y)
    if epsilon == 0.0:
        return x.copy()
    grad = input_gradient(model, x, y)
    return np.clip(x + epsilon * np.sign(grad), 0.0, 1.0).astype("float32")


def random_sign_noise(x: Any, epsilon: float, *, seed: int = 0) -> np.ndarray:
    """The control: every pixel moved by ``±epsilon`` with a random sign, then clipped to [0, 1]."""
    x = as_array(x, "x", ndim=2, dtype="float32")
    epsilon = check_float(epsilon, "epsilon", minimum=0.0, maximum=1.0)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    signs = rng.choice(np.array([-1.0, 1.0], dtype="float32"), size=x.shape)
    return np.clip(x + epsilon * signs, 0.0, 1.0).astype("float32")


def accuracy(model: Any, x: Any, y: Any) -> float:
    """Fraction of examples whose most probable class is the label."""
    model = _check_model(model)
    x, y = _check_xy(x, y)
    return model_accuracy(model, x, y)


def accuracy_under_attack(model: Any, x: Any, y: Any, epsilons: Sequence[float]) -> np.ndarray:
    """Accuracy on FGSM examples made against ``model`` itself, one value per ε."""
    if isinstance(epsilons, (str, bytes)) or not isinstance(epsilons, (Sequence, np.ndarray)) or len(epsilons) == 0:
        raise TypeError("epsilons must be a non-empty list of numbers")
    eps = [check_float(e, "epsilon", minimum=0.0, maximum=1.0) for e in epsilons]
    x, y = _check_xy(x, y)
    grad_sign = np.sign(input_gradient(model, x, y))   # FGSM's direction does not depend on ε
    return np.array([
        float(np.mean(predict_proba(model, np.clip(x + e * grad_sign, 0, 1)).argmax(axis=1) == y))
        for e in eps
    ])


def plot_accuracy_vs_epsilon(epsilons: Sequence[float], curves: Mapping[str, Any], *,
                             title: str = "Accuracy under the FGSM attack") -> plt.Figure:
    """One line per model (or per kind of noise): accuracy against the perturbation size ε."""
    eps = as_array(epsilons, "epsilons", ndim=1)
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError("curves must be a non-empty dict {label: accuracies}")
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    markers = "osD^v"
    for i, (label, values) in enumerate(curves.items()):
        values = as_array(values, f"curves[{label!r}]", shape=(len(eps),))
        ax.plot(eps, values, marker=markers[i % len(markers)], color=PALETTE[i % len(PALETTE)], label=label)
    ax.axhline(0.1, color="#999999", ls=":", lw=1)
    ax.text(eps[-1], 0.11, "chance (0.1)", ha="right", fontsize=9, color="#666666")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("ε: largest change to any pixel (pixels scaled to [0, 1])")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def adversarial_figure(model: Any, x: Any, y: Any, epsilon: float, *, n: int = 8) -> plt.Figure:
    """The ε slider's view: ``n`` test digits, their FGSM versions and the model's predictions.

    Top row: originals; middle row: the perturbation (red +ε, blue −ε, white 0); bottom row:
    the attacked images. Titles read ``label→prediction``, wrong ones in vermillion.
    """
    x, y = _check_xy(x, y)
    n = check_int(n, "n", minimum=1, maximum=len(x))
    epsilon = check_float(epsilon, "epsilon", minimum=0.0, maximum=1.0)
    x, y = x[:n], y[:n]
    x_adv = fgsm(model, x, y, epsilon)
    p_clean = predict_proba(model, x).argmax(axis=1)
    p_adv = predict_proba(model, x_adv).argmax(axis=1)
    fig, axes = plt.subplots(3, n, figsize=(1.3 * n, 4.6), squeeze=False)
    rows = [("original", x, p_clean), ("perturbation", x_adv - x, None), (f"ε = {epsilon:.2f}", x_adv, p_adv)]
    for r, (name, images, preds) in enumerate(rows):
        for k in range(n):
            ax = axes[r, k]
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(False)
            if preds is None:
                scale = max(epsilon, 1e-3)
                ax.imshow(images[k].reshape(28, 28), cmap="RdBu_r", vmin=-scale, vmax=scale)
            else:
                ax.imshow(images[k].reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
                wrong = preds[k] != y[k]
                ax.set_title(f"{y[k]}→{preds[k]}", fontsize=9, color=PALETTE[3] if wrong else "black")
            if k == 0:
                ax.set_ylabel(name, fontsize=9)
    fooled = int(np.sum((p_adv != y) & (p_clean == y)))
    fig.suptitle(f"FGSM with ε = {epsilon:.2f}: {fooled} of {n} correctly read digits now misread")
    fig.tight_layout()
    return fig


def epsilon_explorer(model: Any, x: Any, y: Any) -> widgets.Explorer:
    """An ε slider over :func:`adversarial_figure` (no retraining: it redraws at once)."""
    x, y = _check_xy(x, y)

    def render(epsilon: float) -> plt.Figure:
        return adversarial_figure(model, x, y, epsilon, n=min(8, len(x)))

    return widgets.Explorer(render, {"epsilon": widgets.slider("ε", 0.1, 0.0, 0.3, 0.01)},
                            title="FGSM: move ε and watch the predictions")


@cached
def adversarial_training(x: Any, y: Any, *, epsilon: float = 0.1, epochs: int = 5, hidden_units: int = 128,
                         batch_size: int = BATCH_SIZE, seed: int = 0) -> Any:
    """Train the same network on clean **and** FGSM examples (Goodfellow et al., 2015).

    Each epoch first attacks the *current* model (FGSM with ``epsilon`` on
    every training image), then trains one epoch on the clean images plus
    their adversarial versions, with the correct labels.
    """
    import keras

    from .mnist_keras import build_model

    x, y = _check_xy(x, y)
    epsilon = check_float(epsilon, "epsilon", minimum=0.0, maximum=1.0)
    epochs = check_int(epochs, "epochs", minimum=1)
    hidden_units = check_int(hidden_units, "hidden_units", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model = build_model(hidden_units, optimizer="adam", inputs=x.shape[1],
                        loss="sparse_categorical_crossentropy")
    for _ in range(epochs):
        x_adv = fgsm(model, x, y, epsilon)
        fit_model(model, np.concatenate([x, x_adv]), np.concatenate([y, y]), epochs=1, batch_size=batch_size,
                  shuffle=True, verbose=0)
    return model


def per_example_loss(model: Any, x: Any, y: Any) -> np.ndarray:
    """Cross-entropy loss of each example separately: ``-log p(true class)``."""
    model = _check_model(model)
    x, y = _check_xy(x, y)
    p = predict_proba(model, x)
    return -np.log(np.clip(p[np.arange(len(y)), y], 1e-12, 1.0))


@dataclass(frozen=True)
class MembershipResult:
    """The best loss threshold and how well it separates members from non-members."""

    threshold: float
    attack_accuracy: float
    member_mean_loss: float
    nonmember_mean_loss: float

    @property
    def advantage(self) -> float:
        """Attack accuracy above guessing, scaled to [0, 1]: ``2 × accuracy − 1``."""
        return 2 * self.attack_accuracy - 1


def membership_attack(member_losses: Any, nonmember_losses: Any) -> MembershipResult:
    """The simplest membership-inference attack: "low loss means it was in the training set".

    Tries every threshold and keeps the one that best classifies the two
    (equal-sized) groups; accuracy 0.5 means the losses reveal nothing.
    """
    a = as_array(member_losses, "member_losses", ndim=1)
    b = as_array(nonmember_losses, "nonmember_losses", ndim=1)
    if len(a) == 0 or len(b) == 0:
        raise ValueError("member_losses and nonmember_losses must not be empty")
    if len(a) != len(b):
        raise ValueError(f"use equal-sized groups so that guessing scores 0.5; got {len(a)} and {len(b)}")
    candidates = np.unique(np.concatenate([a, b]))
    best_t, best_acc = float(candidates[0]), 0.5
    for t in candidates:
        acc = 0.5 * (np.mean(a <= t) + np.mean(b > t))
        if acc > best_acc:
            best_t, best_acc = float(t), float(acc)
    return MembershipResult(best_t, best_acc, float(a.mean()), float(b.mean()))


# --- exercise checkers -------------------------------------------------------

def check_fgsm(answer: Any, model: Any, x: Any, y: Any, epsilon: float) -> Feedback:
    """Check a learner's FGSM images against :func:`fgsm`, naming the usual mistakes."""
    expected = fgsm(model, x, y, epsilon)
    hint = ""
    try:
        arr = np.asarray(answer, dtype=float)
        x_arr = np.asarray(x, dtype=float)
        if arr.shape == expected.shape:
            if arr.min() < 0 or arr.max() > 1:
                hint = "some pixels left [0, 1]: clip the result with np.clip(..., 0, 1)"
            elif np.allclose(arr, np.clip(x_arr - epsilon * np.sign(input_gradient(model, x, y)), 0, 1)):
                hint = "you stepped down the gradient (that lowers the loss): an attack ADDS ε·sign(gradient)"
    except (TypeError, ValueError):
        pass
    return check_array(answer, expected=expected, name=f"FGSM images (ε = {epsilon})", atol=1e-5, hint=hint)


def check_transfer(answer: Any, target: Any, source: Any, x: Any, y: Any, epsilon: float) -> Feedback:
    """Check a transferred-attack accuracy: FGSM images made against ``source``, scored on ``target``.

    The expected value is recomputed; if the answer matches another
    accuracy instead (the target attacked with its own gradients, the source
    model scored on its own examples, or clean images), the feedback says so.
    """
    target, source = _check_model(target), _check_model(source)
    epsilon = check_float(epsilon, "epsilon", minimum=0.0, maximum=1.0)
    x, y = _check_xy(x, y)
    transferred = fgsm(source, x, y, epsilon)
    expected = accuracy(target, transferred, y)
    hint = ""
    if isinstance(answer, (int, float, np.floating, np.integer)) and not isinstance(answer, bool):
        others = {
            "the target model under its own (white-box) attack: make the images with the OTHER model's "
            "gradients": accuracy(target, fgsm(target, x, y, epsilon), y),
            "the source model on its own FGSM images: feed the transferred images to the target model":
                accuracy(source, transferred, y),
            "the target model on clean images: did you score x instead of the FGSM images?": accuracy(target, x, y),
        }
        for what, value in others.items():
            if np.isclose(float(answer), value, atol=1e-9) and not np.isclose(value, expected, atol=1e-9):
                hint = f"your number is the accuracy of {what}"
                break
        if not hint and float(answer) > 1:
            hint = "give accuracy as a fraction between 0 and 1, not a percentage"
    return check_scalar(answer, expected=expected, name=f"accuracy under the transferred attack (ε = {epsilon:g})",
                        atol=1e-9, hint=hint)


def threshold_attack_accuracy(member_losses: Any, nonmember_losses: Any, threshold: float) -> float:
    """Accuracy of "loss <= threshold means member" on two equal-sized groups.

    The mean of the fraction of members caught (loss at or below the
    threshold) and the fraction of non-members let go (loss above it).
    """
    a = as_array(member_losses, "member_losses", ndim=1)
    b = as_array(nonmember_losses, "nonmember_losses", ndim=1)
    if len(a) == 0 or len(b) == 0:
        raise ValueError("member_losses and nonmember_losses must not be empty")
    threshold = check_float(threshold, "threshold")
    return float(0.5 * (np.mean(a <= threshold) + np.mean(b > threshold)))


def check_attack_accuracy(answer: Any, member_losses: Any, nonmember_losses: Any, threshold: float) -> Feedback:
    """Check a learner's membership-attack accuracy at one loss threshold, naming the usual slips."""
    expected = threshold_attack_accuracy(member_losses, nonmember_losses, threshold)
    a = np.asarray(member_losses, dtype=float)
    b = np.asarray(nonmember_losses, dtype=float)
    hint = ""
    if isinstance(answer, (int, float, np.floating, np.integer)) and not isinstance(answer, bool):
        value = float(answer)
        slips = [
            (1 - expected, "the rule is reversed: a LOW loss means the model saw the example, so "
                           "guess 'member' when loss <= threshold"),
            (float(np.mean(a <= threshold)), "that is only the members caught; average it with the fraction "
                                             "of non-members whose loss is above the threshold"),
            (float(np.mean(b > threshold)), "that is only the non-members let go; average it with the fraction "
                                            "of members whose loss is at or below the threshold"),
        ]
        for wrong, why in slips:
            if np.isclose(value, wrong, atol=1e-9) and not np.isclose(wrong, expected, atol=1e-9):
                hint = why
                break
    return check_scalar(answer, expected=expected, name=f"attack accuracy at threshold {float(threshold):.3g}",
                        atol=1e-9, hint=hint)
