"""Experiments over seeds: run a recipe several times, compare two recipes fairly, and say what the evidence shows.

One training run is one draw from a random process: the initial weights, the order of the
mini-batches and dropout's masks all come from the seed. Two recipes that differ by less than
the spread between seeds cannot be told apart by one run each. The book's rule, used in every
chapter:

    A chapter says "A beats B" only when the 95% interval of the *paired* difference A − B
    excludes zero. Otherwise it says the two are indistinguishable at this budget, and what
    would separate them (more seeds, more data, longer training).

*Paired* means both recipes run with the same seeds, the same data split and the same budget,
and the comparison is made on the per-seed differences, which cancels whatever the seed does to
both alike (the data order, say). The pieces:

- :func:`run` runs ``recipe(seed)`` for each seed and keeps every per-seed result (:class:`Runs`);
- :func:`compare` pairs two :class:`Runs` by seed and gives the mean difference, its interval
  (a t interval by default, or a bootstrap one) and a verdict (:class:`Comparison`);
- :func:`mcnemar` compares two *fixed* models on one test set, example by example;
- :func:`plot_runs` draws every seed's result, joined across recipes, with each mean and its
  interval; :func:`plot_comparisons` draws the differences with their intervals and the zero line;
- :func:`measure` evaluates a trained Keras model on training and validation data the same way
  for every recipe;
- :func:`glue` and :func:`glue_comparison` hand numbers to the page's text (myst-nb's ``glue``),
  so that the prose quotes what the code computed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import matplotlib.pyplot as plt
import numpy as np

from .plotting import PALETTE
from .validation import as_array, check_choice, check_float, check_int

__all__ = ["Runs", "Comparison", "run", "compare", "difference_interval", "mean_interval", "mcnemar",
           "McNemar", "measure", "plot_runs", "plot_comparisons", "glue", "glue_comparison", "scores", "MIN_SEEDS"]

#: Seeds the book uses at least where a claimed difference is under a few points.
MIN_SEEDS = 5
Verdict = Literal["better", "worse", "indistinguishable"]
Method = Literal["t", "bootstrap"]


def _as_values(values: Any, name: str) -> np.ndarray:
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be a list of numbers, got {type(values).__name__}")
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a list of numbers") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one value per seed), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values: {arr.tolist()}")
    return arr


def mean_interval(values: Any, *, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``values`` and its t interval ``(mean, low, high)`` (scipy's ``ttest_1samp``)."""
    from scipy import stats

    arr = _as_values(values, "values")
    confidence = check_float(confidence, "confidence", minimum=0.5, maximum=0.999)
    if len(arr) < 2:
        raise ValueError(f"an interval needs at least 2 values, got {len(arr)}")
    mean = float(arr.mean())
    if np.ptp(arr) == 0:
        return mean, mean, mean
    ci = stats.ttest_1samp(arr, 0.0).confidence_interval(confidence)
    return mean, float(ci.low), float(ci.high)


def difference_interval(differences: Any, *, confidence: float = 0.95, method: Method = "t",
                        resamples: int = 10_000, seed: int = 0) -> tuple[float, float, float]:
    """Mean of paired ``differences`` and its interval ``(mean, low, high)``.

    ``method="t"``: the paired t interval (``scipy.stats.ttest_rel``'s, computed on the
    differences), right when the differences are roughly normal, as averages over many test
    examples are. ``method="bootstrap"``: scipy's BCa bootstrap of the mean, which assumes less
    but needs more seeds to be reliable. If every difference is the same, the interval is that one number.
    """
    from scipy import stats

    d = _as_values(differences, "differences")
    confidence = check_float(confidence, "confidence", minimum=0.5, maximum=0.999)
    check_choice(method, "method", ("t", "bootstrap"))
    if len(d) < 2:
        raise ValueError(f"a paired interval needs at least 2 seeds, got {len(d)}")
    mean = float(d.mean())
    if np.ptp(d) == 0:
        return mean, mean, mean
    if method == "t":
        return mean_interval(d, confidence=confidence)
    result = stats.bootstrap((d,), np.mean, confidence_level=confidence, n_resamples=check_int(resamples, "resamples",
                             minimum=100), method="BCa", random_state=np.random.default_rng(seed))
    return mean, float(result.confidence_interval.low), float(result.confidence_interval.high)


