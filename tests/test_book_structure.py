"""The book's shape: table of contents, chapter template, notebooks saved executed.

These tests fail when a notebook is missing from ``_toc.yml`` (or the reverse),
when nbval would not collect a notebook the table of contents names, when a
chapter lacks its helper module or a part of the template, or when a notebook
is not committed as a clean, quiet, top-to-bottom run.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import notebook_sources  # noqa: E402
import sync_notebooks  # noqa: E402

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
NOISE = ("I0000 ", "WARNING: All log messages", "oneDNN custom operations", "━━━━", "Epoch 1/")


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part.get("chapters", [])]
    return files


def resolve(entry: str) -> Path:
    matches = [ROOT / f"{entry}{ext}" for ext in (".ipynb", ".md") if (ROOT / f"{entry}{ext}").exists()]
    assert len(matches) == 1, f"_toc.yml entry {entry!r} must match exactly one .ipynb or .md file, found {matches}"
    return matches[0]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_toc_lists_all_nine_parts_in_source_order():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    captions = [p["caption"] for p in toc["parts"]]
    parts = [c for c in captions if c.startswith("Part ")]
    assert [int(c.split()[1]) for c in parts] == list(range(1, 10))


def test_every_toc_entry_exists():
    for entry in toc_files():
        resolve(entry)


def test_every_chapter_notebook_is_in_the_toc():
    listed = {resolve(e).resolve() for e in toc_files()}
    missing = [p.name for p in NOTEBOOKS if p.resolve() not in listed]
    assert not missing, f"notebooks missing from _toc.yml: {missing}"


def test_nbval_collects_every_notebook_in_the_toc(pytester):
    listed = [resolve(e) for e in toc_files()]
    wanted = {p.relative_to(ROOT).as_posix() for p in listed if p.suffix == ".ipynb"}
    # pytest's own in-process runner: the same collection as `make test`, without a second interpreter start
    result = pytester.runpytest_inprocess("--collect-only", "-q", "--nbval", "--nbval-current-env", "-p", "no:xdist",
                                          f"--rootdir={ROOT}", str(ROOT / "chapters"))
    collected = {line.split("::")[0] for line in result.outlines if "::" in line}
    assert wanted <= collected, f"not collected by nbval: {sorted(wanted - collected)}\n{result.outlines[-20:]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_has_its_helper_module(path):
    slug = path.stem.split("_", 1)[1]
    assert (ROOT / "src" / "helpers" / f"{slug}.py").exists(), f"{path.name} needs src/helpers/{slug}.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_colab_setup_cell_matches_config(path):
    first = load(path)["cells"][0]
    assert first["cell_type"] == "code"
    assert text(first) == sync_notebooks.setup_source(chapter=path.stem), "run `make sync` (or `make execute`)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_follows_the_template(path):
    cells = load(path)["cells"]
    markdown = "\n".join(text(c) for c in cells if c["cell_type"] == "markdown")
    title = text(cells[1])
    assert cells[1]["cell_type"] == "markdown" and title.startswith("# "), "cell 2 must be the title"
    assert re.search(r"learning objectives", title, re.I), "learning objectives belong under the title"
    assert re.search(r"time\b.*\d+\s*min", title, re.I), "a time estimate ('Time: about N min') under the title"
    assert re.search(r"^## Summary", markdown, re.M), "a '## Summary' section"
    assert re.search(r"^## Further reading", markdown, re.M), "a '## Further reading' section"
    minimum = 3
    exercises = len(re.findall(r"```\{exercise\}", markdown))
    assert exercises >= minimum, f"{exercises} exercises; at least {minimum} required"
    solutions = len(re.findall(r"```\{solution(-start)?\}", markdown))
    assert solutions >= exercises, "every exercise needs a solution"
    asserts = sum("assert " in text(c) for c in cells if c["cell_type"] == "code")
    assert asserts >= 3, f"only {asserts} code cells assert a result"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_saved_as_a_clean_quiet_run(path):
    code = [c for c in load(path)["cells"] if c["cell_type"] == "code" and text(c).strip()]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), "re-execute top to bottom: `make execute`"
    for cell in code:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"saved error output in:\n{text(cell)[:200]}"
            blob = json.dumps(output)
            noisy = [n for n in NOISE if n in blob]
            assert not noisy, f"log noise {noisy} in the output of:\n{text(cell)[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_saved_outputs_come_from_the_current_sources(path):
    """nbval does not compare figures: the recorded source hash proves they are not stale."""
    why = notebook_sources.stale(path)
    assert why is None, f"{path.name}: {why}; re-execute it: make execute NB={path.relative_to(ROOT)}"


def test_instructor_guide_matches_the_chapters():
    import instructor_table

    text = instructor_table.GUIDE.read_text(encoding="utf-8")
    block = text.split(instructor_table.START, 1)[1].split(instructor_table.END, 1)[0]
    assert block.strip() == instructor_table.generated().strip(), "run `make sync`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_ends_with_its_quiz(path):
    expected = sync_notebooks.quiz_source(path)
    assert expected is not None, f"write quizzes/{path.stem.split('_', 1)[1]}.yml"
    cells = load(path)["cells"]
    quiz_cells = [c for c in cells if "quiz" in c["metadata"].get("tags", [])]
    assert len(quiz_cells) == 1 and text(quiz_cells[0]) == expected, "run `make sync`"
    position = cells.index(quiz_cells[0])
    assert text(cells[position + 1]).startswith("## Further reading"), "the quiz goes just before Further reading"


def test_every_glossary_term_is_linked_where_it_first_appears():
    import link_glossary

    assert link_glossary.run(check=True) == [], "run `python tools/link_glossary.py`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_coding_exercise_has_a_checker(path):
    """A solution with code calls a checker (``check_…``) that gives the student feedback."""
    cells = load(path)["cells"]
    current, code, missing = None, {}, []
    for cell in cells:
        src = text(cell)
        if cell["cell_type"] == "markdown":
            start = re.search(r"\{solution-start\}\s*(\S+)", src)
            if start:
                current = start.group(1)
                code[current] = ""
            if "{solution-end}" in src:
                current = None
        elif current:
            code[current] += src
    for label, source in code.items():
        if source.strip() and not re.search(r"\bcheck_\w+\(", source):
            missing.append(label)
    assert not missing, f"coding exercises without a checker: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_a_caption_or_alt_text(path):
    missing = []
    for cell in load(path)["cells"]:
        if cell["cell_type"] != "code":
            continue
        shows_image = any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
        meta = cell["metadata"].get("mystnb", {})
        if shows_image and not meta.get("figure", {}).get("caption") and not meta.get("image", {}).get("alt"):
            missing.append(text(cell)[:80])
    assert not missing, f"figures without caption or alt text (cell metadata 'mystnb'): {missing}"


def test_a_link_to_an_faq_chapter_names_its_number():
    """'[FAQ 3](09_improving_performance.ipynb)': the number in the text is the chapter's place in the FAQ."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    faq = [entry["file"].split("/")[-1] for part in toc["parts"] for entry in part.get("chapters", [])
           if entry["file"].split("/")[-1].startswith("09_")]
    assert len(faq) == 8
    sources = list(NOTEBOOKS) + sorted(ROOT.glob("*.md"))
    wrong = [(path.name, number, target) for path in sources
             for number, target in re.findall(r"\[FAQ (\d)\]\((?:chapters/)?(09_[a-z_]+)\.ipynb", path.read_text(encoding="utf-8"))
             if faq.index(target) + 1 != int(number)]
    assert not wrong, f"FAQ links whose number is not the chapter's: {wrong}"
