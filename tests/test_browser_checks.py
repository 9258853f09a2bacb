"""The browser test's explorer checks can fail: a page that draws the wrong rows, or does not change, is caught.

Runs headless Chromium on two tiny pages made from ``helpers.widgets.Explorer`` (skipped where
Chromium or the vendored scripts are missing): one right, one whose chart ignores the controls.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

import altair as alt
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers import widgets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import browser_test  # noqa: E402

VENDOR = ROOT / "_vendor" / "vendor"
pytestmark = pytest.mark.skipif(browser_test.find_browser() is None or not (VENDOR / "vega.min.js").exists(),
                                reason="needs Chromium and the vendored Vega scripts (make install, npm ci)")


def compute(freq):
    x = np.linspace(0, 1, 5)
    return pd.DataFrame({"x": x, "y": np.sin(2 * np.pi * freq * x)})


def render(frame, freq):
    fig, ax = plt.subplots()
    ax.plot(frame.x, frame.y)
    return fig


def page(folder: Path, name: str, chart, control=None) -> str:
    explorer = widgets.Explorer(controls={"freq": control or widgets.Steps([1, 2, 3], 1)}, compute=compute,
                                render=render, chart=chart, title=name)
    scripts = "".join(f'<script src="vendor/{s}"></script>' for s in
                      ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "dlbook-explorers.js"))
    (folder / f"{name}.html").write_text(f"<!doctype html><html lang=en><head><title>{name}</title>{scripts}</head>"
                                         f"<body><main>{explorer.html()}</main></body></html>", encoding="utf-8")
    return re.search(r'id="(explorer-[0-9a-f]+)"', explorer.html()).group(1)


@pytest.fixture(scope="module")
def served():
    folder = Path(tempfile.mkdtemp())
    shutil.copytree(VENDOR, folder / "vendor")
    (folder / "favicon.ico").write_bytes(b"")
    ids = {
        "right": page(folder, "right", lambda base: base.mark_line(point=True).encode(x="x:Q", y="y:Q")),
        # ignores the current setting: draws every frequency's rows at once, and never changes
        "wrong": page(folder, "wrong", lambda base: alt.Chart(base.data).mark_point().encode(x="x:Q", y="y:Q")),
        # a transform adds a field to each drawn row (the rows are still the table's)
        "calculated": page(folder, "calculated", lambda base: base.transform_calculate(shown="datum.y * 2")
                           .mark_line(point=True).encode(x="x:Q", y="shown:Q")),
        # the same, with radio buttons for the control
        "radio": page(folder, "radio", lambda base: base.mark_line(point=True).encode(x="x:Q", y="y:Q"),
                      control=widgets.Choice([1, 2, 3], 1, radio=True)),
        # draws the table's x against a value of its own, under the table's column name
        "altered": page(folder, "altered", lambda base: base.transform_calculate(y="datum.y + 1")
                        .mark_line(point=True).encode(x="x:Q", y="y:Q")),
    }
    server, port = browser_test.serve(folder)
    proc, cdp = browser_test.start_browser(browser_test.find_browser(), tempfile.mkdtemp())
    yield cdp, port, ids
    proc.terminate()
    server.shutdown()
    shutil.rmtree(folder, ignore_errors=True)


def check(served, name):
    cdp, port, ids = served
    cdp.navigate(f"http://127.0.0.1:{port}/{name}.html")
    return browser_test.check_explorers(cdp, name, [ids[name]])


def test_a_right_explorer_passes(served):
    problems, moved = check(served, "right")
    assert problems == [] and moved == 1


def test_a_chart_that_ignores_its_controls_is_caught(served):
    problems, _ = check(served, "wrong")
    text = " ".join(problems)
    assert "of another setting" in text and "did not change the figure" in text


def test_a_field_added_by_a_transform_is_not_a_wrong_row(served):
    problems, moved = check(served, "calculated")
    assert problems == [] and moved == 1


def test_radio_buttons_are_moved_and_checked(served):
    problems, moved = check(served, "radio")
    assert problems == [] and moved == 1


def test_values_changed_by_a_transform_are_caught(served):
    problems, _ = check(served, "altered")
    assert "precomputed rows missing" in " ".join(problems)
