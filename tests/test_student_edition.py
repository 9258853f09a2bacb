"""The student edition keeps every exercise and no solution, says so, and runs to its end.

"Runs to its end" is proven here without executing anything: every stub raises its "your turn"
error (and is tagged so that Jupyter runs on), and no cell after a solution was removed reads a
name that only the removed solution defined. (The weekly workflow also executes the student
edition end to end: ``make test-student``.)
"""

from __future__ import annotations

import ast
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
    make_student.build(out, outputs=False)
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


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds, names it reads) at its top level, magics removed."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return set(), set()
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, (ast.Store, ast.Del)) else read).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            bound.add(node.name)
            bound |= {a.arg for a in node.args.args + node.args.kwonlyargs} if not isinstance(node, ast.ClassDef) else set()
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.comprehension,)):
            pass
    return bound, read


def solution_dependencies(full: nbformat.NotebookNode) -> list[str]:
    """Cells outside solutions that read a name only a solution cell bound."""
    solutions = set(solution_sources(full))
    kept_bound: set[str] = set(dir(__builtins__)) | {"get_ipython", "display", "__name__"}
    solution_only: set[str] = set()
    problems = []
    for cell in full.cells:
        if cell.cell_type != "code":
            continue
        bound, read = _names(cell.source)
        if cell.source in solutions:
            solution_only |= bound - kept_bound
            continue
        needed = (read - bound) & solution_only
        if needed:
            problems.append(f"{sorted(needed)} in: {cell.source[:80]!r}")
        kept_bound |= bound
        solution_only -= bound
    return problems


@pytest.mark.parametrize("source", full_notebooks(), ids=lambda p: p.name)
def test_no_later_cell_needs_what_only_a_solution_defined(source):
    problems = solution_dependencies(nbformat.read(source, as_version=4))
    assert not problems, f"{source.name}: the student edition would fail here, these come only from solutions: {problems}"


def test_the_dependency_check_catches_a_solution_only_name():
    nb = nbformat.v4.new_notebook()
    solution = nbformat.v4.new_code_cell("answer = 42")
    solution.metadata["tags"] = ["solution"]
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), solution, nbformat.v4.new_code_cell("print(answer + x)")]
    assert len(solution_dependencies(nb)) == 1
    nb.cells.insert(2, nbformat.v4.new_code_cell("answer = 0"))
    assert solution_dependencies(nb) == []


@pytest.mark.parametrize("source", full_notebooks(), ids=lambda p: p.name)
def test_the_student_edition_promises_no_solutions(edition, source):
    text = (edition / source.relative_to(ROOT)).read_text(encoding="utf-8")
    for phrase in ("solution you can reveal", "hidden solution", "reveal the solution"):
        assert phrase not in text, f"{source.name} still says '{phrase}' in the student edition"
    intro = (edition / "intro.md").read_text(encoding="utf-8")
    assert "hidden solutions" not in intro


def test_the_html_edition_keeps_the_full_editions_outputs(tmp_path):
    make_student.build(tmp_path / "s", outputs=True)
    nb = next(p for p in full_notebooks() if p.name.startswith("05"))
    student = nbformat.read(tmp_path / "s" / nb.relative_to(ROOT), as_version=4)
    full_outputs = [c.outputs for c in nbformat.read(nb, as_version=4).cells if c.cell_type == "code" and c.outputs]
    kept = [c.outputs for c in student.cells if c.cell_type == "code" and c.outputs]
    assert kept and all(o in full_outputs for o in kept)


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


def test_config_says_student_edition(edition):
    assert "(student edition)" in (edition / "_config.yml").read_text(encoding="utf-8")
