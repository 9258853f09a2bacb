"""The benchmark scripts run, and bench_book reads .ci/run's step lines as .ci/run prints them (nothing here times anything)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "benchmarks").glob("bench_*.py"))
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_book  # noqa: E402


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_benchmark_help_runs(path):
    out = subprocess.run([sys.executable, str(path), "--help"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "usage:" in out.stdout


def test_bench_book_parses_the_step_lines_ci_run_prints():
    """.ci/run's `step` function prints '== <command> took N s'; bench_book's pattern must read exactly that."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    step = re.search(r"^step\(\) \{.*\}$", ci, re.M)
    assert step, ".ci/run defines step()"
    out = subprocess.run(["bash", "-c", f"{step.group(0)}\nstep true\nstep sleep 0"], capture_output=True, text=True)
    found = re.findall(r"^== (.+?) took (\d+) s$", out.stdout, re.M)
    assert found == [("true", "0"), ("sleep 0", "0")]


def test_machine_note_reports_busy_seconds_and_steal():
    before = {"busy": 100.0, "idle": 50.0, "steal": 0.0}
    after = {"busy": 130.0, "idle": 60.0, "steal": 10.0}
    assert bench_book.machine_note(before, after) == "30 CPU-s busy, steal 20%"
    assert bench_book.machine_note(None, after) == ""


def test_budgets_are_the_issues():
    assert (bench_book.NOTEBOOK_BUDGET, bench_book.MEDIAN_BUDGET, bench_book.MEMORY_BUDGET_MB) == (180, 60, 2048)
    assert bench_book.STEP_BUDGETS == {"make test": 900, "make book": 180} and bench_book.CI_BUDGET == 1800
