"""Set-up shared by every chapter: quiet, seeded TensorFlow/Keras and the book's figure style.

:func:`setup_notebook` is the first thing every chapter calls. It

- sets ``TF_CPP_MIN_LOG_LEVEL=3`` and ``TF_ENABLE_ONEDNN_OPTS=0`` *before* TensorFlow is
  imported: TensorFlow's C++ start-up lines (with timestamps and process ids) stay off the page,
  and oneDNN's banner with them (its custom operations also change results in the last digits);
- seeds Python, numpy and TensorFlow with ``keras.utils.set_random_seed``;
- applies the book's plotting style.

It does **not** turn Keras's own output off: ``model.summary()`` prints its table, and training
is kept quiet where the book trains, with ``verbose=0`` in ``fit``, ``evaluate`` and ``predict``,
exactly as you would write it in your own project.

The random-number helpers live here too: :func:`set_seed` for everything at once, and
:func:`rng` for a numpy generator of its own (``rng(seed).permutation(n)``).
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from .validation import check_int

__all__ = ["TF_ENVIRONMENT", "DATA_SOURCE_VARIABLE", "quiet_tensorflow", "set_seed", "rng", "setup_notebook",
           "SessionInfo", "in_colab", "show_source"]

#: Environment variables that must be set before TensorFlow is imported.
TF_ENVIRONMENT: dict[str, str] = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
}
#: The environment variable that chooses where :func:`helpers.data.load_data` looks first.
DATA_SOURCE_VARIABLE = "DLBOOK_DATA_SOURCE"


def quiet_tensorflow() -> None:
    """Keep TensorFlow's log lines out of the page (idempotent; Keras's own output stays on).

    Sets :data:`TF_ENVIRONMENT` (without overriding values the user already chose) and lowers
    TensorFlow's Python-side loggers to errors. If TensorFlow was imported before this call,
    its import-time lines may already have been printed; everything later is still quiet.
    """
    for key, value in TF_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    warnings.filterwarnings("ignore", module="tensorflow")
    for name in ("tensorflow", "absl", "h5py"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)


def set_seed(seed: int = 0) -> None:
    """Seed Python's ``random``, numpy's global generator and TensorFlow in one call."""
    seed = check_int(seed, "seed", minimum=0)
    quiet_tensorflow()
    import keras

    keras.utils.set_random_seed(seed)


def rng(seed: int = 0) -> np.random.Generator:
    """A numpy random generator of its own, seeded: ``rng(0).permutation(10)`` is the same everywhere."""
    return np.random.default_rng(check_int(seed, "seed", minimum=0))


@dataclass(frozen=True)
class SessionInfo:
    """What :func:`setup_notebook` configured, printed at the top of each chapter."""

    seed: int
    tensorflow: str
    keras: str
    data_source: str

    def __str__(self) -> str:
        return (f"TensorFlow {self.tensorflow}, Keras {self.keras}; seed {self.seed}; "
                f"data source: {self.data_source}")


def setup_notebook(seed: int = 0, *, style: bool = True) -> SessionInfo:
    """Prepare a chapter: quiet TensorFlow, seed everything, set the figure style.

    Returns a :class:`SessionInfo` whose text form names the library versions, the seed,
    and the data source :func:`helpers.data.load_data` starts from (``$DLBOOK_DATA_SOURCE``).
    """
    seed = check_int(seed, "seed", minimum=0)
    set_seed(seed)
    import keras
    import tensorflow as tf

    if style:
        from .plotting import use_book_style

        use_book_style()
    source = os.environ.get(DATA_SOURCE_VARIABLE, "").strip().lower() or "auto"
    return SessionInfo(seed=seed, tensorflow=tf.__version__, keras=keras.__version__, data_source=source)


def in_colab() -> bool:
    """True when running inside Google Colab."""
    return "google.colab" in sys.modules


def show_source(*objects: Any) -> Any:
    """Show the source code of helper functions or classes, highlighted, in the notebook.

    The book's chapters call this where a helper is first used, so that you read every line
    of it once before the chapter calls it (like d2l's ``#@save`` functions).
    """
    from IPython.display import Code

    if not objects:
        raise TypeError("show_source needs at least one function or class")
    parts = []
    for obj in objects:
        if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj)):
            raise TypeError(f"show_source shows functions and classes, got {type(obj).__name__}")
        parts.append(inspect.getsource(obj).rstrip())
    return Code("\n\n\n".join(parts), language="python")
