"""How long does the book take, and how much memory does each notebook need? Measured against its budgets.

    python benchmarks/bench_book.py            # every notebook: wall time and peak memory
    python benchmarks/bench_book.py NB ...     # only the named notebooks
    python benchmarks/bench_book.py --all      # also .ci/run on a fresh clone, step by step

Run it with the book's environment (``make benchmark`` does: ``.venv/bin/python`` with ``src`` on
the path). Each notebook is executed in a fresh standard kernel, one at a time (so that a
neighbour does not disturb the figures), by a child process that reports the wall time and the
peak resident memory of the kernel (``getrusage(RUSAGE_CHILDREN)`` after the kernel exits). Nothing
is cached between runs: this is what a reader's own Jupyter or Colab pays.

``--all`` then clones the repository's committed state into a temporary folder and times
``.ci/run`` there, printing each of its steps (``make test``, ``make book``, ...) as .ci/run
reports them and the whole. Next to each time it prints the machine's busy CPU seconds and its
*steal* (the share of the cores' time the host of a virtual machine gave to others): on a shared
machine the same work takes longer when the host is busy, so compare figures from one run.

Budgets (issue 20), which are budgets and not goals: every notebook <= 3 min and the median <= 1
min; cold ``make test`` <= 15 min; ``make book`` after ``make test`` <= 3 min; ``.ci/run`` <= 30 min;
peak memory <= 2 GB per notebook.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_BUDGET, MEDIAN_BUDGET, MEMORY_BUDGET_MB = 180, 60, 2048
STEP_BUDGETS = {"make test": 15 * 60, "make book": 3 * 60}
CI_BUDGET = 30 * 60
CHILD = r"""
import json, resource, sys, time, pathlib
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
start = time.perf_counter()
NotebookClient(nb, timeout=900, kernel_name="python3",
               resources={"metadata": {"path": str(pathlib.Path(path).parent)}}).execute()
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))
"""


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.update({"DLBOOK_DATA_SOURCE": "sample", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
              "PYTHONPATH": str(ROOT / "src")})
    e.pop("MPLBACKEND", None)
    return e


def machine_seconds() -> dict[str, float] | None:
    """Seconds of CPU time the whole machine spent busy, idle and *stolen*, from ``/proc/stat`` (Linux)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    hz = os.sysconf("SC_CLK_TCK")
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return {"busy": (user + nice + system + irq + softirq) / hz, "idle": (idle + iowait) / hz, "steal": steal / hz}


def machine_note(before: dict[str, float] | None, after: dict[str, float] | None) -> str:
    """Busy CPU seconds and steal between two readings of :func:`machine_seconds`."""
    if before is None or after is None:
        return ""
    used = {k: after[k] - before[k] for k in before}
    total = sum(used.values()) or 1.0
    return f"{used['busy']:.0f} CPU-s busy, steal {100 * used['steal'] / total:.0f}%"


def run_notebook(nb: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(nb)], cwd=nb.parent, env=env(),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def verdict(value: float, budget: float) -> str:
    return "within budget" if value <= budget else "OVER BUDGET"


def ci_run() -> None:
    """Time .ci/run on a fresh clone of the committed state, with its steps."""
    with tempfile.TemporaryDirectory(prefix="bench-ci-") as tmp:
        clone = Path(tmp) / "book"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        before, start = machine_seconds(), time.perf_counter()
        proc = subprocess.run(["bash", ".ci/run"], cwd=clone, capture_output=True, text=True)
        wall, after = time.perf_counter() - start, machine_seconds()
        steps = re.findall(r"^== (.+?) took (\d+) s$", proc.stdout, re.M)
        for name, seconds in steps:
            budget = STEP_BUDGETS.get(name)
            note = f"   budget {budget} s: {verdict(int(seconds), budget)}" if budget else ""
            print(f"  {name:<28}{int(seconds):>7} s{note}")
        status = "passed" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
        print(f"  {'.ci/run, whole':<28}{wall:>7.0f} s   budget {CI_BUDGET} s: {verdict(wall, CI_BUDGET)}; "
              f"{status}; {machine_note(before, after)}")
        if proc.returncode:
            print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook names (default: every chapter)")
    parser.add_argument("--all", action="store_true", help="also time .ci/run on a fresh clone")
    args = parser.parse_args()
    chosen = [ROOT / "chapters" / Path(n).name for n in args.notebooks] or sorted((ROOT / "chapters").glob("*.ipynb"))
    rows = []
    before = machine_seconds()
    print(f"{'notebook':<36}{'wall s':>8}{'peak MB':>9}")
    for nb in chosen:
        result = run_notebook(nb)
        rows.append((nb.name, result["seconds"], result["peak_mb"]))
        flag = "" if result["seconds"] <= NOTEBOOK_BUDGET else "   OVER BUDGET"
        print(f"{nb.name:<36}{result['seconds']:>8.1f}{result['peak_mb']:>9.0f}{flag}", flush=True)
    times = [r[1] for r in rows]
    worst_time, worst_memory = max(rows, key=lambda r: r[1]), max(rows, key=lambda r: r[2])
    print(f"sum {sum(times):.0f} s, median {statistics.median(times):.1f} s "
          f"(budget {MEDIAN_BUDGET} s: {verdict(statistics.median(times), MEDIAN_BUDGET)}), slowest "
          f"{worst_time[1]:.0f} s ({worst_time[0]}; budget {NOTEBOOK_BUDGET} s: "
          f"{verdict(worst_time[1], NOTEBOOK_BUDGET)}); {machine_note(before, machine_seconds())}")
    print(f"largest peak memory {worst_memory[2]:.0f} MB ({worst_memory[0]}; budget {MEMORY_BUDGET_MB} MB: "
          f"{verdict(worst_memory[2], MEMORY_BUDGET_MB)})")
    if args.all:
        print(".ci/run on a fresh clone of the committed state:")
        ci_run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
