"""Build a quick HTML preview of one or more chapters, without executing them.

    python tools/preview.py chapters/05_mnist_keras.ipynb [more ...]

Uses the book's own configuration, but a table of contents with only the landing
page, the given chapters and the references, and the outputs saved in the
notebooks (``execute_notebooks: off``). Warnings are errors, as in the real build.
Output: ``_build/preview/<first-slug>/_build/html``. For authors; CI builds the
whole book from clean with ``make book``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    entries = [str(Path(a).with_suffix("")) for a in argv]
    out = ROOT / "_build" / "preview" / Path(entries[0]).name
    out.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "off"
    config["bibtex_bibfiles"] = [str(ROOT / "references.bib")]
    local = config.get("sphinx", {}).get("local_extensions") or {}
    config["sphinx"]["local_extensions"] = {name: str(ROOT / path) for name, path in local.items()}
    # The first chapter is the root: the landing page links every chapter, so it would only
    # build cleanly with all of them.
    toc = {"format": "jb-book", "root": entries[0],
           "parts": [{"caption": "Preview", "chapters": [{"file": e} for e in entries[1:] + ["glossary", "references"]]}]}
    (out / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True), encoding="utf-8")
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT), "--path-output", str(out),
           "--config", str(out / "_config.yml"), "--toc", str(out / "_toc.yml"), "--all", "-W", "-n", "--keep-going"]
    result = subprocess.run(cmd, cwd=ROOT)
    print(f"preview: {out / '_build' / 'html'}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
