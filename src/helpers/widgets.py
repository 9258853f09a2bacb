"""Interactive explorers that still mean something on a static web page.

An :class:`Explorer` is a row of ipywidgets controls above an output area.
Whenever a control changes (or, for slow work such as retraining, when the
button is pressed) it calls a plain *render function* with the controls'
values as keyword arguments. The render function returns a matplotlib figure;
it knows nothing about widgets, so the book's tests call it directly.

Displayed in Jupyter, Binder or Colab, an explorer is live. Its display bundle
also carries a PNG of the default view, which the HTML book shows instead of
the controls (callbacks cannot run without a kernel), so every explorer leaves
a meaningful static figure on the page.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as W
import matplotlib.pyplot as plt

__all__ = ["Explorer", "slider", "int_slider", "log_slider", "dropdown", "figure_png"]

_STYLE = {"description_width": "initial"}
_LAYOUT = W.Layout(width="320px")


def slider(description: str, value: float, lo: float, hi: float, step: float) -> W.FloatSlider:
    """A float slider that only fires when released (keeps slow renders usable)."""
    return W.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                         continuous_update=False, style=_STYLE, layout=_LAYOUT)


def int_slider(description: str, value: int, lo: int, hi: int, step: int = 1) -> W.IntSlider:
    """An integer slider that only fires when released."""
    return W.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                       continuous_update=False, style=_STYLE, layout=_LAYOUT)


def log_slider(description: str, value: float, lo: float, hi: float) -> W.FloatLogSlider:
    """A slider on a log scale, for learning rates and regularization strengths."""
    import math

    return W.FloatLogSlider(value=value, base=10, min=math.log10(lo), max=math.log10(hi), step=0.1,
                            description=description, continuous_update=False, style=_STYLE,
                            layout=_LAYOUT, readout_format=".3g")


def dropdown(description: str, options: Any, value: Any = None) -> W.Dropdown:
    """A drop-down list; ``options`` is a list or a ``{label: value}`` mapping."""
    widget = W.Dropdown(options=options, description=description, style=_STYLE, layout=_LAYOUT)
    if value is not None:
        widget.value = value
    return widget


def figure_png(fig: plt.Figure) -> bytes:
    """Render ``fig`` to PNG bytes and close it (so it is not shown twice)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


class Explorer:
    """Controls + a figure that ``render(**values)`` redraws.

    Parameters
    ----------
    render: a function taking the controls' values as keyword arguments and
        returning a matplotlib ``Figure``.
    controls: ``{keyword: widget}``; each widget's ``.value`` is passed to
        ``render`` under its keyword.
    title: one line shown above the controls (and as the text form).
    manual: if true, redraw only when a "Run" button is pressed (for renders
        that train a model); otherwise redraw whenever a control changes.
    """

    def __init__(
        self,
        render: Callable[..., plt.Figure],
        controls: Mapping[str, W.ValueWidget],
        *,
        title: str,
        manual: bool = False,
        button_text: str = "Run",
    ) -> None:
        if not callable(render):
            raise TypeError(f"render must be callable, got {type(render).__name__}")
        if not isinstance(controls, Mapping) or not controls:
            raise TypeError("controls must be a non-empty mapping of keyword -> widget")
        for key, widget in controls.items():
            if not hasattr(widget, "value"):
                raise TypeError(f"control {key!r} is not a value widget ({type(widget).__name__})")
        self.render = render
        self.controls = dict(controls)
        self.title = title
        self.output = W.Output()
        self.status = W.HTML()
        rows: list[W.Widget] = [W.HTML(f"<b>{title}</b>"), W.HBox(list(self.controls.values()),
                                layout=W.Layout(flex_flow="row wrap"))]
        if manual:
            self.button = W.Button(description=button_text, button_style="primary")
            self.button.on_click(lambda _: self.update())
            rows.append(W.HBox([self.button, self.status]))
        else:
            for widget in self.controls.values():
                widget.observe(lambda _change: self.update(), names="value")
        rows.append(self.output)
        self.widget = W.VBox(rows)
        self.png = b""
        self.update()

    def values(self) -> dict[str, Any]:
        """The current value of every control, keyed as ``render`` expects."""
        return {key: widget.value for key, widget in self.controls.items()}

    def update(self) -> None:
        """Call ``render`` with the current values and show its figure."""
        from IPython.display import Image, display

        self.status.value = "<i>working…</i>"
        try:
            self.png = figure_png(self.render(**self.values()))
        finally:
            self.status.value = ""
        with self.output:
            self.output.clear_output(wait=True)
            display(Image(self.png))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        bundle["text/plain"] = f"Explorer: {self.title} (interactive in Jupyter, Binder or Colab)"
        return bundle
