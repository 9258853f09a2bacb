"""Visit every page of the built book in a real headless Chromium and check it.

    python tools/browser_test.py [_build/html] [--shots _build/browser]

Serves the built book on 127.0.0.1 (a random free port), starts the system's Chromium
(Debian's ``chromium`` package; nothing is downloaded) and drives it over the Chrome
DevTools Protocol. For every page it checks:

- no console errors and no uncaught exceptions;
- every image loaded (``naturalWidth > 0``);
- math rendered: where the page has math, MathJax output (``mjx-container``) is present
  and no raw ``$$`` is left in the text;
- chapter pages (from notebooks) offer the launch buttons (Binder, Colab) and the
  download button;
- accessibility: every image has alt text or a caption, headings do not skip levels, and
  body text meets WCAG AA contrast (4.5:1) against its background;

and reports each page's weight (HTML plus its own images);

it saves a full-page screenshot of each page under ``--shots`` (test artifacts).
Exits 1 and lists the problems if any check fails; 2 if Chromium is missing.
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.server
import itertools
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import websocket  # websocket-client, installed with Jupyter

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1280,900"]

PAGE_CHECKS = r"""
(() => {
  const imgs = [...document.images];
  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
  const article = document.querySelector('article') || document.body;
  const text = article.innerText;
  const hasMath = document.querySelectorAll('.math, div.math, span.math').length;
  return {
    images: imgs.length, broken: broken,
    hasMath: hasMath, mathjax: document.querySelectorAll('mjx-container').length,
    rawMath: (text.match(/\$\$/g) || []).length,
    noAlt: [...article.querySelectorAll('img')].filter(i => {
      const alt = (i.getAttribute('alt') || '').trim();
      const captioned = i.closest('figure') && i.closest('figure').querySelector('figcaption');
      return !captioned && (!alt || /\.(png|jpe?g|svg|gif)$/i.test(alt));
    }).map(i => i.getAttribute('src')),
    headingJumps: (() => {
      const levels = [...article.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
      const jumps = [];
      for (let k = 1; k < levels.length; k++) if (levels[k] > levels[k-1] + 1) jumps.push(`h${levels[k-1]}→h${levels[k]}`);
      if (levels.length && levels[0] !== 1) jumps.push(`first heading is h${levels[0]}`);
      return jumps;
    })(),
    contrast: (() => {
      const p = article.querySelector('p');
      if (!p) return null;
      const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
      const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
                                   .reduce((acc, v, i) => acc + v * [0.2126, 0.7152, 0.0722][i], 0);
      let el = p, bg = null;
      while (el) { const c = rgb(getComputedStyle(el).backgroundColor); if (c.length >= 3 && (c.length < 4 || c[3] > 0)) { bg = c; break; } el = el.parentElement; }
      bg = bg || [255, 255, 255];
      const fg = rgb(getComputedStyle(p).color);
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      return (hi + 0.05) / (lo + 0.05);
    })(),
    launch: !!document.querySelector('a[href*="colab.research.google.com"]') &&
            !!document.querySelector('a[href*="mybinder"]'),
    download: !!document.querySelector('.dropdown-download-buttons, [class*=download]'),
    height: Math.ceil(document.documentElement.scrollHeight),
    title: document.title,
  };
})()
"""


class CDP:
    """A minimal Chrome DevTools Protocol client over one page's websocket."""

    def __init__(self, ws_url: str) -> None:
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events: list[dict] = []

    def call(self, method: str, **params):
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, event: str, timeout: float = 30.0) -> None:
        deadline = time.time() + timeout
        self.ws.settimeout(1.0)
        try:
            while time.time() < deadline:
                if any(e.get("method") == event for e in self.events):
                    return
                try:
                    self.events.append(json.loads(self.ws.recv()))
                except websocket.WebSocketTimeoutException:
                    pass
        finally:
            self.ws.settimeout(60)
        raise TimeoutError(event)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def page_weight(root: Path, page: str) -> int:
    """Bytes of the page's HTML plus the local images it shows (shared theme assets excluded)."""
    html = (root / page).read_text(encoding="utf-8", errors="replace")
    total = len(html.encode("utf-8"))
    for src in set(re.findall(r'<img[^>]+src="([^"]+)"', html)):
        if src.startswith(("http:", "https:", "data:")) or "_static" in src:
            continue
        path = (root / page).parent / src.split("?")[0]
        if path.exists():
            total += path.stat().st_size
    return total


