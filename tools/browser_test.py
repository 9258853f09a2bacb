"""Visit every page of the built book in headless Chromium, every other host blocked, and check it.

    python tools/browser_test.py [_build/html] [--shots _build/browser]

Serves the built book on 127.0.0.1 (a random free port) and drives the system's Chromium
(Debian's ``chromium``; nothing is downloaded) over the Chrome DevTools Protocol, with every other
host unresolvable (``--host-resolver-rules``) and every request to one reported. For every page:

- no console errors, no uncaught exceptions, no request to another host;
- every image loaded; where the page has math, MathJax rendered it and no raw ``$$`` is left;
- chapter pages offer the launch buttons (Binder, Colab) and the chapter's zip in the download menu;
- **accessibility with axe-core** (npm; ``node_modules/axe-core``) in light *and* dark mode: no
  serious or critical violation, and headings in order (axe's ``heading-order``);
- **explorers** (``helpers.widgets.Explorer``): each draws itself without a kernel; moving each of its
  controls changes what is drawn; the values drawn are the precomputed table's rows at the chosen
  setting; every control can be reached with the keyboard (it is in the tab order) and moved with it;
- its weight (HTML plus its own images) is at most 5 MB.

Then it opens the book from disk (``file://``): the landing page, a chapter with an explorer and the
search page (a search for "gradient" must find pages), with the same checks of errors and images.
Saves a full-page screenshot of each page under ``--shots``. Prints a table and every problem; exits
1 if there is any problem, 2 if Chromium or axe-core is missing.
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
from pathlib import Path

import websocket  # websocket-client, installed with Jupyter

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
MAX_PAGE_BYTES = 5 * 1024 * 1024
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1280,900", "--allow-file-access-from-files",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]

PAGE_INFO = r"""
(() => {
  const imgs = [...document.images];
  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
  const article = document.querySelector('article') || document.body;
  return {
    images: imgs.length, broken: broken,
    hasMath: document.querySelectorAll('.math, div.math, span.math').length,
    mathjax: document.querySelectorAll('mjx-container').length,
    rawMath: (article.innerText.match(/\$\$/g) || []).length,
    launch: !!document.querySelector('a[href*="colab.research.google.com"]') &&
            !!document.querySelector('a[href*="mybinder"]'),
    chapterZip: !!document.querySelector('a[href*="zip/"][href$=".zip"]'),
    explorers: [...document.querySelectorAll('.dlbook-explorer [id^="explorer-"]')]
                 .map(e => e.id).filter(id => !id.endsWith('-spec')),
    height: Math.ceil(document.documentElement.scrollHeight),
  };
})()
"""

AXE_RUN = r"""
(async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
})()
"""

DARK = r"""
(async () => {
  document.documentElement.dataset.theme = 'dark';
  document.documentElement.dataset.mode = 'dark';
  await new Promise(r => setTimeout(r, 400));
  return document.documentElement.dataset.theme;
})()
"""

# For one explorer: wait for Vega's view; move each control; check the drawing changed and shows the
# precomputed table's rows at the new setting; check each control is in the tab order.
EXPLORER = r"""
(async (id) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  for (let k = 0; k < 100 && !(window.dlbookViews && window.dlbookViews[id]); k++) await sleep(100);
  const view = window.dlbookViews && window.dlbookViews[id];
  if (!view) return {error: 'the explorer was not drawn (no Vega view)'};
  const spec = JSON.parse(document.getElementById(id + '-spec').textContent);
  const keys = spec.params.map(p => p.name.replace(/^p_/, ''));
  // the grid's table is the dataset with a column per control (a chart may add fixed data, e.g. the points)
  const table = Object.values(spec.datasets).find(d => d.length && keys.every(k => k in d[0]));
  if (!table) return {error: 'no dataset of the specification has a column for every control'};
  const box = document.getElementById(id);
  const svg = () => (box.querySelector('svg') || {outerHTML: ''}).outerHTML;
  const near = (a, b) => (typeof a === 'number' && typeof b === 'number')
      ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) : a === b;
  const drawn = () => {
    const rows = [];
    const walk = (node) => {
      if (!node) return;
      if (node.marktype && node.role === 'mark' && node.items) {
        for (const item of node.items) if (item.datum && !Array.isArray(item.datum)) rows.push(item.datum);
      }
      for (const item of (node.items || [])) walk(item);
    };
    walk(view.scenegraph().root);
    return rows;
  };
  const check = () => {
    const setting = Object.fromEntries(keys.map(k => [k, view.signal('p_' + k)]));
    const expected = table.filter(r => keys.every(k => near(r[k], setting[k])));
    const rows = drawn().filter(r => keys.some(k => k in r));
    const wrong = rows.filter(r => !keys.every(k => near(r[k], setting[k])));
    // a drawn datum may carry fields a Vega-Lite transform added (a calculate, a stack): compare the table's columns
    const columns = Object.keys(table[0] || {}).filter(c => !keys.includes(c)).sort();
    const strip = r => JSON.stringify(columns.map(c => [c, r[c]]));
    const want = new Set(expected.map(strip));
    const got = new Set(rows.map(strip));
    const missing = [...want].filter(r => !got.has(r)).length;
    return {setting, expected: expected.length, drawn: rows.length, wrong: wrong.length, missing};
  };
  const controls = [...box.querySelectorAll('.vega-bindings input, .vega-bindings select')];
  const report = {controls: controls.length, moves: [], initial: check()};
  const seen = new Set();
  for (const el of controls) {
    if (el.type === 'radio') { if (seen.has(el.name)) continue; seen.add(el.name); }
    const before = svg();
    const tabbable = el.tabIndex >= 0 && !el.disabled && el.offsetParent !== null;
    let how = '', target = el;
    if (el.type === 'range') {
      const min = +el.min, max = +el.max, step = +el.step || 1;
      el.value = (+el.value + step <= max + 1e-12) ? String(+el.value + step) : String(+el.value - step);
      how = 'range';
    } else if (el.tagName === 'SELECT') {
      el.selectedIndex = (el.selectedIndex + 1) % el.options.length; how = 'select';
    } else if (el.type === 'radio') {
      const group = controls.filter(c => c.name === el.name);
      // the events go to the option now checked: Vega sets the signal to the value of the radio that fired
      const next = group.find(c => !c.checked); if (next) { next.checked = true; target = next; }
      how = 'radio';
    }
    target.dispatchEvent(new Event('input', {bubbles: true}));
    target.dispatchEvent(new Event('change', {bubbles: true}));
    await view.runAsync(); await sleep(50);
    report.moves.push({how, tabbable, changed: svg() !== before, after: check()});
  }
  return report;
})
"""

KEYBOARD = r"""
(async (id) => {
  const box = document.getElementById(id);
  const el = box.querySelector('.vega-bindings input[type=range], .vega-bindings select, .vega-bindings input');
  if (!el) return {none: true};
  el.focus();
  let key = 'ArrowRight';
  if (el.type === 'range' && +el.value >= +el.max) key = 'ArrowLeft';
  if (el.tagName === 'SELECT') key = el.selectedIndex < el.options.length - 1 ? 'ArrowDown' : 'ArrowUp';
  return {focused: document.activeElement === el, value: el.value, key};
})
"""


class CDP:
    """A minimal Chrome DevTools Protocol client over one page's websocket."""

    def __init__(self, ws_url: str) -> None:
        self.ws = websocket.create_connection(ws_url, timeout=120, suppress_origin=True)
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

    def evaluate(self, expression: str, *, await_promise: bool = False):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=await_promise)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {json.dumps(result['exceptionDetails'])[:400]}")
        return result.get("result", {}).get("value")

    def wait_for(self, event: str, timeout: float = 60.0) -> None:
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
            self.ws.settimeout(120)
        raise TimeoutError(event)

    def navigate(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def key(self, key: str, code: int) -> None:
        for kind in ("rawKeyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=key, windowsVirtualKeyCode=code)


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def console_problems(events: list[dict], allowed_origin: str) -> tuple[list[str], list[str]]:
    """(console errors, requests to other hosts) among the page's events."""
    errors, requests = [], []
    for e in events:
        method = e.get("method")
        if (method == "Runtime.exceptionThrown"
                or (method == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
                or (method == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")):
            errors.append(json.dumps(e["params"])[:300])
        if method == "Network.requestWillBeSent":
            url = e["params"]["request"]["url"]
            if not url.startswith((allowed_origin, "data:", "blob:", "about:", "chrome-extension:")):
                requests.append(url)
    return errors, requests


def check_explorers(cdp: CDP, page: str, ids: list[str]) -> tuple[list[str], int]:
    problems, moved = [], 0
    for ident in ids:
        report = cdp.evaluate(f"({EXPLORER})({json.dumps(ident)})", await_promise=True)
        if not report or "error" in report:
            problems.append(f"{page}: explorer {ident}: {report and report.get('error')}")
            continue
        if report["controls"] == 0:
            problems.append(f"{page}: explorer {ident} shows no controls")
        states = [report["initial"]] + [m["after"] for m in report["moves"]]
        for state in states:
            if state["wrong"] or state["missing"] or not state["expected"]:
                problems.append(f"{page}: explorer {ident} at {state['setting']}: {state['drawn']} rows drawn, "
                                f"{state['wrong']} of another setting, {state['missing']} of the "
                                f"{state['expected']} precomputed rows missing")
        for move in report["moves"]:
            moved += 1
            if not move["changed"]:
                problems.append(f"{page}: explorer {ident}: moving a {move['how']} control did not change the figure")
            if not move["tabbable"]:
                problems.append(f"{page}: explorer {ident}: a {move['how']} control is not in the tab order")
        key = cdp.evaluate(f"({KEYBOARD})({json.dumps(ident)})", await_promise=True)
        if key and not key.get("none"):
            if not key["focused"]:
                problems.append(f"{page}: explorer {ident}: its first control cannot take the keyboard focus")
            else:
                before = key["value"]
                cdp.key(key["key"], {"ArrowLeft": 37, "ArrowUp": 38, "ArrowRight": 39, "ArrowDown": 40}[key["key"]])
                after = cdp.evaluate("document.activeElement && document.activeElement.value")
                if after == before:
                    problems.append(f"{page}: explorer {ident}: the arrow keys do not move its first control")
    return problems, moved


def run_axe(cdp: CDP, page: str, mode: str, axe_source: str) -> list[str]:
    cdp.evaluate(axe_source)
    violations = cdp.evaluate(AXE_RUN, await_promise=True) or []
    return [f"{page} ({mode}): axe {v['impact']} '{v['id']}': {v['help']} at {v['targets']}" for v in violations]


def find_browser() -> str | None:
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


def start_browser(browser: str, profile: str) -> tuple[subprocess.Popen, CDP]:
    port = free_port()
    proc = subprocess.Popen([browser, *FLAGS, f"--remote-debugging-port={port}", f"--user-data-dir={profile}",
                             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        try:
            import urllib.request

            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.terminate()
        raise RuntimeError("Chromium did not start its DevTools endpoint")
    cdp = CDP(next(t for t in targets if t.get("type") == "page")["webSocketDebuggerUrl"])
    for domain in ("Page", "Runtime", "Log", "Network"):
        cdp.call(f"{domain}.enable")
    cdp.call("Emulation.setFocusEmulationEnabled", enabled=True)  # a headless page has the focus, as a real tab would
    return proc, cdp


def settle(cdp: CDP, info_needed: bool = True) -> dict:
    time.sleep(0.4)
    for _ in range(40):
        info = cdp.evaluate(PAGE_INFO)
        if info is None:
            raise RuntimeError("the page checks did not run")
        if not info["hasMath"] or info["mathjax"]:
            return info
        time.sleep(0.25)
    return info


def visit_served(cdp: CDP, root: Path, port: int, pages: list[str], shots: Path, axe_source: str) -> list[str]:
    problems: list[str] = []
    origin = f"http://127.0.0.1:{port}/"
    print(f"{'page':<44}{'images':>7}{'math':>6}{'explor.':>8}{'moved':>6}{'errors':>7}{'weight KB':>10}")
    for page in pages:
        cdp.navigate(origin + page)
        info = settle(cdp)
        explorer_problems, moved = check_explorers(cdp, page, info["explorers"])
        problems += explorer_problems
        errors, requests = console_problems(cdp.events, origin)
        problems += [f"{page}: console error {e}" for e in errors]
        problems += [f"{page}: request to another host: {u}" for u in requests]
        if info["broken"]:
            problems.append(f"{page}: images not loaded: {info['broken'][:5]}")
        if info["hasMath"] and not info["mathjax"]:
            problems.append(f"{page}: math not rendered by MathJax")
        if info["rawMath"]:
            problems.append(f"{page}: {info['rawMath']} raw $$ left in the text")
        if page.startswith("chapters/"):
            if not info["launch"]:
                problems.append(f"{page}: no Binder/Colab launch buttons")
            if not info["chapterZip"]:
                problems.append(f"{page}: no chapter zip in the download menu")
        weight = page_weight(root, page)
        if weight > MAX_PAGE_BYTES:
            problems.append(f"{page}: weighs {weight / 2**20:.1f} MB, more than 5 MB")
        # screenshot in light mode, then accessibility in light and dark mode
        height = min(info["height"], 30000)
        cdp.call("Emulation.setDeviceMetricsOverride", width=1280, height=height, deviceScaleFactor=1, mobile=False)
        shot = cdp.call("Page.captureScreenshot", format="png")
        cdp.call("Emulation.clearDeviceMetricsOverride")
        (shots / (page.replace("/", "__").replace(".html", ".png"))).write_bytes(base64.b64decode(shot["data"]))
        problems += run_axe(cdp, page, "light", axe_source)
        cdp.evaluate(DARK, await_promise=True)
        problems += run_axe(cdp, page, "dark", axe_source)
        print(f"{page:<44}{info['images']:>7}{info['mathjax']:>6}{len(info['explorers']):>8}{moved:>6}"
              f"{len(errors):>7}{weight / 1024:>10.0f}", flush=True)
    return problems


def visit_from_disk(cdp: CDP, root: Path, pages: list[str]) -> list[str]:
    """The book opened from disk: landing page, a chapter with an explorer, and search."""
    problems: list[str] = []
    base = root.resolve().as_uri() + "/"
    with_explorer = next((p for p in pages if 'class="dlbook-explorer"' in (root / p).read_text(encoding="utf-8")), None)
    landing = "index.html"
    refresh = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', (root / landing).read_text(encoding="utf-8"))
    if refresh:  # index.html only redirects to the root page: open that one
        landing = refresh.group(1)
    for page in [landing] + ([with_explorer] if with_explorer else []):
        cdp.navigate(base + page)
        info = settle(cdp)
        errors, requests = console_problems(cdp.events, "file://")
        problems += [f"file://{page}: console error {e}" for e in errors]
        problems += [f"file://{page}: request to another host: {u}" for u in requests]
        if info["broken"]:
            problems.append(f"file://{page}: images not loaded: {info['broken'][:5]}")
        if info["hasMath"] and not info["mathjax"]:
            problems.append(f"file://{page}: math not rendered")
        if page == with_explorer:
            drawn = cdp.evaluate(f"({EXPLORER})({json.dumps(info['explorers'][0])})", await_promise=True)
            if not drawn or "error" in drawn:
                problems.append(f"file://{page}: the explorer is not drawn from disk: {drawn}")
    cdp.navigate(base + "search.html?q=gradient")
    found = 0
    for _ in range(60):
        found = cdp.evaluate("document.querySelectorAll('#search-results li, ul.search li').length") or 0
        if found:
            break
        time.sleep(0.25)
    if not found:
        problems.append("file://search.html?q=gradient: the search found nothing from disk")
    print(f"from disk (file://): {landing}, {with_explorer or 'no explorer page'}, search for 'gradient': {found} results")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default="_build/html")
    parser.add_argument("--shots", default="_build/browser")
    parser.add_argument("--pages", nargs="*", help="only these pages (paths under ROOT), for a quick look")
    args = parser.parse_args()
    root, shots = Path(args.root), Path(args.shots)
    if not (root / "index.html").exists():
        print(f"no built book at {root}: run `make book` first")
        return 1
    browser = find_browser()
    if browser is None:
        print("Chromium not found: install Debian's `chromium` package (apt-get install chromium)")
        return 2
    if not AXE.exists():
        print(f"axe-core not found at {AXE}: run `npm ci`")
        return 2
    axe_source = AXE.read_text(encoding="utf-8")
    shots.mkdir(parents=True, exist_ok=True)
    pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                   if p.name not in ("genindex.html", "search.html") and "_static" not in p.parts
                   and 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8", errors="replace")[:2000])
    if args.pages:
        pages = [p for p in pages if p in args.pages]
    server, port = serve(root)
    profile = tempfile.mkdtemp(prefix="chromium-")
    proc, cdp = start_browser(browser, profile)
    try:
        problems = visit_served(cdp, root, port, pages, shots, axe_source)
        problems += visit_from_disk(cdp, root, pages)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    for p in problems:
        print("PROBLEM:", p)
    print(f"{len(pages)} pages visited (light and dark mode), screenshots in {shots}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
