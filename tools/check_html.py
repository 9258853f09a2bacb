"""Fail if the built book loads anything from another host.

    python tools/check_html.py [_build/html]

Scans every HTML page for scripts, stylesheets, fonts, images and iframes whose
address is on another host (``http://``, ``https://`` or protocol-relative ``//``),
and every CSS file for ``url(...)`` or ``@import`` of such addresses. Links to
other pages (``<a href>``) are fine: a reader may follow them when online.
Prints each offending reference and exits 1 if there is any.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

EXTERNAL = re.compile(r"^(https?:)?//", re.I)
CSS_URL = re.compile(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")\s]+)", re.I)


class _Resources(HTMLParser):
    """Collect addresses of resources a page loads (not links it offers)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and a.get("src"):
            self.found.append(f"<{tag} src={a['src']}>")
        if tag == "link" and a.get("href"):
            rel = a.get("rel", "").lower()
            if any(r in rel for r in ("stylesheet", "preload", "icon", "modulepreload", "font")):
                self.found.append(f"<link rel={rel} href={a['href']}>")
        if tag == "style" or "style" in a:
            for url in CSS_URL.findall(a.get("style", "")):
                self.found.append(f"style url {url}")


def external_references(root: Path) -> list[str]:
    problems: list[str] = []
    for page in sorted(root.rglob("*.html")):
        parser = _Resources()
        text = page.read_text(encoding="utf-8", errors="replace")
        parser.feed(text)
        for ref in parser.found:
            address = ref.split("=", 1)[-1].rstrip(">") if "=" in ref else ref.split()[-1]
            if EXTERNAL.match(address):
                problems.append(f"{page.relative_to(root)}: {ref}")
        for url in CSS_URL.findall("".join(re.findall(r"<style[^>]*>(.*?)</style>", text, re.S))):
            problems.append(f"{page.relative_to(root)}: inline CSS loads {url}")
    for sheet in sorted(root.rglob("*.css")):
        for url in CSS_URL.findall(sheet.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{sheet.relative_to(root)}: loads {url}")
    return problems


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else "_build/html")
    if not root.is_dir():
        print(f"no built book at {root}: run `make book` first")
        return 2
    problems = external_references(root)
    pages = len(list(root.rglob("*.html")))
    for p in problems:
        print("external:", p)
    print(f"{pages} pages checked: {len(problems)} external resource reference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
