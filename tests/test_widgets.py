"""helpers.widgets: one table feeds the Jupyter form, the web page's Vega-Lite form and the PNG."""

import base64
import json

import altair as alt
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers import widgets


def compute(freq, kind):
    x = np.linspace(0, 1, 11)
    y = np.sin(2 * np.pi * freq * x) if kind == "sine" else np.cos(2 * np.pi * freq * x)
    return pd.DataFrame({"x": x, "y": y})


def render(frame, freq, kind="sine"):
    fig, ax = plt.subplots()
    ax.plot(frame.x, frame.y)
    ax.set_title(f"{kind} {freq}")
    return fig


def chart(base):
    return base.mark_line().encode(x="x:Q", y="y:Q")


def make(**kw):
    controls = kw.pop("controls", {"freq": widgets.Steps([1, 2, 3], 2, label="frequency"),
                                   "kind": widgets.Choice(["sine", "cosine"], "sine")})
    return widgets.Explorer(controls=controls, compute=kw.pop("compute", compute), render=render, chart=chart,
                            title=kw.pop("title", "Waves"), **kw)


def test_the_table_holds_compute_at_every_setting():
    explorer = make()
    assert len(explorer.settings()) == 6 and len(explorer.table) == 66
    for setting in explorer.settings():
        pd.testing.assert_frame_equal(explorer.frame(**setting), compute(**setting))


def test_the_page_form_carries_the_table_and_one_bound_parameter_per_control():
    explorer = make()
    spec = explorer.spec()
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    assert len(rows) == len(explorer.table)
    params = {p["name"]: p for p in spec["params"]}
    assert params["p_freq"]["bind"]["input"] == "range" and params["p_freq"]["value"] == 2
    assert params["p_kind"]["bind"]["input"] == "select" and params["p_kind"]["bind"]["options"] == ["sine", "cosine"]
    html = explorer.html()
    assert 'class="dlbook-explorer"' in html and "dlbookExplorer(" in html
    embedded = html.split('-spec">', 1)[1].split("</script>", 1)[0]
    assert json.loads(embedded.replace("<\\/", "</")) == json.loads(json.dumps(spec, sort_keys=True))


def test_uneven_steps_become_a_list_and_are_matched_with_a_tolerance():
    explorer = make(controls={"freq": widgets.Steps([0.1, 0.3, 1.0], 0.3)},
                    compute=lambda freq: compute(freq, "sine"))
    params = explorer.spec()["params"]
    assert params[0]["bind"]["input"] == "select" and params[0]["bind"]["labels"] == ["0.1", "0.3", "1"]
    assert "abs(datum['freq'] - p_freq)" in explorer.spec()["transform"][0]["filter"]
    assert len(explorer.frame(freq=0.1 + 0.2)) == 11          # 0.30000000000000004 is the grid's 0.3


def test_bundle_has_all_three_forms_and_a_stable_text():
    explorer = make()
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "dlbook-explorer" in bundle["text/html"]
    assert base64.b64decode(bundle["image/png"]) == explorer.png and explorer.png.startswith(b"\x89PNG")
    assert bundle["text/plain"] == "Explorer: Waves (6 settings; shown: frequency = 2, kind = sine; 66 rows)"
    assert make().html() == explorer.html()                     # deterministic: nbval compares it


def test_the_jupyter_form_redraws_the_rows_of_the_chosen_setting():
    seen = []

    def spy(frame, freq, kind):
        seen.append((freq, kind, len(frame)))
        return render(frame, freq, kind)

    explorer = widgets.Explorer(controls={"freq": widgets.Steps([1, 2], 1), "kind": widgets.Choice(["sine"], "sine")},
                                compute=compute, render=spy, chart=chart, title="T")
    box = explorer.widget()
    slider = box.children[1].children[0]
    slider.value = 2
    assert seen[-1] == (2, "sine", 11)


@pytest.mark.parametrize("bad, error, match", [
    (dict(controls={}), TypeError, "non-empty"),
    (dict(controls={"a b": widgets.Choice([1], 1)}), ValueError, "identifiers"),
    (dict(controls={"a": 3}), TypeError, "Choice or Steps"),
    (dict(compute=lambda **s: [1, 2]), TypeError, "DataFrame"),
    (dict(compute=lambda freq, kind: pd.DataFrame({"freq": [1]})), ValueError, "columns named like the controls"),
    (dict(title=" "), ValueError, "title"),
])
def test_bad_explorers_are_refused_with_a_clear_message(bad, error, match):
    with pytest.raises(error, match=match):
        make(**bad)


@pytest.mark.parametrize("make_control, error, match", [
    (lambda: widgets.Steps([1], 1), TypeError, "at least two"),
    (lambda: widgets.Steps([2, 1], 1), ValueError, "increase"),
    (lambda: widgets.Steps([1, 2], 3), ValueError, "not one of"),
    (lambda: widgets.Steps([1, float("nan")], 1), TypeError, "finite"),
    (lambda: widgets.Choice("ab", "a"), TypeError, "list"),
    (lambda: widgets.Choice(["a", "a"], "a"), ValueError, "repeat"),
    (lambda: widgets.Choice(["a"], "b"), ValueError, "not one of"),
])
def test_bad_controls(make_control, error, match):
    with pytest.raises(error, match=match):
        make_control()


def test_unknown_settings_are_refused():
    explorer = make()
    with pytest.raises(ValueError, match="unknown control"):
        explorer.frame(speed=1)
    with pytest.raises(ValueError, match="not a point"):
        explorer.frame(freq=7, kind="sine")


def test_a_table_too_big_for_a_page_is_refused(monkeypatch):
    monkeypatch.setattr(widgets, "MAX_SPEC_BYTES", 1000)
    with pytest.raises(ValueError, match="more than 1,000"):
        make().html()


def test_figure_png_closes_the_figure():
    fig, _ = plt.subplots()
    data = widgets.figure_png(fig)
    assert data.startswith(b"\x89PNG") and not plt.fignum_exists(fig.number)


def test_altair_is_what_draws_the_page_form():
    assert isinstance(chart(alt.Chart(pd.DataFrame({"x": [0], "y": [0]}))), alt.Chart)


@pytest.mark.parametrize("bad", [None, pd.DataFrame({"x": [0]}), "chart", alt.LayerChart()])
def test_require_chart_rejects_anything_but_an_altair_chart(bad):
    with pytest.raises(TypeError, match=f"base must be an altair Chart.*got {type(bad).__name__}"):
        widgets.require_chart(bad)


def test_require_chart_accepts_the_base_an_explorer_passes():
    assert widgets.require_chart(alt.Chart(pd.DataFrame({"x": [0]})).transform_filter("datum.x == 0")) is None
