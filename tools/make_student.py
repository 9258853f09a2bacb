"""Make the student edition: every notebook without its solutions.

    python tools/make_student.py [--out student]

For each notebook in ``_toc.yml`` it writes a copy under ``student/`` in which

- every solution is removed: the ``{solution-start}`` … ``{solution-end}`` markdown
  gates, everything between them, any ``{solution}`` block, and every cell tagged
  ``solution``;
- each exercise is followed by a stub code cell that raises a clear "your turn"
  error. The stub is tagged ``raises-exception``, so Jupyter and nbval run the
  notebook on to the end (``tests/test_student_edition.py`` proves that no later cell
  needs anything only a solution defined);
- sentences that promise solutions ("a solution you can reveal") say what this edition
  holds instead;
- the other cells keep the outputs of the full edition (its HTML is built from them, with
  nothing executed again), or, for the download (``outputs=False``), have them cleared.

It also copies the book's pages and configuration, so ``jupyter-book build student``
builds the student edition's own HTML (``make student`` does both).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = re.compile(r"```\{exercise\}[^\n]*\n:label:\s*(\S+)")
SOLUTION_START = re.compile(r"^```\{solution-start\}", re.M)
SOLUTION_END = re.compile(r"^```\{solution-end\}", re.M)
SOLUTION_BLOCK = re.compile(r"^```\{solution\}.*?^```\s*$", re.M | re.S)
COPY = ["_config.yml", "_toc.yml", "references.bib"]
FOLDERS = ("figures", "_static", "_ext", "downloads", "_vendor")
#: What the full edition says about solutions, and what the student edition says instead.
WORDING = [
    (re.compile(r"Each exercise has a solution you can reveal; try first\."),
     "This is the student edition: the solutions are removed. Write yours in the cell under each exercise."),
    (re.compile(r"exercises with hidden solutions"), "exercises (their solutions are in the full edition)"),
    (re.compile(r"The exercises at the end of each chapter have hidden solutions; try first\."),
     "The exercises at the end of each chapter are yours to solve: this edition has no solutions."),
]


def reword(text: str) -> str:
    for pattern, replacement in WORDING:
        text = pattern.sub(replacement, text)
    return text


def stub_cell(label: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(
        f"# Your turn: write your solution to exercise {label} here, then run this cell.\n"
        f'raise NotImplementedError("Your turn: exercise {label} has no solution yet")'
    )
    cell.metadata["tags"] = ["raises-exception", "student-stub"]
    return cell


def strip(nb: nbformat.NotebookNode, *, outputs: bool = False) -> tuple[nbformat.NotebookNode, int]:
    """Return the student version of ``nb`` and the number of stubs added (``outputs``: keep the other cells' outputs)."""
    cells: list[nbformat.NotebookNode] = []
    inside = False
    stubs = 0
    for cell in nb.cells:
        source = cell.source
        if cell.cell_type == "markdown" and SOLUTION_START.search(source):
            inside = not SOLUTION_END.search(source)
            continue
        if inside:
            if cell.cell_type == "markdown" and SOLUTION_END.search(source):
                inside = False
            continue
        if "solution" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            source = reword(SOLUTION_BLOCK.sub("", source).rstrip())
            cell.source = source
            if not source:
                continue
        if cell.cell_type == "code" and not outputs:
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
        if cell.cell_type == "markdown":
            for label in EXERCISE.findall(source):
                cells.append(stub_cell(label))
                stubs += 1
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    return nb, stubs


def toc_pages() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc["root"]] + [c["file"] for p in toc.get("parts", []) for c in p.get("chapters", [])]
    pages = []
    for entry in entries:
        for ext in (".ipynb", ".md"):
            if (ROOT / f"{entry}{ext}").exists():
                pages.append(ROOT / f"{entry}{ext}")
    return pages


def build(out: Path, *, outputs: bool = True) -> list[Path]:
    """Write the student edition into ``out``; return its notebooks (``outputs``: keep the saved outputs)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in COPY:
        shutil.copy2(ROOT / name, out / name)
    config = yaml.safe_load((out / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config['title']} (student edition)"
    # the student edition has no Chinese edition beside it: no 中文 button to a page that is not there
    config.setdefault("sphinx", {}).setdefault("config", {})["dlbook_other_edition"] = False
    (out / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for folder in FOLDERS:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, out / folder)
    notebooks = []
    for page in toc_pages():
        target = out / page.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        if page.suffix == ".ipynb":
            nb, _ = strip(nbformat.read(page, as_version=4), outputs=outputs)
            nbformat.write(nb, target)
            notebooks.append(target)
        else:
            target.write_text(reword(page.read_text(encoding="utf-8")), encoding="utf-8")
    return notebooks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "student"))
    args = parser.parse_args()
    notebooks = build(Path(args.out))
    print(f"student edition: {len(notebooks)} notebooks in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
