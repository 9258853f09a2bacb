"""Chapter 9, FAQ 6: "How do you fix underfitting?" (如何解决欠拟合问题？).

Underfitting is produced four ways on the same MNIST digits, each a single
change from a reference recipe that fits well: too small a model, too few
epochs, too much regularization, and a learning rate far too small. Each is
diagnosed from its training accuracy with :func:`diagnose` and fixed by
undoing the change. A capacity sweep (:func:`capacity_sweep`)
shows the transition from underfitting to fitting as the network widens.

Training and measuring reuse :mod:`helpers.overfitting` (same network
builder, same :class:`~helpers.overfitting.FitResult`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .cache import cached
from .exercises import Feedback, check_scalar, combine
from .overfitting import FitResult, Split, build_mlp, fit_and_measure
from .plotting import PALETTE
from .validation import as_array, check_choice, check_float, check_int

__all__ = [
    "DIAGNOSES",
    "Recipe",
    "REFERENCE",
    "UNDERFIT_RECIPES",
    "diagnose",
    "run_recipe",
    "capacity_sweep",
    "plot_capacity",
    "check_diagnosis",
    "check_large_lr",
    "check_more_epochs",
]

#: The three verdicts :func:`diagnose` can return.
DIAGNOSES: tuple[str, ...] = ("underfitting", "overfitting", "good fit")


@dataclass(frozen=True)
class Recipe:
    """Everything that defines one training run (data and seed aside)."""

    hidden: tuple[int, ...] = (128,)
    l2: float = 0.0
    learning_rate: float = 1e-3
    epochs: int = 5
    optimizer: str = "adam"

    def describe(self) -> str:
        """A one-line description, e.g. ``784-128-10, adam lr 0.001, L2 0, 5 epochs``."""
        widths = "-".join(str(w) for w in (784, *self.hidden, 10))
        return f"{widths}, {self.optimizer} lr {self.learning_rate:g}, L2 {self.l2:g}, {self.epochs} epochs"


#: A recipe that fits the 2,000-digit training set well.
REFERENCE = Recipe()

#: Four ways to underfit, each one change away from :data:`REFERENCE`.
UNDERFIT_RECIPES: dict[str, Recipe] = {
    "too small (2 units)": replace(REFERENCE, hidden=(2,)),
    "too few epochs (1)": replace(REFERENCE, epochs=1),
    "too much L2 (0.1)": replace(REFERENCE, l2=0.1),
    "learning rate too small (1e-5)": replace(REFERENCE, learning_rate=1e-5),
}


def diagnose(train_acc: float, val_acc: float, *, target: float = 0.95, max_gap: float = 0.10) -> str:
    """Classify a run from its training and validation accuracy.

    - ``"underfitting"``: training accuracy is below ``target``; the model does
      not even fit the examples it was trained on, so more regularization or
      more data will not help; more capacity or better optimization will.
    - ``"overfitting"``: it fits the training set but validation accuracy is
      more than ``max_gap`` lower.
    - ``"good fit"``: neither.

    ``target`` is the accuracy you consider achievable (from a stronger model,
    human performance or the literature); it is a judgement, not a constant.
    """
    train_acc = check_float(train_acc, "train_acc", minimum=0.0, maximum=1.0)
    val_acc = check_float(val_acc, "val_acc", minimum=0.0, maximum=1.0)
    target = check_float(target, "target", minimum=0.0, maximum=1.0)
    max_gap = check_float(max_gap, "max_gap", minimum=0.0, maximum=1.0)
    if train_acc < target:
        return "underfitting"
    if train_acc - val_acc > max_gap:
        return "overfitting"
    return "good fit"


@cached
def run_recipe(name: str, recipe: Recipe, data: Split, *, seed: int = 0, batch_size: int = 64,
               save_best: bool = False, known: Sequence[FitResult] = ()) -> FitResult:
    """Build, train and measure a network following ``recipe`` (seeded), in mini-batches of ``batch_size``.

    ``save_best`` and ``known`` are passed to :func:`~helpers.overfitting.fit_and_measure`: a recipe
    that is a ``save_best`` run of ``known`` cut short (the same recipe with fewer epochs) is read
    from it instead of trained again, with the same numbers.
    """
    import keras

    if not isinstance(recipe, Recipe):
        raise TypeError(f"recipe must be a Recipe, got {type(recipe).__name__}")
    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model = build_mlp(recipe.hidden, l2=recipe.l2, learning_rate=recipe.learning_rate,
                      optimizer=recipe.optimizer)
    return fit_and_measure(name, model, data, epochs=recipe.epochs, batch_size=batch_size, seed=seed,
                           save_best=save_best, known=known)


def capacity_sweep(data: Split, widths: Sequence[int], *, recipe: Recipe = REFERENCE, seed: int = 0,
                   known: Sequence[FitResult] = ()) -> list[FitResult]:
    """One run per hidden-layer width (one hidden layer), named ``"<w> units"``.

    Runs in ``known`` with a matching name are reused instead of retrained.
    """
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or not widths:
        raise TypeError("widths must be a non-empty list of integers")
    ws = [check_int(w, "width", minimum=1) for w in widths]
    cache = {r.name: r for r in known}
    out = []
    for w in ws:
        name = f"{w} units"
        if name not in cache:
            cache[name] = run_recipe(name, replace(recipe, hidden=(w,)), data, seed=seed)
        out.append(cache[name])
    return out


def plot_capacity(widths: Sequence[int], results: Sequence[FitResult]) -> plt.Figure:
    """Training and validation accuracy against the hidden-layer width (log axis)."""
    ws = as_array(widths, "widths", ndim=1)
    if len(ws) != len(results):
        raise ValueError(f"widths and results must have the same length, got {len(ws)} and {len(results)}")
    if np.any(ws < 1):
        raise ValueError("widths must be >= 1")
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    ax.plot(ws, [r.train_acc for r in results], marker="o", color=PALETTE[0], label="training")
    ax.plot(ws, [r.val_acc for r in results], marker="s", ls="--", color=PALETTE[1], label="validation")
    ax.set_xscale("log", base=2)
    ax.set_xticks(ws, [str(int(w)) for w in ws])
    ax.set_xlabel("hidden units (log scale)")
    ax.set_ylabel("accuracy")
    ax.set_title("Capacity: narrow networks underfit")
    ax.legend()
    fig.tight_layout()
    return fig


# --- exercise checkers -------------------------------------------------------

def check_diagnosis(answer: Any, result: FitResult, *, target: float = 0.95, max_gap: float = 0.10) -> Feedback:
    """Check a learner's verdict (one of :data:`DIAGNOSES`) for a run."""
    if not isinstance(result, FitResult):
        raise TypeError(f"result must be a FitResult, got {type(result).__name__}")
    if not isinstance(answer, str):
        return Feedback(False, [f"the answer should be one of {list(DIAGNOSES)}, got {type(answer).__name__}"])
    try:
        check_choice(answer.strip().lower(), "diagnosis", DIAGNOSES)
    except ValueError as exc:
        return Feedback(False, [str(exc)])
    expected = diagnose(result.train_acc, result.val_acc, target=target, max_gap=max_gap)
    if answer.strip().lower() == expected:
        return Feedback(True, [f"{result.name}: {expected}"])
    why = (f"training accuracy {result.train_acc:.3f} is below the target {target:.2f}"
           if expected == "underfitting" else
           f"training accuracy {result.train_acc:.3f} reaches the target {target:.2f} and the gap is "
           f"{result.gap:.3f} (limit {max_gap:.2f})")
    return Feedback(False, [f"{result.name} is {expected}, not {answer!r}: {why}"])


