"""Quiet, seeded TensorFlow/Keras for the book's notebooks and tests.

TensorFlow prints C++ log lines (with timestamps and process ids) and Keras
prints progress bars (with timings). Both change on every run, so they would
make saved notebook outputs impossible to compare, and they distract readers.
:func:`setup_notebook` is the first thing every chapter calls:

- it sets ``TF_CPP_MIN_LOG_LEVEL=3`` and ``TF_ENABLE_ONEDNN_OPTS=0`` *before*
  TensorFlow is imported (the oneDNN banner is printed whatever the log level
  unless oneDNN's custom ops are off; on this book's small models the speed
  difference is negligible, and results are more reproducible without them);
- it seeds Python, numpy and TensorFlow with ``keras.utils.set_random_seed``;
- it turns Keras's interactive progress bars off (``fit`` and ``evaluate``
  still return their results; call ``keras.config.enable_interactive_logging()``
  to get the bars back when you experiment);
- it applies the book's plotting style.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from dataclasses import dataclass

from .validation import check_int

__all__ = ["TF_ENVIRONMENT", "quiet_tensorflow", "set_seed", "setup_notebook", "SessionInfo"]

#: Environment variables that must be set before TensorFlow is imported.
TF_ENVIRONMENT: dict[str, str] = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
}


def quiet_tensorflow() -> None:
    """Silence TensorFlow's and Keras's log output (idempotent).

    Sets :data:`TF_ENVIRONMENT` (without overriding values the user already
    chose), lowers the Python-side loggers to errors, and hides Keras progress
    bars. If TensorFlow was imported before this call, its import-time banner
    may already have been printed; everything later is still quiet.
    """
    for key, value in TF_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    warnings.filterwarnings("ignore", module="tensorflow")
    for name in ("tensorflow", "absl", "keras", "h5py"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
    import keras

    keras.config.disable_interactive_logging()


def set_seed(seed: int = 0) -> None:
    """Seed Python's ``random``, numpy and TensorFlow in one call."""
    seed = check_int(seed, "seed", minimum=0)
    quiet_tensorflow()
    import keras

    keras.utils.set_random_seed(seed)


@dataclass(frozen=True)
class SessionInfo:
    """What :func:`setup_notebook` configured, printed at the top of each chapter."""

    seed: int
    tensorflow: str
    keras: str
    data_source: str

    def __str__(self) -> str:
        return (
            f"TensorFlow {self.tensorflow}, Keras {self.keras}; seed {self.seed}; "
            f"data source: {self.data_source}"
        )


def setup_notebook(seed: int = 0, *, style: bool = True) -> SessionInfo:
    """Prepare a chapter: quiet TensorFlow, seed everything, set the figure style.

    Returns a :class:`SessionInfo` whose text form names the library versions,
    the seed, and which MNIST source :func:`helpers.data.load_data` will try.
    """
    quiet_tensorflow()
    set_seed(seed)
    import keras
    import tensorflow as tf

    from .data import default_source

    if style:
        from .plotting import use_book_style

        use_book_style()
    return SessionInfo(
        seed=seed,
        tensorflow=tf.__version__,
        keras=keras.__version__,
        data_source=default_source(),
    )


def in_colab() -> bool:
    """True when running inside Google Colab."""
    return "google.colab" in sys.modules
