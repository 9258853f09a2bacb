"""helpers.cache: a hit must be indistinguishable from a real call."""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass

import numpy as np
import pytest

from helpers import cache

CALLS: list[str] = []


@cache.cached
def noisy_sum(x: np.ndarray, *, scale: float = 1.0) -> float:
    """Consumes random numbers and prints, like a training run."""
    CALLS.append("noisy_sum")
    np.random.random(3)
    random.random()
    print(f"summing {len(x)} numbers")
    return float(np.sum(x) * scale)


@dataclass(frozen=True)
class Config:
    units: int
    rate: float


@cache.cached
def train_tiny(x: np.ndarray, y: np.ndarray, config: Config, *, seed: int = 0):
    """A real Keras training run, seeded."""
    import keras

    CALLS.append("train_tiny")
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(config.units, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.SGD(config.rate), "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=True, verbose=0)
    return model, history.history


@pytest.fixture
def on(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "models"))
    CALLS.clear()
    return tmp_path / "models"


def test_off_by_default(monkeypatch):
    monkeypatch.delenv(cache.ENV_VAR, raising=False)
    CALLS.clear()
    assert cache.cache_dir() is None
    noisy_sum(np.ones(3))
    noisy_sum(np.ones(3))
    assert CALLS == ["noisy_sum", "noisy_sum"]
    monkeypatch.setenv(cache.ENV_VAR, "off")
    assert cache.cache_dir() is None


def test_hit_returns_same_result_prints_same_and_leaves_same_random_state(on, capsys):
    x = np.arange(5.0)
    np.random.seed(1)
    random.seed(1)
    cold = noisy_sum(x, scale=2.0)
    after_cold = (np.random.random(), random.random())
    cold_out = capsys.readouterr().out
    np.random.seed(1)
    random.seed(1)
    warm = noisy_sum(x.copy(), scale=2.0)  # an equal copy is the same key
    after_warm = (np.random.random(), random.random())
    assert CALLS == ["noisy_sum"]
    assert warm == cold == 20.0
    assert capsys.readouterr().out == cold_out == "summing 5 numbers\n"
    assert after_warm == after_cold


def test_different_arguments_are_different_keys(on):
    noisy_sum(np.arange(3.0))
    noisy_sum(np.arange(3.0), scale=3.0)
    noisy_sum(np.arange(3.0).astype(np.float32))
    noisy_sum(np.array([0.0, 1.0, 5.0]))
    assert CALLS == ["noisy_sum"] * 4
    assert len(list(on.glob("*.pkl"))) == 4


def test_keras_training_hit_matches_a_real_run(on):
    import keras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")

    def run():
        model, history = train_tiny(x, y, Config(8, 0.1), seed=0)
        following = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])  # built after the call
        return model.predict(x, verbose=0), history, following.layers[0].name, following.get_weights()[0]

    cold = run()
    warm = run()
    assert CALLS == ["train_tiny"]
    np.testing.assert_array_equal(cold[0], warm[0])
    assert cold[1] == warm[1]
    assert cold[2] == warm[2]  # Keras's layer-name counter was restored
    np.testing.assert_array_equal(cold[3], warm[3])  # and so was the random state for initialisers


def test_model_arguments_are_keyed_by_weights(on):
    import keras

    keras.utils.set_random_seed(0)
    a = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    key_a = cache.fingerprint(noisy_sum, (a,), {})
    assert key_a == cache.fingerprint(noisy_sum, (a,), {})
    a.set_weights([w + 1 for w in a.get_weights()])
    assert cache.fingerprint(noisy_sum, (a,), {}) != key_a


def test_corrupt_entry_is_recomputed(on):
    noisy_sum(np.ones(2))
    (entry,) = on.glob("*.pkl")
    entry.write_bytes(b"not a pickle")
    assert noisy_sum(np.ones(2)) == 2.0
    assert CALLS == ["noisy_sum", "noisy_sum"]


def test_unhashable_argument_is_a_clear_type_error(on):
    with pytest.raises(TypeError, match="argument 1 of noisy_sum of type object"):
        noisy_sum(object())


def test_a_function_argument_is_refused(on):
    """Two lambdas have the same name but compute different things: neither may be a key."""
    with pytest.raises(TypeError, match="argument 1 of noisy_sum, a function"):
        noisy_sum(lambda: 1)
    with pytest.raises(TypeError, match=r"argument 1 of noisy_sum\[0\], a function"):
        noisy_sum([np.sum])
    assert CALLS == [] and not list(on.glob("*.pkl"))


def test_versions_do_not_depend_on_what_is_imported(monkeypatch):
    from importlib.metadata import version

    import tensorflow as tf

    installed = [version("numpy"), version("keras"), tf.__version__]   # tf is the tensorflow-cpu package
    assert cache._versions().split("/")[1:] == installed
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    assert cache._versions().split("/")[1:] == installed


def test_cached_needs_a_function():
    with pytest.raises(TypeError, match="needs a function"):
        cache.cached(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be callable"):
        cache.fingerprint("noisy_sum", (), {})  # type: ignore[arg-type]


def test_module_sources_follow_helper_imports():
    assert "validation" in cache._helper_imports(cache._PACKAGE_DIR / "overfitting.py")
    assert len(cache.module_sources("overfitting")) == 64
    assert cache.module_sources("overfitting") != cache.module_sources("validation")
    with pytest.raises(ValueError, match="no helper module named 'nope'"):
        cache.module_sources("nope")


def test_uncached_is_the_plain_function(on):
    noisy_sum.uncached(np.ones(1))
    noisy_sum.uncached(np.ones(1))
    assert CALLS == ["noisy_sum", "noisy_sum"]
    assert not on.exists()


@cache.cached(trains="model")
def train_in_place(model, x: np.ndarray, y: np.ndarray, *, seed: int = 0) -> float:
    """Trains the model it is given, like overfitting.fit_and_measure."""
    import keras

    CALLS.append("train_in_place")
    keras.utils.set_random_seed(seed)
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    return history.history["loss"][-1]


def test_trains_leaves_the_argument_trained_on_a_hit(on):
    import keras

    rng = np.random.default_rng(1)
    x = rng.normal(size=(24, 3)).astype("float32")
    y = (x[:, 1] > 0).astype("int64")

    def fresh():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy")
        return model

    cold_model, warm_model = fresh(), fresh()
    cold = train_in_place(cold_model, x, y)
    warm = train_in_place(warm_model, x, y)
    assert CALLS == ["train_in_place"]
    assert cold == warm
    for a, b in zip(cold_model.get_weights(), warm_model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert int(warm_model.optimizer.iterations.numpy()) == int(cold_model.optimizer.iterations.numpy()) == 6
    other = fresh()
    other.compile(keras.optimizers.SGD(0.05), "sparse_categorical_crossentropy")  # other settings: other key
    train_in_place(other, x, y)
    assert CALLS == ["train_in_place", "train_in_place"]


def test_trains_must_name_an_argument():
    with pytest.raises(ValueError, match="no argument named 'net'"):
        cache.cached(trains="net")(train_in_place.uncached)


def test_rng_state_round_trip_and_anonymous_config():
    import keras

    keras.utils.set_random_seed(3)
    saved = cache.rng_state()
    first = (random.random(), float(np.random.random()), float(keras.random.uniform(())))
    cache.restore_rng_state(saved)
    assert (random.random(), float(np.random.random()), float(keras.random.uniform(()))) == first
    one = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    two = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    assert one.to_json() != two.to_json()                                   # other automatic names ...
    assert cache.anonymous_config(one.to_json()) == cache.anonymous_config(two.to_json())   # ... same network