@dataclass(frozen=True)
class Runs:
    """One recipe run over several seeds: every metric's value per seed, in the order of ``seeds``.

    ``details`` keeps whatever else each run returned that is not a number (a history, a model's
    predictions), keyed by seed.
    """

    name: str
    seeds: tuple[int, ...]
    values: Mapping[str, np.ndarray]
    details: Mapping[int, Mapping[str, Any]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError(f"{self.name}: a recipe must return at least one number")
        for metric, vals in self.values.items():
            if len(vals) != len(self.seeds):
                raise ValueError(f"{self.name}: metric {metric!r} has {len(vals)} values for {len(self.seeds)} seeds")

    def __getitem__(self, metric: str) -> np.ndarray:
        if metric not in self.values:
            raise KeyError(f"{self.name} has no metric {metric!r}; it has {sorted(self.values)}")
        return self.values[metric]

    def mean(self, metric: str) -> float:
        return float(np.mean(self[metric]))

    def std(self, metric: str) -> float:
        """Standard deviation between seeds (``ddof=1``): the spread one more run would show."""
        return float(np.std(self[metric], ddof=1)) if len(self.seeds) > 1 else 0.0

    def interval(self, metric: str, *, confidence: float = 0.95) -> tuple[float, float, float]:
        """The mean over seeds and its t interval."""
        return mean_interval(self[metric], confidence=confidence)

    def summary(self, metric: str) -> str:
        mean, low, high = self.interval(metric)
        return (f"{self.name}: {metric} {mean:.3f} (95% CI {low:.3f} to {high:.3f}; "
                f"std {self.std(metric):.3f} over {len(self.seeds)} seeds)")

    def __str__(self) -> str:
        return "\n".join(self.summary(m) for m in self.values)


def run(recipe: Callable[[int], Mapping[str, Any]], seeds: Sequence[int], *, name: str) -> Runs:
    """Run ``recipe(seed)`` for every seed; keep every number it returns, per seed.

    ``recipe`` trains and measures one model from its seed and returns a mapping such as
    ``{"val_accuracy": 0.91, "val_loss": 0.30}``; values that are not numbers (a history, say)
    are kept in :attr:`Runs.details`.
    """
    if not callable(recipe):
        raise TypeError(f"recipe must be a function of the seed, got {type(recipe).__name__}")
    if isinstance(seeds, (int, np.integer)) or not isinstance(seeds, Sequence) or not seeds:
        raise TypeError("seeds must be a non-empty list of integers, e.g. range(5)")
    seeds = tuple(check_int(s, "seed", minimum=0) for s in seeds)
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must not repeat, got {list(seeds)}")
    if not isinstance(name, str) or not name:
        raise ValueError("name must be a non-empty string")
    numbers: dict[str, list[float]] = {}
    details: dict[int, dict[str, Any]] = {}
    for k, seed in enumerate(seeds):
        result = recipe(seed)
        if not isinstance(result, Mapping):
            raise TypeError(f"recipe({seed}) must return a mapping of metric -> value, got {type(result).__name__}")
        found = {}
        for key, value in result.items():
            if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
                found[key] = float(value)
            else:
                details.setdefault(seed, {})[key] = value
        if k == 0:
            numbers = {key: [] for key in found}
        if set(found) != set(numbers):
            raise ValueError(f"recipe({seed}) returned metrics {sorted(found)}, the first seed {sorted(numbers)}")
        for key, value in found.items():
            numbers[key].append(value)
    return Runs(name, seeds, {k: np.asarray(v) for k, v in numbers.items()}, details)


@dataclass(frozen=True)
class Comparison:
    """A − B, paired by seed: the mean difference, its interval and what it shows."""

    a: str
    b: str
    metric: str
    seeds: tuple[int, ...]
    differences: np.ndarray
    mean: float
    low: float
    high: float
    confidence: float
    method: str
    higher_is_better: bool

    @property
    def verdict(self) -> Verdict:
        """``"better"`` or ``"worse"`` (A against B) when the interval excludes zero, else ``"indistinguishable"``."""
        if self.low > 0:
            return "better" if self.higher_is_better else "worse"
        if self.high < 0:
            return "worse" if self.higher_is_better else "better"
        return "indistinguishable"

    @property
    def winner(self) -> str | None:
        """The name of the better recipe, or None when the two are indistinguishable."""
        return {"better": self.a, "worse": self.b}.get(self.verdict)

    @property
    def n(self) -> int:
        return len(self.seeds)

    def sentence(self, digits: int = 3) -> str:
        """The comparison as the text reports it."""
        f = f"{{:+.{digits}f}}"
        head = (f"{self.a} − {self.b}, {self.metric}: {f.format(self.mean)} "
                f"({self.confidence:.0%} CI {f.format(self.low)} to {f.format(self.high)}; "
                f"paired {'t' if self.method == 't' else 'bootstrap'}, {self.n} seeds)")
        if self.verdict == "indistinguishable":
            return f"{head}: indistinguishable at this budget"
        return f"{head}: {self.winner} is better"

    def __str__(self) -> str:
        return self.sentence()


def compare(a: Runs, b: Runs, metric: str, *, higher_is_better: bool | None = None, confidence: float = 0.95,
            method: Method = "t") -> Comparison:
    """Compare recipe ``a`` with recipe ``b`` on ``metric``, paired by seed.

    Both must have run on the same seeds. ``higher_is_better`` defaults to false for metrics
    whose name contains "loss" or "error" and true otherwise.
    """
    if not isinstance(a, Runs) or not isinstance(b, Runs):
        raise TypeError("compare takes two Runs (from helpers.experiments.run)")
    if a.seeds != b.seeds:
        raise ValueError(f"a paired comparison needs the same seeds in the same order: {a.name} has {list(a.seeds)}, "
                         f"{b.name} has {list(b.seeds)}")
    if higher_is_better is None:
        higher_is_better = not any(word in metric for word in ("loss", "error"))
    differences = a[metric] - b[metric]
    mean, low, high = difference_interval(differences, confidence=confidence, method=method)
    return Comparison(a.name, b.name, metric, a.seeds, differences, mean, low, high, confidence, method,
                      bool(higher_is_better))


@dataclass(frozen=True)
class McNemar:
    """McNemar's exact test of two classifiers on the same examples."""

    only_a: int   # examples A gets right and B wrong
    only_b: int   # examples B gets right and A wrong
    p_value: float

    def __str__(self) -> str:
        return (f"right only by A: {self.only_a}, right only by B: {self.only_b}; "
                f"McNemar's exact p = {self.p_value:.3g}")


def mcnemar(correct_a: Any, correct_b: Any) -> McNemar:
    """McNemar's exact test: do two *fixed* models differ in accuracy on this test set?

    Only the examples on which they disagree count; under the null hypothesis each is equally
    likely to go either way (a binomial test with p = 1/2, scipy's ``binomtest``). It answers a
    question about these two trained models, not about their recipes: for that, compare over seeds.
    """
    from scipy import stats

    a = np.asarray(correct_a)
    b = np.asarray(correct_b)
    if a.dtype != bool or b.dtype != bool:
        raise TypeError("correct_a and correct_b must be boolean arrays (prediction == label)")
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"correct_a and correct_b must be 1-D and of the same length, got {a.shape} and {b.shape}")
    only_a, only_b = int((a & ~b).sum()), int((~a & b).sum())
    p = 1.0 if only_a + only_b == 0 else float(stats.binomtest(only_a, only_a + only_b, 0.5).pvalue)
    return McNemar(only_a, only_b, p)


