"""FAQ 4, "What are deep learning's security problems?".

Attacks and defences on the MNIST network, with plain Keras and TensorFlow:

- :func:`build_model` and :func:`train_model`: Chapter 5's network, trained with ``model.fit``;
- :func:`input_gradient`, :func:`fgsm` and :func:`pgd` build the attacks from scratch with
  ``tf.GradientTape`` (the fast gradient sign method of Goodfellow et al. 2015, and the projected
  gradient descent attack of Madry et al. 2018); :func:`random_sign_noise` is the control;
- :func:`adversarial_training`: a custom training loop that attacks every mini-batch with FGSM before
  the update (Goodfellow et al.'s recipe); with ``epsilon=0`` the same loop is the control, with the
  same batches and the same number of steps;
- :func:`add_trigger` and :func:`poison`: a BadNets-style backdoor (Gu et al. 2017);
  :func:`attack_success_rate` measures it;
- :func:`per_example_loss`, :func:`loss_threshold_at_fpr` and :func:`membership_tpr`: a loss-threshold
  membership-inference attack whose threshold is chosen on other data than it is scored on, reported
  as true-positive rate at a low false-positive rate.

Checkers for the exercises follow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from . import widgets
from .exercises import Feedback, check_array, check_scalar
from .plotting import PALETTE
from .runtime import quiet_tensorflow
from .validation import as_array, check_features_labels, check_float, check_int

__all__ = [
    "BATCH_SIZE",
    "build_model",
    "train_model",
    "predict",
    "accuracy",
    "input_gradient",
    "fgsm",
    "pgd",
    "random_sign_noise",
    "accuracy_under_attack",
    "plot_accuracy_vs_epsilon",
    "adversarial_figure",
    "EXPLORER_EPSILONS",
    "epsilon_explorer",
    "adversarial_training",
    "add_trigger",
    "poison",
    "attack_success_rate",
    "per_example_loss",
    "loss_threshold_at_fpr",
    "best_threshold",
    "MembershipResult",
    "membership_tpr",
    "check_fgsm",
    "check_transfer",
    "threshold_attack_accuracy",
    "check_attack_accuracy",
]

#: Mini-batch size of :func:`train_model` and :func:`adversarial_training`.
BATCH_SIZE = 128


def _check_xy(x: Any, y: Any, name_x: str = "x", name_y: str = "y") -> tuple[np.ndarray, np.ndarray]:
    x, y = check_features_labels(x, y, name_x, name_y)
    if x.min() < 0.0 or x.max() > 1.0:
        raise ValueError(f"{name_x} must hold pixel values scaled to [0, 1]")
    return x.astype("float32"), y


def _check_model(model: Any) -> Any:
    if not (hasattr(model, "predict") and callable(model)):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
    return model


def build_model(hidden_units: int = 128) -> Any:
    """Chapter 5's network for flattened digits: ``Dense(hidden_units, relu)``, ``Dense(10, softmax)``; Adam."""
    quiet_tensorflow()
    import keras

    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(check_int(hidden_units, "hidden_units", minimum=1), activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train_model(x: Any, y: Any, *, hidden_units: int = 128, epochs: int = 5, batch_size: int = BATCH_SIZE,
                seed: int = 0) -> Any:
    """A fresh :func:`build_model` trained with ``model.fit`` on every example of ``(x, y)`` (pixels in [0, 1]).

    Nothing is held out: the membership attack needs every "member" to have been trained on, and a
    poisoning experiment needs every poisoned image to reach the model. Measure the result on other data.
    """
    import keras

    x, y = _check_xy(x, y)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model = build_model(hidden_units)
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return model


def predict(model: Any, x: Any) -> np.ndarray:
    """Class probabilities, ``model.predict(x, verbose=0)``."""
    model = _check_model(model)
    x = as_array(x, "x", ndim=2, dtype="float32")
    return model.predict(x, batch_size=1024, verbose=0)


def accuracy(model: Any, x: Any, y: Any) -> float:
    """Fraction of examples whose most probable class is the label."""
    x, y = _check_xy(x, y)
    return float(np.mean(predict(model, x).argmax(axis=1) == y))


def input_gradient(model: Any, x: Any, y: Any) -> np.ndarray:
    """Gradient of each example's cross-entropy loss with respect to its *input pixels*.

    Training differentiates the loss with respect to the weights; an attacker
    differentiates it with respect to the image, holding the weights fixed.
    """
    import keras
    import tensorflow as tf

    model = _check_model(model)
    x, y = _check_xy(x, y)
    xt = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = keras.losses.sparse_categorical_crossentropy(y, model(xt, training=False))
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
    return np.clip(x + epsilon * np.sign(input_gradient(model, x, y)), 0.0, 1.0).astype("float32")


def pgd(model: Any, x: Any, y: Any, epsilon: float, *, steps: int = 20, step_size: float | None = None,
        seed: int = 0) -> np.ndarray:
    """Projected gradient descent (Madry et al. 2018): many small FGSM steps, each projected back into
    the ε-box around ``x`` (and into [0, 1]), from a random start inside the box.

    ``step_size`` defaults to ``2.5 · ε / steps``, the paper's choice, so the steps can cross the box.
    """
    epsilon = check_float(epsilon, "epsilon", minimum=0.0, maximum=1.0)
    steps = check_int(steps, "steps", minimum=1)
    x, y = _check_xy(x, y)
    if epsilon == 0.0:
        return x.copy()
    alpha = 2.5 * epsilon / steps if step_size is None else check_float(step_size, "step_size", minimum=0.0,
                                                                         strict_minimum=True)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    x_adv = np.clip(x + rng.uniform(-epsilon, epsilon, size=x.shape), 0, 1).astype("float32")
    for _ in range(steps):
        x_adv = x_adv + alpha * np.sign(input_gradient(model, x_adv, y))
        x_adv = np.clip(np.clip(x_adv, x - epsilon, x + epsilon), 0, 1).astype("float32")
    return x_adv


def random_sign_noise(x: Any, epsilon: float, *, seed: int = 0) -> np.ndarray:
    """The control: every pixel moved by ``±epsilon`` with a random sign, then clipped to [0, 1]."""
    x = as_array(x, "x", ndim=2, dtype="float32")
    epsilon = check_float(epsilon, "epsilon", minimum=0.0, maximum=1.0)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    signs = rng.choice(np.array([-1.0, 1.0], dtype="float32"), size=x.shape)
    return np.clip(x + epsilon * signs, 0.0, 1.0).astype("float32")


def accuracy_under_attack(model: Any, x: Any, y: Any, epsilons: Sequence[float], *, attack: str = "fgsm") -> np.ndarray:
    """Accuracy on adversarial examples made against ``model`` itself (``attack`` "fgsm" or "pgd"), per ε."""
    if isinstance(epsilons, (str, bytes)) or not isinstance(epsilons, (Sequence, np.ndarray)) or len(epsilons) == 0:
        raise TypeError("epsilons must be a non-empty list of numbers")
    if attack not in ("fgsm", "pgd"):
        raise ValueError(f"attack must be 'fgsm' or 'pgd', got {attack!r}")
    eps = [check_float(e, "epsilon", minimum=0.0, maximum=1.0) for e in epsilons]
    x, y = _check_xy(x, y)
    make = fgsm if attack == "fgsm" else pgd
    return np.array([accuracy(model, make(model, x, y, e), y) for e in eps])


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
    p_clean = predict(model, x).argmax(axis=1)
    p_adv = predict(model, x_adv).argmax(axis=1)
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


#: The ε values of the chapter's explorer.
EXPLORER_EPSILONS = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)