def check_large_lr(result: FitResult, one_class_acc: Any, labels: Any, *, target: float = 0.95) -> Feedback:
    """Check the too-large learning-rate run and the learner's one-class accuracy.

    ``result`` must underfit (training accuracy below ``target``) and show the
    overshoot: a first-epoch training loss above ln(10), the loss of a model
    that gives every class probability 1/10. ``one_class_acc`` is the
    learner's accuracy of always predicting the most frequent class of
    ``labels`` (expected within 0.01).
    """
    if not isinstance(result, FitResult):
        return Feedback(False, [f"pass the FitResult returned by ch.run_recipe, got {type(result).__name__}"])
    y = as_array(labels, "labels", ndim=1, dtype=int)
    if len(y) == 0 or y.min() < 0:
        raise ValueError("labels must be a non-empty array of class numbers >= 0")
    target = check_float(target, "target", minimum=0.0, maximum=1.0)
    messages: list[str] = []
    ok = True
    first = result.history.get("loss", [float("nan")])[0]
    if not first > np.log(10):
        ok = False
        messages.append(f"the first epoch's training loss is {first:.3f}, not above ln(10) = {np.log(10):.3f}: "
                        "a learning rate of 1.0 should overshoot; did you set learning_rate=1.0?")
    if result.train_acc >= target:
        ok = False
        messages.append(f"training accuracy {result.train_acc:.3f} reaches the target {target:.2f}: this run does "
                        "not underfit, so it was not trained with learning_rate=1.0")
    if ok:
        messages.append(f"{result.name}: first-epoch loss {first:.1f} (overshoot), training accuracy "
                        f"{result.train_acc:.3f}: underfitting")
    expected = float(np.bincount(y).max() / len(y))
    hint = ""
    if isinstance(one_class_acc, (int, float, np.floating, np.integer)) and not isinstance(one_class_acc, bool):
        value = float(one_class_acc)
        if 1 < value <= 100 and np.isclose(value / 100, expected, atol=0.01):
            hint = "give accuracy as a fraction between 0 and 1, not a percentage"
        elif np.isclose(value, 1 - expected, atol=0.01):
            hint = "that is the error rate; accuracy is the fraction predicted correctly"
        else:
            hint = (f"with {len(np.bincount(y))} roughly balanced classes, always answering the most common "
                    "one is right about once in ten")
    acc = check_scalar(one_class_acc, expected=expected, name="accuracy of predicting one class",
                       atol=0.01, hint=hint)
    return combine(Feedback(ok, messages), acc)