def measure(model: Any, train: tuple[Any, Any], val: tuple[Any, Any], *, batch_size: int = 1024) -> dict[str, float]:
    """Loss and accuracy of a trained Keras model on its training and validation data.

    Both are measured after training with ``model.evaluate`` (dropout off), so they compare like
    with like; the per-epoch figures in ``History`` are averaged while the weights were still moving.
    """
    out = {}
    for part, (x, y) in (("train", train), ("val", val)):
        loss, accuracy = model.evaluate(x, y, batch_size=batch_size, verbose=0)[:2]
        out[f"{part}_loss"], out[f"{part}_accuracy"] = float(loss), float(accuracy)
    return out


def plot_runs(runs: Sequence[Runs], metric: str, *, ax: plt.Axes | None = None, title: str | None = None,
              ylabel: str | None = None) -> plt.Figure:
    """Every seed's result for each recipe (grey lines join a seed across recipes), each mean with its 95% interval."""
    if not runs or not all(isinstance(r, Runs) for r in runs):
        raise TypeError("runs must be a non-empty list of Runs")
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(4.0, 1.4 * len(runs) + 2), 3.6))
    else:
        fig = ax.figure
    positions = np.arange(len(runs))
    same_seeds = len({r.seeds for r in runs}) == 1
    if same_seeds and len(runs) > 1:
        table = np.stack([r[metric] for r in runs], axis=1)
        for row in table:
            ax.plot(positions, row, color="0.75", lw=0.8, zorder=1)
    for k, r in enumerate(runs):
        vals = r[metric]
        ax.scatter(np.full(len(vals), positions[k]), vals, s=18, color=PALETTE[k % len(PALETTE)], zorder=2,
                   label=None)
        if len(vals) > 1:
            mean, low, high = r.interval(metric)
            ax.errorbar(positions[k] + 0.18, mean, yerr=[[mean - low], [high - mean]], fmt="o", color="black",
                        ms=5, capsize=4, zorder=3)
    ax.set_xticks(positions, [r.name for r in runs])
    ax.set_xlim(-0.5, len(runs) - 0.3)
    ax.set_ylabel(ylabel or metric.replace("_", " "))
    n = len(runs[0].seeds)
    ax.set_title(title or f"{metric.replace('_', ' ')} over {n} seeds (black: mean and 95% interval)")
    fig.tight_layout()
    return fig


