"""Every decimal number or percentage the prose states is computed, cited or a definition.

A number in a markdown cell about a result the notebook computes must come from the computation
(myst-nb's ``{glue:text}`name:.3f```), so that the text cannot drift from the output when the
code changes. This test lists every decimal number and percentage in the chapters' markdown
cells that is

- not glued (glue roles are removed before the search),
- not in inline code (`` `Dropout(0.5)` `` is code, not a claim) or in mathematics (``$1 - 0.6 = 0.4$``
  is a derivation the reader can check, not a measured result),
- not in a sentence that cites its source (``{cite:p}``, ``{cite:t}``: a published number), and
- not on the allow-list ``tests/prose_numbers.yml``: definitions and settings (0.5 as a
  threshold, a learning rate of 0.001, Keras's defaults), each with the reason it may stay,

and fails on any it finds. Adding a number to the allow-list needs a reason a reviewer accepts:
"the default of X", "a setting the code cell below uses", "asserted in the cell that computes it".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
ALLOW = yaml.safe_load((ROOT / "tests" / "prose_numbers.yml").read_text(encoding="utf-8")) or {}

NUMBER = re.compile(r"(?<![\w.,])[−-]?\d+(?:,\d{3})*\.\d+(?![\w.]*\d)\s?%?|(?<![\w.])\d+(?:,\d{3})*\s?%")
CODE = re.compile(r"`[^`\n]*`")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
GLUE = re.compile(r"\{glue(?::\w+)?\}`[^`]*`")
CITE = re.compile(r"\{cite(?::\w+)?\}`")
LINK = re.compile(r"\]\([^)]*\)|https?://\S+")
SENTENCE = re.compile(r"(?<=[.!?。])\s+(?=[A-Z(\"'*_$\[])|\n\s*\n|\n(?=\s*[-*] |\s*\d+\. |\s*#)")


def markdown_cells(path: Path) -> list[tuple[int, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(i, "".join(c["source"])) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"]


def allowed(chapter: str) -> tuple[set[str], list[re.Pattern[str]]]:
    numbers, patterns = set(), []
    for scope in ("all", chapter):
        for entry in ALLOW.get(scope, []) or []:
            if "number" in entry:
                numbers.add(str(entry["number"]).replace(" ", ""))
            if "pattern" in entry:
                patterns.append(re.compile(entry["pattern"]))
    return numbers, patterns


def unexplained_numbers(path: Path) -> list[str]:
    numbers, patterns = allowed(path.stem)
    found = []
    for index, source in markdown_cells(path):
        text = MATH.sub(" ", LINK.sub(" ", GLUE.sub(" ", source)))
        for sentence in SENTENCE.split(text):
            if CITE.search(sentence):
                continue
            plain = CODE.sub(" ", sentence)
            for pattern in patterns:
                plain = pattern.sub(" ", plain)
            for match in NUMBER.finditer(plain):
                number = match.group(0).replace(" ", "").replace("−", "-").lstrip("-")
                if number not in numbers:
                    found.append(f"cell {index}: {number!r} in: {' '.join(sentence.split())[:160]}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_prose_numbers_are_glued_cited_or_definitions(path):
    found = unexplained_numbers(path)
    assert not found, (f"{path.name}: {len(found)} number(s) in the prose are neither glued, cited nor on "
                       "tests/prose_numbers.yml:\n  " + "\n  ".join(found))


def test_the_search_finds_what_it_should(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "source": [
        "The model reaches 0.912 accuracy. It costs 12% more. The default rate is `0.001`.\n\n"
        "ResNet reached 3.57% {cite:p}`he2016deep`. Glued: {glue:text}`acc:.3f` is fine."]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "99_probe.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    found = unexplained_numbers(path)
    assert [f.split(": ")[1].split(" in")[0] for f in found] == ["'0.912'", "'12%'"]


def test_every_allow_list_entry_says_why():
    for scope, entries in ALLOW.items():
        for entry in entries or []:
            assert ("number" in entry) != ("pattern" in entry), f"{scope}: {entry}: give a number or a pattern"
            assert len(str(entry.get("why", "")).split()) >= 3, f"{scope}: {entry}: say why it may stay"
