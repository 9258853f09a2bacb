"""The student edition keeps every exercise and no solution."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_student  # noqa: E402


def solution_sources(nb: nbformat.NotebookNode) -> list[str]:
    """Every cell source that belongs to a solution in the full edition."""
    found, inside = [], False
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == "markdown" and make_student.SOLUTION_START.search(src):
            inside = not make_student.SOLUTION_END.search(src)
            found.append(src)
            continue
        if inside or "solution" in cell.metadata.get("tags", []):
            found.append(src)
            if cell.cell_type == "markdown" and make_student.SOLUTION_END.search(src):
                inside = False
    return found


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    make_student.build(out)
    return out


def full_notebooks():
    return [p for p in make_student.toc_pages() if p.suffix == ".ipynb"]


@pytest.mark.parametrize("source", full_notebooks(), ids=lambda p: p.name)
def test_no_solution_code_remains(edition, source):
    full = nbformat.read(source, as_version=4)
    student_path = edition / source.relative_to(ROOT)
    student_text = student_path.read_text(encoding="utf-8")
    student = nbformat.read(student_path, as_version=4)
    kept = "\n".join(c.source for c in full.cells if c.source not in solution_sources(full))
    leaked = []
    for src in solution_sources(full):
        for line in src.splitlines():
            line = line.strip()
            # lines that also occur outside solutions (imports, seeds) may stay
            if len(line) > 20 and line not in kept and json.dumps(line)[1:-1] in student_text:
                leaked.append(line)
    assert not leaked, f"solution lines left in the student edition: {leaked[:5]}"
    assert not re.search(r"\{solution", student_text)
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")


@pytest.mark.parametrize("source", full_notebooks(), ids=lambda p: p.name)
def test_every_exercise_gets_a_stub_that_runs_on(edition, source):
    full = nbformat.read(source, as_version=4)
    labels = [l for c in full.cells if c.cell_type == "markdown" for l in make_student.EXERCISE.findall(c.source)]
    student = nbformat.read(edition / source.relative_to(ROOT), as_version=4)
    stubs = [c for c in student.cells if "student-stub" in c.metadata.get("tags", [])]
    assert [re.search(r"exercise (\S+) has", s.source).group(1) for s in stubs] == labels
    assert all("raises-exception" in s.metadata["tags"] and "Your turn" in s.source for s in stubs)


def test_stub_really_raises_a_clear_error():
    cell = make_student.stub_cell("ex-demo")
    with pytest.raises(NotImplementedError, match="Your turn: exercise ex-demo"):
        exec(cell.source, {})


def test_zip_and_config(edition):
    import zipfile

    names = zipfile.ZipFile(edition / "notebooks-student.zip").namelist()
    assert len(names) == len(full_notebooks()) and all(n.endswith(".ipynb") for n in names)
    assert "(student edition)" in (edition / "_config.yml").read_text(encoding="utf-8")
