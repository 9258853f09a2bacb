"""helpers.core_algorithm: gradient descent, the verification of helpers.network, the exercise checkers."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import autodiff, core_algorithm as ch
from helpers.network import ACTIVATIONS, Network, one_hot
from helpers.widgets import Explorer


@pytest.fixture(scope="module")
def digits():
    x_tr, l_tr, x_va, l_va = ch.load_digits_split()
    return x_tr, one_hot(l_tr), x_va, one_hot(l_va), l_va


def small_batch(n=7, features=5, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    y = one_hot(rng.integers(0, classes, size=n), classes)
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
    assert set(explorer.controls) == {"surface", "learning_rate", "steps"}
    assert len(explorer.html()) < 1_500_000
    frame = explorer.frame(surface="valley", learning_rate=1.0, steps=200)
    assert bool(frame["diverged"].iloc[-1]) and len(frame) < 20          # stops cleanly
    frame = ch.gd_path("bowl", 0.1, 50)
    assert list(frame.columns) == ["step", "theta1", "theta2", "gap", "diverged"] and len(frame) == 51
    fig = ch.gd_render(frame, "bowl", 0.1, 50)
    assert fig.axes[1].get_title().startswith("after 50 steps")
    with pytest.raises(ValueError, match="steps"):
        ch.gd_path("bowl", 0.1, 0)
    with pytest.raises(ValueError, match="surface"):
        ch.gd_path("saddle")


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


# --- the network's verification tools ----------------------------------------

def test_load_digits_split(digits):
    x_tr, y_tr, x_va, y_va, l_va = digits
    assert x_tr.shape == (1347, 64) and x_va.shape == (450, 64)
    assert 0.0 <= x_tr.min() and x_tr.max() == 1.0 and y_tr.shape == (1347, 10)
    with pytest.raises(ValueError, match="val_fraction"):
        ch.load_digits_split(0.0)


@pytest.mark.parametrize("activation, init", [("relu", "he"), ("sigmoid", "lecun"), ("tanh", "glorot")])
def test_backprop_matches_finite_differences_and_gradient_tape(activation, init):
    x, y = small_batch()
    net = Network([5, 6, 3, 4], activation=activation, init=init, seed=1)
    exact = ch.backprop_gradients(net, x, y)
    assert ch.relative_error(exact, ch.numerical_gradients(net, x, y, eps=1e-5)) < 1e-7
    assert ch.relative_error(exact, ch.tape_gradients(net, x, y)) < 1e-12


@given(sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5), batch=st.integers(1, 9),
       activation=st.sampled_from(["relu", "sigmoid", "tanh"]), seed=st.integers(0, 1000))
@settings(max_examples=30, deadline=None)
def test_property_backprop_equals_finite_differences(sizes, batch, activation, seed):
    sizes = [max(s, 2) if k == len(sizes) - 1 else s for k, s in enumerate(sizes)]
    x, y = small_batch(batch, sizes[0], sizes[-1], seed)
    net = Network(sizes, activation=activation, init="glorot", seed=seed)
    exact = ch.backprop_gradients(net, x, y)
    numeric = ch.numerical_gradients(net, x, y, eps=1e-5)
    # relu's kink: a finite difference across z = 0 is not the derivative; skip those draws
    if activation == "relu":
        _, _, Zs = net.forward(x)
        if any(np.abs(Z).min() < 1e-4 for Z in Zs[:-1]):
            return
    assert ch.relative_error(exact, numeric) < 1e-6 or max(np.abs(g).max() for g in exact) < 1e-9


def test_numerical_gradients_restore_the_network_and_reject_bad_input():
    x, y = small_batch()
    net = Network([5, 3, 4], seed=0)
    before = [p.copy() for p in net.params]
    ch.numerical_gradients(net, x, y)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.params))
    with pytest.raises(ValueError, match="eps"):
        ch.numerical_gradients(net, x, y, eps=0.0)
    with pytest.raises(TypeError, match="Network"):
        ch.numerical_gradients([(np.ones((5, 4)), np.zeros(4))], x, y)
    with pytest.raises(TypeError, match="Network"):
        ch.tape_gradients(None, x, y)
    with pytest.raises(ValueError, match="cross-entropy"):
        ch.tape_gradients(Network([5, 4], loss="mse"), x, y)


def test_epsilon_sweep_has_a_v_shape_and_its_figure():
    x, y = small_batch(10, 8, 4, 3)
    net = Network([8, 6, 4], activation="tanh", init="glorot", seed=3)
    eps = np.logspace(-12, -1, 12)
    errors = ch.epsilon_sweep(net, x, y, eps)
    best = int(np.argmin(errors))
    assert 0 < best < 11 and errors[0] > 100 * errors[best] and errors[-1] > 100 * errors[best]
    fig = ch.epsilon_figure(eps, errors)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and ax.get_xscale() == "log"
    with pytest.raises(ValueError, match="epsilons"):
        ch.epsilon_sweep(net, x, y, [1e-5, 1e-4])
    with pytest.raises(ValueError, match="epsilons"):
        ch.epsilon_sweep(net, x, y, [1e-5, -1e-4, 1e-3])
    with pytest.raises(ValueError, match="errors"):
        ch.epsilon_figure(eps, errors[:3])


def test_one_step_matches_keras_sgd_and_keras_copy_holds_the_weights():
    x, y = small_batch()
    net = Network([5, 6, 4], activation="tanh", init="glorot", seed=2)
    model = ch.keras_copy(net, dtype="float64")
    assert np.allclose(model.predict(x, verbose=0), net.forward(x)[0], atol=1e-10)
    before = [p.copy() for p in net.params]
    new = ch.keras_sgd_step(net, x, y, 0.3)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.params))        # net untouched
    ours = [p - 0.3 * g for p, g in zip(net.params, ch.backprop_gradients(net, x, y))]
    step = lambda after: [a - b for a, b in zip(after, net.params)]          # noqa: E731
    assert ch.relative_error(step(ours), step(new)) < 1e-5
    with pytest.raises(ValueError, match="learning_rate"):
        ch.keras_sgd_step(net, x, y, 0.0)
    with pytest.raises(ValueError, match="dtype"):
        ch.keras_copy(net, dtype="int8")


def test_relative_error():
    assert ch.relative_error(np.ones(3), np.ones(3)) == 0.0
    assert ch.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert ch.relative_error([np.ones(2), np.ones(1)], [np.ones(2), 3 * np.ones(1)]) == pytest.approx(2 / (3 ** 0.5 + 11 ** 0.5))
    with pytest.raises(ValueError, match="different numbers"):
        ch.relative_error(np.ones(3), np.ones(4))
    with pytest.raises(TypeError):
        ch.relative_error("a", np.ones(1))


def test_learning_curves_figure():
    h = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6], "val_accuracy": [0.5, 0.8]}
    fig = ch.learning_curves_figure({"numpy": h, "Keras": h})
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    with pytest.raises(ValueError, match="val_accuracy"):
        ch.learning_curves_figure({"numpy": {"loss": [1.0], "val_loss": [1.0]}})
    with pytest.raises(TypeError, match="histories"):
        ch.learning_curves_figure([])


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


def _backward(net, X, Y, *, transpose=True, scale=1.0, derivative=True):
    P, As, Zs = net.forward(X)
    fprime = ACTIVATIONS[net.activation][1]
    D = (P - Y) / len(X) * scale
    dW, db = [None] * len(net.W), [None] * len(net.W)
    for l in reversed(range(len(net.W))):
        dW[l], db[l] = As[l].T @ D, D.sum(axis=0)
        if l > 0:
            D = D @ (net.W[l].T if transpose else net.W[l])
            D = D * fprime(Zs[l - 1]) if derivative else D
    return dW, db


def test_check_backward_accepts_the_reference_and_net_backward():
    assert ch.check_backward(_backward)
    assert ch.check_backward(lambda net, X, Y: net.backward(X, Y))     # (dW, db, loss) is fine too


@pytest.mark.parametrize("kwargs, message", [
    (dict(transpose=False), "W.T"),
    (dict(derivative=False), "derivative"),
    (dict(scale=1 / 6), "too small"),
    (dict(scale=6.0), "too large"),
    (dict(scale=1 / 3), "classes"),
])
def test_check_backward_names_the_typical_mistakes(kwargs, message):
    feedback = ch.check_backward(lambda net, X, Y: _backward(net, X, Y, **kwargs))
    assert not feedback and message in str(feedback)


def test_check_backward_rejects_garbage():
    cases = [
        (None, "function itself"),
        (lambda net, X, Y: None, "return (dW, db)"),
        (lambda net, X, Y: "dW", "return (dW, db)"),
        (lambda net, X, Y: ([0.0], [0.0]), "one array per layer"),
        (lambda net, X, Y: ([np.zeros((1, 1))] * len(net.W), [np.zeros(1)] * len(net.W)), "shape"),
        (lambda net, X, Y: ([g * np.nan for g in net.W], list(net.b)), "NaN"),
        (lambda net, X, Y: ([np.array([["a"]])] * len(net.W), list(net.b)), "not an array of numbers"),
        (lambda net, X, Y: 1 / 0, "ZeroDivisionError"),
    ]
    for fn, message in cases:
        feedback = ch.check_backward(fn)
        assert not feedback and message in str(feedback), (message, str(feedback))


def test_check_backward_rejects_a_function_that_updates_the_weights():
    def sneaky(net, X, Y):
        dW, db, _ = net.backward(X, Y)
        net.W[0] -= 0.1 * dW[0]
        return dW, db

    feedback = ch.check_backward(sneaky)
    assert not feedback and "changed the network" in str(feedback)


def test_check_backward_names_a_wrong_layer():
    def wrong_bias(net, X, Y):
        dW, db, _ = net.backward(X, Y)
        return dW, [b + 1.0 for b in db]

    feedback = ch.check_backward(wrong_bias)
    assert not feedback and "db[" in str(feedback)


@pytest.mark.parametrize("call, error, match", [
    (lambda: ch.lr_comparison_figure("0.1"), TypeError, "rates"),
    (lambda: ch.lr_comparison_figure([0.1, -1.0]), ValueError, "rates"),
    (lambda: ch.surfaces_figure("bowl"), TypeError, "argument"),
    (lambda: ch.gd_chart(None), TypeError, "altair Chart"),
    (lambda: ch.load_digits_split(1.5), ValueError, "val_fraction"),
    (lambda: ch.relative_error(np.ones(2), np.ones(3)), ValueError, "different numbers"),
    (lambda: ch.relative_error(None, np.ones(3)), TypeError, "a"),
    (lambda: ch.backprop_gradients("net", np.ones((1, 2)), np.ones((1, 2))), TypeError, "Network"),
    (lambda: ch.epsilon_sweep(None, np.ones((1, 2)), np.ones((1, 2)), [1e-5, 1e-4, 1e-3]), TypeError, "Network"),
    (lambda: ch.epsilon_figure([1e-5, 1e-4], [1.0]), ValueError, "errors"),
    (lambda: ch.epsilon_figure("eps", [1.0]), TypeError, "epsilons"),
    (lambda: ch.keras_copy([np.ones((2, 2))]), TypeError, "Network"),
    (lambda: ch.keras_sgd_step(Network([2, 2]), np.ones((1, 2)), np.ones((1, 2)), -0.1), ValueError, "learning_rate"),
    (lambda: ch.learning_curves_figure({"a": {"loss": [1.0]}}), ValueError, "needs"),
    (lambda: ch.layer_gradient_norms(np.ones((2, 3)), np.ones((2, 2)), width=0), ValueError, "width"),
    (lambda: ch.gradient_norms_figure({"relu": "x"}), TypeError, "norms"),
    (lambda: ch.momentum_descent(lambda t: t, [1.0, 1.0], 0.0, 0.5, 3), ValueError, "learning_rate"),
    (lambda: ch.momentum_descent(lambda t: t, [1.0, 1.0], 0.1, 0.5, -1), ValueError, "steps"),
    (lambda: ch.check_divergence_rate(0.1, curvature="20"), TypeError, "curvature"),
])
def test_bad_input_is_rejected_with_a_named_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_checkers_reject_garbage_answers():
    assert not ch.check_momentum(None) and not ch.check_momentum(lambda *a: "path")
    assert not ch.check_divergence_rate(None, curvature=20)
    assert not ch.check_divergence_rate(float("nan"), curvature=20)
    assert not ch.check_divergence_rate([0.1, 0.2], curvature=20)


def _train_loop(net, X, Y, *, epochs, batch_size, learning_rate, seed, mistake=None):
    """A learner's mini-batch SGD loop, with one of the typical mistakes switchable."""
    rng = np.random.default_rng(seed)
    order, losses = rng.permutation(len(X)), []
    for epoch in range(epochs):
        if epoch > 0 and mistake != "shuffled once":
            order = rng.permutation(len(X))
        if mistake == "never shuffled":
            order = np.arange(len(X))
        stop = len(X) - len(X) % batch_size if mistake == "last batch skipped" else len(X)
        total, means = 0.0, []
        for start in range(0, stop, batch_size):
            batch = order[start:start + batch_size]
            dW, db, loss = net.backward(X[batch], Y[batch])
            if mistake == "uphill":
                net.W = [W + learning_rate * g for W, g in zip(net.W, dW)]
                net.b = [b + learning_rate * g for b, g in zip(net.b, db)]
            elif mistake != "no update":
                net.update(dW, db, learning_rate)
            total, means = total + loss * len(batch), [*means, loss]
        losses.append(float(np.mean(means)) if mistake == "unweighted loss" else total / len(X))
    return losses


