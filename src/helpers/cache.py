"""Remember trained models between notebook runs (off unless you turn it on).

Training is deterministic in this book: the same code, the same data, the same
seed and the same library versions give the same weights, bit for bit. So a
result computed once can be reused instead of recomputed, exactly as
Jupyter Book's own execution cache reuses whole notebooks. The book's test
suite executes every notebook, then the book build executes them again, then
the student edition a third time; with this cache, each model is trained once
per run (and the many chapters that share a model train it once between them).

How it works, for a function decorated with :func:`cached`:

* **The key** is a SHA-256 of: the function's name; the source code of its
  module *and of every helper module that module imports* (so editing the code
  invalidates its results); the values of its arguments (numpy arrays by their
  bytes, dataclasses field by field, Keras models by architecture and weights);
  and the versions of Python, numpy, Keras and TensorFlow.
* **The value** stored is what the function returned (pickled; Keras models
  pickle themselves), what it printed, and the state of every random number
  generator *after* the call (Python, numpy, Keras's seed generator and
  layer-name counters, TensorFlow's op-seed counter). A cache hit restores that
  state, so the cells after it see exactly what they would have seen.
* **Where**: the directory named by ``$DLBOOK_MODEL_CACHE``. Unset (the default
  in Colab, Binder and your own Jupyter), nothing is cached and every call
  trains for real. The Makefile sets it to ``_build/model-cache``; ``make
  clean`` empties it.

One consequence to know: a training time measured *inside* a cached function
(some results report the seconds training took) is the time of the run that
trained the model, replayed. The chapter on compute needs measures its timings
outside the cache, always afresh.

Reading a notebook, you never need to think about this module: a decorated
function behaves exactly like the undecorated one, only sooner.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import hashlib
import importlib.metadata
import inspect
import io
import json
import os
import pickle
import platform
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

__all__ = ["ENV_VAR", "anonymous_config", "cache_dir", "cached", "fingerprint", "module_sources", "restore_rng_state",
           "rng_state"]

#: Environment variable naming the cache directory (unset or empty: no cache).
ENV_VAR = "DLBOOK_MODEL_CACHE"
_FORMAT = 1  # bump to invalidate every stored entry
_PACKAGE_DIR = Path(__file__).resolve().parent

F = TypeVar("F", bound=Callable[..., Any])


def cache_dir() -> Path | None:
    """The cache directory from ``$DLBOOK_MODEL_CACHE``, or ``None`` if caching is off."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value) if value and value.lower() not in {"0", "off", "no", "false"} else None


