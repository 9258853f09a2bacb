"""How long does the book take, and how much memory does each notebook need?

    python benchmarks/bench_book.py            # per-notebook time and peak memory only
    python benchmarks/bench_book.py --all      # also a clean `make book`, a no-change
                                               # rebuild and the whole `make test`

Each notebook is executed in a fresh kernel, one at a time (so the figures are not
disturbed by a neighbour), by a child process that reports the wall time and the peak
resident memory of the kernel (``getrusage(RUSAGE_CHILDREN)`` after the kernel exits).
Targets on 2 cores (issue 9): whole test suite <= 4 min, clean book build <= 5 min,
rebuild with nothing changed <= 30 s, every notebook <= 2 GB peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import json, resource, sys, time
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
start = time.perf_counter()
NotebookClient(nb, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))
"""


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.update({"DLBOOK_DATA_SOURCE": "sample", "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
              "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    e.pop("MPLBACKEND", None)
    return e


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="also time make book / make test")
    args = parser.parse_args()
    rows = []
    print(f"{'notebook':<40}{'seconds':>9}{'peak MB':>9}")
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        out = subprocess.run([sys.executable, "-c", CHILD, str(nb)], cwd=ROOT, env=env(),
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append((nb.name, r["seconds"], r["peak_mb"]))
        print(f"{nb.name:<40}{r['seconds']:>9.1f}{r['peak_mb']:>9.0f}", flush=True)
    total = sum(r[1] for r in rows)
    worst = max(rows, key=lambda r: r[2])
    print(f"{'sum of notebook times':<40}{total:>9.1f}")
    print(f"largest peak memory: {worst[2]:.0f} MB ({worst[0]}); target <= 2048 MB: "
          f"{'OK' if worst[2] <= 2048 else 'MISSED'}")
    if args.all:
        make = ["make", "-s"]
        subprocess.run(["rm", "-rf", "_build"], cwd=ROOT, check=True)
        clean = timed(make + ["book"])
        again = timed(make + ["book"])
        test = timed(make + ["test"])
        for name, value, target in (("clean make book", clean, 300), ("rebuild, nothing changed", again, 30),
                                    ("make test", test, 240)):
            print(f"{name:<28}{value:>8.1f} s   target <= {target} s: {'OK' if value <= target else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
