"""The book's downloads: each chapter with what it needs to run anywhere, and all of them at once.

    python tools/make_downloads.py                 # write downloads/ (make book does this)
    python tools/make_downloads.py --extract DIR   # each chapter's download unzipped into DIR/<chapter>/
    python tools/make_downloads.py --language zh_CN  # the Chinese edition's: _build/downloads-zh/

A notebook alone cannot run outside this repository: it imports the book's ``helpers`` package.
So every download carries it:

- ``downloads/zip/NN_slug.zip``: ``NN_slug.ipynb`` and the ``helpers/`` folder beside it, the
  link in the download menu of the chapter's page. Unzipped anywhere (Colab included), the
  notebook's set-up cell finds ``helpers`` next to it;
- ``downloads/notebooks-full.zip``: every chapter, with one ``helpers/`` folder;
- ``downloads/notebooks-student.zip``: the student edition (no solutions; ``tools/make_student.py``),
  outputs cleared, with ``helpers/``.

The book copies ``downloads/`` to the site root (``html_extra_path`` in ``_config.yml``).
The Chinese edition's downloads (``--language zh_CN``) hold the Chinese notebooks (``zh/chapters``,
written from the catalogues by ``tools/i18n.py notebooks``) with the same ``helpers/``, and their student edition.

``--extract`` is how ``make test`` runs each chapter: from a folder holding only its download,
as a reader who downloaded it would.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat

import make_student

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "downloads"
PACKAGE = ROOT / "src" / "helpers"
#: A fixed time stamp for every member, so that the same sources make the same zip.
STAMP = (2026, 1, 1, 0, 0, 0)


def package_files() -> list[tuple[Path, str]]:
    """The ``helpers`` package as (file, name in the archive) pairs: code, data files, py.typed."""
    files = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            files.append((path, "helpers/" + path.relative_to(PACKAGE).as_posix()))
    return files


def write_zip(target: Path, members: list[tuple[Path | bytes, str]]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for source, name in members:
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, source if isinstance(source, bytes) else source.read_bytes())
    return target


def chapter_members(notebook: Path) -> list[tuple[Path | bytes, str]]:
    """What a chapter's download holds: the notebook and the helpers package beside it."""
    return [(notebook, notebook.name), *package_files()]


def chapter_notebooks() -> list[Path]:
    return [p for p in make_student.toc_pages() if p.suffix == ".ipynb"]


def build() -> None:
    OUT.mkdir(exist_ok=True)
    notebooks = chapter_notebooks()
    for nb in notebooks:
        write_zip(OUT / "zip" / f"{nb.stem}.zip", chapter_members(nb))
    write_zip(OUT / "notebooks-full.zip", [(nb, nb.name) for nb in notebooks] + package_files())
    with tempfile.TemporaryDirectory() as tmp:
        student = make_student.build(Path(tmp) / "student", outputs=False)
        write_zip(OUT / "notebooks-student.zip", [(nb, nb.name) for nb in student] + package_files())
    print(f"downloads: {len(notebooks)} chapter zips in {OUT / 'zip'}, notebooks-full.zip, notebooks-student.zip")


def build_chinese() -> None:
    out = ROOT / "_build" / "downloads-zh"
    if out.exists():
        shutil.rmtree(out)
    notebooks = [ROOT / "zh" / nb.relative_to(ROOT) for nb in chapter_notebooks()]
    missing = [str(nb.relative_to(ROOT)) for nb in notebooks if not nb.exists()]
    if missing:
        raise SystemExit(f"the Chinese notebooks are missing ({', '.join(missing[:3])}...): python tools/i18n.py notebooks")
    for nb in notebooks:
        write_zip(out / "zip" / f"{nb.stem}.zip", chapter_members(nb))
    write_zip(out / "notebooks-full.zip", [(nb, nb.name) for nb in notebooks] + package_files())
    student = []
    for nb in notebooks:  # the student edition of the Chinese notebooks: solutions removed, outputs cleared
        stripped, _ = make_student.strip(nbformat.read(nb, as_version=4), outputs=False)
        student.append((nbformat.writes(stripped).encode("utf-8"), nb.name))
    write_zip(out / "notebooks-student.zip", student + package_files())
    print(f"Chinese downloads: {len(notebooks)} chapter zips in {out / 'zip'}, notebooks-full.zip, notebooks-student.zip")


def extract(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    for nb in chapter_notebooks():
        target = folder / nb.stem
        with tempfile.TemporaryDirectory() as tmp:
            archive = write_zip(Path(tmp) / f"{nb.stem}.zip", chapter_members(nb))
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(target)
    print(f"extracted {len(chapter_notebooks())} chapter downloads into {folder}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract", metavar="DIR", help="unzip each chapter's download into DIR/<chapter>/")
    parser.add_argument("--language", choices=["zh_CN"], help="the Chinese edition's downloads instead")
    args = parser.parse_args()
    if args.language:
        build_chinese()
    elif args.extract:
        extract(Path(args.extract))
    else:
        build()
    return 0


if __name__ == "__main__":
    sys.exit(main())
