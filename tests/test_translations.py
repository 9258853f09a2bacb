"""The Chinese edition: its catalogues and notebooks follow the English, and a changed sentence is never shown stale.

- Release rule: every message of a page released in Chinese (``locales/zh_CN/release.yml``)
  translated, none fuzzy, the markup (roles, code, math, link targets) kept exactly in every
  translation (``tools/i18n.py check``); pages not yet released carry an in-progress banner (``make book-zh`` ``make book-zh`` also checks that the catalogues hold the
  English sources' messages, which needs a Sphinx run, and measures how Chinese the pages are).
- The Chinese notebooks (``zh/chapters``) are what the catalogues make of the English notebooks,
  with the same code cells and outputs.
- When an English sentence changes, ``sphinx-intl update`` keeps the old translation marked fuzzy:
  the Chinese build then shows the English sentence (never the stale translation) and the release
  rule fails until a translator reviews it. Proven here on a small catalogue.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import i18n  # noqa: E402
import i18n_notebooks  # noqa: E402

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_every_message_of_a_released_page_is_translated_and_keeps_its_markup():
    found = i18n.problems()
    assert not found, f"{len(found)} catalogue problem(s), e.g.:\n  " + "\n  ".join(found[:15])


def test_the_release_list_names_real_pages_and_at_least_one(tmp_path, monkeypatch):
    assert i18n.released(), "locales/zh_CN/release.yml releases no page"
    monkeypatch.setattr(i18n, "RELEASE", tmp_path / "release.yml")
    (tmp_path / "release.yml").write_text("released: [chapters/99_nothing]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no catalogue"):
        i18n.released()
    (tmp_path / "release.yml").write_text("released: all\n", encoding="utf-8")
    assert i18n.released() == [i18n.page_name(p) for p in i18n.catalogues()]


def test_a_page_not_released_opens_with_the_in_progress_banner():
    sys.path.insert(0, str(ROOT / "_ext"))
    import book_fixes

    class App:
        class config:
            dlbook_translation_released = ["intro"]

    for page, banner in (("chapters/05_mnist_keras", True), ("intro", False)):
        context = {"body": "<h1>x</h1>"}
        book_fixes.translation_banner(App, page, "page.html", context, None)
        assert ("翻译进行中" in context["body"]) is banner
        if banner:
            assert 'href="../../chapters/05_mnist_keras.html"' in context["body"]
    App.config.dlbook_translation_released = None   # the English edition: never a banner
    context = {"body": "<h1>x</h1>"}
    book_fixes.translation_banner(App, "chapters/05_mnist_keras", "page.html", context, None)
    assert context["body"] == "<h1>x</h1>"


def test_chinese_pages_with_figures_explain_their_english_labels():
    sys.path.insert(0, str(ROOT / "_ext"))
    import book_fixes

    class App:
        class config:
            language = "zh_CN"

    page = '<section><h1>标题</h1><p>正文</p><img src="a.png"/></section>'
    context = {"body": page}
    book_fixes.figure_language_note(App, "chapters/02_core_concepts", "page.html", context, None)
    assert context["body"].startswith("<section><h1>标题</h1>" + book_fixes.FIGURE_NOTE)
    assert "epoch 轮次" in book_fixes.FIGURE_NOTE and "validation / val 验证" in book_fixes.FIGURE_NOTE
    book_fixes.figure_language_note(App, "chapters/02_core_concepts", "page.html", context, None)
    assert context["body"].count("dlbook-figure-language") == 1          # once, whatever calls it twice
    for body in ("<h1>x</h1><p>no figure</p>",):
        context = {"body": body}
        book_fixes.figure_language_note(App, "intro", "page.html", context, None)
        assert context["body"] == body                                    # no figure, no note
    App.config.language = "en"                                            # the English edition: never
    context = {"body": page}
    book_fixes.figure_language_note(App, "chapters/02_core_concepts", "page.html", context, None)
    assert context["body"] == page


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chinese_notebook_is_current(path):
    target = i18n.NOTEBOOKS_OUT / "chapters" / path.name
    assert target.exists(), f"write it: python tools/i18n.py notebooks"
    made = i18n_notebooks.translate_notebook(path)
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved == made, f"{target.relative_to(ROOT)} is out of date: python tools/i18n.py notebooks"
    english = json.loads(path.read_text(encoding="utf-8"))
    code = [(c["source"], c.get("outputs")) for c in english["cells"] if c["cell_type"] == "code"]
    assert [(c["source"], c.get("outputs")) for c in saved["cells"] if c["cell_type"] == "code"] == code


def test_a_changed_english_sentence_marks_its_translation_for_review(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "RELEASE", tmp_path / "release.yml")
    (tmp_path / "release.yml").write_text("released: all\n", encoding="utf-8")
    pot, locales = tmp_path / "pot", tmp_path / "locales"
    pot.mkdir()

    def write_pot(messages):
        catalogue = polib.POFile()
        catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
        for m in messages:
            catalogue.append(polib.POEntry(msgid=m, msgstr=""))
        catalogue.save(str(pot / "page.pot"))

    intl = [str(Path(sys.executable).with_name("sphinx-intl")), "update", "-p", str(pot), "-d", str(locales), "-l", "zh_CN"]
    write_pot(["The model learns.", "Gradient descent takes small steps downhill."])
    subprocess.run(intl, check=True, capture_output=True)
    po_path = locales / "zh_CN" / "LC_MESSAGES" / "page.po"
    po = polib.pofile(str(po_path))
    for entry, text in zip(po, ["模型在学习。", "梯度下降沿下坡方向迈小步。"]):
        entry.msgstr = text
    po.save()
    write_pot(["The model learns.", "Gradient descent takes small steps down the slope."])   # the English changed
    subprocess.run(intl, check=True, capture_output=True)
    po = polib.pofile(str(po_path))
    changed = next(e for e in po if e.msgid.startswith("Gradient descent"))
    assert "fuzzy" in changed.flags and changed.msgstr == "梯度下降沿下坡方向迈小步。"
    # what the Chinese build uses leaves the fuzzy one out (the English shows), and the release rule fails
    original = i18n.CATALOGUES
    try:
        i18n.CATALOGUES = locales / "zh_CN" / "LC_MESSAGES"
        table = i18n.translations("page")
        assert table == {"The model learns.": "模型在学习。"}
        assert any("fuzzy" in p for p in i18n.problems())
    finally:
        i18n.CATALOGUES = original


def test_markup_changes_are_caught():
    assert i18n.markup("Run `model.fit` and see {glue:text}`acc:.3f`, $x^2$.") == \
        sorted(["`model.fit`", "{glue:text}`acc:.3f`", "`acc:.3f`", "$x^2$"])
    assert i18n.markup("运行 `model.fit`，$x^2$。") == i18n.markup("Run `model.fit` and $x^2$.")
    assert i18n.markup("运行 model.fit，$x^2$。") != i18n.markup("Run `model.fit` and $x^2$.")   # a code span lost
    # a glossary link may show Chinese and keep its target; a changed target is caught
    assert i18n.markup("用{term}`梯度下降 <gradient descent>`。") == i18n.markup("Use {term}`gradient descent`.")
    assert i18n.markup("用{term}`梯度下降 <descent>`。") != i18n.markup("Use {term}`gradient descent`.")


def test_markdown_translation_replaces_blocks_and_keeps_directives():
    text = ("# Title\n\nA paragraph\nover two lines.\n\n- item one\n- item two\n\n"
            "```{exercise} Do it\n:label: ex-x\n\nThe task.\n```\n\n| a | b |\n| --- | --- |\n| left | right |\n")
    table = {"Title": "标题", "A paragraph over two lines.": "一段话。", "item one": "第一项", "Do it": "做吧",
             "The task.": "任务。", "left": "左", "right": "右", "a": "甲", "b": "乙"}
    out = i18n_notebooks.translate_markdown(text, lambda t: table.get(" ".join(t.split())))
    assert out.startswith("# 标题\n\n一段话。\n\n- 第一项\n- item two\n\n```{exercise} 做吧\n:label: ex-x\n\n任务。\n```")
    assert "| 左 | 右 |" in out and "| 甲 | 乙 |" in out


def test_page_ratio_counts_prose_not_code(tmp_path):
    (tmp_path / "a.html").write_text("<article><p>这是中文的句子，用来测试。" * 5 + "</p><pre>code code code code code code "
                                     "code code code code code code</pre></article>", encoding="utf-8")
    (tmp_path / "b.html").write_text("<article><p>" + "an English sentence only " * 10 + "</p></article>", encoding="utf-8")
    ratios = i18n.ratio(tmp_path)
    assert ratios["a.html"] == 1.0 and ratios["b.html"] == 0.0
    assert list(i18n.ratio(tmp_path, ["a"])) == ["a.html"]   # only the released pages are held to MIN_RATIO


def test_page_ratio_leaves_out_the_bibliography_entries(tmp_path):
    # Authors and titles of cited works stay in their language; the page's own prose is what is measured.
    entry = ('<div class="citation" id="id1" role="listitem"><span class="label">[AB16]</span>'
             "<p>Martín Abadi and others. TensorFlow: a system for large-scale machine learning. 2016.</p></div>\n")
    (tmp_path / "references.html").write_text('<article><p>' + '书中引用的全部文献，每篇只列一次，各章在正文中引用它们。' * 3 + '</p>'
                                              '<div role="list" class="citation-list">' + entry * 40 + "</div></article>",
                                              encoding="utf-8")
    assert i18n.ratio(tmp_path) == {"references.html": 1.0}


def test_the_chinese_pages_link_the_one_pdf_at_the_site_root(tmp_path):
    """make book-zh builds zh/ inside the English site: its PDF button must reach the English book.pdf."""
    sys.path.insert(0, str(ROOT / "_ext"))
    import book_fixes

    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads" / "book.pdf").write_bytes(b"%PDF-1.5")
    for language, page, expected in (("zh_CN", "chapters/05_mnist_keras", "../../book.pdf"),
                                     ("zh_CN", "intro", "../book.pdf"),
                                     ("en", "chapters/05_mnist_keras", "../book.pdf")):
        class App:
            srcdir = str(tmp_path)

            class config:
                pass
        App.config.language = language
        context = {"header_buttons": [{"label": "download-buttons", "buttons": []}],
                   "pathto": lambda name, _: ("../" * page.count("/")) + name, "page_source_suffix": ".md"}
        book_fixes._chapter_zip(App, page, "page.html", context, None)
        urls = [b["url"] for b in context["header_buttons"][0]["buttons"]]
        assert urls == [expected], (language, page, urls)


def test_the_chinese_downloads_hold_a_student_edition_without_solutions():
    sys.path.insert(0, str(ROOT / "tools"))
    import zipfile

    import make_downloads

    make_downloads.build_chinese()
    archive = ROOT / "_build" / "downloads-zh" / "notebooks-student.zip"
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert "05_mnist_keras.ipynb" in names and "helpers/__init__.py" in names
        nb = json.loads(zf.read("05_mnist_keras.ipynb"))
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert not any("{solution-start}" in s for s in sources)
    assert any("student-stub" in c["metadata"].get("tags", []) for c in nb["cells"])
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


def test_a_notebooks_own_glue_references_are_written_across_for_the_translated_parse():
    page = "chapters/01_background"
    text = ("{glue:text}`acc:.3f` and {glue:text}`gap_mean:+.3f`, {glue:text}`gap_verdict`; "
            "{glue:text}`other.ipynb::x:.1f` and `code` stay")
    assert i18n.glue_across(text, page) == (
        "{glue:text}`01_background.ipynb::acc:.3f` and {glue:text}`01_background.ipynb::gap_mean:+.3f`, "
        "{glue:text}`01_background.ipynb::gap_verdict:s`; {glue:text}`other.ipynb::x:.1f` and `code` stay")
    assert i18n.glue_across("no glue here", page) == "no glue here"


def test_the_chinese_build_reads_a_copy_of_the_catalogues_with_glue_written_across(tmp_path):
    out = i18n.build_catalogues(tmp_path)
    assert (tmp_path / "_config.yml").exists() is False      # only the catalogues are written here
    copied = sorted(p.relative_to(out / i18n.LANGUAGE / "LC_MESSAGES") for p in out.rglob("*.po"))
    assert copied == sorted(p.relative_to(i18n.CATALOGUES) for p in i18n.catalogues())
    po = polib.pofile(str(out / i18n.LANGUAGE / "LC_MESSAGES" / "chapters" / "01_background.po"))
    glued = [e.msgstr for e in po if e.msgstr and "{glue:text}" in e.msgstr]
    assert glued, "chapter 1's translation quotes no glued number: this test then proves nothing"
    assert all("{glue:text}`01_background.ipynb::" in s for s in glued)
    original = polib.pofile(str(i18n.CATALOGUES / "chapters" / "01_background.po"))
    assert any("{glue:text}`taste_" in e.msgstr for e in original)   # the committed catalogue is untouched


def test_an_edition_without_a_chinese_twin_gets_no_language_button():
    sys.path.insert(0, str(ROOT / "_ext"))
    import book_fixes

    def buttons(other_edition: bool) -> list:
        class App:
            class config:
                language = "en"
                dlbook_other_edition = other_edition
        context = {"header_buttons": []}
        book_fixes._other_edition(App, "chapters/05_mnist_keras", "page.html", context, None)
        return context["header_buttons"]

    assert [b["url"] for b in buttons(True)] == ["../zh/chapters/05_mnist_keras.html"]
    assert buttons(False) == []                     # the student edition (tools/make_student.py)


def test_glued_verdicts_read_in_chinese_inside_translated_paragraphs_only():
    sys.path.insert(0, str(ROOT / "_ext"))
    from docutils import nodes
    from docutils.utils import new_document
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser

    import book_fixes

    assert book_fixes.chinese_verdict("indistinguishable at this budget") == "在这个预算下无法区分"
    assert book_fixes.chinese_verdict("small CNN is better") == "small CNN 更好"
    assert book_fixes.chinese_verdict("0.913") is None

    def page(words: str) -> nodes.document:
        document = new_document("page", get_default_settings(Parser))
        paragraph = nodes.paragraph()
        paragraph += nodes.Text(words)
        emphasis = nodes.emphasis()                 # as in *{glue:text}`cnn_verdict`*
        emphasis += nodes.inline("small CNN is better", "small CNN is better", classes=["pasted-text"])
        paragraph += emphasis
        document += paragraph
        return document

    class Config:
        language = "zh_CN"

    for words, expected in (("两者比较：", "small CNN 更好"), ("The comparison: ", "small CNN is better")):
        document = page(words)
        transform = book_fixes.ChineseVerdicts.__new__(book_fixes.ChineseVerdicts)
        transform.document = document
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(book_fixes.ChineseVerdicts, "config", property(lambda self: Config))
            transform.run()
        assert [n.astext() for n in document.findall(nodes.inline)] == [expected]