def test_check_training_loop_accepts_a_correct_loop_and_network_train():
    assert ch.check_training_loop(_train_loop)
    assert ch.check_training_loop(lambda net, X, Y, **kw: net.train(X, Y, **kw)["loss"])


@pytest.mark.parametrize("mistake, message", [
    ("shuffled once", "shuffled only once"),
    ("never shuffled", "never shuffled"),
    ("last batch skipped", "last, smaller batch is skipped"),
    ("uphill", "up the gradient"),
    ("no update", "did not change"),
    ("unweighted loss", "plain mean of the batch losses"),
])
def test_check_training_loop_names_the_typical_mistakes(mistake, message):
    feedback = ch.check_training_loop(lambda net, X, Y, **kw: _train_loop(net, X, Y, mistake=mistake, **kw))
    assert not feedback and message in str(feedback)


@pytest.mark.parametrize("fn, message", [
    (42, "pass your function itself"),
    (lambda *a, **k: 1 / 0, "raised ZeroDivisionError"),
    (lambda *a, **k: None, "list of per-epoch training losses"),
    (lambda *a, **k: [0.1], "one loss per epoch"),
])
def test_check_training_loop_rejects_garbage(fn, message):
    feedback = ch.check_training_loop(fn)
    assert not feedback and message in str(feedback)


