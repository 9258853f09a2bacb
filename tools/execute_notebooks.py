"""Re-execute chapter notebooks in place, top to bottom, and save their outputs and source hash.

    python tools/execute_notebooks.py [--jobs N] [NOTEBOOK ...]

Each notebook runs in a fresh standard kernel whose working directory is its folder, as nbval,
Jupyter and Colab run it. The environment comes from the Makefile (the offline MNIST sample).
After a run it

- records the hash of the sources it ran (``tools/notebook_sources.py``), which ``make book``
  and the tests check;
- replaces this machine's paths in the outputs (a warning's file name, say) with neutral ones,
  so that a committed notebook carries nothing of the machine that executed it;
- drops the widget state (large, and different on every run; the explorers' page form does not need it).

Prints the wall time of each notebook; exits non-zero if any cell raised (unless tagged ``raises-exception``).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import notebook_sources

ROOT = Path(__file__).resolve().parents[1]
#: Machine paths -> neutral names; tests/nbval_sanitize.cfg knows both forms.
PATHS = [
    (re.compile(r"/[^\s'\"]*?/site-packages/"), "<site-packages>/"),
    (re.compile(re.escape(str(ROOT)) + r"/src/helpers/"), "<helpers>/"),
    (re.compile(re.escape(str(ROOT))), "<book>"),
    (re.compile(re.escape(str(Path.home()))), "~"),
]


def neutral_paths(text: str) -> str:
    for pattern, replacement in PATHS:
        text = pattern.sub(replacement, text)
    return text


def _clean(nb: nbformat.NotebookNode) -> None:
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = neutral_paths(output["text"])
            for key, value in output.get("data", {}).items():
                if key.startswith("text/") and isinstance(value, str):
                    output["data"][key] = neutral_paths(value)
    nb.metadata.pop("widgets", None)


def execute(path: str, timeout: int) -> tuple[str, float, str]:
    nb_path = Path(path)
    nb = nbformat.read(nb_path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(nb_path.parent)}}, record_timing=False)
    try:
        client.execute()
    except Exception as exc:  # keep the partial outputs for inspection
        nbformat.write(nb, nb_path)
        return path, time.perf_counter() - start, f"{type(exc).__name__}: {str(exc)[-2000:]}"
    _clean(nb)
    notebook_sources.record(nb)
    nbformat.write(nb, nb_path)
    return path, time.perf_counter() - start, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="default: every chapters/*.ipynb")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args()
    paths = [str(Path(p).resolve()) for arg in args.notebooks for p in arg.split()] or [
        str(p) for p in notebook_sources.chapter_notebooks()]
    failures = 0
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(execute, p, args.timeout) for p in paths]
        for future in as_completed(futures):
            path, seconds, error = future.result()
            name = Path(path).relative_to(ROOT)
            print(f"{seconds:7.1f} s  {name}" + (f"  FAILED\n{error}" if error else ""), flush=True)
            failures += bool(error)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
