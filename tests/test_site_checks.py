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
