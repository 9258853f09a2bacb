"""Chapter 8, "Summary and future trends".

Data and figures for the book's closing chapter:

- :data:`CHAPTERS`: the book's map, one entry per chapter file with the section of
  the source article it follows and its one-line idea; :func:`chapter_map_figure`
  draws it, and :func:`toc_files` reads ``_toc.yml`` so the chapter can assert the
  map is complete.
- :data:`MILESTONES`: published models with their year and parameter count, each
  with the BibTeX key of its source; :func:`scale_figure` plots them and
  :func:`doubling_time` / :func:`fit_doubling_time` turn growth into a doubling time.
- :func:`scale_explorer`: the interactive version of :func:`scale_figure`.
- :data:`LLM_FACTS`: dated, sourced numbers on large language models since 2020 (tokens,
  parameters, active parameters of mixture-of-experts models, training costs), for the
  chapter's 2020–2026 section; :func:`llm_table` prints them with the ratios the text uses.

Nothing here reads a file: the chapter runs from a download that holds only the notebook and
this package (the tests check the tables against ``_toc.yml`` and ``references.bib``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch

from . import widgets
from .exercises import Feedback, check_scalar
from .plotting import PALETTE
from .validation import check_float, check_int

__all__ = [
    "ChapterEntry",
    "CHAPTERS",
    "PARTS",
    "toc_files",
    "chapter_map_figure",
    "Milestone",
    "MILESTONES",
    "milestone_table",
    "LLMFact",
    "LLM_FACTS",
    "TRAINING_COSTS",
    "llm_table",
    "llm_figure",
    "doubling_time",
    "fit_doubling_time",
    "scale_figure",
    "scale_explorer",
    "bib_keys",
    "check_doubling_time",
    "check_tokens_per_param",
]


@dataclass(frozen=True)
class ChapterEntry:
    """One chapter: its file (as in ``_toc.yml``), part number, title and one-line idea."""

    file: str
    part: int
    title: str
    idea: str


#: The nine parts, in the source article's order: (English title, the article's heading).
PARTS: dict[int, tuple[str, str]] = {
    1: ("Background", "背景介绍"),
    2: ("Core concepts", "核心概念与联系"),
    3: ("The core algorithm", "核心算法原理"),
    4: ("The mathematics", "数学模型和公式"),
    5: ("Project: handwritten digits", "项目实践"),
    6: ("Applications", "实际应用场景"),
    7: ("Tools and resources", "工具和资源推荐"),
    8: ("Summary and future trends", "总结：未来发展趋势与挑战"),
    9: ("FAQ", "附录：常见问题与解答"),
}

CHAPTERS: tuple[ChapterEntry, ...] = (
    ChapterEntry("chapters/01_background", 1, "Background", "what deep learning is, and why it took off when it did"),
    ChapterEntry("chapters/02_core_concepts", 2, "Core concepts", "neurons, layers, and features built from features"),
    ChapterEntry("chapters/03_core_algorithm", 3, "Gradient descent and backpropagation",
                 "how a network's weights are learned, derived and checked numerically"),
    ChapterEntry("chapters/04_activations", 4, "Activation functions", "the non-linearity that makes depth useful"),
    ChapterEntry("chapters/04_losses", 4, "Loss functions", "what 'wrong' means, in a number"),
    ChapterEntry("chapters/04_optimizers", 4, "Optimizers", "how to step downhill: SGD, momentum, RMSprop, Adam"),
    ChapterEntry("chapters/05_mnist_keras", 5, "Handwritten digits with Keras",
                 "the article's program, run and explained line by line"),
    ChapterEntry("chapters/06_applications", 6, "Applications", "images (CNNs), text (embeddings), sound (spectrograms)"),
    ChapterEntry("chapters/07_frameworks", 7, "Tools and resources", "four Keras APIs, pretrained models, transfer learning"),
    ChapterEntry("chapters/08_summary", 8, "Summary and future trends",
                 "this map; scale, data, compute, security; where research is heading"),
    ChapterEntry("chapters/09_learning_curves", 9, "FAQ 1: learning curves", "reading training and validation curves"),
    ChapterEntry("chapters/09_choosing_models", 9, "FAQ 2: choosing a model", "matching the model to the data"),
    ChapterEntry("chapters/09_improving_performance", 9, "FAQ 3: improving performance",
                 "what actually moves the test score"),
    ChapterEntry("chapters/09_security", 9, "FAQ 4: security", "adversarial examples, poisoning, privacy"),
    ChapterEntry("chapters/09_overfitting", 9, "FAQ 5: overfitting", "regularization, dropout, early stopping"),
    ChapterEntry("chapters/09_underfitting", 9, "FAQ 6: underfitting", "capacity, training time, features"),
    ChapterEntry("chapters/09_data_needs", 9, "FAQ 7: data needs", "how accuracy grows with data, and what to do with little"),
    ChapterEntry("chapters/09_compute_needs", 9, "FAQ 8: compute needs", "what training costs, and how to spend less"),
)


def toc_files(toc_path: str | Path) -> list[str]:
    """The chapter files listed in a Jupyter Book ``_toc.yml`` (root and parts)."""
    import yaml

    path = Path(toc_path)
    if not path.is_file():
        raise FileNotFoundError(f"toc_path {str(path)!r} is not a file")
    toc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    files = [entry["file"] for part in toc.get("parts", []) for entry in part.get("chapters", [])]
    return [f for f in files if f.startswith("chapters/")]


def chapter_map_figure(chapters: Sequence[ChapterEntry] = CHAPTERS, *,
                       title: str = "The book on one page: the source article's nine sections") -> plt.Figure:
    """Nine boxes, one per part (3×3, in reading order), each listing its chapters' ideas."""
    if not chapters or not all(isinstance(c, ChapterEntry) for c in chapters):
        raise TypeError("chapters must be a non-empty sequence of ChapterEntry")
    fig, ax = plt.subplots(figsize=(12, 7))   # boxes wider than tall: most parts hold one short idea
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 3)
    ax.set_axis_off()
    for part, (name, _chinese) in PARTS.items():  # CJK fonts are not assumed: English only
        row, col = divmod(part - 1, 3)
        x0, y0 = col + 0.04, 2 - row + 0.04
        color = PALETTE[(part - 1) % len(PALETTE)] if part != 8 else PALETTE[0]   # PALETTE[7] is grey
        ax.add_patch(FancyBboxPatch((x0, y0), 0.92, 0.92, boxstyle="round,pad=0.0,rounding_size=0.04",
                                    facecolor=color, alpha=0.15, edgecolor=color, lw=1.5))
        ax.text(x0 + 0.04, y0 + 0.86, f"Part {part} · {name}", fontsize=12, weight="bold", va="top")
        lines = []
        for c in (c for c in chapters if c.part == part):
            text = c.title if part == 9 else (f"{c.title}: {c.idea}" if part == 4 else c.idea)
            lines.append("• " + _wrap(text, 34 if part != 9 else 60))
        ax.text(x0 + 0.04, y0 + 0.72, "\n".join(lines), fontsize=10 if part in (4, 9) else 11.5, va="top",
                linespacing=1.2 if part == 9 else 1.35)
        if part < 9:
            nrow, ncol = divmod(part, 3)
            if nrow == row:
                ax.annotate("", xy=(ncol + 0.04, y0 + 0.46), xytext=(x0 + 0.92, y0 + 0.46),
                            arrowprops={"arrowstyle": "->", "color": "gray"})
    ax.set_title(title, fontsize=13)
    fig.tight_layout()
    return fig


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n   ".join(lines)


