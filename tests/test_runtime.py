"""helpers.runtime: quiet, seeded TensorFlow that leaves Keras's own output on."""

import os

import numpy as np
import pytest

from helpers import runtime


def test_setup_sets_environment_and_seeds():
    info = runtime.setup_notebook(seed=3, style=False)
    for key in runtime.TF_ENVIRONMENT:
        assert key in os.environ
    assert info.seed == 3 and "TensorFlow" in str(info) and "seed 3" in str(info)
    runtime.set_seed(3)
    x = np.random.rand(3)
    runtime.set_seed(3)
    assert np.array_equal(x, np.random.rand(3))


def test_keras_keeps_its_own_output():
    """model.summary() must print its table: the set-up does not turn Keras's logging off."""
    import keras

    runtime.setup_notebook(seed=0, style=False)
    assert keras.config.is_interactive_logging_enabled() is True


def test_summary_prints_a_table(capsys):
    import keras

    runtime.setup_notebook(seed=0, style=False)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model.summary()
    out = capsys.readouterr().out
    assert "Total params" in out and "10" in out


def test_data_source_is_read_without_importing_the_data_module(monkeypatch):
    monkeypatch.setenv(runtime.DATA_SOURCE_VARIABLE, "sample")
    assert runtime.setup_notebook(style=False).data_source == "sample"


def test_rng_is_seeded_and_independent():
    assert np.array_equal(runtime.rng(5).permutation(10), runtime.rng(5).permutation(10))
    with pytest.raises(ValueError, match="seed must be >= 0"):
        runtime.rng(-1)


def test_bad_seed_rng_and_source():
    with pytest.raises(TypeError, match="seed must be an integer"):
        runtime.rng("1")
    with pytest.raises(TypeError, match="functions and classes"):
        runtime.show_source("def f(): pass")
    with pytest.raises(TypeError, match="seed must be an integer"):
        runtime.set_seed("0")
    with pytest.raises(ValueError, match="seed must be >= 0"):
        runtime.set_seed(-1)
    with pytest.raises(TypeError, match="seed must be an integer"):
        runtime.setup_notebook(seed=1.5)
    with pytest.raises(TypeError, match="seed must be an integer"):
        runtime.set_seed("0")


def test_show_source_shows_the_code():
    code = runtime.show_source(runtime.rng)
    assert "def rng(seed" in code.data and code._repr_html_()
    with pytest.raises(TypeError, match="functions and classes"):
        runtime.show_source(42)
    with pytest.raises(TypeError, match="at least one"):
        runtime.show_source()


def test_in_colab_false_here():
    assert runtime.in_colab() is False
