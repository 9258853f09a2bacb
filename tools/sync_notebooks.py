"""Keep every chapter notebook's boilerplate in step with one source of truth.

- The first cell of each notebook is the Colab setup cell, built from the
  repository URL in ``_config.yml`` (the only place the URL is written).
- The self-check quiz cell is rendered from ``quizzes/<slug>.yml`` (see
  :mod:`helpers.quiz`) and placed just before "Further reading".
- The instructor guide's chapter list and the landing page's chapter map
  (``figures/chapter_map.png``) are regenerated from the chapters and helpers.
- The kernelspec is the standard ``python3`` one (Jupyter Book, nbval, Binder and
  Colab all start ``python3``).

Run by ``make sync`` and ``make execute``; ``tests/test_book_structure.py``
fails if a notebook is out of step.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
SETUP_TAG = "colab-setup"
QUIZ_TAG = "quiz"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from helpers import quiz  # noqa: E402
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/")


def setup_source(url: str | None = None, chapter: str = "this_chapter") -> str:
    """The exact source of a chapter's first cell (``chapter``: the notebook's name without ``.ipynb``)."""
    url = url or repository_url()
    return (
        "# Set-up for Colab and for a downloaded copy of this notebook: make the book's `helpers` importable.\n"
        "# (Locally, on Binder and in the book's own builds `helpers` is installed already: nothing happens.)\n"
        "import importlib, importlib.util, subprocess, sys\n"
        "\n"
        f'REPOSITORY = "{url}"\n'
        f'CHAPTER_ZIP = "{chapter}.zip"  # this notebook and the `helpers` folder, from the chapter\'s page\n'
        'IN_COLAB = "google.colab" in sys.modules\n'
        'if importlib.util.find_spec("helpers") is None and IN_COLAB:\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"git+{REPOSITORY}"],\n'
        "                   capture_output=True, text=True)\n"
        "    importlib.invalidate_caches()\n"
        'if importlib.util.find_spec("helpers") is None:\n'
        "    raise ModuleNotFoundError(\n"
        '        f"This notebook needs the book\'s `helpers` package: put {CHAPTER_ZIP} (download it from this "\n'
        '        "chapter\'s page in the book) next to the notebook and unzip it there (in Colab: upload it, then "\n'
        '        f"run !unzip -o {CHAPTER_ZIP}), or install it with: pip install git+{REPOSITORY}") from None\n'
        "import helpers\n"
        "\n"
        "missing = helpers.missing_requirements()  # packages `helpers` uses that are not installed here\n"
        "if missing and IN_COLAB:\n"
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)\n'
        "elif missing:\n"
        '    raise ModuleNotFoundError(f"This chapter needs: pip install {\' \'.join(missing)}")'
    )


def quiz_file(path: Path) -> Path:
    """``chapters/05_mnist_keras.ipynb`` -> ``quizzes/mnist_keras.yml``."""
    return ROOT / "quizzes" / (path.stem.split("_", 1)[1] + ".yml")


def quiz_source(path: Path) -> str | None:
    """The exact source of the chapter's quiz cell, or None if it has no quiz file."""
    qf = quiz_file(path)
    return quiz.to_markdown(quiz.load(qf)).rstrip("\n") if qf.exists() else None


def place_quiz(nb: nbformat.NotebookNode, source: str) -> None:
    """Update the quiz cell, or insert it just before 'Further reading' (else at the end)."""
    for cell in nb.cells:
        if QUIZ_TAG in cell.metadata.get("tags", []):
            cell.source = source
            return
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata["tags"] = [QUIZ_TAG]
    for k, other in enumerate(nb.cells):  # "Further reading" must start a cell of its own
        head, sep, tail = other.source.partition("\n## Further reading")
        if other.cell_type == "markdown" and sep:
            other.source = head.rstrip()
            nb.cells.insert(k + 1, nbformat.v4.new_markdown_cell(sep.lstrip("\n") + tail))
            break
    for k, other in enumerate(nb.cells):
        if other.cell_type == "markdown" and other.source.lstrip().startswith("## Further reading"):
            nb.cells.insert(k, cell)
            return
    nb.cells.append(cell)


def explorer_alt_text(nb: nbformat.NotebookNode) -> None:
    """Give every explorer cell's static picture an alt text, if it has none.

    An explorer (helpers.widgets.Explorer) shows a PNG of its default view on the web page;
    its text form, ``Explorer: <title> (…)``, names it.
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            plain = output.get("data", {}).get("text/plain", "")
            plain = "".join(plain) if isinstance(plain, list) else plain
            if plain.startswith("Explorer: ") and "image/png" in output.get("data", {}):
                title = plain[len("Explorer: "):].split(" (interactive", 1)[0]
                image = cell.metadata.setdefault("mystnb", {}).setdefault("image", {})
                image.setdefault("alt", f"Default view of the interactive explorer '{title}'. "
                                        "Open this page in Binder or Colab to change its controls.")


def chapter_notebooks() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def sync(path: Path) -> bool:
    """Bring one notebook in step; return True if it changed."""
    nb = nbformat.read(path, as_version=4)
    before = nbformat.writes(nb)
    source = setup_source(chapter=path.stem)
    first = nb.cells[0] if nb.cells else None
    if first is not None and first.cell_type == "code" and SETUP_TAG in first.metadata.get("tags", []):
        first.source = source
    else:
        cell = nbformat.v4.new_code_cell(source)
        nb.cells.insert(0, cell)
        first = cell
    first.metadata["tags"] = [SETUP_TAG, "hide-cell"]
    explorer_alt_text(nb)
    quiz_md = quiz_source(path)
    if quiz_md is not None:
        place_quiz(nb, quiz_md)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    after = nbformat.writes(nb)
    if after != before:
        nbformat.write(nb, path)
        return True
    return False


def main(argv: list[str]) -> int:
    paths = [Path(p).resolve() for p in argv] or chapter_notebooks()
    changed = [p for p in paths if sync(p)]
    for p in changed:
        print(f"synced {p.relative_to(ROOT)}")
    import instructor_table
    import link_glossary

    link_glossary.run(check=False)
    if instructor_table.sync():
        print("synced instructor_guide.md")
    # The landing page's chapter map is drawn by code (helpers.background), like every figure.
    import matplotlib

    matplotlib.use("Agg")
    from helpers.background import save_chapter_map

    save_chapter_map(ROOT / "figures" / "chapter_map.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