def check_more_epochs(answer: Any, result: FitResult, short: FitResult, reference: FitResult, *,
                      epochs: int = 10, target: float = 0.95) -> Feedback:
    """Check the learner's yes/no ("does doubling the epochs fix it?") against their measured run.

    ``result`` is the small-learning-rate run with ``epochs`` epochs, ``short``
    the same recipe with fewer, ``reference`` the recipe that fits. The
    answer (a bool) is right if it agrees with whether ``result`` still
    underfits (training accuracy below ``target``).
    """
    for name, r in (("result", result), ("short", short), ("reference", reference)):
        if not isinstance(r, FitResult):
            raise TypeError(f"{name} must be a FitResult, got {type(r).__name__}")
    epochs = check_int(epochs, "epochs", minimum=1)
    target = check_float(target, "target", minimum=0.0, maximum=1.0)
    messages: list[str] = []
    ok = True
    if result.epochs_run != epochs:
        ok = False
        messages.append(f"{result.name} ran {result.epochs_run} epochs, expected {epochs}: "
                        f"use dataclasses.replace(recipe, epochs={epochs})")
    gain = result.train_acc - short.train_acc
    behind = reference.train_acc - result.train_acc
    messages.append(f"training accuracy {result.train_acc:.3f}: {gain:+.3f} against {short.epochs_run} epochs "
                    f"({short.train_acc:.3f}), still {behind:.3f} below the reference ({reference.train_acc:.3f})")
    fixed = result.train_acc >= target
    if not isinstance(answer, (bool, np.bool_)):
        ok = False
        messages.append(f"answer True (it fixes the underfitting) or False, got {type(answer).__name__}")
    elif bool(answer) != fixed:
        ok = False
        messages.append(f"your answer {bool(answer)} disagrees with the measurement: training accuracy "
                        f"{result.train_acc:.3f} is {'above' if fixed else 'below'} the target {target:.2f}"
                        + ("" if fixed else "; steps 100 times shorter need about 100 times as many, "
                           "not twice as many"))
    return Feedback(ok, messages)
