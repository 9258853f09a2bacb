"""helpers.runtime: quiet, seeded TensorFlow."""

import os

import numpy as np
import pytest

from helpers import runtime


def test_setup_sets_environment_and_seeds():
    info = runtime.setup_notebook(seed=3, style=False)
    for key, value in runtime.TF_ENVIRONMENT.items():
        assert key in os.environ
    assert info.seed == 3 and "TensorFlow" in str(info) and "seed 3" in str(info)
    runtime.set_seed(3)
    x = np.random.rand(3)
    runtime.set_seed(3)
    assert np.array_equal(x, np.random.rand(3))


def test_progress_bars_are_off():
    import keras

    runtime.quiet_tensorflow()
    assert keras.config.is_interactive_logging_enabled() is False


def test_bad_seed():
    with pytest.raises(TypeError, match="seed must be an integer"):
        runtime.set_seed("0")
    with pytest.raises(ValueError, match="seed must be >= 0"):
        runtime.set_seed(-1)


def test_in_colab_false_here():
    assert runtime.in_colab() is False
