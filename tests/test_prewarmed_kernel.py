"""tools/prewarmed_kernel.py: kernels forked from a process that imported TensorFlow behave like new ones."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import prewarmed_kernel as pk  # noqa: E402

# The tests' zygote preloads a light list with a marker module that no kernel imports by itself:
# forking works the same whatever was imported (every notebook in `make test` runs in a kernel forked
# from the full list, TensorFlow included), and a zygote without TensorFlow starts in a second, not seven.
MARKER = "xml.dom.minidom"
LIGHT_PRELOAD = f"numpy,matplotlib,matplotlib.pyplot,ipykernel.kernelapp,{MARKER}"

PROBE = f"""
import json, os, random, sys
import numpy as np
import matplotlib
print(json.dumps({{"cwd": os.getcwd(), "probe": os.environ.get("DLBOOK_PROBE"), "pid": os.getpid(),
                  "preloaded": "{MARKER}" in sys.modules, "backend": matplotlib.get_backend(),
                  "tools_on_path": any(p.rstrip("/").endswith("tools") for p in sys.path),
                  "random": random.random(), "numpy": float(np.random.random())}}))
"""


def use_own_zygote(env, folder, name):
    """Point kernel starts at a spec installed in ``folder`` and a light zygote of their own, ``name``."""
    env.setenv("DLBOOK_ZYGOTE", f"{name}-{os.getpid()}")
    env.setenv("DLBOOK_ZYGOTE_PRELOAD", LIGHT_PRELOAD)
    env.setenv("JUPYTER_PATH", str(folder / "jupyter"))
    pk.install(folder / "jupyter")


@pytest.fixture(scope="module")
def prewarmed(tmp_path_factory):
    """The kernel spec installed in a temporary folder and found first; a zygote of its own for this module."""
    folder = tmp_path_factory.mktemp("prewarmed")
    with pytest.MonkeyPatch.context() as env:
        use_own_zygote(env, folder, "test")
        env.setenv("DLBOOK_PROBE", "seen")
        yield folder
        pk.stop(pk._address())             # this module's zygote only: `make test` runs notebooks meanwhile


def run_in_kernel(code, cwd, *, interrupt_after=None):
    """Execute ``code`` in a new ``python3`` kernel; return (stdout, reply content)."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", startup_timeout=120, cwd=str(cwd))
    out = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    try:
        if interrupt_after is None:
            reply = kc.execute_interactive(code, timeout=120, output_hook=hook)
        else:
            msg_id = kc.execute(code)
            time.sleep(interrupt_after)
            km.interrupt_kernel()
            reply = kc.get_shell_msg(timeout=60)
            while reply["parent_header"].get("msg_id") != msg_id:    # skip the start-up's kernel_info reply
                reply = kc.get_shell_msg(timeout=60)
        return "".join(out), reply["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def test_preload_is_tensorflow_and_friends_unless_the_environment_names_others(monkeypatch):
    monkeypatch.delenv("DLBOOK_ZYGOTE_PRELOAD", raising=False)
    assert pk.preload_modules() == pk.PRELOAD and {"tensorflow", "keras", "matplotlib.pyplot"} <= set(pk.PRELOAD)
    before = pk._address()
    monkeypatch.setenv("DLBOOK_ZYGOTE_PRELOAD", " numpy, json ,")
    assert pk.preload_modules() == ("numpy", "json")
    assert pk._address() != before                                  # another list, another zygote


def test_install_writes_a_python3_spec_that_launches_this_file(tmp_path):
    spec = json.loads((pk.install(tmp_path) / "kernel.json").read_text())
    assert spec["argv"][:3] == [sys.executable, str(ROOT / "tools" / "prewarmed_kernel.py"), "launch"]
    assert spec["argv"][3:] == ["-f", "{connection_file}"] and spec["language"] == "python"


def test_kernels_start_preloaded_in_their_own_folder_environment_and_random_state(prewarmed):
    (prewarmed / "a").mkdir()
    first, reply = run_in_kernel(PROBE, prewarmed / "a")
    assert reply["status"] == "ok"
    second, _ = run_in_kernel(PROBE, prewarmed)
    first, second = json.loads(first), json.loads(second)
    assert first["cwd"] == str(prewarmed / "a") and second["cwd"] == str(prewarmed)
    assert first["probe"] == second["probe"] == "seen"
    assert first["preloaded"] and second["preloaded"]              # the preloaded modules came with the fork
    assert "inline" in first["backend"] and not first["tools_on_path"]
    assert first["pid"] != second["pid"]
    assert first["random"] != second["random"] and first["numpy"] != second["numpy"]   # new seeds
    assert Path(pk._address()).exists()                            # one zygote served both


def test_interrupt_reaches_the_kernel(prewarmed):
    _, content = run_in_kernel("import time\ntime.sleep(60)", prewarmed, interrupt_after=1.5)
    assert content["status"] == "error" and content["ename"] == "KeyboardInterrupt"


def test_a_broken_request_does_not_stop_the_zygote(prewarmed):
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:   # no streams, no JSON
        sock.connect(pk._address())
        sock.sendall(b"not a request")
    probe, _ = run_in_kernel(PROBE, prewarmed)
    assert json.loads(probe)["preloaded"]                           # the same zygote still forks


def test_start_waits_for_the_zygote_and_leaves_it_serving(prewarmed):
    assert pk.start()                                               # running already: returns at once
    probe, _ = run_in_kernel(PROBE, prewarmed)
    assert json.loads(probe)["preloaded"]                           # the start's empty connection was dropped


def test_without_a_zygote_the_kernel_is_a_standard_one(prewarmed, monkeypatch):
    failed = Path(pk._address() + ".failed")
    failed.write_text("pretend the zygote could not start\n")          # as after a failed start
    try:
        probe, _ = run_in_kernel(PROBE, prewarmed)
        assert not json.loads(probe)["preloaded"]                   # an ordinary kernel ran the cell
    finally:
        failed.unlink()
    monkeypatch.setenv("TMPDIR", str(prewarmed / ("long" * 30)))    # too long for a Unix socket path
    (prewarmed / ("long" * 30)).mkdir()
    probe, _ = run_in_kernel(PROBE, prewarmed)
    assert not json.loads(probe)["preloaded"]


def test_stop_ends_the_zygote(prewarmed):
    assert Path(pk._address()).exists()                            # started by the tests above
    assert pk.stop(pk._address())
    for _ in range(50):
        if not Path(pk._address()).exists():
            break
        time.sleep(0.1)
    assert not Path(pk._address()).exists()
    assert not pk.stop(pk._address())                              # nothing left to stop


def test_start_starts_a_zygote_that_kernels_then_use(tmp_path, monkeypatch):
    use_own_zygote(monkeypatch, tmp_path, "test-start")
    try:
        done = subprocess.run([sys.executable, str(ROOT / "tools" / "prewarmed_kernel.py"), "start"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "zygote serving" in done.stdout
        assert Path(pk._address()).exists()
        probe, _ = run_in_kernel(PROBE, tmp_path)
        assert json.loads(probe)["preloaded"]
    finally:
        pk.stop(pk._address())


def test_unknown_command_prints_the_usage():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "prewarmed_kernel.py"), "frobnicate"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "prewarmed_kernel.py install DIR" in done.stdout
