"""helpers.models: the shared Keras builders build what their docstrings say, and refuse bad settings."""

import keras
import numpy as np
import pytest

from helpers import models


def test_mlp_is_the_source_programs_network():
    model = models.build_mlp(512, loss="categorical_crossentropy")
    assert model.count_params() == 784 * 512 + 512 + 512 * 10 + 10
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dense"]
    assert isinstance(model.optimizer, keras.optimizers.RMSprop) and model.loss == "categorical_crossentropy"


def test_mlp_options():
    model = models.build_mlp((64, 32), dropout=0.5, l2=1e-4, optimizer="adamw", learning_rate=3e-3)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert model.layers[0].kernel_regularizer is not None
    assert isinstance(model.optimizer, keras.optimizers.AdamW)
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(3e-3)
    assert models.build_mlp(()).count_params() == 7850                     # softmax regression


def test_cnn_default_is_the_usual_small_cnn():
    model = models.build_cnn()
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense", "Dense"]
    assert model.output_shape == (None, 10)
    out = model.predict(np.zeros((2, 28, 28, 1), "float32"), verbose=0)
    assert out.shape == (2, 10) and np.allclose(out.sum(axis=1), 1, atol=1e-5)


def test_optimizers_by_name():
    assert isinstance(models.make_optimizer("momentum"), keras.optimizers.SGD)
    assert float(models.make_optimizer("momentum").momentum) == pytest.approx(0.9)
    assert float(models.make_optimizer("sgd").learning_rate.numpy()) == pytest.approx(0.01)


@pytest.mark.parametrize("call, error, match", [
    (lambda: models.build_mlp("512"), TypeError, "hidden must be"),
    (lambda: models.build_mlp([0]), ValueError, "hidden layer width"),
    (lambda: models.build_mlp(8, dropout=1.0), ValueError, "dropout"),
    (lambda: models.build_mlp(8, l2=-1), ValueError, "l2"),
    (lambda: models.build_mlp(8, classes=1), ValueError, "classes"),
    (lambda: models.build_mlp(8, loss="mse"), ValueError, "loss"),
    (lambda: models.build_mlp(8, optimizer="adamax"), ValueError, "optimizer"),
    (lambda: models.make_optimizer("sgd", -0.1), ValueError, "learning_rate"),
    (lambda: models.make_optimizer("sgd", float("nan")), ValueError, "learning_rate"),
    (lambda: models.build_cnn(()), ValueError, "at least one"),
    (lambda: models.build_cnn(input_shape=(28, 28)), ValueError, "input_shape"),
    (lambda: models.build_cnn(dense=-1), ValueError, "dense"),
])
def test_bad_settings_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
