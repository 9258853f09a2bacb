"""helpers.network: backpropagation agrees with finite differences; training learns; bad input is named."""

import numpy as np
import pytest

from helpers.network import Network, one_hot, softmax


def numerical(net, X, Y, eps=1e-6):
    grads = []
    for P in net.params:
        G = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            old = P[idx]
            P[idx] = old + eps
            up = net.loss(X, Y)
            P[idx] = old - eps
            down = net.loss(X, Y)
            P[idx] = old
            G[idx] = (up - down) / (2 * eps)
        grads.append(G)
    return grads


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_backward_matches_finite_differences(activation, loss):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 4)) + 0.1
    Y = one_hot(np.array([0, 1, 2, 1, 0]), 3)
    net = Network([4, 6, 5, 3], activation=activation, loss=loss, init="glorot", seed=1)
    dW, db, _ = net.backward(X, Y)
    for got, want in zip([*dW, *db], numerical(net, X, Y)):
        assert np.allclose(got, want, rtol=1e-5, atol=1e-8)


def test_training_learns_a_separable_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int)
    net = Network([2, 8, 2], activation="tanh", init="glorot", seed=0)
    history = net.train(X, one_hot(labels, 2), epochs=30, batch_size=20, learning_rate=0.5)
    assert history["loss"][-1] < 0.5 * history["loss"][0] and net.accuracy(X, one_hot(labels, 2)) > 0.95


def test_an_optimizer_object_takes_the_step():
    class Halve:
        def step(self, params, grads):
            return [p * 0.5 for p in params]

    net = Network([2, 3, 2], seed=0)
    before = [w.copy() for w in net.W]
    dW, db, _ = net.backward(np.ones((1, 2)), one_hot(np.array([1]), 2))
    net.update(dW, db, optimizer=Halve())
    assert all(np.allclose(w, 0.5 * b) for w, b in zip(net.W, before))


def test_softmax_is_stable_and_normalised():
    P = softmax(np.array([[1000.0, 1000.0], [0.0, -1000.0]]))
    assert np.allclose(P.sum(axis=1), 1) and np.allclose(P[0], 0.5)


@pytest.mark.parametrize("call, error, match", [
    (lambda: Network([784]), TypeError, "at least two"),
    (lambda: Network("784,10"), TypeError, "list"),
    (lambda: Network([784, 0, 10]), ValueError, "layer width"),
    (lambda: Network([4, 2], activation="swish"), ValueError, "valid choices"),
    (lambda: Network([4, 2], init="huge"), ValueError, "valid choices"),
    (lambda: Network([4, 2]).forward(np.ones((3, 5))), ValueError, "5 features"),
    (lambda: Network([4, 2]).backward(np.ones((3, 4)), np.ones((3, 3))), ValueError, "one-hot rows"),
    (lambda: Network([4, 2]).forward("x"), TypeError, "array-like"),
    (lambda: Network([4, 2]).update([], [], learning_rate=-1.0), ValueError, "learning_rate"),
    (lambda: one_hot(np.array([0, 3]), 3), ValueError, "0..2"),
    (lambda: softmax(np.array([1.0, 2.0])), ValueError, "2 dimension"),
    (lambda: softmax("z"), TypeError, "array-like"),
    (lambda: one_hot(np.array([0.5]), 3), TypeError, "integers"),
])
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
