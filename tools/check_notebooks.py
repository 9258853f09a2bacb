"""Refuse to build the book from notebooks that are not one clean, current, top-to-bottom run.

    python tools/check_notebooks.py [NOTEBOOK ...]

The book is built from the outputs saved in the notebooks (nothing is executed again), so
before a build every chapter must be

- executed once, top to bottom: execution counts 1, 2, 3, ... in order, no cell left unexecuted;
- free of error outputs (cells tagged ``raises-exception`` are meant to raise, and still count);
- current: the source hash ``make execute`` recorded matches the code cells and the helper
  modules they import now (``tools/notebook_sources.py``), so no saved figure outlives its code.

Prints every problem and exits 1 if there is any; ``make execute NB=...`` fixes them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import notebook_sources

ROOT = Path(__file__).resolve().parents[1]


def problems(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    found = []
    counts = [c.get("execution_count") for c in code]
    if any(n is None for n in counts):
        found.append(f"{sum(n is None for n in counts)} code cell(s) never executed")
    elif counts != list(range(1, len(counts) + 1)):
        found.append("cells not executed once, top to bottom")
    for cell in code:
        tags = cell.get("metadata", {}).get("tags", [])
        if "raises-exception" not in tags and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            found.append(f"a saved error output in: {''.join(cell['source'])[:80]!r}")
    why = notebook_sources.stale(path)
    if why:
        found.append(why)
    return found


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or notebook_sources.chapter_notebooks()
    bad = {p: problems(p) for p in paths}
    bad = {p: found for p, found in bad.items() if found}
    for path, found in bad.items():
        for why in found:
            print(f"{path.relative_to(ROOT) if path.is_absolute() else path}: {why}")
    if bad:
        print(f"re-execute: make execute NB=\"{' '.join(str(p) for p in bad)}\"")
        return 1
    print(f"{len(paths)} notebooks: each saved as one clean, current run")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
