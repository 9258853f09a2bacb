"""Generate the per-chapter part of the instructor guide from the chapters themselves.

Each chapter's title cell holds its title, learning objectives and time estimate, and
its exercises are sphinx-exercise directives; this script collects them into the
block between ``<!-- generated:chapters -->`` markers in ``instructor_guide.md``, so
the guide can never disagree with the chapters. Run by ``make sync``; a test checks
that the guide is up to date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "instructor_guide.md"
START, END = "<!-- generated:chapters:start -->", "<!-- generated:chapters:end -->"
EXERCISE = re.compile(r"```\{exercise\}\s*([^\n]*)\n:label:\s*(\S+)")


def chapters() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for p in toc.get("parts", []) for c in p.get("chapters", [])]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def describe(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    head = nb.cells[1].source
    title = head.splitlines()[0].lstrip("# ").strip()
    time = re.search(r"\*\*Time:?\*\*:?\s*([^\n]+)", head)
    objectives = re.search(r"learning objectives\.?\*\*[^\n]*\n+((?:[-*] [^\n]+\n?|[ \t]+\S[^\n]*\n?)+)", head, re.I)
    exercises = [(t.strip(), label) for c in nb.cells if c.cell_type == "markdown"
                 for t, label in EXERCISE.findall(c.source)]
    lines = [f"### [{title}]({path.relative_to(ROOT).as_posix()})", ""]
    lines.append(f"**Time:** {time.group(1).strip() if time else 'see the chapter'}")
    lines.append("")
    if objectives:
        lines.append("**Learning objectives:**")
        lines.append("")
        # a link relative to the chapter (``](09_underfitting.ipynb)``) must point from this page's folder
        folder = path.parent.relative_to(ROOT).as_posix()
        lines += [re.sub(r"\]\((?![a-z]+:|/|#)([^)]+)\)", lambda m: f"]({folder}/{m.group(1)})", ln.rstrip())
                  for ln in objectives.group(1).strip("\n").splitlines()]
        lines.append("")
    if exercises:
        lines.append("**Exercises** (solutions hidden in the book, removed in the student edition):")
        lines.append("")
        lines += [f"- {t or label} (`{label}`)" for t, label in exercises]
        lines.append("")
    return "\n".join(lines)


def generated() -> str:
    return "\n".join(describe(p) for p in chapters()).rstrip() + "\n"


def sync() -> bool:
    text = GUIDE.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n\n{generated()}\n{END}{tail}"
    if new != text:
        GUIDE.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    print("instructor guide updated" if sync() else "instructor guide up to date")
    sys.exit(0)