@dataclass(frozen=True)
class Milestone:
    """A published model: name, publication year, parameter count, domain, source (BibTeX key)."""

    name: str
    year: int
    params: float
    domain: str
    source: str


#: Parameter counts as reported in each model's paper (ResNet-50's is Keras's count, Chapter 7).
MILESTONES: tuple[Milestone, ...] = (
    Milestone("LeNet-5", 1998, 6.0e4, "vision", "lecun1998gradient"),
    Milestone("AlexNet", 2012, 6.0e7, "vision", "krizhevsky2012imagenet"),
    Milestone("VGG-16", 2015, 1.38e8, "vision", "simonyan2015very"),
    Milestone("ResNet-50", 2016, 2.56e7, "vision", "he2016deep"),
    Milestone("Transformer (big)", 2017, 2.13e8, "language", "vaswani2017attention"),
    Milestone("BERT-large", 2019, 3.4e8, "language", "devlin2019bert"),
    Milestone("GPT-2", 2019, 1.5e9, "language", "radford2019language"),
    Milestone("GPT-3", 2020, 1.75e11, "language", "brown2020language"),
    Milestone("Chinchilla", 2022, 7.0e10, "language", "hoffmann2022training"),
)


def milestone_table(milestones: Sequence[Milestone] = MILESTONES) -> str:
    """The milestones as aligned text lines (name, year, parameters, domain, source)."""
    if isinstance(milestones, (str, bytes)) or not milestones or not all(isinstance(m, Milestone) for m in milestones):
        raise TypeError("milestones must be a non-empty sequence of Milestone")
    rows = [f"{'model':18s} {'year':>4s} {'parameters':>16s}  {'domain':8s} source"]
    for m in milestones:
        rows.append(f"{m.name:18s} {m.year:4d} {m.params:16,.0f}  {m.domain:8s} {m.source}")
    return "\n".join(rows)


