"""What a notebook's outputs depend on, as one hash: its code cells and the helper modules it imports.

    python tools/notebook_sources.py check            # every chapter: is its recorded hash current?
    python tools/notebook_sources.py show NOTEBOOK    # the modules a notebook depends on

nbval compares a notebook's text outputs with what its code prints, but not its figures: a saved
figure could outlive the code that drew it. So ``make execute`` records, in each notebook's
metadata (``dlbook.source_hash``), a hash of the sources it ran: the code cells, in order, and every
module of ``src/helpers`` that they import, directly or through other helper modules. ``check``
(run by ``make book`` and by ``tests/test_book_structure.py``) fails when a notebook's hash no
longer matches, and names the notebooks to re-execute.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELPERS = ROOT / "src" / "helpers"
KEY = "dlbook"


def code_cells(nb: dict) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]


def _python(source: str) -> str:
    """Cell source without IPython's magics and shell escapes, so that ``ast`` can read it."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _imports(tree: ast.AST, package_relative: bool) -> set[str]:
    """Names of helper modules imported in ``tree`` (``helpers.x`` or, inside the package, ``.x``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("helpers."):
                    found.add(alias.name.split(".")[1])
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if package_relative and node.level == 1:
                if module:
                    found.add(module.split(".")[0])
                else:
                    found.update(a.name for a in node.names)
            elif node.level == 0 and (module == "helpers" or module.startswith("helpers.")):
                if module == "helpers":
                    found.update(a.name for a in node.names)
                else:
                    found.add(module.split(".")[1])
    return {name for name in found if (HELPERS / f"{name}.py").exists()}


def helper_modules(nb: dict) -> list[str]:
    """Every helper module the notebook's code imports, directly or through other helper modules."""
    todo = set()
    for source in code_cells(nb):
        try:
            todo |= _imports(ast.parse(_python(source)), package_relative=False)
        except SyntaxError:
            continue
    seen: set[str] = {"__init__"}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo |= _imports(ast.parse((HELPERS / f"{name}.py").read_text(encoding="utf-8")), package_relative=True)
    return sorted(seen)


def source_hash(nb: dict) -> str:
    digest = hashlib.sha256()
    for source in code_cells(nb):
        digest.update(b"cell\0" + source.encode("utf-8") + b"\0")
    for name in helper_modules(nb):
        digest.update(f"module {name}\0".encode() + (HELPERS / f"{name}.py").read_bytes() + b"\0")
    return digest.hexdigest()


def record(nb: dict) -> None:
    """Store the notebook's current source hash in its metadata (``make execute`` does this)."""
    nb.setdefault("metadata", {})[KEY] = {"source_hash": source_hash(nb), "helpers": helper_modules(nb)}


def stale(path: Path) -> str | None:
    """Why ``path``'s outputs may not be what its sources produce now, or None if they are."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    recorded = nb.get("metadata", {}).get(KEY, {}).get("source_hash")
    if recorded is None:
        return "no source hash recorded (execute it with `make execute NB=...`)"
    if recorded != source_hash(nb):
        return "its code cells or the helper modules it imports changed since it was executed"
    return None


def chapter_notebooks() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def main(argv: list[str]) -> int:
    if argv[:1] == ["show"] and len(argv) == 2:
        print("\n".join(helper_modules(json.loads(Path(argv[1]).read_text(encoding="utf-8")))))
        return 0
    if argv[:1] != ["check"]:
        print(__doc__)
        return 2
    problems = [(p, why) for p in chapter_notebooks() if (why := stale(p))]
    for path, why in problems:
        print(f"stale: {path.relative_to(ROOT)}: {why}")
    if problems:
        names = " ".join(str(p.relative_to(ROOT)) for p, _ in problems)
        print(f"re-execute them: make execute NB=\"{names}\"")
        return 1
    print(f"{len(chapter_notebooks())} notebooks: every saved output comes from the current sources")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