def epsilon_explorer(model: Any, x: Any, y: Any) -> widgets.Explorer:
    """ε and the kind of perturbation (FGSM or random ±ε) against the accuracy per digit class.

    Every setting is computed once, from the model's predictions (no retraining), so the explorer
    works on the web page without a kernel.
    """
    x, y = _check_xy(x, y)
    direction = np.sign(input_gradient(model, x, y))   # FGSM's direction does not depend on ε
    noise = np.random.default_rng(0).choice(np.array([-1.0, 1.0], dtype="float32"), size=x.shape)

    def compute(epsilon: float, perturbation: str) -> Any:
        import pandas as pd

        step = direction if perturbation == "FGSM" else noise
        predicted = predict(model, np.clip(x + epsilon * step, 0.0, 1.0).astype("float32")).argmax(axis=1)
        return pd.DataFrame({"digit": np.arange(10),
                             "accuracy": [float(np.mean(predicted[y == d] == d)) if np.any(y == d) else 0.0
                                          for d in range(10)],
                             "overall": float(np.mean(predicted == y))})

    def render(frame: Any, epsilon: float, perturbation: str) -> plt.Figure:
        fig, ax = plt.subplots(figsize=(7.0, 3.6))
        ax.bar(frame["digit"], frame["accuracy"], color=PALETTE[0] if perturbation == "FGSM" else PALETTE[1])
        ax.set_ylim(0, 1.02)
        ax.set_xticks(range(10))
        ax.set_xlabel("true digit")
        ax.set_ylabel("test accuracy")
        ax.set_title(f"{perturbation}, ε = {epsilon:g}: overall accuracy {frame['overall'].iloc[0]:.3f}")
        fig.tight_layout()
        return fig

    def chart(base: Any) -> Any:
        import altair as alt

        return base.mark_bar().encode(x=alt.X("digit:O", title="true digit"),
                                      y=alt.Y("accuracy:Q", title="test accuracy", scale=alt.Scale(domain=[0, 1])),
                                      tooltip=["digit", "accuracy", "overall"])

    return widgets.Explorer(
        controls={"epsilon": widgets.Steps(list(EXPLORER_EPSILONS), 0.1, label="ε"),
                  "perturbation": widgets.Choice(["FGSM", "random ±ε"], "FGSM", label="perturbation", radio=True)},
        compute=compute, render=render, chart=chart, title="Accuracy per digit under a perturbation of size ε",
        description="Bars show the test accuracy for each true digit after every pixel is moved by ε, "
                    "in FGSM's direction or at random; the controls choose ε and the kind of perturbation.")


