"""Every internal link and anchor of the built book resolves.

    python tools/check_links.py [_build/html ...] [--ignore PREFIX]

For every HTML page under each folder: every relative ``href`` or ``src`` (links, images, scripts,
stylesheets) must name a file that exists, and every ``#fragment`` an element id (or a named
anchor) of the page it points to. External links (``http(s)://``, ``mailto:``) are left to the weekly
workflow, which has the internet: ``jupyter-book build . --builder linkcheck`` (Sphinx's link
checker). Prints every broken link with the page it is on; exits 1 if there is any.

(LinkChecker, run on the same pages with only internal links and anchors, took over 6 minutes here
for what this reads in seconds: it fetches every image and parses each page once per link to it.)
"""

from __future__ import annotations

import sys
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "iframe": "src", "source": "src"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        wanted = ATTRIBUTES.get(tag)
        if wanted and a.get(wanted):
            self.links.append(a[wanted])


@lru_cache(maxsize=None)
def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def broken_links(root: Path, ignore: tuple[str, ...] = ()) -> list[str]:
    """Broken links under ``root``; links into folders named in ``ignore`` (e.g. ``zh/``, built later) are skipped."""
    problems = []
    for html in sorted(root.rglob("*.html")):
        if "_static" in html.relative_to(root).parts:  # the theme's template fragments, not pages
            continue
        for link in parse(html).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("//", "data:", "javascript:", "mailto:")):
                continue
            target, fragment = urldefrag(link)
            path = (html.parent / unquote(urlsplit(target).path)).resolve() if target else html.resolve()
            if path.is_dir():
                path = path / "index.html"
            where = html.relative_to(root)
            inside = path.relative_to(root.resolve()).as_posix() if path.is_relative_to(root.resolve()) else ""
            if any(inside.startswith(prefix) for prefix in ignore):
                continue
            if not path.exists():
                problems.append(f"{where}: link to a missing file: {link}")
            elif fragment and path.suffix == ".html" and unquote(fragment) not in parse(path).ids:
                problems.append(f"{where}: link to a missing anchor: {link}")
    return problems


def main(argv: list[str]) -> int:
    ignore = tuple(argv[i + 1] for i, a in enumerate(argv) if a == "--ignore")
    args = [a for i, a in enumerate(argv) if a != "--ignore" and (i == 0 or argv[i - 1] != "--ignore")]
    roots = [Path(a) for a in args] or [Path("_build/html")]
    problems = [p for root in roots for p in broken_links(root, ignore)]
    for p in problems:
        print("broken:", p)
    pages = sum(len(list(r.rglob("*.html"))) for r in roots)
    print(f"{pages} pages: {len(problems)} broken internal link(s) or anchor(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
