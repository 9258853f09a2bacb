"""The checks of the built book find what they are for: broken links and anchors, a PDF missing a chapter."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import check_links  # noqa: E402
import check_pdf  # noqa: E402


def test_broken_files_and_anchors_are_found(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.html").write_text('<a href="sub/b.html#here">ok</a> <a href="sub/b.html#gone">x</a> '
                                     '<img src="missing.png"> <a href="https://example.org/">out</a> '
                                     '<a href="#top">top</a><h1 id="top">t</h1>', encoding="utf-8")
    (tmp_path / "sub" / "b.html").write_text('<p id="here">b</p><a href="../a.html">back</a>', encoding="utf-8")
    check_links.parse.cache_clear()
    found = check_links.broken_links(tmp_path)
    assert found == ["a.html: link to a missing anchor: sub/b.html#gone", "a.html: link to a missing file: missing.png"]


def test_the_pdf_check_finds_a_missing_chapter_and_missing_figures(tmp_path, monkeypatch):
    pdf = tmp_path / "book.pdf"
    with PdfPages(pdf) as pages:
        for k in range(3):
            fig = plt.figure()
            fig.text(0.1, 0.5, "Chapter One" if k == 0 else "more text")
            pages.savefig(fig)
            plt.close(fig)
    one, two = tmp_path / "one.md", tmp_path / "two.md"
    one.write_text("# Chapter One\n", encoding="utf-8")
    two.write_text("# Chapter Two\n", encoding="utf-8")
    monkeypatch.setattr(check_pdf, "ROOT", tmp_path)
    monkeypatch.setattr(check_pdf, "MIN_PAGES", 5)
    found, count = check_pdf.problems(pdf, [one, two])
    text = " ".join(found)
    assert count == 3 and "only 3 pages" in text
    assert "two.md" in text and "Chapter Two" in text          # matplotlib's PDF has no outline: both are missing
    assert "one.md" in text


def test_the_accessibility_fixes_reach_the_translated_theme_strings(tmp_path):
    sys.path.insert(0, str(ROOT / "_ext"))
    import book_fixes

    page = tmp_path / "page.html"
    page.write_text(
        '<button class="btn search-button-field search-button__button pst-js-only" title="搜索" aria-label="搜索" '
        'data-bs-placement="bottom"><span>搜索</span></button>\n'
        '<i class="theme-switch fa-solid fa-moon fa-lg" data-mode="dark"  title="暗色"></i>\n'
        '<summary aria-label="Toggle hidden content">\n<p>Show code cell content</p></summary>\n'
        '<button class="btn search-button-field search-button__button pst-js-only" title="Search" '
        'aria-label="Search" data-bs-placement="bottom">', encoding="utf-8")

    class App:
        outdir = str(tmp_path)

        class builder:
            format = "html"

    book_fixes._accessible_html(App, None)
    fixed = page.read_text(encoding="utf-8")
    assert "aria-label" not in fixed                       # the visible text names the buttons and the toggle
    assert 'title="暗色"' not in fixed and 'aria-hidden="true" class="theme-switch' in fixed
    assert fixed.count('title="搜索"') == 1 and "<summary>" in fixed
