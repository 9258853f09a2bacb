"""Interactive explorers that work in Jupyter *and* on the static web page, without a kernel.

An explorer is a figure that a few controls change. A chapter defines one with three plain
functions of its helper module, none of which knows about widgets or web pages:

- ``compute(**setting) -> pandas.DataFrame``: the numbers the figure shows at one setting of
  the controls (a tidy table: one row per point, bar or pixel);
- ``render(frame, **setting) -> matplotlib Figure``: draws those numbers (Jupyter, the PDF,
  the default picture);
- ``chart(base) -> altair chart``: draws the same numbers as a Vega-Lite chart. ``base`` is an
  ``altair.Chart`` of the whole grid's table, already filtered to the rows of the current setting,
  so ``chart`` only chooses marks and encodings (``base.mark_line().encode(x="epoch", y="loss")``).

Every control offers a finite list of values (:class:`Choice`, :class:`Steps`). The
:class:`Explorer` calls ``compute`` once for every combination of them (the *grid*) and keeps the
table. From that one table it makes:

- in Jupyter, Binder or Colab: ipywidgets controls; moving one redraws ``render`` for the rows of
  the new setting;
- on the web page: a Vega-Lite chart whose controls are HTML inputs bound to its parameters,
  drawn in the browser by Vega (served by the book itself, no network and no kernel needed);
- everywhere else (the PDF, GitHub's preview): a PNG of the default setting.

Both live forms show the same numbers because they read the same table; ``tests/test_widgets.py``
checks that the table at each setting is what ``compute`` returns, and the browser test checks
that the page draws the table's rows for the setting it chooses.
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["Choice", "Steps", "Explorer", "figure_png", "MAX_SPEC_BYTES"]

#: Largest Vega-Lite specification (table included) an explorer may put on a page.
MAX_SPEC_BYTES = 1_500_000
#: The page's scripts, under the site root (``tools/vendor.py`` puts them there).
VENDOR_SCRIPTS = ("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js")
#: The CSS class the book's Sphinx extension looks for to add those scripts to a page.
HTML_CLASS = "dlbook-explorer"


def figure_png(fig: plt.Figure) -> bytes:
    """Render ``fig`` to PNG bytes and close it (so it is not shown twice)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _label(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Choice:
    """A control that picks one of a few named options (a drop-down list, or radio buttons)."""

    options: Sequence[Any]
    value: Any
    label: str = ""
    radio: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.options, (str, bytes)) or not isinstance(self.options, Sequence) or not self.options:
            raise TypeError("options must be a non-empty list of values")
        if len(set(map(repr, self.options))) != len(self.options):
            raise ValueError(f"options must not repeat, got {list(self.options)}")
        if self.value not in self.options:
            raise ValueError(f"value {self.value!r} is not one of the options {list(self.options)}")

    @property
    def values(self) -> list[Any]:
        return list(self.options)


@dataclass(frozen=True)
class Steps:
    """A slider over an ordered list of numbers (evenly spaced or not, e.g. 1e-4, 1e-3, 1e-2)."""

    options: Sequence[float]
    value: float
    label: str = ""

    def __post_init__(self) -> None:
        vals = self.options
        if isinstance(vals, (str, bytes)) or not isinstance(vals, Sequence) or len(vals) < 2:
            raise TypeError("values must be a list of at least two numbers")
        for v in vals:
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not math.isfinite(v):
                raise TypeError(f"values must be finite numbers, got {v!r}")
        if any(b <= a for a, b in zip(vals, vals[1:])):
            raise ValueError(f"values must increase, got {list(vals)}")
        if not any(math.isclose(self.value, v, rel_tol=1e-12, abs_tol=1e-15) for v in vals):
            raise ValueError(f"value {self.value!r} is not one of the values {list(vals)}")

    @property
    def values(self) -> list[float]:
        return [v.item() if isinstance(v, np.generic) else v for v in self.options]

    @property
    def evenly_spaced(self) -> bool:
        gaps = np.diff(np.asarray(self.values, dtype=float))
        return bool(np.allclose(gaps, gaps[0], rtol=1e-9, atol=0.0))


Control = Choice | Steps


