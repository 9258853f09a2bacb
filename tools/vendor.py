"""Copy the browser-side libraries the book serves itself from node_modules/ into _vendor/.

    npm ci && python tools/vendor.py

The versions are pinned in package.json and package-lock.json (npm registry). The book
copies ``_vendor/`` to the site root (``html_extra_path`` in ``_config.yml``), so every page
loads them from ``vendor/`` on the book's own host: nothing comes from a CDN, and the pages
work offline and from disk (``file://``).

- Vega, Vega-Lite and vega-embed draw the explorers on the web page without a kernel
  (:mod:`helpers.widgets`);

axe-core, the accessibility engine of the browser test, is installed by the same ``npm ci``
but not served: ``tools/browser_test.py`` reads it from ``node_modules/axe-core``.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_vendor" / "vendor"
#: package -> files to serve (relative to the package folder)
FILES = {
    "vega": ["build/vega.min.js", "LICENSE"],
    "vega-lite": ["build/vega-lite.min.js", "LICENSE"],
    "vega-embed": ["build/vega-embed.min.js", "LICENSE"],
}


def main() -> int:
    modules = ROOT / "node_modules"
    if not modules.is_dir():
        print("node_modules/ is missing: run `npm ci` first")
        return 1
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    versions = {}
    for package, files in FILES.items():
        folder = modules / package
        versions[package] = json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
        for name in files:
            source = folder / name
            target = OUT / (Path(name).name if name != "LICENSE" else f"{package}.LICENSE")
            shutil.copy2(source, target)
    shutil.copy2(ROOT / "_ext" / "explorers.js", OUT / "dlbook-explorers.js")  # the book's own few lines
    (OUT / "versions.json").write_text(json.dumps(versions, indent=1) + "\n", encoding="utf-8")
    (OUT / ".stamp").write_text("", encoding="utf-8")
    print("vendored: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
