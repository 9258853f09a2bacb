"""Zip every notebook for download from the landing page: full and student editions.

    python tools/make_downloads.py

Writes ``downloads/notebooks-full.zip`` (the notebooks as committed, with their outputs)
and ``downloads/notebooks-student.zip`` (no solutions; see tools/make_student.py). The
book copies ``downloads/`` to the site root (``html_extra_path`` in ``_config.yml``).
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

import make_student

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "downloads"


def main() -> int:
    OUT.mkdir(exist_ok=True)
    notebooks = [p for p in make_student.toc_pages() if p.suffix == ".ipynb"]
    with zipfile.ZipFile(OUT / "notebooks-full.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for nb in notebooks:
            zf.write(nb, nb.relative_to(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        make_student.build(Path(tmp) / "student")
        (OUT / "notebooks-student.zip").write_bytes((Path(tmp) / "student" / "notebooks-student.zip").read_bytes())
    print(f"downloads: {len(notebooks)} notebooks in {OUT / 'notebooks-full.zip'} and notebooks-student.zip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