@dataclass(frozen=True)
class LLMFact:
    """A large language model as its developers reported it (``None``: not published).

    ``active`` is the number of parameters used for each token: the same as ``params`` for a
    dense model, a fraction of it for a mixture-of-experts model.
    """

    name: str
    year: int
    params: float | None
    active: float | None
    tokens: float | None
    source: str

    @property
    def tokens_per_param(self) -> float | None:
        """Training tokens per (active) parameter; Chinchilla's compute-optimal rule is about 20."""
        if self.tokens is None or self.active is None:
            return None
        return self.tokens / self.active


#: Dated numbers from each model's own paper or report.
LLM_FACTS: tuple[LLMFact, ...] = (
    LLMFact("GPT-3", 2020, 175e9, 175e9, 300e9, "brown2020language"),
    LLMFact("Chinchilla", 2022, 70e9, 70e9, 1.4e12, "hoffmann2022training"),
    LLMFact("PaLM", 2022, 540e9, 540e9, 780e9, "chowdhery2023palm"),
    LLMFact("LLaMA 65B", 2023, 65e9, 65e9, 1.4e12, "touvron2023llama"),
    LLMFact("GPT-4", 2023, None, None, None, "openai2023gpt4"),
    LLMFact("Mixtral 8x7B", 2024, 47e9, 13e9, None, "jiang2024mixtral"),
    LLMFact("Llama 3 405B", 2024, 405e9, 405e9, 15.6e12, "grattafiori2024llama"),
    LLMFact("DeepSeek-V3", 2024, 671e9, 37e9, 14.8e12, "deepseek2024deepseek"),
)

#: Estimated training costs in US dollars, with their sources: the AI Index 2024's estimates of the
#: compute cost, and DeepSeek's own figure for V3's final run (2.788 million H800 GPU hours at an
#: assumed $2 per GPU hour; it excludes research and earlier runs).
TRAINING_COSTS: dict[str, tuple[float, str]] = {
    "GPT-4": (78e6, "maslej2024artificial"),
    "Gemini Ultra": (191e6, "maslej2024artificial"),
    "DeepSeek-V3 (final run)": (5.576e6, "deepseek2024deepseek"),
}


def llm_table(facts: Sequence[LLMFact] = LLM_FACTS) -> str:
    """The facts as aligned text: parameters, active parameters, tokens and tokens per active parameter."""
    if not facts or not all(isinstance(f, LLMFact) for f in facts):
        raise TypeError("facts must be a non-empty sequence of LLMFact")

    def fmt(v: float | None, unit: float, suffix: str, digits: int) -> str:
        return "not published" if v is None else f"{v / unit:,.{digits}f}{suffix}"

    rows = [f"{'model':14s} {'year':>4s} {'parameters':>14s} {'active/token':>14s} {'tokens':>14s} {'tokens/active':>13s}"]
    for f in facts:
        ratio = f.tokens_per_param
        rows.append(f"{f.name:14s} {f.year:4d} {fmt(f.params, 1e9, ' B', 0):>14s} {fmt(f.active, 1e9, ' B', 0):>14s} "
                    f"{fmt(f.tokens, 1e12, ' T', 2):>14s} {'-' if ratio is None else f'{ratio:.1f}':>13s}")
    return "\n".join(rows)


