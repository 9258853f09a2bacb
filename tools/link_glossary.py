"""Link each glossary term where it first appears in the book.

    python tools/link_glossary.py          # add the missing links (markdown cells only)
    python tools/link_glossary.py --check  # list terms whose first appearance is not linked

The terms are those of the ``{glossary}`` block in ``glossary.md``. Chapters are read in
table-of-contents order; in the first chapter whose prose mentions a term (whole word,
case-insensitive, plural allowed), its first plain-text mention becomes
``{term}`text <term>``` unless the chapter already links the term. Code, maths, links,
roles, headings and HTML are never touched. Run by ``make sync``; a test runs ``--check``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
MASK = re.compile(r"\{[a-z:]+\}`[^`]*`|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\[[^\]]*\]\([^)]*\)|<[^>]+>|https?://\S+")


def glossary_terms() -> list[str]:
    text = (ROOT / "glossary.md").read_text(encoding="utf-8")
    block = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith((" ", "\t"))]


def chapters() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for p in toc.get("parts", []) for c in p.get("chapters", [])]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def prose_lines(source: str):
    """Yield (index, line) of lines that are plain prose (not code, headings or options)."""
    fence = None
    for i, line in enumerate(source.split("\n")):
        stripped = line.strip()
        if stripped.startswith("```"):
            if fence is None:
                fence = "directive" if stripped.startswith("```{") else "code"
            else:
                fence = None if stripped == "```" else fence
            continue
        if fence == "code" or stripped.startswith(("#", ":", "|", "<")) or not stripped:
            continue
        yield i, line


def pattern(term: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])(" + re.escape(term) + r"(?:s|es)?)(?![\w-])", re.I)


def find(source: str, term: str) -> tuple[int, re.Match] | None:
    pat = pattern(term)
    for i, line in prose_lines(source):
        masked = MASK.sub(lambda m: "\0" * len(m.group(0)), line)
        m = pat.search(masked)
        if m:
            return i, m
    return None


def linked(source: str, term: str) -> bool:
    return bool(re.search(r"\{term\}`(?:[^`<]*<\s*" + re.escape(term) + r"\s*>|\s*" + re.escape(term) + r"\s*)`",
                          source, re.I))


def first_chapter(term: str, books: dict[Path, nbformat.NotebookNode]) -> tuple[Path, int, int, re.Match | None] | None:
    for path, nb in books.items():
        if any(linked(c.source, term) for c in nb.cells if c.cell_type == "markdown"):
            return path, -1, -1, None  # already linked in this chapter: its first appearance
        for k, cell in enumerate(nb.cells):
            if cell.cell_type != "markdown" or "quiz" in cell.metadata.get("tags", []):
                continue
            hit = find(cell.source, term)
            if hit:
                return path, k, hit[0], hit[1]
    return None


def run(check: bool) -> list[str]:
    books = {p: nbformat.read(p, as_version=4) for p in chapters()}
    problems, changed = [], set()
    for term in glossary_terms():
        where = first_chapter(term, books)
        if where is None:
            continue
        path, k, line_no, match = where
        nb = books[path]
        if match is None:
            continue
        if check:
            problems.append(f"{term!r} first appears in {path.name} but is not linked there")
            continue
        lines = nb.cells[k].source.split("\n")
        line = lines[line_no]
        text = line[match.start(1):match.end(1)]
        role = f"{{term}}`{text}`" if text == term else f"{{term}}`{text} <{term}>`"
        lines[line_no] = line[:match.start(1)] + role + line[match.end(1):]
        nb.cells[k].source = "\n".join(lines)
        changed.add(path)
    for path in changed:
        nbformat.write(books[path], path)
        print(f"linked glossary terms in {path.relative_to(ROOT)}")
    return problems


if __name__ == "__main__":
    problems = run(check="--check" in sys.argv)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)
