"""Small Sphinx fixes for this book, each found by the browser test (tools/browser_test.py).

- sphinx-thebe adds its inline configuration script once per read phase; with Jupyter
  Book it appears twice on every page, and the second ``const THEBE_JS_URL`` declaration
  is a SyntaxError in the console. Identical scripts are kept once.
- Pages with an explorer (``helpers.widgets.Explorer``, HTML class ``dlbook-explorer``) get the
  scripts that draw it: Vega, Vega-Lite, vega-embed and the book's few lines that call it, all
  served from the book's own ``vendor/`` folder (``tools/vendor.py``), and only on those pages.
- Every chapter page's download menu offers the chapter's zip (``zip/NN_slug.zip``, written by
  ``tools/make_downloads.py``): the notebook with the ``helpers`` package beside it, which runs
  anywhere, where the theme's ``.ipynb`` button gives the notebook alone; and, when ``make pdf``
  has put ``downloads/book.pdf`` there, every page's menu offers the PDF edition (the Chinese
  pages link the same English PDF at the site root).
- Three accessibility fixes found by axe-core (tools/browser_test.py), made in the written HTML:
  the theme's search button and colour-mode button carry an ``aria-label`` that leaves out the
  text they show ("Search Ctrl+K"; the icons' titles, which Font Awesome turns into SVG text), and docutils writes the bibliography as
  ``role="list"`` whose children are ``doc-biblioentry`` (a list must hold list items). The
  buttons' icons are marked decorative and the search button is named by its own text; the
  bibliography's entries become list items.
- Every page links the same page in the other edition (English at the site root, Chinese in ``zh/``,
  built by ``make book-zh``).
- In the Chinese edition, a page not yet released in Chinese (``locales/zh_CN/release.yml``, passed
  as ``dlbook_translation_released``) opens with a banner saying its translation is in progress and
  that its untranslated paragraphs show the English original.
- In the Chinese edition, every page with a figure says under its title why the figures' titles,
  axes and legends are English (they are the outputs of the one run both editions share) and
  translates the words they use most (``FIGURE_NOTE``); the captions themselves are translated.
- sphinx-exercise's exercise titles are not offered for translation (its subtitle node has no source
  or raw text, which Sphinx's gettext needs): a transform that runs before Sphinx's translation step
  gives them both, so the Chinese edition translates exercise titles like any other text.
- In the Chinese edition, the verdicts that ``helpers.experiments`` glues ("indistinguishable at this
  budget", "A is better") read in Chinese inside translated paragraphs (``ChineseVerdicts``).
- pydata-sphinx-theme logs "Got invalid theme mode" on a reader's first visit when no
  default colour mode is configured: default to the reader's system setting (``auto``).
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform


EXPLORER_SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "dlbook-explorers.js")


def _explorer_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if "dlbook-explorer" in context.get("body", ""):
        for name in EXPLORER_SCRIPTS:
            # add_js_file paths are relative to _static; vendor/ sits beside it at the site root
            app.add_js_file(f"../vendor/{name}", priority=400)


def _other_edition(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """A header button to the same page in the other edition: English at the site root, Chinese in zh/."""
    if "header_buttons" not in context or templatename != "page.html" or not app.config.dlbook_other_edition:
        return
    up = "../" * pagename.count("/")
    chinese = (app.config.language or "en").startswith("zh")
    context["header_buttons"].insert(0, {
        "type": "link",
        "url": f"{up}../{pagename}.html" if chinese else f"{up}zh/{pagename}.html",
        "text": "English" if chinese else "中文",
        "tooltip": "This page in English" if chinese else "本页的中文版",
        "icon": "fas fa-language",
        "label": "other-edition-button",
    })


IN_PROGRESS = ('<div class="admonition note dlbook-translation-in-progress" role="note">'
               '<p class="admonition-title">翻译进行中</p>'
               '<p>本页的中文翻译尚未完成：尚未翻译的段落以英文原文显示。'
               '<a href="{english}">阅读本页的英文版</a>。</p></div>')


#: The Chinese edition's note on English text inside figures (see the module's docstring).
FIGURE_TERMS = (("epoch", "轮次"), ("loss", "损失"), ("accuracy", "准确率"), ("training / train", "训练"),
                ("validation / val", "验证"), ("test", "测试"), ("learning rate", "学习率"),
                ("batch size", "批量大小"), ("parameters", "参数"), ("layer", "层"), ("units", "单元"),
                ("weights", "权重"), ("seed", "随机种子"), ("baseline", "基线"), ("probability", "概率"))
FIGURE_NOTE = ('<div class="admonition note dlbook-figure-language" role="note">'
               '<p class="admonition-title">关于图中的英文</p>'
               '<p>本页的代码、打印结果和图与英文版完全相同，来自同一次运行，所以图的标题、坐标轴、图例和'
               '交互图的控件是英文的；图注已译成中文。图中常见的词：'
               + "；".join(f"{en} {zh}" for en, zh in FIGURE_TERMS) + '。</p></div>')


def figure_language_note(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """In the Chinese edition, the note on English figure text under the title of a page with a figure."""
    if not (app.config.language or "").startswith("zh") or templatename != "page.html":
        return
    body = context.get("body", "")
    if "<img" not in body or "dlbook-figure-language" in body:
        return
    end = body.find("</h1>")
    at = end + len("</h1>") if end >= 0 else 0
    context["body"] = body[:at] + FIGURE_NOTE + body[at:]


def translation_banner(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """The in-progress banner on a Chinese page that is not released (see the module's docstring)."""
    released = app.config.dlbook_translation_released
    if released is None or templatename != "page.html" or pagename in released or "body" not in context:
        return
    up = "../" * pagename.count("/")
    context["body"] = IN_PROGRESS.format(english=f"{up}../{pagename}.html") + context["body"]


def _chapter_zip(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    from pathlib import Path

    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        if (Path(app.srcdir) / "downloads" / "book.pdf").exists():  # `make pdf` ran before the build
            # One PDF, the English edition at the site root; the Chinese pages (in zh/) link that one.
            chinese = (app.config.language or "en").startswith("zh")
            url = "../" * pagename.count("/") + "../book.pdf" if chinese else context["pathto"]("book.pdf", 1)
            group["buttons"].append({
                "type": "link", "url": url, "text": "全书 PDF（英文版）" if chinese else "the book (.pdf)",
                "tooltip": "The whole book as a PDF", "icon": "fas fa-book", "label": "download-book-pdf-button",
            })
        if pagename.startswith("chapters/") and context.get("page_source_suffix") == ".ipynb":
            group["buttons"].insert(0, {
                "type": "link",
                "url": context["pathto"](f"zip/{pagename.split('/', 1)[1]}.zip", 1),
                "text": ".zip (notebook + helpers)",
                "tooltip": "Download this chapter with the helpers package it needs: it runs anywhere, Colab included",
                "icon": "fas fa-file-zipper",
                "label": "download-zip-button",
            })


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


A11Y_FIXES = [
    ('aria-label="Search" data-bs-placement', 'data-bs-placement'),
    ('<i class="fa-solid fa-magnifying-glass"></i>', '<i class="fa-solid fa-magnifying-glass" aria-hidden="true"></i>'),
    ('<i class="theme-switch ', '<i aria-hidden="true" class="theme-switch '),
    # Font Awesome turns an icon's title into SVG text, which then counts as the button's visible text
    ('data-mode="light" title="Light"', 'data-mode="light"'),
    ('data-mode="dark"  title="Dark"', 'data-mode="dark"'),
    ('data-mode="auto"  title="System Settings"', 'data-mode="auto"'),
    ('role="doc-biblioentry"', 'role="listitem"'),
    # myst-nb's hidden-cell toggle: its aria-label hid the visible "Show code cell content" from its name
    ('<summary aria-label="Toggle hidden content">', '<summary>'),
]

#: The same fixes where the theme's strings are translated (the Chinese edition): the search button's
#: aria-label (its visible text then names it) and the colour-mode icons' titles.
A11Y_PATTERNS = [
    (re.compile(r'(search-button__button pst-js-only" title="[^"]*") aria-label="[^"]*"'), r"\1"),
    (re.compile(r'(class="theme-switch [^"]*" data-mode="\w+")\s+title="[^"]*"'), r"\1"),
]


def _accessible_html(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from pathlib import Path

    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = text
        for old, new in A11Y_FIXES:
            fixed = fixed.replace(old, new)
        for pattern, replacement in A11Y_PATTERNS:
            fixed = pattern.sub(replacement, fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


class TranslatableExerciseTitles(SphinxTransform):
    default_priority = 15  # before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs: Any) -> None:
        try:
            from sphinx_exercise.nodes import exercise_subtitle
        except ImportError:
            return
        for node in self.document.findall(exercise_subtitle):
            if not node.rawsource:
                node.rawsource = node.astext()
            if not node.source:
                node.source, node.line = self.document["source"], node.line or 1


CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese_verdict(text: str) -> str | None:
    """The Chinese of a verdict ``helpers.experiments.glue_comparison`` glues, or None for other text."""
    if text == "indistinguishable at this budget":
        return "在这个预算下无法区分"
    if text.endswith(" is better"):
        return f"{text[:-len(' is better')]} 更好"
    return None


class ChineseVerdicts(SphinxPostTransform):
    """In the Chinese edition, a glued verdict inside a translated paragraph reads in Chinese.

    The verdicts are computed and glued in English ("indistinguishable at this budget", "A is
    better"); a paragraph that is still English keeps them in English."""

    default_priority = 10  # after myst-nb pastes the glued text (ReplacePendingGlueReferences, 5)

    def run(self, **kwargs: Any) -> None:
        if not (self.config.language or "").startswith("zh"):
            return
        for node in list(self.document.findall(nodes.inline)):
            if "pasted-text" not in node.get("classes", []):
                continue
            chinese = chinese_verdict(node.astext())
            paragraph = node.parent         # the paragraph (or title, list item...) around it,
            while isinstance(paragraph, nodes.Inline):   # not an emphasis inside it
                paragraph = paragraph.parent
            if chinese and paragraph is not None and CJK.search(paragraph.astext()):
                node.replace_self(nodes.inline(chinese, chinese, classes=node["classes"]))


def setup(app: Any) -> dict[str, Any]:
    app.add_transform(TranslatableExerciseTitles)
    app.add_post_transform(ChineseVerdicts)
    app.add_config_value("dlbook_translation_released", None, "html")
    app.add_config_value("dlbook_other_edition", True, "html")  # False where no other edition is built
    app.connect("html-page-context", translation_banner, priority=504)
    app.connect("html-page-context", figure_language_note, priority=505)
    app.connect("build-finished", _accessible_html)
    app.connect("html-page-context", _explorer_scripts, priority=500)
    app.connect("html-page-context", _chapter_zip, priority=502)
    app.connect("html-page-context", _other_edition, priority=503)  # after the theme makes its buttons (501)
    app.connect("html-page-context", _fix_page, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
