"""helpers.core_algorithm: gradient descent, the numpy MLP, and its verification."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import core_algorithm as ch
from helpers.widgets import Explorer


@pytest.fixture(scope="module")
def digits():
    x_tr, l_tr, x_te, l_te = ch.load_digits_split()
    return x_tr, ch.one_hot(l_tr), x_te, ch.one_hot(l_te), l_te


def small_batch(n=7, features=5, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    y = ch.one_hot(rng.integers(0, classes, size=n), classes)
    return x, y


# --- gradient descent --------------------------------------------------------

def test_gradient_descent_follows_the_closed_form_on_a_quadratic():
    f, grad = ch.quadratic_1d(curvature=2.0, minimum=2.0)
    for lr in (0.02, 0.3, 0.9, 1.05):
        run = ch.gradient_descent(grad, -2.0, lr, 30, f)
        expected = 2.0 + (1 - 2 * lr) ** np.arange(31) * -4.0
        assert np.allclose(run.path[:, 0], expected) and not run.diverged
        assert np.allclose(run.losses, f(run.path[:, 0]))
    assert ch.gradient_descent(grad, 0.0, 0.3, 0).path.shape == (1, 1)


def test_gradient_descent_stops_cleanly_on_divergence():
    f, grad = ch.quadratic_1d(curvature=2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = ch.gradient_descent(grad, 1.0, 100.0, 10_000, f)
        inf = ch.gradient_descent(lambda t: np.array([np.inf]), 1.0, 1.0, 5)
    assert run.diverged and len(run.path) < 10 and np.all(np.isfinite(run.path))
    assert inf.diverged and len(inf.path) == 1


def test_gradient_descent_bad_input():
    f, grad = ch.quadratic_1d()
    with pytest.raises(TypeError, match="grad"):
        ch.gradient_descent("grad", 0.0, 0.1, 5)
    with pytest.raises(TypeError, match="f must"):
        ch.gradient_descent(grad, 0.0, 0.1, 5, f=3)
    with pytest.raises(ValueError, match="learning_rate"):
        ch.gradient_descent(grad, 0.0, 0.0, 5)
    with pytest.raises(ValueError, match="steps"):
        ch.gradient_descent(grad, 0.0, 0.1, -1)
    with pytest.raises(ValueError, match="start"):
        ch.gradient_descent(grad, np.ones((2, 2)), 0.1, 5)
    with pytest.raises(ValueError, match="curvature"):
        ch.quadratic_1d(curvature=0)


@pytest.mark.parametrize("name", list(ch.SURFACES))
def test_surfaces_have_correct_gradients_and_minima(name):
    s = ch.SURFACES[name]
    rng = np.random.default_rng(1)
    for p in rng.uniform(-1.5, 1.5, size=(5, 2)):
        numeric = [(s.f(p + e) - s.f(p - e)) / 2e-6 for e in np.eye(2) * 1e-6]
        assert np.allclose(s.grad(p), numeric, rtol=1e-5, atol=1e-5)
    for m in s.minima:
        assert np.linalg.norm(s.grad(np.array(m))) < 1e-8
    grid = np.stack(np.meshgrid(np.linspace(*s.xlim, 50), np.linspace(*s.ylim, 50)), axis=-1)
    assert s.f(grid).shape == (50, 50) and s.f(grid).min() >= s.min_value - 1e-9


def test_default_runs_on_the_surfaces():
    result = {n: ch.gradient_descent(s.grad, s.start, s.learning_rate, s.steps, s.f) for n, s in ch.SURFACES.items()}
    assert np.linalg.norm(result["bowl"].final) < 1e-3
    assert np.linalg.norm(result["valley"].final) < 0.02
    assert result["bumps"].losses[-1] > ch.SURFACES["bumps"].min_value + 0.5
    assert not any(r.diverged for r in result.values())


def test_figures_have_titles_and_labels():
    figs = [ch.lr_comparison_figure([0.1, 1.2], steps=10), ch.surfaces_figure(),
            ch.lr_comparison_figure([0.1], curvature=4.0)]
    for fig in figs:
        for ax in fig.axes:
            assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert "= 2·(x − 2)²" in figs[2]._suptitle.get_text()
    with pytest.raises(TypeError, match="rates"):
        ch.lr_comparison_figure("0.1")
    with pytest.raises(ValueError, match="rates"):
        ch.lr_comparison_figure([0.1, -1.0])


@pytest.mark.parametrize("name", list(ch.SURFACES))
def test_explorer_figure_default_and_extreme_rates(name):
    s = ch.SURFACES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = ch.explorer_figure(name, *s.start, learning_rate=s.learning_rate, steps=20)
        wild = ch.explorer_figure(name, *s.start, learning_rate=1.5, steps=500)
    assert fig.axes[0].get_xlabel() and fig.axes[1].get_ylabel()
    if name != "bumps":                  # the others run away for η = 1.5: a clean report, no warnings
        assert "diverged" in wild.axes[1].get_title()
    plt.close("all")


def test_explorer_figure_bad_input_and_explorer():
    with pytest.raises(ValueError, match="surface"):
        ch.explorer_figure("saddle")
    with pytest.raises(TypeError, match="start_x"):
        ch.explorer_figure("bowl", start_x="1")
    with pytest.raises(ValueError, match="learning_rate"):
        ch.explorer_figure("bowl", learning_rate=-0.1)
    explorer = ch.gd_explorer()
    assert isinstance(explorer, Explorer) and explorer.png.startswith(b"\x89PNG")
    assert set(explorer.values()) == {"surface", "start_x", "start_y", "learning_rate", "steps"}


# --- batch / mini-batch / stochastic -------------------------------------------

def test_regression_data_and_sgd_variants():
    x, y = ch.make_regression_data(200, slope=2.0, intercept=1.0, noise=0.0, seed=3)
    assert np.allclose(y, 2 * x + 1)
    runs = {b: ch.linear_regression_sgd(x, y, batch_size=b, learning_rate=0.1, epochs=3) for b in (200, 20, 1)}
    assert len(runs[200]["loss"]) == 4 and len(runs[20]["loss"]) == 31 and len(runs[1]["loss"]) == 601
    assert runs[200]["examples"][-1] == runs[1]["examples"][-1] == 600
    assert np.all(np.diff(runs[200]["loss"]) <= 0)
    assert runs[1]["loss"][-1] < 1e-6                       # noiseless data: SGD reaches the exact line
    assert np.allclose(runs[1]["theta"][-1], [2.0, 1.0], atol=1e-3)
    fig = ch.regression_figure(x, y, {f"b={b}": r for b, r in runs.items()})
    assert all(ax.get_title() and ax.get_xlabel() for ax in fig.axes)


def test_regression_bad_input():
    x, y = ch.make_regression_data(10)
    with pytest.raises(ValueError, match="batch_size"):
        ch.linear_regression_sgd(x, y, batch_size=11)
    with pytest.raises(ValueError, match="same length"):
        ch.linear_regression_sgd(x, y[:5], batch_size=2)
    with pytest.raises(ValueError, match="n must"):
        ch.make_regression_data(1)
    with pytest.raises(TypeError, match="runs"):
        ch.regression_figure(x, y, {})


# --- the MLP ------------------------------------------------------------------

def test_init_mlp_shapes_scale_and_bad_input():
    params = ch.init_mlp([784, 256, 10], seed=0)
    assert [W.shape for W, _ in params] == [(784, 256), (256, 10)]
    assert all(np.all(b == 0) for _, b in params)
    assert np.std(params[0][0]) == pytest.approx(np.sqrt(2 / 784), rel=0.05)
    assert np.std(ch.init_mlp([784, 256], activation="tanh")[0][0]) == pytest.approx(np.sqrt(1 / 784), rel=0.05)
    with pytest.raises(ValueError, match="at least"):
        ch.init_mlp([3])
    with pytest.raises(TypeError, match="sizes"):
        ch.init_mlp("64")
    with pytest.raises(ValueError, match="activation"):
        ch.init_mlp([3, 2], activation="swish")


def test_softmax_and_cross_entropy():
    p = ch.softmax([[1000.0, 1000.0], [0.0, np.log(3.0)]])
    assert np.allclose(p, [[0.5, 0.5], [0.25, 0.75]])
    assert ch.cross_entropy(p, [[1, 0], [0, 1]]) == pytest.approx(-(np.log(0.5) + np.log(0.75)) / 2)
    with pytest.raises(ValueError, match="same shape"):
        ch.cross_entropy(p, [[1, 0]])
    with pytest.raises(ValueError, match="z must"):
        ch.softmax([1.0, 2.0])


def test_forward_backward_update_bad_input():
    params = ch.init_mlp([5, 3, 4])
    x, y = small_batch()
    with pytest.raises(ValueError, match="features"):
        ch.forward(params, x[:, :4])
    with pytest.raises(TypeError, match="params"):
        ch.forward([], x)
    with pytest.raises(TypeError, match=r"params\[0\]"):
        ch.forward([np.ones((5, 3))], x)
    with pytest.raises(ValueError, match=r"params\[1\] takes"):
        ch.forward([params[0], (np.ones((2, 4)), np.ones(4))], x)
    with pytest.raises(ValueError, match=r"params\[0\]: W"):
        ch.forward([(np.ones((5, 3)), np.ones(2))], x)
    probabilities, cache = ch.forward(params, x)
    with pytest.raises(ValueError, match="one-hot"):
        ch.backward(params, cache, probabilities, y[:, :3])
    grads = ch.backward(params, cache, probabilities, y)
    with pytest.raises(ValueError, match="layers"):
        ch.update(params, grads[:1], 0.1)
    with pytest.raises(ValueError, match="learning_rate"):
        ch.update(params, grads, 0.0)


def test_update_moves_against_the_gradient():
    params = ch.init_mlp([5, 3, 4])
    x, y = small_batch()
    loss, grads = ch.loss_and_gradients(params, x, y)
    new = ch.update(params, grads, 0.01)
    assert np.allclose(new[0][0], params[0][0] - 0.01 * grads[0][0])
    assert ch.loss_and_gradients(new, x, y)[0] < loss


@pytest.mark.parametrize("activation", list(ch.ACTIVATIONS))
def test_backprop_matches_finite_differences_and_gradient_tape(activation):
    params = ch.init_mlp([5, 4, 3, 4], seed=2, activation=activation)
    params = [(W, b + 0.1) for W, b in params]      # no pre-activation exactly at ReLU's kink
    x, y = small_batch()
    _, grads = ch.loss_and_gradients(params, x, y, activation)
    assert ch.relative_error(grads, ch.numerical_gradients(params, x, y, activation)) < 1e-6
    assert ch.relative_error(grads, ch.tape_gradients(params, x, y, activation)) < 1e-6


@given(sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5), batch=st.integers(1, 9),
       activation=st.sampled_from(["sigmoid", "tanh", "relu"]), seed=st.integers(0, 10_000))
@settings(max_examples=40, deadline=None)
def test_property_backprop_equals_finite_differences(sizes, batch, activation, seed):
    rng = np.random.default_rng(seed)
    classes = max(sizes[-1], 2)
    sizes = sizes[:-1] + [classes]
    params = ch.init_mlp(sizes, seed=seed, activation=activation)
    if activation == "relu":                            # keep pre-activations away from the kink
        params = [(W, b + 0.1 * np.sign(rng.normal(size=b.shape))) for W, b in params]
    x = rng.normal(size=(batch, sizes[0]))
    y = ch.one_hot(rng.integers(0, classes, size=batch), classes)
    if activation == "relu":
        _, cache = ch.forward(params, x, activation)
        if any(np.min(np.abs(z)) < 1e-4 for _, z in cache[1:]):
            return
    _, grads = ch.loss_and_gradients(params, x, y, activation)
    numeric = ch.numerical_gradients(params, x, y, activation)
    assert ch.relative_error(grads, numeric) < 1e-6
    assert [g.shape for pair in grads for g in pair] == [p.shape for pair in params for p in pair]


@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4), batch=st.integers(1, 8),
       seed=st.integers(0, 1000))
@settings(max_examples=10, deadline=None)
def test_property_backprop_equals_gradient_tape(sizes, batch, seed):
    rng = np.random.default_rng(seed)
    sizes = sizes[:-1] + [max(sizes[-1], 2)]
    params = ch.init_mlp(sizes, seed=seed, activation="tanh")
    x = rng.normal(size=(batch, sizes[0]))
    y = ch.one_hot(rng.integers(0, sizes[-1], size=batch), sizes[-1])
    _, grads = ch.loss_and_gradients(params, x, y, "tanh")
    assert ch.relative_error(grads, ch.tape_gradients(params, x, y, "tanh")) < 1e-6


def test_one_step_matches_keras_sgd():
    params = ch.init_mlp([5, 4, 4], seed=3, activation="sigmoid")
    x, y = small_batch()
    _, grads = ch.loss_and_gradients(params, x, y, "sigmoid")
    ours = ch.update(params, grads, 0.3)
    theirs = ch.keras_sgd_step(params, x, y, 0.3, "sigmoid")
    change = lambda new: [(W1 - W0, b1 - b0) for (W1, b1), (W0, b0) in zip(new, params)]  # noqa: E731
    assert ch.relative_error(change(ours), change(theirs)) < 1e-6
    with pytest.raises(ValueError, match="learning_rate"):
        ch.keras_sgd_step(params, x, y, -1.0)


def test_keras_model_holds_the_same_weights_and_outputs():
    params = ch.init_mlp([5, 3, 4], seed=4)
    x, _ = small_batch()
    model = ch.keras_model(params)
    assert np.allclose(model.predict(x, verbose=0), ch.forward(params, x)[0])
    with pytest.raises(ValueError, match="dtype"):
        ch.keras_model(params, dtype="float16")


def test_relative_error():
    assert ch.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert ch.relative_error([0.0], [0.0]) == 0.0
    assert ch.relative_error([1.0], [-1.0]) == 1.0
    with pytest.raises(ValueError, match="different numbers"):
        ch.relative_error([1.0], [1.0, 2.0])
    with pytest.raises(TypeError, match="a must"):
        ch.relative_error("x", [1.0])


def test_numerical_gradients_bad_input():
    params = ch.init_mlp([5, 4])
    x, y = small_batch()
    with pytest.raises(ValueError, match="eps"):
        ch.numerical_gradients(params, x, y, eps=0.0)


def test_epoch_orders_and_one_hot():
    orders = ch.epoch_orders(10, 3, seed=1)
    assert len(orders) == 3 and all(sorted(o) == list(range(10)) for o in orders)
    assert all(np.array_equal(a, b) for a, b in zip(orders, ch.epoch_orders(10, 3, seed=1)))
    assert ch.one_hot([0, 2], 3).tolist() == [[1, 0, 0], [0, 0, 1]]
    with pytest.raises(ValueError, match="labels must lie"):
        ch.one_hot([3], 3)
    with pytest.raises(TypeError, match="integers"):
        ch.one_hot([0.5], 3)
    with pytest.raises(ValueError, match="epochs"):
        ch.epoch_orders(10, 0)


def test_load_digits_split(digits):
    x_tr, y_tr, x_te, y_te, _ = digits
    assert x_tr.shape == (1347, 64) and x_te.shape == (450, 64)
    assert x_tr.min() == 0 and x_tr.max() == 1
    assert np.all(np.abs(y_te.mean(0) - y_tr.mean(0)) < 0.005)     # stratified
    with pytest.raises(ValueError, match="test_fraction"):
        ch.load_digits_split(test_fraction=1.5)


def test_train_mlp_learns_the_digits_and_matches_keras(digits):
    x_tr, y_tr, x_te, y_te, l_te = digits
    settings_ = dict(epochs=3, batch_size=32, learning_rate=0.05, seed=0, validation_data=(x_te, y_te))
    initial = ch.init_mlp([64, 32, 10], seed=0)
    seconds = []
    trained, history = ch.train_mlp(initial, x_tr, y_tr, epoch_seconds=seconds, **settings_)
    assert len(seconds) == 3 and set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history["loss"][-1] < history["loss"][0]
    assert np.mean(ch.predict(trained, x_te) == l_te) == pytest.approx(history["val_accuracy"][-1])
    model, keras_history, keras_seconds = ch.train_keras(initial, x_tr, y_tr, **settings_)
    assert len(keras_seconds) == 3
    assert np.allclose(history["loss"], keras_history["loss"], atol=1e-4)
    assert np.allclose(history["val_accuracy"], keras_history["val_accuracy"], atol=0.005)
    fig = ch.learning_curves_figure({"numpy": history, "keras": keras_history})
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    with pytest.raises(ValueError, match="same length"):
        ch.train_mlp(initial, x_tr, y_tr[:10])
    with pytest.raises(TypeError, match="histories"):
        ch.learning_curves_figure({})
    with pytest.raises(ValueError, match="needs 'loss'"):
        ch.learning_curves_figure({"a": {"loss": [1.0]}})


def test_layer_gradient_norms_and_figure(digits):
    x_tr, y_tr, *_ = digits
    sig = ch.layer_gradient_norms(x_tr[:50], y_tr[:50], depth=6, width=16, activation="sigmoid")
    relu = ch.layer_gradient_norms(x_tr[:50], y_tr[:50], depth=6, width=16, activation="relu")
    assert sig.shape == (7,) and sig[-1] / sig[0] > 100 and relu[-1] / relu[0] < 100
    fig = ch.gradient_norms_figure({"sigmoid": sig, "relu": relu})
    assert fig.axes[0].get_title() and fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel()
    big = ch.layer_gradient_norms(x_tr[:50], y_tr[:50], depth=6, width=16, activation="relu", weight_scale=3.0)
    assert big.min() > 10 * relu.max()                          # every layer's gradient explodes
    with pytest.raises(ValueError, match="depth"):
        ch.layer_gradient_norms(x_tr[:5], y_tr[:5], depth=0)
    with pytest.raises(ValueError, match="weight_scale"):
        ch.layer_gradient_norms(x_tr[:5], y_tr[:5], weight_scale=0)
    with pytest.raises(TypeError, match="norms"):
        ch.gradient_norms_figure([])


# --- exercises -----------------------------------------------------------------

def test_momentum_descent_and_its_checker():
    s = ch.SURFACES["valley"]
    path = ch.momentum_descent(s.grad, s.start, 0.05, 0.0, 10)
    assert np.allclose(path, ch.gradient_descent(s.grad, s.start, 0.05, 10).path)   # β = 0: plain GD
    assert ch.check_momentum(ch.momentum_descent)
    plain = ch.check_momentum(lambda g, x0, lr, beta, n: ch.gradient_descent(g, x0, lr, n).path)
    assert not plain and "plain gradient descent" in str(plain)
    short = ch.check_momentum(lambda g, x0, lr, beta, n: ch.momentum_descent(g, x0, lr, beta, n)[1:])
    assert not short and "shape" in str(short)
    crash = ch.check_momentum(lambda *args: 1 / 0)
    assert not crash and "ZeroDivisionError" in str(crash)

    def wrong_order(g, x0, lr, beta, n):   # θ updated before v
        theta, v, out = np.array(x0, float), np.zeros(2), [np.array(x0, float)]
        for _ in range(n):
            theta = theta + beta * v
            v = beta * v - lr * g(theta)
            out.append(theta.copy())
        return np.array(out)

    assert not ch.check_momentum(wrong_order)
    assert not ch.check_momentum("momentum")
    with pytest.raises(ValueError, match="beta"):
        ch.momentum_descent(s.grad, s.start, 0.05, 1.5, 10)


def test_check_divergence_rate():
    assert ch.check_divergence_rate(0.1, curvature=20)
    wrong = ch.check_divergence_rate(0.05, curvature=20)
    assert not wrong and "|1 − ηa| > 1" in str(wrong)
    assert not ch.check_divergence_rate("0.1", curvature=20)
    with pytest.raises(ValueError, match="curvature"):
        ch.check_divergence_rate(0.1, curvature=0)


def test_check_activation_derivative():
    sigmoid = ch.ACTIVATIONS["sigmoid"][0]
    assert ch.check_activation_derivative(lambda z: np.logaddexp(0, z), sigmoid)
    wrong = ch.check_activation_derivative(lambda z: np.logaddexp(0, z), lambda z: np.exp(z))
    assert not wrong and "disagree" in str(wrong)
    scalar = ch.check_activation_derivative(np.tanh, lambda z: 1.0)
    assert not scalar and "element-wise" in str(scalar)
    assert not ch.check_activation_derivative(np.tanh, None)
    assert "raised" in str(ch.check_activation_derivative(np.tanh, lambda z: z.foo))
