"""The Chinese edition (中文版), made from the same sources: catalogues, the Chinese build, the Chinese notebooks.

    python tools/i18n.py update      # extract the messages and merge them into locales/zh_CN (sphinx-intl)
    python tools/i18n.py stats       # translated / fuzzy / untranslated, per catalogue
    python tools/i18n.py current     # do the catalogues hold exactly the English sources' messages?
    python tools/i18n.py check       # a release build's rule: nothing untranslated, nothing fuzzy, markup kept
    python tools/i18n.py config DIR  # the Chinese edition's Jupyter Book configuration in DIR/_config.yml
    python tools/i18n.py notebooks   # zh/chapters/*.ipynb: the chapters' markdown translated, code unchanged
    python tools/i18n.py ratio DIR   # how Chinese the built Chinese pages are (make book-zh checks it)

Which pages are released in Chinese is written in ``locales/zh_CN/release.yml``. A released page
obeys the release rule (every message translated, none fuzzy, markup kept) and must read mostly
Chinese; a page not yet released is still built, from whatever it has translated, under a banner
that says the translation is in progress and that untranslated paragraphs show the English.
Translating a page and adding it to the list is how the edition grows; once every page is listed,
the list can say ``all``.

Jupyter Book 1 has no language option of its own, so this follows Sphinx's way: Sphinx's
``gettext`` builder (``jupyter-book build --builder custom --custom-builder gettext``) writes one
``.pot`` catalogue per page; ``sphinx-intl update`` merges it into ``locales/zh_CN/LC_MESSAGES/*.po``
(a message whose English changed keeps its old translation, marked *fuzzy*: Sphinx then shows the
English, never the stale Chinese, and ``check`` fails until a translator reviews it); the Chinese
HTML is built from the same notebooks and saved outputs with ``language: zh_CN``.

The Chinese notebooks (for Colab and the downloads) are written from the same catalogues: each
markdown cell's paragraphs, headings, list items, table cells and directive titles are replaced by
their translations; code cells and their outputs are copied unchanged, so they run exactly like
the English ones. ``tests/test_translations.py`` checks they are current.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE = "zh_CN"
LOCALES = ROOT / "locales"
CATALOGUES = LOCALES / LANGUAGE / "LC_MESSAGES"
POT = ROOT / "_build" / "gettext-pot"
NOTEBOOKS_OUT = ROOT / "zh"
TITLE = "深度学习：讲解与实践"
#: The least share of Chinese a page of the Chinese edition must have (tools/i18n.py ratio).
MIN_RATIO = 0.6
RELEASE = LOCALES / LANGUAGE / "release.yml"
#: Markup a translation must keep exactly as its English has it (roles, code, math, links' targets).
MARKUP = [re.compile(p) for p in (r"\{[a-z:]+\}`[^`]*`", r"`[^`]+`", r"\$\$.*?\$\$|\$[^$]+\$", r"\]\([^)]*\)")]


def bin_(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def extract() -> Path:
    """Sphinx's gettext builder over the whole book: one .pot per page in POT/."""
    if POT.exists():
        shutil.rmtree(POT)
    out = ROOT / "_build" / "gettext-build"
    subprocess.run([bin_("jupyter-book"), "build", str(ROOT), "--builder", "custom", "--custom-builder", "gettext",
                    "--path-output", str(out), "--all"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    shutil.move(str(out / "_build" / "gettext"), POT)
    shutil.rmtree(out, ignore_errors=True)
    return POT


EXERCISE = re.compile(r"^`{3,}\{exercise\}[ \t]+(.+?)\s*$", re.M)


def add_exercise_titles(pot: Path = POT) -> int:
    """Exercise titles, which Sphinx's gettext builder misses (sphinx-exercise rebuilds its titles after
    the messages are collected; the book's extension lets Sphinx translate them when it reads a page)."""
    import polib

    added = 0
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        target = pot / "chapters" / f"{notebook.stem}.pot"
        if not target.exists():
            continue
        catalogue = polib.pofile(str(target))
        known = {e.msgid for e in catalogue}
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "markdown":
                for title in EXERCISE.findall("".join(cell["source"])):
                    if title not in known:
                        catalogue.append(polib.POEntry(msgid=title, msgstr=""))
                        known.add(title)
                        added += 1
        catalogue.save(str(target))
    return added


def update() -> None:
    extract()
    add_exercise_titles()
    subprocess.run([bin_("sphinx-intl"), "update", "-p", str(POT), "-d", str(LOCALES), "-l", LANGUAGE, "-w", "0"],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    for stale in CATALOGUES.rglob("*.po"):  # a page that no longer exists
        if not (POT / stale.relative_to(CATALOGUES)).with_suffix(".pot").exists():
            stale.unlink()
    stats()


def catalogues() -> list[Path]:
    return sorted(CATALOGUES.rglob("*.po"))


#: A glossary reference may show Chinese text and keep its English target: {term}`梯度下降 <gradient descent>`.
TERM_WITH_TEXT = re.compile(r"\{term\}`[^`<]*<([^>`]+)>`")


def markup(text: str) -> list[str]:
    """The markup a translation must keep; a {term} role counts by its target only."""
    text = TERM_WITH_TEXT.sub(lambda m: "{term}`" + m.group(1).strip() + "`", text)
    return sorted(m for pattern in MARKUP for m in pattern.findall(text))


def page_name(path: Path) -> str:
    """A catalogue's page, as _toc.yml names it (``chapters/05_mnist_keras``)."""
    return path.relative_to(CATALOGUES).with_suffix("").as_posix()


def released() -> list[str]:
    """The pages released in Chinese (``locales/zh_CN/release.yml``), every page if it says ``all``."""
    if not RELEASE.exists():
        return []
    listed = (yaml.safe_load(RELEASE.read_text(encoding="utf-8")) or {}).get("released") or []
    pages = [page_name(p) for p in catalogues()]
    if listed == "all":
        return pages
    if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
        raise ValueError(f"{RELEASE}: 'released' must be a list of page names or 'all', got {listed!r}")
    unknown = sorted(set(listed) - set(pages))
    if unknown:
        raise ValueError(f"{RELEASE}: no catalogue for {unknown}; pages are named as in _toc.yml")
    return listed


def problems() -> list[str]:
    """Everything that keeps the catalogues from a release build: every message of a released page
    translated and not fuzzy; in every page, translations keep their English's markup."""
    import polib

    found = []
    if not catalogues():
        return [f"no catalogues in {CATALOGUES}: run `python tools/i18n.py update`"]
    release = set(released())
    if not release:
        found.append(f"{RELEASE.relative_to(ROOT)} releases no page")
    for path in catalogues():
        name = path.relative_to(CATALOGUES)
        strict = page_name(path) in release
        po = polib.pofile(str(path))
        for entry in po:
            if entry.obsolete:
                continue
            if not entry.msgstr:
                if strict:
                    found.append(f"{name}: untranslated: {entry.msgid[:100]!r}")
            elif "fuzzy" in entry.flags:
                if not strict:
                    continue
                found.append(f"{name}: fuzzy (its English changed; review it): {entry.msgid[:100]!r}")
            elif markup(entry.msgid) != markup(entry.msgstr):
                found.append(f"{name}: the translation changes the markup of {entry.msgid[:100]!r}: "
                             f"{sorted(set(markup(entry.msgid)) ^ set(markup(entry.msgstr)))[:4]}")
    return found


def current() -> list[str]:
    """Messages of the English sources that the catalogues lack, or have but no longer need."""
    import polib

    extract()
    add_exercise_titles()
    found = []
    for pot in sorted(POT.rglob("*.pot")):
        name = pot.relative_to(POT).with_suffix(".po")
        po_path = CATALOGUES / name
        wanted = {e.msgid for e in polib.pofile(str(pot))}
        have = {e.msgid for e in polib.pofile(str(po_path)) if not e.obsolete} if po_path.exists() else set()
        if wanted != have:
            found.append(f"{name}: {len(wanted - have)} new and {len(have - wanted)} gone English message(s): "
                         "run `python tools/i18n.py update`, then translate")
    return found


#: Letters that count as Chinese (CJK ideographs and punctuation) and as Latin, for :func:`ratio`.
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
LATIN = re.compile(r"[A-Za-z]")


def page_text(html: str) -> str:
    """The prose of a built page: its article, without code, outputs, math, the quiz's markup and the
    bibliography's entries (authors and titles stay in their original language, as in any translation)."""
    article = re.search(r"<article[^>]*>(.*)</article>", html, re.S)
    text = article.group(1) if article else html
    for pattern in (r"<script.*?</script>", r"<style.*?</style>", r"<pre.*?</pre>", r"<div class=\"cell_output.*?</div>\s*</div>",
                    r"<div class=\"citation\".*?</div>",
                    r"<span class=\"math.*?</span>", r"<div class=\"math.*?</div>", r"<code.*?</code>"):
        text = re.sub(pattern, " ", text, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


def ratio(folder: Path, pages: list[str] | None = None) -> dict[str, float]:
    """Per page: Chinese characters among the prose's letters (a Chinese character counts as one letter,
    an English word as its letters / 4, about the information one Chinese character carries).
    ``pages``: only these (names as in _toc.yml); all built pages if None."""
    out = {}
    for page in sorted(folder.rglob("*.html")):
        if "_static" in page.parts or page.name in ("genindex.html", "search.html"):
            continue
        if pages is not None and page.relative_to(folder).with_suffix("").as_posix() not in pages:
            continue
        text = page_text(page.read_text(encoding="utf-8", errors="replace"))
        cjk, latin = len(CJK.findall(text)), len(LATIN.findall(text)) / 4
        if cjk + latin > 50:
            out[str(page.relative_to(folder))] = cjk / (cjk + latin)
    return out


def stats() -> None:
    import polib

    total = [0, 0, 0]
    for path in catalogues():
        po = polib.pofile(str(path))
        live = [e for e in po if not e.obsolete]
        fuzzy = sum("fuzzy" in e.flags for e in live)
        done = sum(bool(e.msgstr) and "fuzzy" not in e.flags for e in live)
        row = [done, fuzzy, len(live) - done - fuzzy]
        total = [a + b for a, b in zip(total, row)]
        print(f"{str(path.relative_to(CATALOGUES)):<44} translated {row[0]:>4}  fuzzy {row[1]:>4}  untranslated {row[2]:>4}")
    print(f"{'all':<44} translated {total[0]:>4}  fuzzy {total[1]:>4}  untranslated {total[2]:>4}")


#: A notebook's own glue reference, ``{glue:text}`key:.3f``` (no ``path::`` part).
LOCAL_GLUE = re.compile(r"\{glue:text\}`(?![^`]*::)([^`:]+)(:[^`]*)?`")


def glue_across(msgstr: str, page: str) -> str:
    """``msgstr`` with each of its page's own glue references written as a reference to the page.

    Sphinx translates a paragraph by parsing its translation again, on its own, after myst-nb has
    read the notebook: in that second parse a notebook's glue data is gone, and ``{glue:text}`key```
    finds nothing. myst-nb's cross-document form, ``{glue:text}`notebook.ipynb::key:format```, reads
    the glue data that myst-nb saved while it read the notebook, so it works there (the format is
    written out because myst-nb splits the last ``:`` off as the format)."""
    notebook = Path(page).name + ".ipynb"
    return LOCAL_GLUE.sub(lambda m: "{glue:text}`" + f"{notebook}::{m.group(1)}{m.group(2) or ':s'}" + "`", msgstr)


def build_catalogues(folder: Path) -> Path:
    """The catalogues the Chinese build reads: ``locales/`` copied to ``folder``, each notebook page's
    glue references written in the form a translation can use (``glue_across``)."""
    import polib

    out = folder / "locales"
    if out.exists():
        shutil.rmtree(out)
    for path in catalogues():
        po = polib.pofile(str(path))
        page = page_name(path)
        if (ROOT / f"{page}.ipynb").exists():
            for entry in po:
                if entry.msgstr:
                    entry.msgstr = glue_across(entry.msgstr, page)
        target = out / path.relative_to(LOCALES)
        target.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(target))
    return out


def config(folder: Path) -> Path:
    """The Chinese edition's configuration: the book's own, in Chinese, its launch buttons on zh/."""
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    cfg["title"] = TITLE
    cfg["bibtex_bibfiles"] = [str(ROOT / b) for b in cfg.get("bibtex_bibfiles", [])]
    cfg["repository"]["path_to_book"] = "zh"
    sphinx = cfg.setdefault("sphinx", {})
    sphinx["local_extensions"] = {k: str(ROOT / v) for k, v in (sphinx.get("local_extensions") or {}).items()}
    conf = sphinx.setdefault("config", {})
    conf["language"] = LANGUAGE
    conf["locale_dirs"] = [str(build_catalogues(folder))]
    conf["html_extra_path"] = [str(ROOT / "_build" / "downloads-zh"), str(ROOT / "_vendor")]
    conf["html_css_files"] = conf.get("html_css_files", [])
    conf["dlbook_translation_released"] = released()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # The table of contents' part captions: sphinx-external-toc adds them after Sphinx translates the
    # pages, so the Chinese edition gets a table of contents with its captions already translated.
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        part["caption"] = translate(part["caption"], "intro")
    (folder / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder / "_config.yml"


def translations(page: str) -> dict[str, str]:
    """``{English: Chinese}`` of one page's catalogue (``page`` as in _toc.yml), fuzzy entries left out."""
    import polib

    path = CATALOGUES / f"{page}.po"
    if not path.exists():
        return {}
    return {" ".join(e.msgid.split()): e.msgstr for e in polib.pofile(str(path))
            if e.msgstr and "fuzzy" not in e.flags and not e.obsolete}


def translate(text: str, page: str) -> str:
    """The Chinese of one message of ``page``, or the English where there is none."""
    return translations(page).get(" ".join(text.split()), text)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "update":
        update()
    elif command == "stats":
        stats()
    elif command == "check":
        found = problems()
        for p in found[:200]:
            print("PROBLEM:", p)
        print(f"{len(catalogues())} catalogues, {len(released())} released: {len(found)} problem(s)")
        return 1 if found else 0
    elif command == "config" and len(argv) == 2:
        print(config(Path(argv[1])))
    elif command == "ratio" and len(argv) == 2:
        ratios = ratio(Path(argv[1]), released())
        low = {p: r for p, r in ratios.items() if r < MIN_RATIO}
        for p, r in sorted(ratios.items()):
            print(f"{p:<48} {r:.2f}")
        print(f"{len(ratios)} released pages: lowest {min(ratios.values(), default=0):.2f}; {len(low)} below {MIN_RATIO}")
        return 1 if low else 0
    elif command == "current":
        found = current()
        for p in found:
            print("PROBLEM:", p)
        return 1 if found else 0
    elif command == "notebooks":
        import i18n_notebooks

        i18n_notebooks.write_all()
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
