"""helpers.widgets: the Explorer calls its render function and carries a static PNG."""

import base64

import matplotlib.pyplot as plt
import pytest

from helpers import widgets


def render(a, b):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [a, b])
    ax.set_title(f"{a}-{b}")
    return fig


def test_explorer_renders_default_and_updates():
    calls = []

    def spy(a, b):
        calls.append((a, b))
        return render(a, b)

    slider = widgets.int_slider("a", 1, 0, 5)
    explorer = widgets.Explorer(spy, {"a": slider, "b": widgets.slider("b", 0.5, 0, 1, 0.1)}, title="T")
    assert calls == [(1, 0.5)] and explorer.png.startswith(b"\x89PNG")
    slider.value = 3
    assert calls[-1] == (3, 0.5)
    bundle = explorer._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == explorer.png
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Explorer: T")


def test_manual_explorer_waits_for_button():
    calls = []
    d = widgets.dropdown("opt", ["x", "y"], "x")
    explorer = widgets.Explorer(lambda opt: calls.append(opt) or render(0, 1), {"opt": d},
                                title="M", manual=True, button_text="Go")
    d.value = "y"
    assert calls == ["x"]
    explorer.button.click()
    assert calls == ["x", "y"] and explorer.button.description == "Go"


def test_log_slider_range():
    s = widgets.log_slider("lr", 0.01, 1e-4, 1.0)
    assert s.min == pytest.approx(-4) and s.max == pytest.approx(0) and s.value == pytest.approx(0.01)


def test_bad_arguments():
    with pytest.raises(TypeError, match="callable"):
        widgets.Explorer(42, {"a": widgets.int_slider("a", 1, 0, 2)}, title="x")
    with pytest.raises(TypeError, match="non-empty"):
        widgets.Explorer(render, {}, title="x")
    with pytest.raises(TypeError, match="not a value widget"):
        widgets.Explorer(render, {"a": object()}, title="x")


def test_figure_png_closes_the_figure():
    fig = render(0, 1)
    data = widgets.figure_png(fig)
    assert data.startswith(b"\x89PNG") and not plt.fignum_exists(fig.number)