def plot_comparisons(comparisons: Sequence[Comparison], *, ax: plt.Axes | None = None,
                     title: str | None = None) -> plt.Figure:
    """Each paired difference with its interval, the per-seed differences, and the zero line that decides."""
    if not comparisons or not all(isinstance(c, Comparison) for c in comparisons):
        raise TypeError("comparisons must be a non-empty list of Comparison")
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.0, 0.6 * len(comparisons) + 1.6))
    else:
        fig = ax.figure
    colors = {"better": PALETTE[2], "worse": PALETTE[1], "indistinguishable": "0.35"}
    for k, c in enumerate(comparisons):
        y = len(comparisons) - 1 - k
        ax.scatter(c.differences, np.full(c.n, y + 0.15), s=12, color="0.6", zorder=1)
        ax.errorbar(c.mean, y, xerr=[[c.mean - c.low], [c.high - c.mean]], fmt="o", color=colors[c.verdict],
                    capsize=4, zorder=2)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(comparisons)), [f"{c.a} − {c.b}" for c in reversed(comparisons)])
    ax.set_xlabel(f"difference in {comparisons[0].metric.replace('_', ' ')} (grey: per seed)")
    ax.set_title(title or "Paired differences with 95% intervals: an interval that crosses 0 decides nothing")
    fig.tight_layout()
    return fig


def glue(name: str, value: Any) -> None:
    """Hand ``value`` to the page's text under ``name`` (myst-nb's ``glue``, not displayed here).

    In the book's markdown, ``{glue:text}`name:.3f``` then shows it. Outside a Jupyter Book build
    (Colab, your own Jupyter without myst-nb) it does nothing: the number is printed by the cell anyway.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"glue names must be identifiers, got {name!r}")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return
    if isinstance(value, np.generic):   # np.float64(0.93) would reach the page as its repr, which
        value = value.item()             # the {glue:text} format spec (":.3f") cannot format
    myst_glue(name, value, display=False)


def glue_comparison(prefix: str, comparison: Comparison) -> None:
    """Glue ``prefix_mean``, ``prefix_low``, ``prefix_high`` (numbers), ``prefix_n`` and ``prefix_verdict`` (text)."""
    if not isinstance(comparison, Comparison):
        raise TypeError(f"comparison must be a Comparison, got {type(comparison).__name__}")
    glue(f"{prefix}_mean", comparison.mean)
    glue(f"{prefix}_low", comparison.low)
    glue(f"{prefix}_high", comparison.high)
    glue(f"{prefix}_n", comparison.n)
    verdict = ("indistinguishable at this budget" if comparison.verdict == "indistinguishable"
               else f"{comparison.winner} is better")
    glue(f"{prefix}_verdict", verdict)


def scores(model: Any, x: Any, y: Any, batch_size: int = 1024) -> tuple[float, float]:
    """``(cross-entropy, accuracy)`` of a softmax classifier ``model`` on ``(x, y)``, from its outputs.

    Unlike ``model.evaluate``, the loss is the plain cross-entropy: an L2 penalty is left out, so
    runs with and without one are measured alike. The model is called directly,
    ``model(batch, training=False)`` (dropout off), on batches of ``batch_size``: Keras's advice for
    inputs of a few batches. ``model.predict`` would give the same numbers, but it traces a new
    TensorFlow function for every new model, and a sweep that trains many models makes
    TensorFlow warn about that retracing.
    """
    import keras

    y = as_array(y, "y", ndim=1, dtype=None).astype(int)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    x = np.asarray(x)
    if x.ndim == 0 or len(x) == 0:
        raise ValueError(f"x must hold at least one example, got shape {x.shape}")
    probs = np.concatenate([keras.ops.convert_to_numpy(model(x[i:i + batch_size], training=False))
                            for i in range(0, len(x), batch_size)]).astype(float)
    if probs.ndim != 2 or len(probs) != len(y):
        raise ValueError(f"the model's predictions have shape {probs.shape}; expected ({len(y)}, classes)")
    picked = np.clip(probs[np.arange(len(y)), y], 1e-12, 1.0)
    return float(-np.mean(np.log(picked))), float(np.mean(probs.argmax(axis=1) == y))
