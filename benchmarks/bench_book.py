"""How long does the book take, and how much memory does each notebook need?

    python benchmarks/bench_book.py            # per-notebook time and peak memory only
    python benchmarks/bench_book.py NB ...     # only the named notebooks
    python benchmarks/bench_book.py --all      # also the make targets, cold and warm

Each notebook is executed in a fresh kernel, one at a time (so the figures are not
disturbed by a neighbour), by a child process that reports the wall time and the peak
resident memory of the kernel (``getrusage(RUSAGE_CHILDREN)`` after the kernel exits).
These kernels are standard ones, so each notebook's time includes importing TensorFlow
(about 7 s); the make targets timed by ``--all`` start pre-imported kernels instead
(``tools/prewarmed_kernel.py``).
Every notebook runs twice: first with an empty model cache (``helpers.cache``: every
model is trained, as on a fresh clone) and then with the cache that run filled (as in
the second and later executions of a CI run or of your own ``make test``).

``--all`` then times the make targets in the order CI runs them, from ``rm -rf _build``:
``make test`` (cold model cache), ``make test`` again (warm), ``make book`` (warm),
``make book`` again (nothing changed), and a clean ``make book`` with the cache off.
Targets on 2 cores (issue 9): whole test suite <= 4 min, clean book build <= 5 min,
rebuild with nothing changed <= 30 s, every notebook <= 2 GB peak memory. Next to each
make target's wall time it prints the machine's busy CPU seconds, its *steal* (the
share of the cores' time the host of a virtual machine gave to others), because on a
shared machine the same work takes longer when the host is busy, and an estimate of the
wall time without that steal.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.runtime import TF_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import json, resource, sys, time
import nbformat
from nbclient import NotebookClient
sys.path.insert(0, "tools")
from execute_into_cache import poll_in_short_slices  # the same client fix as the book build
poll_in_short_slices()
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
start = time.perf_counter()
NotebookClient(nb, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))
"""


def env(model_cache: str = "off") -> dict[str, str]:
    e = dict(os.environ)
    e["DLBOOK_MODEL_CACHE"] = model_cache
    e.update({**TF_ENVIRONMENT, "DLBOOK_DATA_SOURCE": "sample", "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    e.pop("MPLBACKEND", None)
    return e


def machine_seconds() -> dict[str, float] | None:
    """Seconds of CPU time the whole machine spent busy, idle and *stolen*, from ``/proc/stat`` (Linux).

    Steal is time the virtual machine's cores were ready to run but the host ran something
    else: on a shared CI machine it lengthens every wall-clock figure and is outside the
    book's control, so :func:`timed` reports it next to the wall time.
    """
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    hz = os.sysconf("SC_CLK_TCK")
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return {"busy": (user + nice + system + irq + softirq) / hz, "idle": (idle + iowait) / hz, "steal": steal / hz}


def timed(cmd: list[str], extra: dict[str, str] | None = None) -> tuple[float, str]:
    """Run ``cmd``; return its wall time and a note of the machine's busy CPU time and steal meanwhile."""
    before, start = machine_seconds(), time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, **(extra or {})})
    wall, after = time.perf_counter() - start, machine_seconds()
    if before is None or after is None:
        return wall, ""
    used = {k: after[k] - before[k] for k in before}
    total = sum(used.values()) or 1.0
    # The cores' time is busy + idle + steal = wall * cores; without steal, the same busy and
    # idle time would have taken about wall - steal / cores (an estimate, not a measurement).
    unstolen = wall - used["steal"] / (os.cpu_count() or 1)
    return wall, (f"{used['busy']:.0f} CPU-s busy, steal {100 * used['steal'] / total:.0f}%, "
                  f"about {unstolen:.0f} s without steal")


def run_notebook(nb: Path, model_cache: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(nb)], cwd=ROOT, env=env(model_cache),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook names (default: every chapter)")
    parser.add_argument("--all", action="store_true", help="also time the make targets, cold and warm")
    args = parser.parse_args()
    chosen = [ROOT / "chapters" / Path(n).name for n in args.notebooks] or \
        sorted((ROOT / "chapters").glob("*.ipynb"))
    rows = []
    with tempfile.TemporaryDirectory() as model_cache:
        print(f"{'notebook':<36}{'cold s':>8}{'warm s':>8}{'peak MB':>9}")
        for nb in chosen:
            cold = run_notebook(nb, model_cache)
            warm = run_notebook(nb, model_cache)
            peak = max(cold["peak_mb"], warm["peak_mb"])
            rows.append((nb.name, cold["seconds"], warm["seconds"], peak))
            print(f"{nb.name:<36}{cold['seconds']:>8.1f}{warm['seconds']:>8.1f}{peak:>9.0f}", flush=True)
    cold_total, warm_total = sum(r[1] for r in rows), sum(r[2] for r in rows)
    worst = max(rows, key=lambda r: r[3])
    print(f"{'sum, one at a time':<36}{cold_total:>8.1f}{warm_total:>8.1f}"
          f"   (warm/cold = {warm_total / cold_total:.2f})")
    print(f"largest peak memory: {worst[3]:.0f} MB ({worst[0]}); target <= 2048 MB: "
          f"{'OK' if worst[3] <= 2048 else 'MISSED'}")
    if args.all:
        make = ["make", "-s"]
        subprocess.run(["rm", "-rf", "_build"], cwd=ROOT, check=True)
        figures = [("make test, cold model cache", timed(make + ["test"]), 240),
                   ("make test again, warm", timed(make + ["test"]), 240),
                   ("make book after it, warm", timed(make + ["book"]), 300),
                   ("make book, nothing changed", timed(make + ["book"]), 30)]
        subprocess.run(["rm", "-rf", "_build"], cwd=ROOT, check=True)
        figures.append(("clean make book, cache off", timed(make + ["book"], {"DLBOOK_MODEL_CACHE": "off"}), 300))
        for name, (value, note), target in figures:
            print(f"{name:<30}{value:>8.1f} s   target <= {target} s: {'OK' if value <= target else 'MISSED'}"
                  f"   ({note})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
