"""Every public helper has a bad-input test: a test named for bad input that calls it.

The rule (CONTRIBUTING.md): every public helper rejects invalid arguments with a ``ValueError``
or ``TypeError`` naming the argument, and its module's test file proves it. This test walks
every public function and class of every module (its ``__all__``) and fails unless the module's
test file ``tests/test_<module>.py`` has a test whose name says it is about bad input (``bad``,
``invalid``, ``reject``, ``refuse``, ``garbage``, ``wrong``) and that names the helper, in its
body or in its ``parametrize`` table. Dataclasses are records the helpers return, not something
a learner builds, and are left out; helpers that take no argument a caller could get wrong are
listed in ``EXEMPT`` with the reason.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(p.stem for p in (ROOT / "src" / "helpers").glob("*.py") if p.stem != "__init__")
WORDS = ("bad", "invalid", "reject", "refuse", "garbage", "wrong")
#: module.name -> why it needs no bad-input test
EXEMPT = {
    "plotting.use_book_style": "takes no arguments",
    "runtime.quiet_tensorflow": "takes no arguments",
    "runtime.in_colab": "takes no arguments",
    "widgets.figure_png": "takes a Figure made by the book's own code",
    "data.default_source": "reads the environment; its bad values are tested through load_data",
    "data.sample_path": "takes no arguments",
    "core_concepts.neuron_playground": "takes no arguments",
    "core_concepts.network_playground": "takes no arguments",
    "core_algorithm.micrograd_example": "takes no arguments",
    "core_algorithm.backprop_explorer": "takes no arguments",
}


def public_callables(module_name: str) -> list[str]:
    module = importlib.import_module(f"helpers.{module_name}")
    names = getattr(module, "__all__", [])
    out = []
    for name in names:
        obj = getattr(module, name, None)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and getattr(obj, "__module__", "") == module.__name__:
            if inspect.isclass(obj) and (issubclass(obj, BaseException) or dataclasses.is_dataclass(obj)):
                continue
            out.append(name)
    return out


def bad_input_tests(module_name: str) -> str:
    """The source of every bad-input test in the module's test file (decorators included)."""
    path = ROOT / "tests" / f"test_{module_name}.py"
    if not path.exists():
        return ""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    parts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test") and any(w in node.name for w in WORDS):
            parts.append(ast.get_source_segment(source, node) or "")
            parts += [ast.get_source_segment(source, d) or "" for d in node.decorator_list]
    return "\n".join(parts)


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_helper_has_a_bad_input_test(module_name):
    text = bad_input_tests(module_name)
    missing = [name for name in public_callables(module_name)
               if f"{module_name}.{name}" not in EXEMPT and name not in text]
    assert not missing, (f"helpers.{module_name}: no bad-input test (a test named with one of {WORDS} in "
                         f"tests/test_{module_name}.py) calls {missing}")
