"""The benchmark scripts and the CI workflow are well formed (nothing here times anything)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "benchmarks").glob("bench_*.py"))


def test_there_are_benchmarks():
    names = {p.name for p in SCRIPTS}
    assert {"bench_book.py", "bench_overheads.py"} <= names


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_benchmark_says_what_it_measures_and_has_a_main(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc and len(doc.split()) >= 20, f"{path.name} needs a docstring saying what it measures"
    assert any(isinstance(n, ast.FunctionDef) and n.name == "main" for n in tree.body)


@pytest.mark.parametrize("name", ["bench_book.py", "bench_overheads.py"])
def test_benchmark_help_runs(name):
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / name), "--help"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "usage:" in out.stdout


def test_workflow_publishes_runs_weekly_and_keeps_the_model_cache():
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text(encoding="utf-8"))
    triggers = flow[True] if True in flow else flow["on"]          # YAML 1.1 reads `on` as True
    assert "schedule" in triggers and triggers["schedule"][0]["cron"]
    steps = flow["jobs"]["build"]["steps"]
    runs = " ".join(str(s.get("run", "")) for s in steps)
    assert "make test" in runs and "make book" in runs and "make browser-test" in runs
    cache = [s for s in steps if str(s.get("uses", "")).startswith("actions/cache")]
    assert cache and cache[0]["with"]["path"] == "_build/model-cache"
    assert cache[0]["if"] == "github.event_name != 'schedule'"    # the weekly run trains for real
    assert any("deploy-pages" in str(s.get("uses", "")) for s in flow["jobs"]["deploy"]["steps"])


def test_bench_book_reports_the_machines_busy_time_and_steal_next_to_wall_time():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_book
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    seconds = bench_book.machine_seconds()
    if seconds is None:                                   # not Linux: no /proc/stat
        pytest.skip("no /proc/stat on this system")
    assert set(seconds) == {"busy", "idle", "steal"} and min(seconds.values()) >= 0
    wall, note = bench_book.timed(["sleep", "1"])
    assert wall >= 1 and "CPU-s busy" in note and "steal" in note
    unstolen = re.search(r"about (-?\d+) s without steal", note)
    assert unstolen and 0 <= int(unstolen.group(1)) <= round(wall)   # steal only ever shortens the estimate
