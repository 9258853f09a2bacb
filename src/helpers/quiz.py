"""Self-check quizzes that work in Jupyter, Colab, GitHub and the static HTML book.

A quiz is written once, as data, in ``quizzes/<slug>.yml``::

    - q: "Which space does gradient descent search?"
      options:
        - ["The space of input images", false, "No: the data stay fixed during training."]
        - ["The space of the model's parameters", true, "Yes: each step changes the weights."]
    - q: "How many parameters has Dense(10) on 512 inputs?"
      answer: "5,130"
      why: "512 × 10 weights plus 10 biases."

:func:`to_markdown` turns it into plain Markdown with HTML ``<details>`` elements: every
option can be clicked open to reveal whether it is right and why, with no kernel and no
JavaScript, so the same cell works on every platform. ``tools/sync_notebooks.py`` writes
that cell into the chapter (tagged ``quiz``), just before "Further reading".
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Option", "Question", "load", "to_markdown"]


@dataclass(frozen=True)
class Option:
    """One choice of a multiple-choice question, with its feedback."""

    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    """A multiple-choice question (``options``) or an open/numeric one (``answer``)."""

    prompt: str
    options: tuple[Option, ...] = field(default_factory=tuple)
    answer: str = ""
    why: str = ""

    def __post_init__(self) -> None:
        if not self.prompt.strip():
            raise ValueError("a question needs a prompt")
        if self.options and self.answer:
            raise ValueError(f"question {self.prompt!r}: give options or an answer, not both")
        if not self.options and not self.answer:
            raise ValueError(f"question {self.prompt!r}: needs options or an answer")
        if self.options:
            if len(self.options) < 2:
                raise ValueError(f"question {self.prompt!r}: needs at least two options")
            if sum(o.correct for o in self.options) != 1:
                raise ValueError(f"question {self.prompt!r}: exactly one option must be correct")
            if any(not o.feedback.strip() for o in self.options):
                raise ValueError(f"question {self.prompt!r}: every option needs feedback")


def _question(item: Any, where: str) -> Question:
    if not isinstance(item, dict) or "q" not in item:
        raise ValueError(f"{where}: each question is a mapping with a 'q' key")
    options = []
    for k, opt in enumerate(item.get("options", []) or []):
        if not (isinstance(opt, (list, tuple)) and len(opt) == 3 and isinstance(opt[1], bool)):
            raise ValueError(f"{where}, option {k + 1}: expected [text, true/false, feedback]")
        options.append(Option(str(opt[0]), bool(opt[1]), str(opt[2])))
    return Question(str(item["q"]), tuple(options), str(item.get("answer", "")), str(item.get("why", "")))


def load(path: str | Path) -> list[Question]:
    """Read a quiz file (YAML list of questions), validating every question."""
    import yaml

    path = Path(path)
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(items, list) or not items:
        raise ValueError(f"{path}: a quiz is a non-empty list of questions")
    return [_question(item, f"{path.name}, question {i + 1}") for i, item in enumerate(items)]


def to_markdown(questions: list[Question], *, title: str = "## Self-check quiz") -> str:
    """Render questions as Markdown + ``<details>``: click an option to see if it is right."""
    if not questions:
        raise ValueError("a quiz needs at least one question")
    lines = [title, "", "Answer each question in your head first, then click an option to check it.", ""]
    for n, q in enumerate(questions, 1):
        lines.append(f"**{n}. {q.prompt}**")
        lines.append("")
        if q.options:
            for letter, opt in zip("ABCDEFGH", q.options):
                verdict = "✅ Right." if opt.correct else "❌ Not quite."
                lines.append(f"<details><summary>{letter}. {html.escape(opt.text)}</summary>")
                lines.append(f"<p>{verdict} {html.escape(opt.feedback)}</p></details>")
        else:
            lines.append("<details><summary>Show the answer</summary>")
            why = f" {html.escape(q.why)}" if q.why else ""
            lines.append(f"<p><b>{html.escape(q.answer)}</b>.{why}</p></details>")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
