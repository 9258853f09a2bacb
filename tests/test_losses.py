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


def test_figures_have_titles_and_labels():
    from helpers import experiments

    runs = experiments.run(lambda seed: {"val_accuracy": 0.5 + 0.1 * seed,
                                         "history": {"val_accuracy": [0.2, 0.4 + 0.1 * seed]}}, [0, 1], name="a")
    for fig in (lf.plot_losses_for_positive(), lf.plot_gradient_vs_probability(), lf.plot_learning_speed({"a": runs})):
        assert isinstance(fig, plt.Figure)
        ax = fig.axes[0]
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        lf.plot_learning_speed({})
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        lf.plot_learning_speed({"a": [0.1, 0.2]})
    bare = experiments.run(lambda seed: {"val_accuracy": 0.5 + seed}, [0, 1], name="bare")
    with pytest.raises(ValueError, match="keep each seed's Keras history"):
        lf.plot_learning_speed({"bare": bare})


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


def test_cross_entropies_refuse_values_outside_zero_one():
    """Issue 21: Keras clips such inputs and reports a meaningless loss; the book's losses refuse them."""
    with pytest.raises(ValueError, match="y_pred must hold probabilities in \\[0, 1\\]"):
        lf.binary_crossentropy([[1.0]], [[2.0]])
    with pytest.raises(ValueError, match="y_pred must hold probabilities"):
        lf.binary_crossentropy([[0.0]], [[-0.5]])
    with pytest.raises(ValueError, match="y_true must hold labels"):
        lf.binary_crossentropy([[2.0]], [[0.5]])
    with pytest.raises(ValueError, match="y_true must hold labels"):
        lf.binary_crossentropy([[-1.0]], [[3.0]], from_logits=True)
    with pytest.raises(ValueError, match="y_pred must hold probabilities"):
        lf.categorical_crossentropy([[1.0, 0.0]], [[1.5, -0.5]])
    with pytest.raises(ValueError, match="y_true must hold one-hot"):
        lf.categorical_crossentropy([[3.0, 0.0]], [[0.5, 0.5]])
    with pytest.raises(ValueError, match="row of zeros"):
        lf.categorical_crossentropy([[1.0, 0.0]], [[0.0, 0.0]])
    with pytest.raises(ValueError, match="y_pred must hold probabilities"):
        lf.sparse_categorical_crossentropy([0], [[1.5, -0.5]])
    with pytest.raises(ValueError, match="NaN"):
        lf.binary_crossentropy([[1.0]], [[np.nan]])
    # logits may be any finite number; soft labels inside [0, 1] are fine
    assert np.isfinite(lf.binary_crossentropy([[0.3]], [[5.0]], from_logits=True)).all()
    assert np.isfinite(lf.categorical_crossentropy([[0.2, 0.8]], [[-3.0, 7.0]], from_logits=True)).all()


@pytest.mark.parametrize("loss", lf.EXPLORER_LOSSES)
@pytest.mark.parametrize("label", [0, 1])
def test_loss_curve_gradient_matches_finite_differences(loss, label):
    frame = lf.loss_curve(loss, label)
    p = frame[frame["quantity"] == "loss"]["p"].to_numpy()
    grad = frame[frame["quantity"] == "gradient on the logit"]["value"].to_numpy()
    z = np.log(p / (1 - p))
    h = 1e-6

    def value(zz):
        pp, y = 1 / (1 + np.exp(-zz)), np.full((len(zz), 1), float(label))
        return {"cross-entropy": lambda: lf.binary_crossentropy(y, pp[:, None]),
                "squared error": lambda: lf.mean_squared_error(y, pp[:, None]),
                "absolute error": lambda: lf.mean_absolute_error(y, pp[:, None]),
                "hinge": lambda: lf.hinge(y, zz[:, None])}[loss]()

    numeric = (value(z + h) - value(z - h)) / (2 * h)
    kink = (loss == "hinge") & (np.abs(np.abs(z) - 1) < 1e-3)
    np.testing.assert_allclose(grad[~kink], numeric[~kink], atol=1e-5)


def test_loss_explorer_and_bad_input():
    explorer = lf.loss_explorer()
    assert explorer.png.startswith(b"\x89PNG")
    assert len(explorer.settings()) == 2 * len(lf.EXPLORER_LOSSES)
    frame = explorer.frame(loss="hinge", label=1)
    assert frame[frame["quantity"] == "loss"]["value"].iloc[-1] == 0.0      # beyond the margin: no loss
    fig = lf.plot_loss_curve(frame, "hinge", 1)
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    with pytest.raises(ValueError, match="loss"):
        lf.loss_curve("huber", 1)
    with pytest.raises(ValueError, match="label must be 0 or 1"):
        lf.loss_curve("hinge", 2)
    with pytest.raises(ValueError, match="label must be 0 or 1"):
        lf.loss_curve("hinge", True)


def test_bad_input_to_every_public_helper_is_rejected():
    with pytest.raises(TypeError, match="z must be array-like"):
        lf.logsumexp("z")
    with pytest.raises(ValueError, match="NaN"):
        lf.logsumexp([np.nan, 1.0])
    for fn in (lf.plot_losses_for_positive, lf.plot_gradient_vs_probability, lf.loss_explorer):
        with pytest.raises(TypeError):
            fn("an argument")                     # these take no arguments
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        lf.plot_learning_speed(None)
    with pytest.raises(TypeError, match="base must be an altair Chart"):
        lf.loss_chart("chart")
    assert not lf.check_bce_from_logits(None)
    assert not lf.check_bce_from_logits(lambda y, z: "garbage")
    assert not lf.check_bce_from_logits(lambda y, z: np.full(3, 0.5))   # wrong shape
    assert not lf.check_constant_fit("mean", "median", [1.0, 2.0, 3.0])
    assert not lf.check_constant_fit(np.nan, np.nan, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="data must be array-like"):
        lf.check_constant_fit(1.0, 1.0, None)