def find_browser() -> str | None:
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default="_build/html")
    parser.add_argument("--shots", default="_build/browser")
    args = parser.parse_args()
    root, shots = Path(args.root), Path(args.shots)
    if not (root / "index.html").exists():
        print(f"no built book at {root}: run `make book` first")
        return 1
    browser = find_browser()
    if browser is None:
        print("Chromium not found: install Debian's `chromium` package (apt-get install chromium)")
        return 2
    shots.mkdir(parents=True, exist_ok=True)
    pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                   if p.name not in ("genindex.html", "search.html") and "_static" not in p.parts
                   and 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8", errors="replace")[:2000])
    server, port = serve(root)
    debug_port = free_port()
    profile = tempfile.mkdtemp(prefix="chromium-")
    proc = subprocess.Popen([browser, *FLAGS, f"--remote-debugging-port={debug_port}",
                             f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    problems: list[str] = []
    try:
        for _ in range(100):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{debug_port}/json"))
                break
            except OSError:
                time.sleep(0.2)
        else:
            print("Chromium did not start its DevTools endpoint")
            return 2
        page_target = next(t for t in targets if t.get("type") == "page")
        cdp = CDP(page_target["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log"):
            cdp.call(f"{domain}.enable")
        print(f"{'page':<44}{'images':>7}{'math':>6}{'errors':>7}{'contrast':>9}{'weight KB':>10}")
        for page in pages:
            cdp.events.clear()
            cdp.call("Page.navigate", url=f"http://127.0.0.1:{port}/{page}")
            cdp.wait_for("Page.loadEventFired")
            time.sleep(0.5)  # let MathJax typeset
            for _ in range(20):
                result = cdp.call("Runtime.evaluate", expression=PAGE_CHECKS, returnByValue=True)
                info = result.get("result", {}).get("value")
                if info is None:
                    raise RuntimeError(f"{page}: the page checks did not run: {json.dumps(result)[:300]}")
                if not info["hasMath"] or info["mathjax"]:
                    break
                time.sleep(0.25)
            errors = [e for e in cdp.events if e.get("method") == "Runtime.exceptionThrown"
                      or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
                      or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")]
            for e in errors:
                detail = json.dumps(e["params"])[:300]
                problems.append(f"{page}: console error {detail}")
            if info["broken"]:
                problems.append(f"{page}: images not loaded: {info['broken'][:5]}")
            if info["hasMath"] and not info["mathjax"]:
                problems.append(f"{page}: math not rendered by MathJax")
            if info["noAlt"]:
                problems.append(f"{page}: {len(info['noAlt'])} image(s) without alt text or caption: {info['noAlt'][:3]}")
            if info["headingJumps"]:
                problems.append(f"{page}: headings out of order: {info['headingJumps'][:5]}")
            if info["contrast"] is not None and info["contrast"] < 4.5:
                problems.append(f"{page}: body text contrast {info['contrast']:.1f}:1 is below WCAG AA (4.5:1)")
            if info["rawMath"]:
                problems.append(f"{page}: {info['rawMath']} raw $$ left in the text")
            if page.startswith("chapters/") and (root / page).exists():
                if not info["launch"]:
                    problems.append(f"{page}: no Binder/Colab launch buttons")
                if not info["download"]:
                    problems.append(f"{page}: no download button")
            height = min(info["height"], 30000)
            cdp.call("Emulation.setDeviceMetricsOverride", width=1280, height=height, deviceScaleFactor=1, mobile=False)
            shot = cdp.call("Page.captureScreenshot", format="png")
            cdp.call("Emulation.clearDeviceMetricsOverride")
            (shots / (page.replace("/", "__").replace(".html", ".png"))).write_bytes(base64.b64decode(shot["data"]))
            contrast = f"{info['contrast']:.1f}" if info["contrast"] else "-"
            print(f"{page:<44}{info['images']:>7}{info['mathjax']:>6}{len(errors):>7}{contrast:>9}"
                  f"{page_weight(root, page) / 1024:>10.0f}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    for p in problems:
        print("PROBLEM:", p)
    print(f"{len(pages)} pages visited, screenshots in {shots}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