# ---------------------------------------------------------------------------- the key
def _helper_imports(path: Path) -> set[str]:
    """Names of the helper modules that ``path`` imports (``from . import x``, ``from .x import y``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return {name for name in found if (_PACKAGE_DIR / f"{name}.py").exists()}


@functools.lru_cache(maxsize=None)
def module_sources(module: str) -> str:
    """SHA-256 of the source of helper ``module`` and of every helper module it imports, transitively."""
    if not isinstance(module, str) or not (_PACKAGE_DIR / f"{module}.py").exists():
        raise ValueError(f"no helper module named {module!r} in {_PACKAGE_DIR}")
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_helper_imports(_PACKAGE_DIR / f"{name}.py") - seen)
    digest = hashlib.sha256()
    for name in sorted(seen):
        digest.update(name.encode() + b"\0" + (_PACKAGE_DIR / f"{name}.py").read_bytes() + b"\0")
    return digest.hexdigest()


def anonymous_config(config: str) -> str:
    """A model's JSON config with every layer (or optimizer) name replaced by its order of appearance.

    Keras numbers automatic names per process (``dense``, ``dense_1``, ...), so the
    same network built twice has different names but trains identically.
    """
    names = list(dict.fromkeys(re.findall(r'"name": "([^"]*)"', config)))
    for k, name in sorted(enumerate(names), key=lambda item: -len(item[1])):
        config = config.replace(f'"{name}"', f'"#{k}"')
    return config


def _feed(digest: Any, value: Any, where: str) -> None:
    """Add ``value`` to ``digest`` unambiguously (type tag + content)."""
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        digest.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, np.generic):
        _feed(digest, value.item(), where)
    elif isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        digest.update(f"ndarray:{array.dtype.str}:{array.shape};".encode())
        if array.dtype == object:
            for k, item in enumerate(array.ravel().tolist()):
                _feed(digest, item, f"{where}[{k}]")
        else:
            digest.update(array.tobytes())
    elif isinstance(value, (list, tuple)):
        digest.update(f"{type(value).__name__}:{len(value)}(".encode())
        for k, item in enumerate(value):
            _feed(digest, item, f"{where}[{k}]")
        digest.update(b")")
    elif isinstance(value, dict):
        digest.update(f"dict:{len(value)}{{".encode())
        for key in sorted(value, key=repr):
            _feed(digest, key, where)
            _feed(digest, value[key], f"{where}[{key!r}]")
        digest.update(b"}")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(f"dataclass:{type(value).__module__}.{type(value).__qualname__}(".encode())
        for field in dataclasses.fields(value):
            _feed(digest, field.name, where)
            _feed(digest, getattr(value, field.name), f"{where}.{field.name}")
        digest.update(b")")
    elif hasattr(value, "to_json") and hasattr(value, "get_weights"):  # a Keras model
        digest.update(b"keras-model:" + anonymous_config(value.to_json()).encode())
        compiled = value.get_compile_config() if getattr(value, "compiled", False) else None
        digest.update(b"compile:" + anonymous_config(json.dumps(compiled, sort_keys=True, default=repr)).encode())
        for weight in value.get_weights():
            _feed(digest, np.asarray(weight), where)
    elif callable(value):
        # A function's name does not say what it computes (two lambdas share one), and
        # hashing its code would miss the closures and globals it reads: refuse it.
        raise TypeError(
            f"cannot build a cache key from {where}, a function ({type(value).__name__}); "
            "a cached function must receive data, not functions"
        )
    else:
        raise TypeError(
            f"cannot build a cache key from {where} of type {type(value).__name__}; "
            "pass arrays, numbers, strings, dataclasses, Keras models or sequences of them"
        )


def _code_hash(function: Callable[..., Any]) -> str:
    """Hash of the code a function's result depends on (its helper modules, or its own file)."""
    module = getattr(function, "__module__", "") or ""
    if module.startswith("helpers."):
        return module_sources(module.split(".", 1)[1])
    source = inspect.getsourcefile(function)
    if source is None:
        raise TypeError(f"cannot find the source code of {function!r}, so cannot cache it")
    return hashlib.sha256(Path(source).read_bytes()).hexdigest()


def _versions() -> str:
    """Python's and the installed numpy, Keras and TensorFlow versions (imported or not)."""
    parts = [platform.python_version()]
    # TensorFlow is installed as `tensorflow-cpu` on Linux and as `tensorflow` on macOS.
    for names in (("numpy",), ("keras",), ("tensorflow", "tensorflow-cpu")):
        found = "-"
        for name in names:
            with contextlib.suppress(importlib.metadata.PackageNotFoundError):
                found = importlib.metadata.version(name)
                break
        parts.append(found)
    return "/".join(parts)


