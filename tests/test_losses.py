"""helpers.losses: the from-scratch losses against Keras, gradients, the training loop, figures, checkers."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import losses as lf

RNG = np.random.default_rng(0)
LOGITS = RNG.normal(scale=4.0, size=(12, 4))
PROBS = lf.softmax(LOGITS)
LABELS = RNG.integers(0, 4, size=12)
ONEHOT = np.eye(4)[LABELS]
BINARY = RNG.integers(0, 2, size=(12, 4)).astype(float)
SIG = 1 / (1 + np.exp(-LOGITS))


@pytest.mark.parametrize("name,y_true,y_pred,from_logits", [
    ("mean_squared_error", ONEHOT, PROBS, False),
    ("mean_absolute_error", ONEHOT, PROBS, False),
    ("binary_crossentropy", BINARY, SIG, False),
    ("binary_crossentropy", BINARY, LOGITS, True),
    ("categorical_crossentropy", ONEHOT, PROBS, False),
    ("categorical_crossentropy", ONEHOT, LOGITS, True),
    ("sparse_categorical_crossentropy", LABELS, PROBS, False),
    ("sparse_categorical_crossentropy", LABELS, LOGITS, True),
    ("hinge", BINARY, LOGITS, False),
    ("hinge", 2 * BINARY - 1, LOGITS, False),
])
def test_losses_match_keras(name, y_true, y_pred, from_logits):
    kwargs = {"from_logits": True} if from_logits else {}
    ours = getattr(lf, name)(y_true, y_pred, **kwargs)
    assert ours.shape == (12,)
    np.testing.assert_allclose(ours, lf.keras_loss(name, y_true, y_pred, from_logits=from_logits), atol=1e-6)


def test_known_values_and_extremes():
    assert lf.mean_squared_error([[1.0, 0.0]], [[0.0, 0.0]])[0] == 0.5
    assert lf.mean_absolute_error([[1.0, 0.0]], [[0.0, 1.0]])[0] == 1.0
    assert lf.categorical_crossentropy([[0.0, 1.0]], [[0.0, 50.0]], from_logits=True)[0] == pytest.approx(0.0, abs=1e-12)
    assert lf.categorical_crossentropy([[1.0, 0.0]], [[0.0, 50.0]], from_logits=True)[0] == pytest.approx(50.0)
    assert lf.categorical_crossentropy([[1.0, 0.0]], [[0.0, 1.0]])[0] == pytest.approx(-np.log(lf.EPSILON))
    assert lf.binary_crossentropy([[1.0]], [[-800.0]], from_logits=True)[0] == pytest.approx(800.0)
    assert lf.hinge([[1.0]], [[2.0]])[0] == 0.0
    np.testing.assert_allclose(lf.logsumexp([[1000.0, 1000.0]]), [1000.0 + np.log(2)])


def test_bad_input_is_rejected_with_the_argument_name():
    with pytest.raises(ValueError, match="y_true and y_pred must have the same shape"):
        lf.mean_squared_error([[1.0]], [[1.0, 2.0]])
    with pytest.raises(TypeError, match="y_pred must be array-like"):
        lf.mean_absolute_error([1.0], "x")
    with pytest.raises(ValueError, match="y_true must hold labels -1/\\+1"):
        lf.hinge([[0.5]], [[1.0]])
    with pytest.raises(TypeError, match="labels must be a 1-D array of integer"):
        lf.sparse_categorical_crossentropy([0.5], [[0.5, 0.5]])
    with pytest.raises(ValueError, match="labels must lie in 0..1"):
        lf.sparse_categorical_crossentropy([2], [[0.5, 0.5]])
    with pytest.raises(ValueError, match="labels and y_pred must have the same length"):
        lf.sparse_categorical_crossentropy([0, 1], [[0.5, 0.5]])
    with pytest.raises(ValueError, match="unknown loss"):
        lf.keras_loss("huber_loss", [[1.0]], [[1.0]])
    with pytest.raises(ValueError, match="from_logits only applies"):
        lf.keras_loss("mean_squared_error", [[1.0]], [[1.0]], from_logits=True)
    with pytest.raises(ValueError, match="logits and y_true must have the same shape"):
        lf.softmax_cross_entropy_grad([1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match="f must be callable"):
        lf.numerical_gradient(3, [1.0])
    with pytest.raises(ValueError, match="eps must be > 0"):
        lf.numerical_gradient(np.sum, [1.0], eps=0)
    with pytest.raises(TypeError, match="z must be array-like"):
        lf.softmax(None)


def test_softmax_cross_entropy_gradient_is_p_minus_y():
    z, y = LOGITS[0], ONEHOT[0]
    numeric = lf.numerical_gradient(lambda v: lf.categorical_crossentropy(y, v, from_logits=True), z)
    np.testing.assert_allclose(lf.softmax_cross_entropy_grad(z, y), numeric, atol=1e-6)
    np.testing.assert_allclose(lf.numerical_gradient(lambda v: float(np.sum(v**2)), [1.0, -2.0]), [2.0, -4.0],
                               atol=1e-6)


def test_train_softmax_regression():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(90, 3))
    labels = np.argmax(x, axis=1)                  # linearly separable classes
    ce = lf.train_softmax_regression(x, labels, loss="cross_entropy", steps=60, learning_rate=1.0,
                                     x_test=x, labels_test=labels)
    mse = lf.train_softmax_regression(x, labels, loss="mse", steps=60, learning_rate=1.0)
    assert set(ce) == {"loss", "accuracy", "test_accuracy"} and set(mse) == {"loss", "accuracy"}
    assert ce["loss"][-1] < ce["loss"][0] and mse["loss"][-1] < mse["loss"][0]
    assert ce["accuracy"][-1] > 0.9
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        lf.train_softmax_regression(x, labels, loss="hinge")
    with pytest.raises(ValueError, match="x and labels must have the same length"):
        lf.train_softmax_regression(x, labels[:3], loss="mse")
    with pytest.raises(ValueError, match="init_scale must be >= 0"):
        lf.train_softmax_regression(x, labels, loss="mse", init_scale=-1.0)


def test_figures_have_titles_and_labels():
    run = {"accuracy": np.linspace(0.1, 0.9, 5)}
    for fig in (lf.plot_losses_for_positive(), lf.plot_gradient_vs_probability(), lf.plot_learning_speed({"a": run})):
        assert isinstance(fig, plt.Figure)
        ax = fig.axes[0]
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        lf.plot_learning_speed({})


def test_checkers():
    good = lambda y, z: np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=-1)  # noqa: E731
    assert lf.check_bce_from_logits(good)
    naive = lf.check_bce_from_logits(lambda y, z: lf.binary_crossentropy(y, 1 / (1 + np.exp(-z))))
    assert not naive and "logits" in str(naive)
    overflow = lf.check_bce_from_logits(lambda y, z: np.mean(-y * np.log(1 / (1 + np.exp(-z)))
                                                             - (1 - y) * np.log(1 - 1 / (1 + np.exp(-z))), axis=-1))
    assert not overflow
    assert not lf.check_bce_from_logits(lambda y, z: 1 / 0)
    assert not lf.check_bce_from_logits("not a function")
    data = [1.0, 2.0, 3.0, 10.0]
    assert lf.check_constant_fit(4.0, 2.5, data)
    assert not lf.check_constant_fit(2.5, 2.5, data)
    assert not lf.check_constant_fit(4.0, 4.0, data)
    with pytest.raises(ValueError, match="data must have 1 dimension"):
        lf.check_constant_fit(1.0, 1.0, [[1.0]])


def test_every_listed_loss_exists_here_and_in_keras():
    import keras

    for name in lf.LOSSES:
        assert callable(getattr(lf, name)) and callable(getattr(keras.losses, name))