def adversarial_training(x: Any, y: Any, *, epsilon: float = 0.1, epochs: int = 5, hidden_units: int = 128,
                         batch_size: int = BATCH_SIZE, seed: int = 0) -> Any:
    """Train :func:`build_model` with a custom loop; with ``epsilon > 0`` every mini-batch is attacked first.

    For each mini-batch: make FGSM examples against the *current* weights, then take one Adam step on
    ``0.5 · loss(clean) + 0.5 · loss(adversarial)`` (Goodfellow et al. 2015). With ``epsilon=0`` the
    loop is the control: the same batches, the same number of steps, the loss on clean images only.
    """
    import keras
    import tensorflow as tf

    x, y = _check_xy(x, y)
    epsilon = check_float(epsilon, "epsilon", minimum=0.0, maximum=1.0)
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    keras.utils.set_random_seed(seed)
    model = build_model(hidden_units)
    optimizer = keras.optimizers.Adam()
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    @tf.function  # run the step as one TensorFlow graph, as model.fit does
    def train_step(images, labels):
        if epsilon > 0:
            with tf.GradientTape() as tape:
                tape.watch(images)
                attack_loss = loss_fn(labels, model(images, training=False))
            adversarial = tf.clip_by_value(images + epsilon * tf.sign(tape.gradient(attack_loss, images)), 0.0, 1.0)
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, model(images, training=True))
            if epsilon > 0:
                loss = 0.5 * loss + 0.5 * loss_fn(labels, model(adversarial, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            train_step(tf.constant(x[batch]), tf.constant(y[batch]))
    return model


def add_trigger(x: Any) -> np.ndarray:
    """Stamp the backdoor's trigger on every image: a white 4×4 square near the bottom-right corner."""
    x = as_array(x, "x", ndim=2, dtype="float32")
    if x.shape[1] != 784:
        raise ValueError(f"x must hold flattened 28×28 images (784 columns), got {x.shape[1]}")
    images = x.reshape(-1, 28, 28).copy()
    images[:, 22:26, 22:26] = 1.0
    return images.reshape(len(x), 784)


def poison(x: Any, y: Any, *, fraction: float = 0.05, target: int = 0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """BadNets-style poisoning: stamp the trigger on a random ``fraction`` of the images and relabel them ``target``.

    Returns the poisoned copy of ``(x, y)``; the rest of the data is unchanged.
    """
    x, y = _check_xy(x, y)
    fraction = check_float(fraction, "fraction", minimum=0.0, maximum=1.0)
    target = check_int(target, "target", minimum=0, maximum=9)
    chosen = np.random.default_rng(check_int(seed, "seed", minimum=0)).choice(len(x), int(round(fraction * len(x))),
                                                                               replace=False)
    x_p, y_p = x.copy(), y.copy()
    x_p[chosen] = add_trigger(x[chosen])
    y_p[chosen] = target
    return x_p, y_p


def attack_success_rate(model: Any, x: Any, y: Any, *, target: int = 0) -> float:
    """Fraction of images whose label is not ``target`` that the model calls ``target`` once triggered."""
    x, y = _check_xy(x, y)
    target = check_int(target, "target", minimum=0, maximum=9)
    keep = y != target
    if not keep.any():
        raise ValueError("y must contain images of classes other than the target")
    return float(np.mean(predict(model, add_trigger(x[keep])).argmax(axis=1) == target))


def per_example_loss(model: Any, x: Any, y: Any) -> np.ndarray:
    """Cross-entropy loss of each example separately: ``-log p(true class)``."""
    x, y = _check_xy(x, y)
    p = predict(model, x)
    return -np.log(np.clip(p[np.arange(len(y)), y], 1e-12, 1.0))


def loss_threshold_at_fpr(nonmember_losses: Any, fpr: float = 0.05) -> float:
    """The loss threshold that calls only a fraction ``fpr`` of these non-members "member" (loss at or below it).

    Choose it on *calibration* non-members, then score the attack on other examples.
    """
    losses = as_array(nonmember_losses, "nonmember_losses", ndim=1)
    if len(losses) == 0:
        raise ValueError("nonmember_losses must not be empty")
    fpr = check_float(fpr, "fpr", minimum=0.0, maximum=1.0, strict_minimum=True)
    return float(np.quantile(losses, fpr))


@dataclass(frozen=True)
class MembershipResult:
    """A loss-threshold attack scored on held-out members and non-members."""

    threshold: float
    tpr: float        # members caught
    fpr: float        # non-members wrongly called members
    n_members: int
    n_nonmembers: int

    @property
    def tpr_se(self) -> float:
        """Binomial standard error of the true-positive rate."""
        return float(np.sqrt(max(self.tpr * (1 - self.tpr), 1e-12) / self.n_members))

    def __str__(self) -> str:
        return (f"threshold {self.threshold:.3g}: TPR {self.tpr:.3f} ± {self.tpr_se:.3f} at FPR {self.fpr:.3f} "
                f"({self.n_members} members, {self.n_nonmembers} non-members scored)")


def best_threshold(member_losses: Any, nonmember_losses: Any) -> float:
    """The loss threshold with the best balanced accuracy on these (calibration) members and non-members."""
    a = as_array(member_losses, "member_losses", ndim=1)
    b = as_array(nonmember_losses, "nonmember_losses", ndim=1)
    if len(a) == 0 or len(b) == 0:
        raise ValueError("member_losses and nonmember_losses must not be empty")
    candidates = np.unique(np.concatenate([a, b]))
    scores = [0.5 * (np.mean(a <= t) + np.mean(b > t)) for t in candidates]
    return float(candidates[int(np.argmax(scores))])


def membership_tpr(threshold: float, member_losses: Any, nonmember_losses: Any) -> MembershipResult:
    """Score "loss at or below ``threshold`` means member" on members and non-members not used to choose it."""
    threshold = check_float(threshold, "threshold")
    a = as_array(member_losses, "member_losses", ndim=1)
    b = as_array(nonmember_losses, "nonmember_losses", ndim=1)
    if len(a) == 0 or len(b) == 0:
        raise ValueError("member_losses and nonmember_losses must not be empty")
    return MembershipResult(threshold, float(np.mean(a <= threshold)), float(np.mean(b <= threshold)), len(a), len(b))


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
