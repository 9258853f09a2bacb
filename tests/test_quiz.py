"""helpers.quiz: quiz files are validated and render to click-to-reveal Markdown."""

from pathlib import Path

import pytest

from helpers import quiz

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, text):
    p = tmp_path / "q.yml"
    p.write_text(text, encoding="utf-8")
    return p


def test_every_quiz_file_loads_and_renders():
    files = sorted((ROOT / "quizzes").glob("*.yml"))
    assert files
    for f in files:
        questions = quiz.load(f)
        assert len(questions) >= 3, f"{f.name}: at least three questions"
        md = quiz.to_markdown(questions)
        assert md.count("<details>") == sum(max(1, len(q.options)) for q in questions)


def test_render_multiple_choice_and_open():
    qs = [quiz.Question("2+2?", (quiz.Option("4", True, "yes"), quiz.Option("5", False, "no <b>"))),
          quiz.Question("Name it", answer="ReLU", why="max(0, z)")]
    md = quiz.to_markdown(qs)
    assert "✅ Right. yes" in md and "❌ Not quite. no &lt;b&gt;" in md
    assert "<b>ReLU</b>. max(0, z)" in md and md.startswith("## Self-check quiz")


@pytest.mark.parametrize("text, match", [
    ("- q: x\n  options:\n    - [a, true, ok]\n    - [b, true, ok]\n", "exactly one"),
    ("- q: x\n  options:\n    - [a, true, ok]\n", "at least two"),
    ("- q: x\n", "options or an answer"),
    ("- q: x\n  answer: y\n  options:\n    - [a, true, ok]\n    - [b, false, no]\n", "not both"),
    ("- q: x\n  options:\n    - [a, true, '']\n    - [b, false, no]\n", "feedback"),
    ("- q: x\n  options:\n    - [a, yes]\n    - [b, false, no]\n", "option 1"),
    ("- nothing: here\n", "'q' key"),
    ("[]\n", "non-empty"),
])
def test_bad_quiz_files_are_rejected_clearly(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        quiz.load(write(tmp_path, text))


def test_empty_quiz_cannot_render_bad():
    with pytest.raises(ValueError, match="at least one"):
        quiz.to_markdown([])