def _check_controls(controls: Any) -> dict[str, Control]:
    if not isinstance(controls, Mapping) or not controls:
        raise TypeError("controls must be a non-empty mapping of keyword -> Choice or Steps")
    out = {}
    for key, control in controls.items():
        if not isinstance(key, str) or not key.isidentifier():
            raise ValueError(f"control names must be Python identifiers, got {key!r}")
        if not isinstance(control, (Choice, Steps)):
            raise TypeError(f"control {key!r} must be a Choice or Steps, got {type(control).__name__}")
        out[key] = control
    return out


@dataclass
class Explorer:
    """A figure that controls change, live in Jupyter and on the static web page (see the module).

    Parameters
    ----------
    controls: ``{keyword: Choice(...) or Steps(...)}``, in the order they are shown.
    compute: ``compute(**setting) -> pandas.DataFrame``, the figure's numbers at one setting.
    render: ``render(frame, **setting) -> Figure``, the matplotlib form.
    chart: ``chart(base) -> altair chart``, the Vega-Lite form (``base`` is filtered to the setting).
    title: shown above the controls, and the page's text form.
    description: one sentence for screen readers: what the figure shows and what the controls change.
    """

    controls: Mapping[str, Control]
    compute: Callable[..., Any]
    render: Callable[..., plt.Figure]
    chart: Callable[[Any], Any]
    title: str
    description: str = ""
    table: Any = field(init=False, repr=False)
    png: bytes = field(init=False, repr=False, default=b"")

    def __post_init__(self) -> None:
        import pandas as pd

        self.controls = _check_controls(self.controls)
        for name in ("compute", "render", "chart"):
            if not callable(getattr(self, name)):
                raise TypeError(f"{name} must be callable, got {type(getattr(self, name)).__name__}")
        if not isinstance(self.title, str) or not self.title.strip():
            raise ValueError("title must be a non-empty string")
        frames = []
        for setting in self.settings():
            frame = self.compute(**setting)
            if not isinstance(frame, pd.DataFrame) or frame.empty:
                raise TypeError(f"compute must return a non-empty pandas DataFrame, got {type(frame).__name__} "
                                f"at {setting}")
            clash = set(frame.columns) & set(self.controls)
            if clash:
                raise ValueError(f"compute's table must not have columns named like the controls: {sorted(clash)}")
            frames.append(frame.assign(**setting))
        self.table = pd.concat(frames, ignore_index=True)
        self.png = figure_png(self.render(self.frame(**self.default()), **self.default()))

    # -- the grid -------------------------------------------------------------------------
    def default(self) -> dict[str, Any]:
        """The setting shown first: every control's ``value``."""
        return {key: control.value for key, control in self.controls.items()}

    def settings(self) -> list[dict[str, Any]]:
        """Every combination of the controls' values, in order."""
        keys = list(self.controls)
        return [dict(zip(keys, combo)) for combo in itertools.product(*(self.controls[k].values for k in keys))]

    def frame(self, **setting: Any) -> Any:
        """The table's rows at ``setting`` (without the control columns)."""
        mask = np.ones(len(self.table), dtype=bool)
        for key, value in setting.items():
            if key not in self.controls:
                raise ValueError(f"unknown control {key!r}; the controls are {list(self.controls)}")
            column = self.table[key]
            if isinstance(self.controls[key], Steps):
                mask &= np.isclose(column.to_numpy(dtype=float), float(value), rtol=1e-9, atol=1e-12)
            else:
                mask &= (column == value).to_numpy()
        if not mask.any():
            raise ValueError(f"{setting} is not a point of the explorer's grid")
        return self.table.loc[mask, [c for c in self.table.columns if c not in self.controls]].reset_index(drop=True)

    # -- the web page's form --------------------------------------------------------------------
    def _params(self) -> list[Any]:
        import altair as alt

        params = []
        for key, control in self.controls.items():
            name = f"{control.label or key} "
            if isinstance(control, Steps) and control.evenly_spaced:
                vals = control.values
                bind = alt.binding_range(min=vals[0], max=vals[-1], step=vals[1] - vals[0], name=name)
            elif isinstance(control, Steps):
                bind = alt.binding_select(options=control.values, labels=[_label(v) for v in control.values], name=name)
            elif control.radio:
                bind = alt.binding_radio(options=control.values, labels=[_label(v) for v in control.values], name=name)
            else:
                bind = alt.binding_select(options=control.values, labels=[_label(v) for v in control.values], name=name)
            params.append(alt.param(name=f"p_{key}", value=control.value, bind=bind))
        return params

    def _filter(self) -> str:
        parts = []
        for key, control in self.controls.items():
            if isinstance(control, Steps):  # a slider's value may differ from the table's in the last bit
                parts.append(f"abs(datum['{key}'] - p_{key}) <= 1e-9 * max(1, abs(p_{key}))")
            else:
                parts.append(f"datum['{key}'] == p_{key}")
        return " && ".join(parts)

    def spec(self) -> dict[str, Any]:
        """The Vega-Lite specification of the web page's form, the grid's table inlined."""
        import altair as alt

        with alt.data_transformers.disable_max_rows():
            base = alt.Chart(self.table).transform_filter(self._filter())
            chart = self.chart(base)
            chart = chart.add_params(*self._params()).properties(title=self.title)
            spec = chart.to_dict()
        return spec

    def html(self) -> str:
        """The web page's form: a container, the specification, and the call that draws it."""
        spec = json.dumps(self.spec(), separators=(",", ":"), sort_keys=True, allow_nan=False)
        if len(spec) > MAX_SPEC_BYTES:
            raise ValueError(f"explorer {self.title!r}: its Vega-Lite table is {len(spec):,} bytes, more than "
                             f"{MAX_SPEC_BYTES:,}; use fewer grid points or fewer rows per setting")
        ident = "explorer-" + hashlib.sha256((self.title + spec).encode()).hexdigest()[:12]
        spec = spec.replace("</", "<\\/")
        description = self.description or f"An interactive figure: {self.title}."
        return (
            f'<div class="{HTML_CLASS}" role="group" aria-label="{_escape(self.title)}">\n'
            f'<p class="dlbook-explorer-note">{_escape(description)} The controls below the figure change it; '
            f'they work on this page, without a kernel.</p>\n'
            f'<div id="{ident}"><p>(The interactive figure is drawn here by the book\'s scripts.)</p></div>\n'
            f'<script type="application/json" id="{ident}-spec">{spec}</script>\n'
            f'<script>window.dlbookExplorer && window.dlbookExplorer("{ident}");</script>\n'
            f'</div>'
        )

    # -- the Jupyter form --------------------------------------------------------------------------
    def widget(self) -> Any:
        """ipywidgets controls over an output area that shows ``render`` at the chosen setting."""
        import ipywidgets as W
        from IPython.display import Image, display

        style = {"description_width": "initial"}
        boxes = {}
        for key, control in self.controls.items():
            label = control.label or key
            options = [(_label(v), v) for v in control.values]
            if isinstance(control, Steps):
                boxes[key] = W.SelectionSlider(options=options, value=control.value, description=label,
                                               continuous_update=False, style=style)
            else:
                boxes[key] = W.Dropdown(options=options, value=control.value, description=label, style=style)
        output = W.Output()

        def update(_change: Any = None) -> None:
            setting = {key: box.value for key, box in boxes.items()}
            png = figure_png(self.render(self.frame(**setting), **setting))
            with output:
                output.clear_output(wait=True)
                display(Image(png))

        for box in boxes.values():
            box.observe(update, names="value")
        update()
        return W.VBox([W.HTML(f"<b>{_escape(self.title)}</b>"), W.HBox(list(boxes.values()),
                       layout=W.Layout(flex_flow="row wrap")), output])

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.widget()._repr_mimebundle_() or {})
        bundle["text/html"] = self.html()
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        shown = ", ".join(f"{c.label or k} = {_label(c.value)}" for k, c in self.controls.items())
        bundle["text/plain"] = (f"Explorer: {self.title} ({len(self.settings())} settings; shown: {shown}; "
                                f"{len(self.table):,} rows)")
        return bundle


def require_chart(base: Any) -> None:
    """Refuse anything but the ``altair.Chart`` an explorer passes to its ``chart(base)`` function."""
    import altair as alt

    if not isinstance(base, alt.Chart):
        raise TypeError(f"base must be an altair Chart (the explorer passes one), got {type(base).__name__}")


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))