def test_backprop_table_runs_the_engines_backward_pass_one_operation_at_a_time():
    L = ch.micrograd_example()
    L.backward()
    engine = {node.label: node.grad for node in autodiff.topological_order(L)}
    first = ch.backprop_table(0).query("part == 'node'")
    assert first["grad"].isna().all() and set(first["state"]) == {"waiting"}
    assert ch.backprop_table(1).query("state == 'current'")["name"].tolist() == ["L"]
    assert set(ch.backprop_table(2).query("state == 'current'")["name"]) == {"d", "f"}
    last = ch.backprop_table(ch.BACKPROP_STEPS[-1])
    assert dict(zip(*last.query("part == 'node'")[["name", "grad"]].T.values)) == engine
    assert "∂L/∂a = 6" in last.query("part == 'caption'")["text"].iloc[0]
    fig = ch.plot_backprop_table(last, 4)
    assert "step 4 of 4" in fig.axes[0].get_title()
    assert ch.backprop_explorer().frame(step=3).equals(ch.backprop_table(3))


def test_backprop_table_plot_and_chart_reject_bad_input():
    with pytest.raises(ValueError, match="step"):
        ch.backprop_table(5)
    with pytest.raises(TypeError, match="step"):
        ch.backprop_table(1.5)
    with pytest.raises(TypeError, match="frame"):
        ch.plot_backprop_table([1, 2], 0)
    with pytest.raises(ValueError, match="caption"):
        ch.plot_backprop_table(ch.backprop_table(0).query("part == 'node'"), 0)
    with pytest.raises(TypeError, match="altair Chart"):
        ch.backprop_chart(None)


