"""helpers.activations: the from-scratch activations, the deep-stack experiments, figures, checkers."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import activations as act

GRID = np.linspace(-6, 6, 241)


@pytest.mark.parametrize("name", act.ACTIVATIONS)
def test_each_activation_matches_keras_and_autodiff(name):
    keras_f, keras_df = act.keras_reference(name, GRID)
    np.testing.assert_allclose(act.function(name)(GRID), keras_f, atol=1e-6)
    np.testing.assert_allclose(act.derivative(name)(GRID), keras_df, atol=1e-6)


@pytest.mark.parametrize("name", act.ACTIVATIONS)
def test_derivatives_match_finite_differences(name):
    x = np.array([-2.3, -0.7, 0.4, 1.9])            # away from ReLU's kink at 0
    h = 1e-6
    numeric = (act.function(name)(x + h) - act.function(name)(x - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(name)(x), numeric, atol=1e-5)


def test_known_values():
    assert act.sigmoid(0.0) == 0.5 and act.sigmoid_grad(0.0) == 0.25
    assert np.isfinite(act.sigmoid([-1000.0, 1000.0])).all()
    assert act.tanh_grad(0.0) == 1.0
    assert act.relu([-1.0, 2.0]).tolist() == [0.0, 2.0] and act.relu_grad([0.0, 3.0]).tolist() == [0.0, 1.0]
    assert act.leaky_relu(-1.0, negative_slope=0.1) == pytest.approx(-0.1)
    assert act.leaky_relu_grad(-1.0, negative_slope=0.1) == pytest.approx(0.1)
    assert act.elu(-50.0) == pytest.approx(-1.0) and act.elu_grad(-50.0, alpha=2.0) == pytest.approx(0.0)
    assert act.gelu(0.0) == 0.0 and act.gelu_grad(0.0) == pytest.approx(0.5)


def test_softmax_stable_naive_jacobian_temperature():
    z = np.array([1000.0, 1001.0, 1002.0])
    assert np.isnan(act.softmax_naive(z)).all()
    np.testing.assert_allclose(act.softmax(z), act.softmax(z - 1000))
    np.testing.assert_allclose(act.softmax(np.ones((2, 4))).sum(axis=1), 1.0)
    jac = act.softmax_jacobian([0.5, -1.0, 2.0])
    assert jac.shape == (3, 3)
    np.testing.assert_allclose(jac.sum(axis=1), 0.0, atol=1e-15)
    np.testing.assert_allclose(act.softmax([1.0, 2.0], temperature=1e-3), [0.0, 1.0])
    np.testing.assert_allclose(act.softmax([1.0, 2.0], temperature=1e6), [0.5, 0.5], atol=1e-6)


def test_bad_input_is_rejected_with_the_argument_name():
    with pytest.raises(TypeError, match="x must be array-like"):
        act.relu("abc")
    with pytest.raises(ValueError, match="x contains NaN"):
        act.sigmoid([np.nan])
    with pytest.raises(ValueError, match="negative_slope must be >= 0"):
        act.leaky_relu(1.0, negative_slope=-1)
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        act.elu_grad(1.0, alpha=-1)
    with pytest.raises(ValueError, match="temperature must be > 0"):
        act.softmax([1.0], temperature=0)
    with pytest.raises(ValueError, match="z must have 1 dimension"):
        act.softmax_jacobian(np.ones((2, 2)))
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        act.function("swish")
    with pytest.raises(ValueError, match="unknown activation"):
        act.derivative("swish")
    with pytest.raises(ValueError, match="unknown activation"):
        act.keras_reference("swish", [0.0])
    with pytest.raises(TypeError, match="z must be array-like"):
        act.softmax_naive(None)


def test_init_std():
    assert act.init_std("he", 100, 10) == pytest.approx(np.sqrt(0.02))
    assert act.init_std("glorot", 100, 100) == pytest.approx(0.1)
    assert act.init_std("small", 5, 5) == 0.01 and act.init_std("large", 5, 5) == 1.0
    with pytest.raises(ValueError, match="unknown init"):
        act.init_std("lecun", 1, 1)
    with pytest.raises(ValueError, match="fan_in must be >= 1"):
        act.init_std("he", 0, 1)


def test_forward_stack():
    x = np.random.default_rng(0).normal(size=(50, 20))
    outs = act.forward_stack(x, activation="relu", depth=4, width=20, init="he")
    assert len(outs) == 4 and all(o.shape == (50, 20) for o in outs) and all((o >= 0).all() for o in outs)
    assert act.forward_stack(x, activation="tanh", depth=6, width=20, init="small")[-1].std() < 1e-6
    with pytest.raises(ValueError, match="x must have 30 columns"):
        act.forward_stack(x, activation="relu", width=30)
    with pytest.raises(TypeError, match="depth must be an integer"):
        act.forward_stack(x, activation="relu", width=20, depth=2.5)


def test_dying_relu_trains_the_books_network():
    from helpers.network import Network, one_hot

    rng = np.random.default_rng(1)
    xs, ys = rng.normal(size=(40, 6)), rng.integers(0, 3, size=40)
    run = act.dying_relu_experiment(xs, ys, learning_rate=0.5, hidden=8, steps=3, seed=2)
    net, targets = Network([6, 8, 3], activation="relu", init="he", seed=2), one_hot(ys, 3)
    for step in range(3):  # the same network, the same full-batch steps
        dW, db, loss = net.backward(xs, targets)
        assert run["loss"][step] == pytest.approx(loss, rel=1e-12)
        net.update(dW, db, 0.5)
        assert run["dead"][step] == act.dead_units(net.W[0], net.b[0], xs).mean()


def test_dead_units_and_dying_relu():
    x = np.array([[1.0, 2.0], [3.0, 1.0]])
    w = np.array([[1.0, -1.0], [1.0, -1.0]])
    assert act.dead_units(w, [0.0, 0.0], x).tolist() == [False, True]
    with pytest.raises(ValueError, match="shapes do not chain"):
        act.dead_units(w, [0.0], x)
    rng = np.random.default_rng(0)
    xs, ys = rng.normal(size=(60, 8)), rng.integers(0, 3, size=60)
    run = act.dying_relu_experiment(xs, ys, learning_rate=50.0, hidden=16, steps=20)
    assert set(run) == {"dead", "loss"} and run["dead"].shape == (20,)
    assert np.all(np.diff(run["dead"]) >= 0)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        act.dying_relu_experiment(xs, ys, learning_rate=0)
    with pytest.raises(ValueError, match="x and y must have the same length"):
        act.dying_relu_experiment(xs, ys[:5], learning_rate=1.0)


def test_figures_have_titles_and_labels():
    figs = [
        act.plot_activations(["relu", "gelu"]),
        act.plot_gradient_norms({"a": [1.0, 0.1, 0.01]}),
        act.plot_layer_spread({"a": [np.ones((3, 2)), np.zeros((3, 2))]}),
        act.plot_softmax_temperature([1.0, 0.0]),
        act.plot_dying_relu({"a": {"dead": np.zeros(3), "loss": np.ones(3)}}),
        act.explorer_figure("elu", 3, "he", width=10),
    ]
    for fig in figs:
        assert isinstance(fig, plt.Figure)
        axes = [ax for ax in fig.axes if ax.axison]
        assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in axes)
    with pytest.raises(ValueError, match="names is empty"):
        act.plot_activations([])
    with pytest.raises(ValueError, match="hi must be greater than lo"):
        act.plot_activations(["relu"], lo=1, hi=0)
    with pytest.raises(TypeError, match="norms must be a non-empty dict"):
        act.plot_gradient_norms({})
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        act.plot_layer_spread([])
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        act.plot_dying_relu({})
    with pytest.raises(ValueError, match="temperatures is empty"):
        act.plot_softmax_temperature([1.0], [])
    with pytest.raises(ValueError, match="depth must be <= 50"):
        act.explorer_figure("relu", 60, "he")
    with pytest.raises(ValueError, match="unknown init"):
        act.explorer_figure("relu", 3, "zeros")


def test_activation_explorer_renders_its_default_view():
    explorer = act.activation_explorer()
    assert explorer.png.startswith(b"\x89PNG")
    assert list(explorer.default()) == ["activation", "depth", "init"]
    frame = explorer.frame(activation="tanh", depth=10, init="small")
    assert list(frame["layer"]) == list(range(1, 11))
    assert frame["std"].iloc[-1] < 1e-3 * frame["std"].iloc[0]           # a tiny scale: the signal vanishes
    he = explorer.frame(activation="relu", depth=30, init="he")["std"]
    assert 0.2 < he.iloc[-1] / he.iloc[0] < 5                            # He keeps ReLU's spread
    fig = act.plot_spread_table(frame, "tanh", 10, "small")
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    with pytest.raises(ValueError, match="depth must be <= 50"):
        act.spread_table("relu", 60, "he")
    with pytest.raises(ValueError, match="unknown init"):
        act.spread_table("relu", 3, "zeros")


def test_checkers():
    assert act.check_softplus(lambda x: np.logaddexp(0, x), act.sigmoid)
    naive = act.check_softplus(lambda x: np.log(1 + np.exp(x)), act.sigmoid)
    assert not naive.passed
    wrong = act.check_softplus(lambda x: np.logaddexp(0, x), act.tanh)
    assert not wrong and "sigmoid" in str(wrong)
    assert not act.check_softplus(None, None)
    assert act.check_init_std(np.sqrt(2 / 64), width=64)
    linear = act.check_init_std(np.sqrt(1 / 64), width=64)
    assert not linear and "linear" in str(linear)
    with pytest.raises(ValueError, match="width must be >= 1"):
        act.check_init_std(0.1, width=0)


def test_every_init_scheme_is_supported():
    for scheme in act.INITS:
        assert act.init_std(scheme, 10, 10) > 0


def test_bad_input_to_every_public_helper_is_rejected():
    for fn in (act.sigmoid_grad, act.tanh, act.tanh_grad, act.relu_grad, act.leaky_relu_grad, act.gelu,
               act.gelu_grad):
        with pytest.raises(TypeError, match="x must be array-like"):
            fn("one")
        with pytest.raises(ValueError, match="NaN"):
            fn([np.nan])
    with pytest.raises(ValueError, match="negative_slope must be >= 0"):
        act.leaky_relu_grad([1.0], negative_slope=-1.0)
    with pytest.raises(ValueError, match="unknown init"):
        act.init_std("uniform", 10, 10)
    with pytest.raises(ValueError, match="fan_in must be >= 1"):
        act.init_std("he", 0, 10)
    with pytest.raises(ValueError, match="x must have 100 columns"):
        act.forward_stack(np.zeros((3, 5)), activation="relu")
    with pytest.raises(ValueError, match="depth must be >= 1"):
        act.forward_stack(np.zeros((3, 100)), activation="relu", depth=0)
    with pytest.raises(ValueError, match="activation"):
        act.forward_stack(np.zeros((3, 100)), activation="swish")
    with pytest.raises((TypeError, ValueError)):
        act.dead_units("w", [0.0], [[1.0]])
    with pytest.raises((TypeError, ValueError), match="learning_rate"):
        act.dying_relu_experiment(np.zeros((4, 64)), np.zeros(4, dtype=int), learning_rate=-1.0)
    with pytest.raises(ValueError, match="activation"):
        act.plot_activations(["swish"])
    with pytest.raises(TypeError, match="norms must be a non-empty dict"):
        act.plot_gradient_norms([])
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        act.plot_layer_spread(None)
    with pytest.raises(ValueError, match="temperature must be > 0"):
        act.plot_softmax_temperature([1.0, 2.0], [0.0])
    with pytest.raises(TypeError):
        act.plot_dying_relu("runs")
    with pytest.raises(ValueError, match="depth must be <= 50"):
        act.explorer_figure("relu", 60, "he")
    with pytest.raises(ValueError, match="activation"):
        act.spread_table("swish", 3, "he")
    with pytest.raises(KeyError):
        act.plot_spread_table(__import__("pandas").DataFrame({"x": [1]}), "relu", 1, "he")
    with pytest.raises(TypeError, match="base must be an altair Chart"):
        act.spread_chart(None)
    with pytest.raises(TypeError):
        act.activation_explorer("tanh")          # takes no arguments
    assert not act.check_softplus("softplus", None)
    assert not act.check_init_std("a lot", width=100)
    with pytest.raises(ValueError, match="width must be >= 1"):
        act.check_init_std(0.1, width=0)
