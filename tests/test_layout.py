"""The package's layout rules: chapter modules stand alone, and nothing reads Keras's private parts.

- A chapter's helper module (``helpers/<slug>.py`` for ``chapters/NN_<slug>.ipynb``) imports shared
  modules only, never another chapter's module; a notebook imports its own chapter's module and
  shared ones. Shared pieces (models, data splits, experiments) live in shared modules.
- No module under ``src/helpers`` imports ``keras.src`` or ``tensorflow.python`` or reads a
  private attribute (``obj._name``) of a Keras or TensorFlow object: those change between
  releases, and readers in Colab get whatever Keras Colab ships.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HELPERS = ROOT / "src" / "helpers"
sys.path.insert(0, str(ROOT / "tools"))
import notebook_sources  # noqa: E402

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
CHAPTER_MODULES = {p.stem.split("_", 1)[1] for p in NOTEBOOKS}
MODULES = sorted(HELPERS.glob("*.py"))
#: Names bound to Keras or TensorFlow objects in the helpers, whose private attributes are off limits.
PRIVATE_OK = {"_repr_mimebundle_", "_ipython_display_", "__name__", "__class__", "__dict__", "__version__"}


def imported_helper_modules(tree: ast.AST) -> set[str]:
    return notebook_sources._imports(tree, package_relative=True) | notebook_sources._imports(tree, package_relative=False)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_chapter_modules_import_only_shared_modules(path):
    imported = imported_helper_modules(ast.parse(path.read_text(encoding="utf-8")))
    others = sorted((imported & CHAPTER_MODULES) - {path.stem})
    assert not others, (f"helpers/{path.name} imports the chapter module(s) {others}; move what they share "
                        "into a shared module (helpers.models, helpers.data, helpers.experiments, ...)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_import_their_own_chapter_module_only(path):
    own = path.stem.split("_", 1)[1]
    nb = json.loads(path.read_text(encoding="utf-8"))
    imported = set()
    for source in notebook_sources.code_cells(nb):
        try:
            imported |= notebook_sources._imports(ast.parse(notebook_sources._python(source)), package_relative=False)
        except SyntaxError:
            continue
    others = sorted((imported & CHAPTER_MODULES) - {own})
    assert not others, f"{path.name} imports other chapters' modules {others}"


def _private_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for name in names:
                if name.startswith(("keras.src", "tensorflow.python", "tf.python")):
                    found.append(f"line {node.lineno}: imports {name}")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and node.attr not in PRIVATE_OK:
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            found.append(f"line {node.lineno}: reads .{node.attr}")
    return found


def _own_private_names(tree: ast.AST) -> set[str]:
    """Private names the module defines itself: its classes' ``_methods`` and ``self._attributes``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("_"):
                    names.add(item.name)
                elif isinstance(item, (ast.Assign, ast.AnnAssign)):
                    targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                    names |= {t.id for t in targets if isinstance(t, ast.Name) and t.id.startswith("_")}
        elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name)
              and node.value.id == "self" and node.attr.startswith("_")):
            names.add(node.attr)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_private_keras_or_tensorflow_internals(path):
    """No ``keras.src``/``tensorflow.python`` import and no ``obj._private`` attribute of someone else's object.

    A module may use the private names its own classes define (micrograd-style ``v._prev``); a
    static test cannot tell whose object ``x`` is otherwise, so every other ``x._name`` counts.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = _own_private_names(tree)
    uses = [u for u in _private_uses(tree) if not any(u.endswith(f"reads .{name}") for name in own)]
    assert not uses, f"helpers/{path.name}: " + "; ".join(uses)


def test_the_private_attribute_check_catches_what_it_should():
    bad = ast.parse("import keras\nfrom keras.src.models import Functional\nx = model._compile_config\n")
    assert len(_private_uses(bad)) == 2
    good = ast.parse("import keras\nmodel = keras.Sequential()\nmodel.summary()\n")
    assert _private_uses(good) == []


def test_no_module_shares_a_name_with_a_top_level_folder():
    """``helpers/tools.py`` once shared its name with the repository's ``tools/``: confusing, so not allowed."""
    folders = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    clashes = sorted(folders & {p.stem for p in MODULES})
    assert not clashes, f"helper modules named like top-level folders: {clashes}"