def llm_figure(facts: Sequence[LLMFact] = LLM_FACTS,
               costs: Mapping[str, tuple[float, str]] = TRAINING_COSTS) -> plt.Figure:
    """Two panels from the cited tables: training tokens per parameter, and estimated training costs.

    Tokens are counted per *total* parameter, the quantity Chinchilla's rule of about 20 is stated in
    (a mixture-of-experts model is marked: per active parameter its ratio is far higher).
    """
    if isinstance(facts, (str, bytes)) or not facts or not all(isinstance(f, LLMFact) for f in facts):
        raise TypeError("facts must be a non-empty sequence of LLMFact")
    if not isinstance(costs, Mapping) or not costs:
        raise TypeError("costs must be a non-empty mapping of model -> (US dollars, source)")
    shown = [f for f in facts if f.tokens is not None and f.params is not None]
    if not shown:
        raise ValueError("no model in facts has both its tokens and its parameters published")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1.3, 1]})
    names = [f"{f.name} ({f.year})" + (", MoE" if f.active is not None and f.active < f.params else "")
             for f in shown]
    ratios = [f.tokens / f.params for f in shown]
    left.barh(names, ratios, color=PALETTE[1])
    for y, value in enumerate(ratios):
        left.annotate(f"{value:.1f}", (value, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    left.axvline(20, color="gray", ls="--", label="Chinchilla's compute-optimal ~20")
    left.set_xscale("log")
    left.set_xlim(min(ratios) / 2, max(ratios) * 4)
    left.set_xlabel("training tokens per parameter (log scale)")
    left.invert_yaxis()
    left.legend(loc="upper right", fontsize=8)
    left.set_title("How much data per parameter")
    labels, dollars = list(costs), [costs[k][0] for k in costs]
    right.barh(labels, dollars, color=PALETTE[2])
    right.set_xscale("log")
    right.set_xlabel("estimated training cost, US dollars (log scale)")
    right.invert_yaxis()
    right.set_title("What a training run costs (estimates)")
    for y, value in enumerate(dollars):
        right.annotate(f"${value / 1e6:,.1f}M", (value, y), xytext=(4, 0), textcoords="offset points",
                       va="center", fontsize=8)
    right.set_xlim(min(dollars) / 2, max(dollars) * 6)
    fig.tight_layout()
    return fig


def doubling_time(factor: float, years: float) -> float:
    """Years per doubling for growth by ``factor`` over ``years``: ``years · ln 2 / ln factor``."""
    factor = check_float(factor, "factor", minimum=1.0, strict_minimum=True)
    years = check_float(years, "years", minimum=0.0, strict_minimum=True)
    return years * math.log(2) / math.log(factor)


def fit_doubling_time(milestones: Sequence[Milestone] = MILESTONES) -> float:
    """Least-squares line through ``(year, log2 params)``; returns years per doubling (1 / slope)."""
    if len(milestones) < 2:
        raise ValueError("fit_doubling_time needs at least two milestones")
    years = np.array([m.year for m in milestones], dtype=float)
    if np.ptp(years) == 0:
        raise ValueError("milestones must span more than one year")
    slope, _ = np.polyfit(years, np.log2([m.params for m in milestones]), 1)
    if slope <= 0:
        raise ValueError("parameter counts do not grow over these milestones")
    return float(1.0 / slope)


def scale_figure(milestones: Sequence[Milestone] = MILESTONES, *, log: bool = True, start_year: int = 1995,
                 title: str | None = None) -> plt.Figure:
    """Parameter counts of published models against their year, with a fitted trend on log axes."""
    start_year = check_int(start_year, "start_year", minimum=1950, maximum=2030)
    shown = [m for m in milestones if m.year >= start_year]
    if not shown:
        raise ValueError(f"no milestones from {start_year} on")
    fig, ax = plt.subplots(figsize=(8, 4.6))
    colors = {"vision": PALETTE[0], "language": PALETTE[1]}
    for domain, color in colors.items():
        pts = [m for m in shown if m.domain == domain]
        ax.scatter([m.year for m in pts], [m.params for m in pts], color=color, s=40, label=domain, zorder=3)
    for m in shown:   # the Transformer's label goes left of its point, clear of BERT-large's
        dy = -11 if m.name == "Transformer (big)" else 4
        ax.annotate(m.name, (m.year, m.params), fontsize=8, xytext=(4, dy), textcoords="offset points")
    if log:
        ax.set_yscale("log")
        if len(shown) >= 2 and np.ptp([m.year for m in shown]) > 0:
            years = np.array([m.year for m in shown], dtype=float)
            slope, intercept = np.polyfit(years, np.log2([m.params for m in shown]), 1)
            grid = np.linspace(years.min(), years.max(), 50)
            ax.plot(grid, 2 ** (slope * grid + intercept), ls="--", color="gray",
                    label=f"trend: doubling every {1 / slope:.1f} years")
    ax.set_xlabel("year of publication")
    ax.set_ylabel("parameters" + (" (log scale)" if log else ""))
    ax.set_title(title or f"Published model sizes since {start_year}")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def _trend(shown: Sequence[Milestone]) -> tuple[float, float] | None:
    years = np.array([m.year for m in shown], dtype=float)
    if len(shown) < 2 or np.ptp(years) == 0:
        return None
    slope, intercept = np.polyfit(years, np.log2([m.params for m in shown]), 1)
    return float(slope), float(intercept)


def scale_explorer(milestones: Sequence[Milestone] = MILESTONES) -> widgets.Explorer:
    """Move the start year: the models from that year on, and the doubling time fitted to them."""
    import pandas as pd

    years = sorted({m.year for m in milestones})
    starts = [y for y in years if len([m for m in milestones if m.year >= y]) >= 3]
    if len(starts) < 2:
        raise ValueError("scale_explorer needs milestones spanning at least four years")

    def compute(start_year: int) -> Any:
        shown = [m for m in milestones if m.year >= start_year]
        slope, intercept = _trend(shown)
        return pd.DataFrame({"model": [m.name for m in shown], "year": [m.year for m in shown],
                             "log10_params": [math.log10(m.params) for m in shown],
                             "trend": [(slope * m.year + intercept) * math.log10(2) for m in shown],
                             "doubling_years": [1 / slope] * len(shown)})

    def render(frame: Any, start_year: int) -> plt.Figure:
        return scale_figure(milestones, start_year=start_year,
                            title=f"Published model sizes since {start_year}: doubling every "
                                  f"{frame['doubling_years'].iloc[0]:.1f} years")

    def chart(base: Any) -> Any:
        import altair as alt

        points = base.mark_point(filled=True, size=60, color=PALETTE[1]).encode(
            x=alt.X("year:Q", scale=alt.Scale(domain=[1995, 2025]), axis=alt.Axis(format="d")),
            y=alt.Y("log10_params:Q", title="log10(parameters)", scale=alt.Scale(domain=[4, 12])),
            tooltip=["model:N", "year:Q", "doubling_years:Q"])
        line = base.mark_line(strokeDash=[4, 4], color="gray").encode(x="year:Q", y="trend:Q")
        return line + points

    return widgets.Explorer(controls={"start_year": widgets.Steps(starts[:-1] if len(starts) > 2 else starts,
                                                                  starts[0], label="from year")},
                            compute=compute, render=render, chart=chart, title="Model-size explorer",
                            description="Parameter counts of published models against their year, on a log "
                                        "scale, with the fitted trend; the control moves the first year included.")


def bib_keys(bib_path: str | Path) -> set[str]:
    """The entry keys defined in a BibTeX file."""
    path = Path(bib_path)
    if not path.is_file():
        raise FileNotFoundError(f"bib_path {str(path)!r} is not a file")
    return set(re.findall(r"^@\w+\{([^,\s]+),", path.read_text(encoding="utf-8"), flags=re.M))


def check_doubling_time(answer: Any, factor: float, years: float) -> Feedback:
    """Check a doubling time; says so if the answer is the growth per year instead."""
    expected = doubling_time(factor, years)
    hint = ""
    if isinstance(answer, (int, float)) and not isinstance(answer, bool) and answer > 0:
        if math.isclose(answer, math.log2(factor) / years, rel_tol=1e-3):
            hint = "that is doublings per year; the doubling time is its inverse"
    return check_scalar(answer, expected=expected, name="doubling time (years)", rtol=1e-3, hint=hint)



def check_tokens_per_param(answer: Any, tokens: float, params: float) -> Feedback:
    """Check a tokens-per-parameter ratio (within 3%, so rounding to one decimal passes)."""
    tokens = check_float(tokens, "tokens", minimum=0.0, strict_minimum=True)
    params = check_float(params, "params", minimum=0.0, strict_minimum=True)
    expected = tokens / params
    hint = ""
    if isinstance(answer, (int, float)) and not isinstance(answer, bool) and answer > 0:
        ratio = answer / expected
        if math.isclose(answer, params / tokens, rel_tol=0.03):
            hint = "that is parameters per token: divide the tokens by the parameters"
        elif any(math.isclose(ratio, 10.0 ** k, rel_tol=0.03) for k in (-6, -3, 3, 6)):
            hint = (f"off by a factor of {ratio:g}: check the units (a billion is 1e9, a trillion 1e12)")
    return check_scalar(answer, expected=expected, name="tokens per parameter", rtol=0.03, hint=hint)
