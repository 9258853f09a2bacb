"""Check the PDF edition: enough pages, every chapter's title, every chapter's figures.

    python tools/check_pdf.py [_build/latex/book.pdf]

``make pdf`` runs it after building. It reads the PDF with pypdf and fails (exit 1) unless

- it has at least ``MIN_PAGES`` pages;
- the title of every page in ``_toc.yml`` (its first ``#`` heading) is in its outline (bookmarks),
  on a page whose text shows it;
- every chapter embeds at least as many images as its notebook has figures (PNG outputs; an
  explorer appears as the PNG of its default view), counted on the pages from its title to the
  next chapter's title.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_student  # noqa: E402

MIN_PAGES = 150


def normalise(text: str) -> str:
    """Letters and digits only, lower case: PDF text extraction loses spaces and changes punctuation."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def page_title(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    match = re.search(r"^# (.+)$", text, re.M)
    if not match:
        raise ValueError(f"{path}: no '# ' title")
    return re.sub(r"[`*_]|\{[^}]*\}", "", match.group(1)).strip()


def figures(path: Path) -> int:
    if path.suffix != ".ipynb":
        return 0
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum("image/png" in o.get("data", {}) for c in cells if c["cell_type"] == "code" for o in c.get("outputs", []))


def problems(pdf: Path, pages: list[Path]) -> tuple[list[str], int]:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    texts = [normalise(p.extract_text() or "") for p in reader.pages]
    found: list[str] = []
    if len(texts) < MIN_PAGES:
        found.append(f"{pdf}: only {len(texts)} pages (expected at least {MIN_PAGES})")
    # the PDF's top-level bookmarks (its chapters): title -> first page; nested lists are sections
    outline = {normalise(item.title): reader.get_destination_page_number(item)
               for item in reader.outline if not isinstance(item, list)}
    starts = []
    for page in pages:
        title = normalise(page_title(page))
        first = outline.get(title)
        if first is None:
            found.append(f"{pdf}: the title of {page.relative_to(ROOT)} ({page_title(page)!r}) is not in the PDF's outline")
        elif title not in texts[first]:
            found.append(f"{pdf}: the page the outline gives for {page.relative_to(ROOT)} does not show its title")
        else:
            starts.append((page, first))
    starts.sort(key=lambda s: s[1])
    for k, (page, first) in enumerate(starts):
        last = starts[k + 1][1] if k + 1 < len(starts) else len(texts)
        images = sum(len(reader.pages[i].images) for i in range(first, max(last, first + 1)))
        wanted = figures(page)
        if images < wanted:
            found.append(f"{pdf}: {page.relative_to(ROOT)} has {wanted} figures, its pages embed only {images} images")
    return found, len(texts)


def main(argv: list[str]) -> int:
    pdf = Path(argv[0] if argv else ROOT / "_build" / "latex" / "book.pdf")
    if not pdf.exists():
        print(f"no PDF at {pdf}: run `make pdf`")
        return 2
    # the landing page's title is the book's (its sections become the PDF's first chapters)
    pages = [p for p in make_student.toc_pages()[1:] if p.name not in ("references.md",)]
    found, count = problems(pdf, pages)
    for p in found:
        print("PROBLEM:", p)
    print(f"{pdf}: {count} pages, {len(pages)} chapter titles and their figures checked: {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
