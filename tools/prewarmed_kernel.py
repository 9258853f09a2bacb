"""A Jupyter kernel that starts with TensorFlow already imported, for the book's own test and build runs.

    python tools/prewarmed_kernel.py install DIR      # write DIR/kernels/python3/kernel.json
    python tools/prewarmed_kernel.py launch -f FILE   # what that kernel spec runs (Jupyter calls it)
    python tools/prewarmed_kernel.py start            # start the zygote now (kernels start it anyway)
    python tools/prewarmed_kernel.py stop             # stop this interpreter's zygotes, if running

Every notebook runs in a new kernel, and every kernel spends about 7 s of CPU importing
TensorFlow, Keras and matplotlib before the first cell does any work: 18 notebooks, three
times per CI run (tests, book, student edition). This module keeps one *zygote* process
per environment that has imported them once. A kernel start asks the zygote to ``fork``;
the child takes the launcher's working directory, environment and standard streams and
becomes an ordinary ``ipykernel`` kernel. Forking copies the imported modules, so the
kernel is ready in well under a second.

What the notebook sees is the same as in a fresh kernel: the same environment variables,
working directory and ``sys.argv``; new random seeds for Python's ``random`` and numpy's
global generator (as a new process would have); ``MPLBACKEND`` set to the inline backend
before matplotlib is imported (what ``ipykernel`` does first thing in a new kernel). The
environment variables read at import time (``TF_*``, ``KERAS_*``, ``PYTHON*``), the
versions of the preloaded packages, this file and the interpreter are part of the
zygote's address, so a run with other settings gets its own zygote (``DLBOOK_ZYGOTE``,
any value, also makes a separate one). Only the book's runs use it: the Makefile points ``JUPYTER_PATH`` at the kernel
spec this module writes, so your own Jupyter keeps the standard kernel. If the zygote
cannot be reached, the launcher runs the standard kernel itself. The Makefile stops the
zygote when its target ends; a forgotten one exits after :data:`IDLE_SECONDS` idle.
"""

from __future__ import annotations

import array
import fcntl
import hashlib
import importlib
import importlib.metadata
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: An idle zygote (no kernel running, no request) exits after this many seconds.
IDLE_SECONDS = 60
#: Modules the zygote imports once; every kernel inherits them. ``DLBOOK_ZYGOTE_PRELOAD``
#: (module names separated by commas) replaces the list: the unit tests use a light one.
PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot", "tensorflow", "keras", "ipykernel.kernelapp", "ipywidgets")
_IMPORT_TIME_VARIABLES = ("PYTHONPATH", "PYTHONHASHSEED", "PYTHONNOUSERSITE", "MPLBACKEND", "DLBOOK_ZYGOTE",
                          "DLBOOK_ZYGOTE_PRELOAD")


def preload_modules() -> tuple[str, ...]:
    """The modules a zygote imports: :data:`PRELOAD`, or the names in ``DLBOOK_ZYGOTE_PRELOAD``."""
    names = os.environ.get("DLBOOK_ZYGOTE_PRELOAD")
    if names is None:
        return PRELOAD
    return tuple(name.strip() for name in names.split(",") if name.strip())


def _address() -> str:
    """The zygote's socket path: one per interpreter, import-time settings and version of this file."""
    relevant = {k: v for k, v in os.environ.items()
                if k in _IMPORT_TIME_VARIABLES or k.startswith(("TF_", "KERAS_", "CUDA_"))}
    versions = []
    for package in ("numpy", "matplotlib", "tensorflow", "tensorflow-cpu", "keras", "ipykernel", "ipywidgets"):
        try:
            versions.append(f"{package}=={importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    digest = hashlib.sha256(json.dumps([sys.executable, sorted(relevant.items()), versions,
                                        Path(__file__).read_bytes().hex()]).encode()).hexdigest()[:16]
    return str(_folder() / f"{digest}.sock")


def _folder() -> Path:
    """Where this interpreter's zygotes keep their sockets and process ids."""
    tag = hashlib.sha256(sys.executable.encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"dlbook-zygotes-{os.getuid()}-{tag}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


# ---------------------------------------------------------------------- the zygote
def serve(address: str) -> None:
    """Import :func:`preload_modules`, then fork one kernel per request until idle for :data:`IDLE_SECONDS`."""
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # as ipykernel does
    if sys.path and Path(sys.path[0]) == Path(__file__).resolve().parent:
        del sys.path[0]                             # this file's folder is not the kernel's business
    for name in preload_modules():
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address + ".tmp")
    os.replace(address + ".tmp", address)          # ready only once everything is imported
    listener.listen(16)
    Path(address + ".pid").write_text(str(os.getpid()))
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    kernels: dict[int, socket.socket] = {}        # pid -> connection of the launcher that asked for it
    idle_since = time.monotonic()
    try:
        while kernels or time.monotonic() - idle_since < IDLE_SECONDS:
            readable, _, _ = select.select([listener, *kernels.values()], [], [], 0.2)
            for sock in readable:
                if sock is listener:
                    connection, _ = listener.accept()
                    try:
                        kernels[_fork_kernel(connection, listener, kernels)] = connection
                    except (OSError, ValueError, KeyError):    # a launcher that died mid-request
                        connection.close()
                else:                                   # a launcher went away: its kernel goes too
                    for pid, connection in list(kernels.items()):
                        if connection is sock:
                            _kill(pid)
            while kernels:
                pid, status = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
                connection = kernels.pop(pid, None)
                if connection is not None:
                    try:
                        connection.sendall(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode())
                    except OSError:
                        pass
                    connection.close()
                idle_since = time.monotonic()
    finally:
        for path in (address, address + ".pid", address + ".lock", address + ".log"):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


