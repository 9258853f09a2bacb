"""Re-execute chapter notebooks in place, top to bottom, and save their outputs.

    python tools/execute_notebooks.py [--jobs N] [NOTEBOOK ...]

Each notebook runs in a fresh kernel whose working directory is its folder,
exactly as nbval and Jupyter Book run it. The environment comes from the
Makefile (offline MNIST sample, quiet TensorFlow). Prints the wall time of
each notebook; exits non-zero if any cell raised (unless tagged
``raises-exception``).
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path: str, timeout: int) -> tuple[str, float, str]:
    nb_path = Path(path)
    nb = nbformat.read(nb_path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(nb_path.parent)}},
        store_widget_state=True,
        record_timing=False,
    )
    try:
        client.execute()
    except Exception as exc:  # keep the partial outputs for inspection
        nbformat.write(nb, nb_path)
        return path, time.perf_counter() - start, f"{type(exc).__name__}: {str(exc)[-2000:]}"
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    # Widget state (models of every slider and output area) is large and changes on
    # every run; Jupyter Book re-creates it when it builds the book.
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, nb_path)
    return path, time.perf_counter() - start, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="default: every chapters/*.ipynb")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    args = parser.parse_args()
    paths = [str(Path(p).resolve()) for p in args.notebooks] or [
        str(p) for p in sorted((ROOT / "chapters").glob("*.ipynb"))
    ]
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