def test_batch_explorer_table_is_the_chapters_regression():
    explorer = ch.batch_explorer()
    assert explorer.png.startswith(b"\x89PNG")
    assert len(explorer.settings()) == len(ch.BATCH_SIZES) * len(ch.BATCH_RATES)
    x, y = ch.make_regression_data(500, slope=3.0, intercept=-2.0, noise=1.0)
    run = ch.linear_regression_sgd(x, y, batch_size=32, learning_rate=0.1, epochs=5, seed=0)
    frame = explorer.frame(batch_size=32, learning_rate=0.1)
    assert list(frame["update"]) == list(range(len(run["loss"])))      # 81 updates: all kept
    np.testing.assert_allclose(frame[["w", "b"]].iloc[-1], run["theta"][-1], atol=1e-4)
    sgd = explorer.frame(batch_size=1, learning_rate=0.1)
    assert len(sgd) == 101 and sgd["update"].iloc[-1] == 2500 and sgd["epoch"].iloc[-1] == 5.0
    # the lesson the chapter draws from it: at η = 1 single examples blow up, the full batch converges
    assert explorer.frame(batch_size=1, learning_rate=1.0)["gap"].max() > 1e3
    assert explorer.frame(batch_size=500, learning_rate=1.0)["gap"].iloc[-1] < 1e-3
    fig = ch.plot_batch_table(frame, 32, 0.1)
    assert "Batch size 32" in fig.get_suptitle() and fig.axes[0].get_xlabel()
    plt.close("all")


def test_batch_explorer_rejects_bad_input():
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        ch.batch_table(0, 0.1)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        ch.batch_table(32, -0.1)
    with pytest.raises(ValueError, match="points must be >= 2"):
        ch.batch_table(32, 0.1, points=1)
    with pytest.raises(TypeError, match="frame must be a table from batch_table"):
        ch.plot_batch_table({"w": [1.0]})
    with pytest.raises(TypeError, match="base must be an altair Chart"):
        ch.batch_chart(42)