def stop(address: str | None = None) -> bool:
    """Stop the zygote at ``address``, or every zygote of this interpreter; ``True`` if there was one.

    (The processes under test may have set import-time variables such as
    ``KERAS_BACKEND`` that the shell which stops them never saw, so their zygotes
    have other addresses.) Kernels already started keep running to their end.
    """
    for failed in [Path(address + ".failed")] if address else _folder().glob("*.sock.failed"):
        failed.unlink(missing_ok=True)               # the next run tries to start a zygote again
    stopped = False
    for pidfile in [Path(address + ".pid")] if address else _folder().glob("*.sock.pid"):
        try:
            os.kill(int(pidfile.read_text()), signal.SIGTERM)
            stopped = True
        except (FileNotFoundError, ValueError, ProcessLookupError):
            pidfile.unlink(missing_ok=True)
    return stopped


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _fork_kernel(connection: socket.socket, listener: socket.socket, kernels: dict[int, socket.socket]) -> int:
    """Read one request (JSON and the launcher's stdin/stdout/stderr), fork, and return the child's pid."""
    message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 3)
    if len(fds) != 3:
        for fd in fds:
            os.close(fd)
        raise ValueError("a request comes with the launcher's stdin, stdout and stderr")
    request = json.loads(message)
    pid = os.fork()
    if pid:
        for fd in fds:
            os.close(fd)
        connection.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        return pid
    # ---- the child: become the kernel the launcher would have started
    try:
        listener.close()
        for other in kernels.values():
            other.close()
        connection.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        import random

        random.seed()
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        signal.signal(signal.SIGINT, signal.default_int_handler)     # the zygote's handlers are not the kernel's
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        sys.argv = [request["launcher"], *request["argv"]]   # as `python -m ipykernel_launcher -f ...`
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exit_:
        code = 0 if exit_.code is None else exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


# ---------------------------------------------------------------------- the launcher
def _connect(address: str, timeout: float, starting: subprocess.Popen | None = None) -> socket.socket | None:
    """Connect to ``address``, trying for ``timeout`` seconds or until the ``starting`` zygote has died."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(address)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() >= deadline or (starting is not None and starting.poll() is not None):
                return None
            time.sleep(0.1)


def _zygote(address: str) -> socket.socket | None:
    """A connection to the zygote, starting it first if there is none (one starter at a time).

    ``None`` if there is none and it cannot start (its error is in ``address.failed``, and
    later kernels do not try again until :func:`stop` clears it).
    """
    failed = Path(address + ".failed")
    if len(address.encode()) > 100 or failed.exists():   # Unix socket paths are limited to ~108 bytes
        return None
    sock = _connect(address, 0)
    if sock is not None:
        return sock
    with open(address + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        sock = _connect(address, 0)
        if sock is None and not failed.exists():
            with open(failed.with_suffix(".log"), "w") as log:
                zygote = subprocess.Popen([sys.executable, __file__, "serve", address], start_new_session=True,
                                          stdin=subprocess.DEVNULL, stdout=log, stderr=log)
            sock = _connect(address, 120, zygote)
            if sock is None:
                zygote.kill()
                failed.write_text(failed.with_suffix(".log").read_text() or "the zygote did not start\n")
    return sock


def start() -> bool:
    """Start this environment's zygote now, if none is running; ``True`` once one is serving.

    The Makefile runs it in the background as a target begins, so that the zygote's
    imports overlap the test runner's own start-up instead of making the first kernels
    wait. Its connection sends no request, and the zygote drops it.
    """
    sock = _zygote(_address())
    if sock is None:
        return False
    sock.close()
    return True


def launch(argv: list[str]) -> int:
    """Start a kernel forked from the zygote, relay interrupts to it, and return its exit code."""
    import ipykernel_launcher

    sock, pid = _zygote(_address()), None
    if sock is not None:
        request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ),
                              "launcher": ipykernel_launcher.__file__}).encode()
        reader = sock.makefile("rb")
        try:
            socket.send_fds(sock, [request], [0, 1, 2])
            pid = json.loads(reader.readline())["pid"]
        except (OSError, ValueError, KeyError):        # the zygote is stopping: not this time
            pid = None
    if pid is None:                                  # no zygote: an ordinary kernel
        os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda signum, frame: os.kill(pid, signum))
    while True:
        try:
            line = reader.readline()
        except InterruptedError:
            continue
        if line:
            return int(json.loads(line)["exit"])
        while _alive(pid):                          # the zygote went away first: wait for the kernel
            time.sleep(0.2)
        return 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def install(directory: Path) -> Path:
    """Write the kernel spec ``python3`` that runs :func:`launch` into ``directory/kernels/python3``."""
    target = Path(directory) / "kernels" / "python3"
    target.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, str(Path(__file__).resolve()), "launch", "-f", "{connection_file}"],
            "display_name": "Python 3 (ipykernel)", "language": "python",
            "interrupt_mode": "signal", "metadata": {"debugger": False}}
    (target / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
    return target


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["help"]
    if command == "serve":
        serve(rest[0])
    elif command == "launch":
        sys.exit(launch(rest))
    elif command == "start":
        print("zygote serving" if start() else "no zygote: kernels will be standard ones")
    elif command == "stop":
        print("zygote stopped" if stop() else "no zygote running")
    elif command == "install":
        print(install(Path(rest[0])))
    else:
        print(__doc__)
        sys.exit(2)