def fingerprint(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The cache key of calling ``function(*args, **kwargs)`` (a hex SHA-256)."""
    if not callable(function):
        raise TypeError(f"function must be callable, got {type(function).__name__}")
    digest = hashlib.sha256(f"dlbook-cache-{_FORMAT};{_versions()};".encode())
    digest.update(f"{function.__module__}.{function.__qualname__};{_code_hash(function)};".encode())
    for k, arg in enumerate(args):
        _feed(digest, arg, f"argument {k + 1} of {function.__qualname__}")
    for key in sorted(kwargs):
        _feed(digest, key, "keyword")
        _feed(digest, kwargs[key], f"argument {key!r} of {function.__qualname__}")
    return digest.hexdigest()


# ------------------------------------------------------------------ random state
def rng_state() -> dict[str, Any]:
    """Every random-number state a later cell could depend on."""
    state: dict[str, Any] = {"python": random.getstate(), "numpy": np.random.get_state()}
    if "keras" in sys.modules:
        from keras.src.backend.common import global_state

        generator = global_state.get_global_attribute("global_seed_generator")
        state["keras_seed"] = global_state.get_global_attribute("global_random_seed")
        state["keras_generator"] = None if generator is None else generator.state.numpy()
        names = global_state.get_global_attribute("object_name_uids")
        state["keras_names"] = None if names is None else dict(names)
    if "tensorflow" in sys.modules:
        from tensorflow.python.eager import context

        rng = getattr(context.context(), "_rng", None)
        state["tf_seed"] = context.global_seed()
        state["tf_rng"] = rng.getstate() if rng is not None else None
    return state


def restore_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    if "keras_seed" in state:
        import collections

        from keras.src.backend.common import global_state
        from keras.src.random.seed_generator import SeedGenerator

        global_state.set_global_attribute("global_random_seed", state["keras_seed"])
        if state["keras_generator"] is None:
            global_state.set_global_attribute("global_seed_generator", None)
        else:
            generator = global_state.get_global_attribute("global_seed_generator")
            if generator is None:
                generator = SeedGenerator()
                global_state.set_global_attribute("global_seed_generator", generator)
            generator.state.assign(state["keras_generator"])
        if state["keras_names"] is not None:
            global_state.set_global_attribute(
                "object_name_uids", collections.defaultdict(int, state["keras_names"]))
    if "tf_seed" in state:
        from tensorflow.python.eager import context

        context.set_global_seed(state["tf_seed"])  # also creates a fresh op-seed counter
        rng = getattr(context.context(), "_rng", None)
        if rng is not None and state["tf_rng"] is not None:
            rng.setstate(state["tf_rng"])


# ------------------------------------------------------------------ the decorator
class _Tee(io.StringIO):
    """Collect what is printed while still printing it."""

    def __init__(self, target: Any) -> None:
        super().__init__()
        self._target = target

    def write(self, text: str) -> int:
        self._target.write(text)
        return super().write(text)


def _model_state(model: Any) -> dict[str, Any]:
    optimizer = getattr(model, "optimizer", None)
    built = optimizer is not None and getattr(optimizer, "built", False)
    return {"weights": model.get_weights(),
            "optimizer": [v.numpy() for v in optimizer.variables] if built else None}


def _restore_model_state(model: Any, state: dict[str, Any]) -> None:
    model.set_weights(state["weights"])
    if state["optimizer"] is not None:
        optimizer = model.optimizer
        if not optimizer.built:
            optimizer.build(model.trainable_variables)
        for variable, value in zip(optimizer.variables, state["optimizer"], strict=True):
            variable.assign(value)


def cached(function: F | None = None, *, trains: str | None = None) -> Any:
    """Reuse ``function``'s result when it is called again with equal arguments.

    A no-op unless ``$DLBOOK_MODEL_CACHE`` names a directory (see the module
    docstring). Use only on deterministic functions (seeded training) whose
    result depends on nothing but their arguments and the helper code.

    ``@cached(trains="model")`` is for a function that trains the Keras model
    passed as its argument ``model`` in place: the key includes the model's
    architecture, starting weights and compile settings, and a hit leaves the
    model with the trained weights (and optimizer state) a real call would have.
    """
    if function is None:
        return functools.partial(cached, trains=trains)
    if not callable(function):
        raise TypeError(f"cached() needs a function, got {type(function).__name__}")
    signature = inspect.signature(function)
    if trains is not None and trains not in signature.parameters:
        raise ValueError(f"{function.__qualname__} has no argument named {trains!r} to train")

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        directory = cache_dir()
        if directory is None:
            return function(*args, **kwargs)
        model = signature.bind(*args, **kwargs).arguments.get(trains) if trains else None
        path = directory / f"{function.__qualname__}-{fingerprint(function, args, kwargs)[:32]}.pkl"
        if path.exists():
            try:
                with path.open("rb") as handle:
                    entry = pickle.load(handle)
                result, printed, state = entry["result"], entry["printed"], entry["rng"]
                if model is not None:
                    _restore_model_state(model, entry["model"])
            except Exception:  # unreadable or written by other versions: recompute
                path.unlink(missing_ok=True)
            else:
                sys.stdout.write(printed)
                restore_rng_state(state)
                return result
        tee = _Tee(sys.stdout)
        with contextlib.redirect_stdout(tee):
            result = function(*args, **kwargs)
        entry = {"result": result, "printed": tee.getvalue(), "rng": rng_state(),
                 "model": _model_state(model) if model is not None else None}
        try:
            blob = pickle.dumps(entry)
        except Exception:  # an unpicklable result: return it, just do not store it
            return result
        directory.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(blob)
        partial.replace(path)  # atomic: a parallel reader never sees half a file
        return result

    wrapper.uncached = function  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
