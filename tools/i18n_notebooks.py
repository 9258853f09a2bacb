"""Chinese notebooks from the catalogues: translated markdown, the very same code cells and outputs.

    python tools/i18n.py notebooks        # writes zh/chapters/NN_slug.ipynb for every chapter

Each markdown cell is parsed with MyST's own parser (markdown-it). Every piece of text Sphinx made
a message of (a heading, a paragraph, a list item, a table cell, a directive's title and body, a
raw HTML block such as a quiz) is looked up in the page's catalogue and replaced by its
translation; what has none stays English. Code cells, their outputs and the notebook's metadata are
copied unchanged, so a Chinese notebook runs, and prints, exactly what the English one does.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path

import i18n

ROOT = i18n.ROOT
FENCE = re.compile(r"^(\s*)(`{3,}|:{3,})\{([\w:-]+)\}(.*)$")


def _parser():
    from myst_parser.config.main import MdParserConfig
    from myst_parser.mdit_to_docutils.base import DocutilsRenderer
    from myst_parser.parsers.mdit import create_md_parser

    extensions = {"amsmath", "colon_fence", "deflist", "dollarmath", "html_image", "linkify", "substitution"}
    return create_md_parser(MdParserConfig(enable_extensions=extensions), DocutilsRenderer)


_MD = None


def translate_markdown(text: str, lookup: Callable[[str], str | None]) -> str:
    """``text`` with every message ``lookup`` knows replaced (``lookup`` returns None for unknown ones)."""
    global _MD
    if _MD is None:
        _MD = _parser()
    lines = text.split("\n")
    edits: list[tuple[int, int, list[str]]] = []   # (first line, end line, new lines)
    tokens = _MD.parse(text)
    depth_stop = None
    for k, token in enumerate(tokens):
        if depth_stop is not None and k <= depth_stop:
            continue
        if token.type in ("fence", "colon_fence") and token.map and token.info.strip().startswith("{"):
            a, b = token.map
            edits.append((a, b, _translate_fence(lines[a:b], lookup)))
        elif token.type == "html_block" and token.map:
            a, b = token.map
            new = lookup(token.content)
            if new is not None:
                edits.append((a, b, new.rstrip("\n").split("\n")))
        elif token.type == "inline" and token.map:
            a, b = token.map
            new = lookup(token.content)
            if new is None:
                continue
            if tokens[k - 1].type in ("th_open", "td_open"):
                row = lines[a]
                first = token.content.split("\n")[0]
                if first in row:
                    edits.append((a, a + 1, [row.replace(first, new, 1)]))
                continue
            first = token.content.split("\n")[0]
            start = lines[a].find(first)
            prefix = lines[a][:start] if start >= 0 else ""
            edits.append((a, b, [prefix + new.replace("\n", " ")]))
    edits.sort(key=lambda e: e[0])
    out, line = [], 0
    for a, b, new in edits:
        if a < line:  # overlapping edits (a table row with several cells): apply to the edited text
            out[-1] = _merge_row(out[-1], new[0]) if b == a + 1 else out[-1]
            continue
        out += lines[line:a] + new
        line = b
    out += lines[line:]
    return "\n".join(out)


def _merge_row(edited: str, other: str) -> str:
    """Two translated versions of one table row: keep each one's translated cells."""
    a, b = edited.split("|"), other.split("|")
    if len(a) != len(b):
        return edited
    return "|".join(y if x.strip() == "" else (x if x != y and not re.search(r"[A-Za-z]", x) else y)
                    for x, y in zip(a, b))


def _translate_fence(block: list[str], lookup: Callable[[str], str | None]) -> list[str]:
    """A directive: its title (the argument after the name), its options as they are, its body translated."""
    head = FENCE.match(block[0])
    if not head:
        return block
    indent, marks, name, argument = head.groups()
    title = argument.strip()
    if title:
        new = lookup(title)
        if new is not None:
            title = new
    closing = len(block) - 1 if block[-1].strip().startswith(marks[0] * 3) else len(block)
    body = block[1:closing]
    options = []
    while body and re.match(r"^\s*:[\w-]+:", body[0]):
        options.append(body.pop(0))
    translated = translate_markdown("\n".join(body), lookup).split("\n") if body else []
    return [f"{indent}{marks}{{{name}}}" + (f" {title}" if title else "")] + options + translated + block[closing:]


def translate_notebook(path: Path) -> dict:
    """The Chinese version of one chapter notebook (a dict in nbformat's JSON)."""
    page = path.relative_to(ROOT).with_suffix("").as_posix()
    table = i18n.translations(page)
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = copy.deepcopy(nb)

    def lookup(text: str) -> str | None:
        return table.get(" ".join(text.split()))

    for cell in out["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = translate_markdown(source, lookup)
        meta = cell.get("metadata", {}).get("mystnb", {})
        for part, key in (("figure", "caption"), ("image", "alt")):   # figure captions and alt text
            text = meta.get(part, {}).get(key)
            if text and lookup(text) is not None:
                meta[part][key] = lookup(text)
    out.setdefault("metadata", {}).setdefault("dlbook", {})["language"] = i18n.LANGUAGE
    return out


def write_all() -> list[Path]:
    written = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        target = i18n.NOTEBOOKS_OUT / "chapters" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(translate_notebook(path), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(target)
    print(f"wrote {len(written)} Chinese notebooks in {i18n.NOTEBOOKS_OUT / 'chapters'}")
    return written
