"""Small Sphinx fixes for this book, each found by the browser test (tools/browser_test.py).

- sphinx-thebe adds its inline configuration script once per read phase; with Jupyter
  Book it appears twice on every page, and the second ``const THEBE_JS_URL`` declaration
  is a SyntaxError in the console. Identical scripts are kept once.
- pydata-sphinx-theme logs "Got invalid theme mode" on a reader's first visit when no
  default colour mode is configured: default to the reader's system setting (``auto``).
"""

from __future__ import annotations

from typing import Any


def _fix_page(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        key = (str(getattr(script, "filename", script) or ""), str(getattr(script, "attributes", {}).get("body", "")))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _fix_page, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
