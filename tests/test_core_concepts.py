"""Unit tests for helpers.core_concepts (chapter 2)."""

from __future__ import annotations

import base64
import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers import core_concepts as cc
from helpers import widgets

# --------------------------------------------------------------------------- neurons and layers


def test_activations_values():
    z = np.array([-2.0, 0.0, 3.0])
    assert cc.activate(z, "step").tolist() == [0.0, 0.0, 1.0]
    assert np.allclose(cc.activate(z, "sigmoid"), 1 / (1 + np.exp(-z)))
    assert np.allclose(cc.activate(z, "tanh"), np.tanh(z))
    assert cc.activate(z, "relu").tolist() == [0.0, 0.0, 3.0]
    assert cc.activate(z, "linear").tolist() == z.tolist()
    assert np.isfinite(cc.activate(np.array([-1000.0, 1000.0]), "sigmoid")).all()


def test_activate_rejects_unknown_name_and_bad_z():
    with pytest.raises(ValueError, match="activation"):
        cc.activate([0.0], "swish")
    with pytest.raises(TypeError, match="z"):
        cc.activate("zero", "relu")


def test_neuron_by_hand():
    a = cc.neuron([1.0, 0.5, -1.0], [0.8, -0.4, 0.3], 0.1, "sigmoid")
    assert isinstance(a, float) and a == pytest.approx(1 / (1 + np.exp(-0.4)))
    batch = cc.neuron(np.ones((3, 2)), [1.0, 2.0], -1.0, "relu")
    assert batch.shape == (3,) and batch.tolist() == [2.0, 2.0, 2.0]


def test_neuron_rejects_bad_input():
    with pytest.raises(ValueError, match="features"):
        cc.neuron([1.0, 2.0], [1.0, 2.0, 3.0], 0.0)
    with pytest.raises(ValueError, match="x"):
        cc.neuron(np.zeros((2, 2, 2)), [1.0, 2.0], 0.0)
    with pytest.raises(TypeError, match="b"):
        cc.neuron([1.0], [1.0], "0")
    with pytest.raises(ValueError, match="activation"):
        cc.neuron([1.0], [1.0], 0.0, "softplus")


def test_dense_forward_equals_neurons():
    rng = np.random.default_rng(1)
    x, W, b = rng.normal(size=(6, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    out = cc.dense_forward(x, W, b, "tanh")
    loop = np.array([[cc.neuron(row, W[:, j], b[j], "tanh") for j in range(4)] for row in x])   # a column per unit
    assert out.shape == (6, 4) and np.allclose(out, loop)


def test_dense_forward_rejects_bad_shapes():
    with pytest.raises(ValueError, match="like a Keras kernel"):
        cc.dense_forward(np.zeros((2, 3)), np.zeros((4, 3)), np.zeros(3))    # the (n_out, n_in) layout
    with pytest.raises(ValueError, match="b must have shape"):
        cc.dense_forward(np.zeros((2, 3)), np.zeros((3, 4)), np.zeros(3))
    with pytest.raises(ValueError, match="x"):
        cc.dense_forward(np.zeros(3), np.zeros((3, 4)), np.zeros(4))


def test_forward_composes_layers_and_returns_all():
    params = cc.xor_by_hand()
    x, y = cc.xor_points()
    outs = cc.forward(x, params, ["relu", "linear"], return_all=True)
    assert len(outs) == 3 and outs[0] is not None and outs[-1][:, 0].tolist() == y.tolist()
    assert np.array_equal(cc.forward(x, params, ["relu", "linear"]), outs[-1])


def test_forward_rejects_bad_params():
    x = np.zeros((1, 2))
    with pytest.raises(TypeError, match="params"):
        cc.forward(x, [], "relu")
    with pytest.raises(TypeError, match="pair"):
        cc.forward(x, [np.zeros((2, 2))], "relu")
    with pytest.raises(ValueError, match="previous layer"):
        cc.forward(x, [(np.zeros((2, 3)), np.zeros(3)), (np.zeros((2, 1)), np.zeros(1))], "relu")
    with pytest.raises(ValueError, match="one function per layer"):
        cc.forward(x, cc.xor_by_hand(), ["relu"])


def test_trace_shapes_784_512_10():
    rows = cc.trace_shapes([784, 512, 10], batch=32)
    assert [r.W for r in rows] == [(784, 512), (512, 10)]
    assert rows[-1].output == (32, 10)
    assert sum(r.parameters for r in rows) == 407_050
    assert "401,920" in str(rows[0])


@pytest.mark.parametrize("sizes,exc", [("784", TypeError), ([784], ValueError), ([784, 0], ValueError),
                                       ([784, 2.5], TypeError)])
def test_trace_shapes_rejects_bad_sizes(sizes, exc):
    with pytest.raises(exc, match="layer"):
        cc.trace_shapes(sizes)


def test_trace_shapes_rejects_bad_batch():
    with pytest.raises(ValueError, match="batch"):
        cc.trace_shapes([2, 1], batch=0)


def test_collapse_linear_matches_the_stack():
    rng = np.random.default_rng(2)
    params = [(rng.normal(size=(2, 5)), rng.normal(size=5)), (rng.normal(size=(5, 1)), rng.normal(size=1))]
    W, b = cc.collapse_linear(params)
    x = rng.normal(size=(50, 2))
    assert W.shape == (2, 1) and np.allclose(cc.forward(x, params, "linear"), cc.dense_forward(x, W, b))


# --------------------------------------------------------------------------- data


@pytest.mark.parametrize("name", cc.DATASETS)
def test_make_dataset_is_seeded_and_balanced(name):
    x, y = cc.make_dataset(name, 200, seed=3)
    x2, y2 = cc.make_dataset(name, 200, seed=3)
    assert x.shape == (200, 2) and y.shape == (200,)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert set(np.unique(y).tolist()) == {0, 1} and 0.3 < y.mean() < 0.7
    assert not np.array_equal(x, cc.make_dataset(name, 200, seed=4)[0])


def test_make_dataset_rejects_bad_input():
    with pytest.raises(ValueError, match="dataset"):
        cc.make_dataset("mnist")
    with pytest.raises(ValueError, match="n"):
        cc.make_dataset("xor", 2)
    with pytest.raises(ValueError, match="noise"):
        cc.make_dataset("xor", noise=-0.1)
    with pytest.raises(TypeError, match="seed"):
        cc.make_dataset("xor", seed=1.5)


def test_best_linear_accuracy():
    x, y = cc.xor_points()
    assert cc.best_linear_accuracy(x, y) == 0.75
    x_lin = np.array([[0.0, 0.0], [0.0, 1.0], [3.0, 0.0], [3.0, 1.0]])
    assert cc.best_linear_accuracy(x_lin, np.array([0, 0, 1, 1])) == 1.0
    with pytest.raises(ValueError, match="shape"):
        cc.best_linear_accuracy(np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="same length"):
        cc.best_linear_accuracy(np.zeros((4, 2)), np.zeros(3))


def test_xor_by_hand_is_exact():
    x, y = cc.xor_points()
    assert cc.check_xor_network(cc.xor_by_hand(), ["relu", "linear"])
    assert np.array_equal(cc.forward(x, cc.xor_by_hand(), ["relu", "linear"])[:, 0], y)


# --------------------------------------------------------------------------- training


def test_train_mlp_solves_xor_and_single_neuron_cannot():
    x, y = cc.xor_points()
    net = cc.train_mlp(x, y, hidden=[4], learning_rate=0.1, epochs=500, seed=0)
    single = cc.train_mlp(x, y, hidden=(), learning_rate=0.1, epochs=500, seed=0)
    assert net.accuracy(x, y) == 1.0
    assert single.accuracy(x, y) <= 0.75 and abs(single.losses[-1] - np.log(2)) < 1e-3
    assert len(net.losses) == 501 and net.losses[-1] < net.losses[0]


def test_train_mlp_backprop_gradient_matches_finite_differences():
    """One Adam step from zero moments moves each weight by about -lr * sign(gradient)."""
    x, y = cc.make_dataset("moons", 40, seed=0)
    base = cc.train_mlp(x, y, hidden=[3], epochs=1, learning_rate=1e-4, seed=5)
    rng_model = cc.train_mlp(x, y, hidden=[3], epochs=1, learning_rate=1e-12, seed=5)  # ~ initial weights
    W0, b0 = rng_model.params[0]

    def loss(W):
        params = [(W, b0), rng_model.params[1]]
        p = cc.forward(x, params, ["tanh", "sigmoid"])[:, 0]
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    eps = 1e-6
    numeric = np.zeros_like(W0)
    for idx in np.ndindex(W0.shape):
        d = np.zeros_like(W0)
        d[idx] = eps
        numeric[idx] = (loss(W0 + d) - loss(W0 - d)) / (2 * eps)
    step = base.params[0][0] - W0
    significant = np.abs(numeric) > 1e-4
    assert np.all(np.sign(step[significant]) == -np.sign(numeric[significant]))


def test_train_mlp_is_deterministic_and_hidden_layer_access():
    x, y = cc.make_dataset("circles", 60, seed=0)
    a = cc.train_mlp(x, y, hidden=3, activation="relu", epochs=20, seed=1)
    b = cc.train_mlp(x, y, hidden=3, activation="relu", epochs=20, seed=1)
    assert a.losses == b.losses
    assert a.hidden(x).shape == (60, 3) and a.activations == ["relu", "sigmoid"]
    single = cc.train_mlp(x, y, hidden=0, epochs=5)
    with pytest.raises(ValueError, match="no hidden layer"):
        single.hidden(x)


def test_train_mlp_rejects_bad_input():
    x, y = cc.xor_points()
    with pytest.raises(ValueError, match="binary"):
        cc.train_mlp(x, np.array([0, 1, 2, 1]))
    with pytest.raises(ValueError, match="same length"):
        cc.train_mlp(x, y[:3])
    with pytest.raises(ValueError, match="activation"):
        cc.train_mlp(x, y, activation="step")
    with pytest.raises(ValueError, match="learning_rate"):
        cc.train_mlp(x, y, learning_rate=0.0)
    with pytest.raises(TypeError, match="hidden"):
        cc.train_mlp(x, y, hidden="8")
    with pytest.raises(ValueError, match="epochs"):
        cc.train_mlp(x, y, epochs=0)


def test_neuron_diagram_shows_the_computation():
    fig = cc.neuron_diagram([0.8, -0.4, 0.3], 0.1, x=[1.0, 0.5, -1.0])
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "0.599" in text and "0.4" in text and fig.axes[0].get_title()
    cc.neuron_diagram([1.0], 0.0)  # without inputs


def test_neuron_diagram_rejects_bad_input():
    with pytest.raises(ValueError, match="weights"):
        cc.neuron_diagram([1.0, 2.0], 0.0, x=[1.0])
    with pytest.raises(ValueError, match="1 to 6"):
        cc.neuron_diagram(np.ones(7), 0.0)
    with pytest.raises(ValueError, match="activation"):
        cc.neuron_diagram([1.0], 0.0, activation="gelu")


def test_activation_figure():
    fig = cc.activation_figure(["relu", "tanh"])
    assert [ax.get_title() for ax in fig.axes] == ["relu", "tanh"]
    with pytest.raises(TypeError, match="names"):
        cc.activation_figure("relu")
    with pytest.raises(ValueError, match="activation"):
        cc.activation_figure(["relu", "elu"])


def test_plot_decision_boundary_and_bad_input():
    x, y = cc.make_dataset("moons", 50)
    fig, ax = plt.subplots()
    cc.plot_decision_boundary(ax, lambda p: p[:, 0], x, y, title="t")
    assert ax.get_title() == "t" and ax.get_xlabel() == "$x_1$"
    with pytest.raises(TypeError, match="predict"):
        cc.plot_decision_boundary(ax, "f", x, y)
    with pytest.raises(ValueError, match="shape"):
        cc.plot_decision_boundary(ax, lambda p: p[:, 0], np.zeros((5, 3)), np.zeros(5))


def test_boundary_and_hidden_units_figures():
    x, y = cc.make_dataset("circles", 80)
    net = cc.train_mlp(x, y, hidden=[3], activation="relu", epochs=50)
    fig = cc.boundary_comparison_figure([net], ["net"], x, y)
    assert "accuracy" in fig.axes[0].get_title()
    fig = cc.hidden_units_figure(net, x, y)
    titles = [ax.get_title() for ax in fig.axes]
    assert sum(t.startswith("hidden unit") for t in titles) == 3 and any(t.startswith("output") for t in titles)
    with pytest.raises(ValueError, match="same length"):
        cc.boundary_comparison_figure([net], [], x, y)
    with pytest.raises(TypeError, match="MLP"):
        cc.boundary_comparison_figure(["net"], ["net"], x, y)
    with pytest.raises(TypeError, match="MLP"):
        cc.hidden_units_figure("net", x, y)
    deep = cc.train_mlp(x, y, hidden=[9], epochs=2)
    with pytest.raises(ValueError, match="1 to 8"):
        cc.hidden_units_figure(deep, x, y)


def test_weights_figure():
    fig = cc.weights_figure(np.random.default_rng(0).normal(size=(64, 5)))
    assert sum(bool(ax.get_title()) for ax in fig.axes) == 5
    with pytest.raises(ValueError, match="64 rows"):
        cc.weights_figure(np.zeros((63, 5)))
    with pytest.raises(ValueError, match="kernel"):
        cc.weights_figure(np.zeros(64))
    start = np.random.default_rng(1).normal(size=(64, 5))
    fig = cc.weights_figure(start + 1.0, initial=start)
    assert sum(bool(ax.get_title()) for ax in fig.axes) == 10
    assert "before training" in fig.axes[0].get_title()
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 10 and len({im.get_clim() for im in images}) == 1     # one colour scale for all
    assert images[0].get_clim() == (-np.abs(start + 1.0).max(), np.abs(start + 1.0).max())
    assert any(ax.get_ylabel() == "weight" for ax in fig.axes)                  # and its colour bar
    with pytest.raises(ValueError, match="initial"):
        cc.weights_figure(start, initial=np.zeros((64, 4)))


# --------------------------------------------------------------------------- playgrounds


@pytest.mark.parametrize("w1, w2, b", [(1.0, 1.0, 0.0), (1.5, -0.5, 1.0), (0.0, 2.0, -1.0), (-2.0, 0.0, 0.5)])
def test_neuron_table_draws_the_line_and_points_its_arrow_to_class_1(w1, w2, b):
    row = cc.neuron_table(w1, w2, b, "moons").iloc[0]
    lo, hi = cc.PLANE
    for end in (("start_x1", "start_x2"), ("end_x1", "end_x2")):
        p, q = row[end[0]], row[end[1]]
        assert abs(w1 * p + w2 * q + b) < 1e-2                       # on the line (ends rounded to 3 places)
        assert min(abs(p - lo), abs(p - hi), abs(q - lo), abs(q - hi)) < 1e-6   # on the plane's edge
    mid = np.array([row["mid_x1"], row["mid_x2"]])
    tip = np.array([row["tip_x1"], row["tip_x2"]])
    assert abs(w1 * mid[0] + w2 * mid[1] + b) < 1e-2 and w1 * tip[0] + w2 * tip[1] + b > 0.1
    x, y = cc.make_dataset("moons", 200, seed=0)
    assert row["accuracy"] == ((x @ np.array([w1, w2]) + b > 0).astype(int) == y).mean()
    assert row["text"] == f"moons: accuracy {row['accuracy']:.2f}"


def test_neuron_table_without_a_line_in_the_plane():
    for w1, w2, b in [(0.0, 0.0, 1.0), (0.5, 0.0, 2.0)]:      # no weights; the line x1 = -4 is off the plane
        row = cc.neuron_table(w1, w2, b, "xor").iloc[0]
        assert np.isnan(row["start_x1"]) and np.isnan(row["tip_x2"]) and 0 <= row["accuracy"] <= 1
    x, y = cc.make_dataset("xor", 200, seed=0)
    assert cc.neuron_table(0.0, 0.0, 1.0, "xor")["accuracy"].iloc[0] == y.mean()   # z = 1 > 0: all class 1


def test_neuron_table_and_plot_reject_bad_input():
    with pytest.raises(TypeError, match="w1"):
        cc.neuron_table("1", 1.0, 0.0, "moons")
    with pytest.raises(ValueError, match="dataset"):
        cc.neuron_table(1.0, 1.0, 0.0, "iris")
    with pytest.raises(TypeError, match="frame"):
        cc.plot_neuron_table(None, 1.0, 1.0, 0.0, "moons")
    with pytest.raises(ValueError, match="start_x1"):
        cc.plot_neuron_table(pd.DataFrame({"text": ["x"]}), 1.0, 1.0, 0.0, "moons")
    with pytest.raises(TypeError, match="altair"):
        cc.neuron_chart("not a chart")


def test_network_table_holds_the_trained_networks_numbers():
    frame = cc.network_table("xor", 4, 1, "tanh", 0.1)
    x, y, model = cc.playground_model("xor", 4, 1, "tanh", 0.1, cc.PLAYGROUND_EPOCHS)
    region = frame[frame["part"] == "region"].iloc[0]
    assert region["value"] == model.accuracy(x, y)
    val_accuracy = model.accuracy(*cc.playground_validation("xor"))
    assert region["text"] == (f"network 2 → 4 → 1\naccuracy: training {model.accuracy(x, y):.2f}, "
                              f"validation {val_accuracy:.2f}")
    assert (frame["validation"] == val_accuracy).all()
    image = plt.imread(io.BytesIO(base64.b64decode(region["url"].split(",", 1)[1])), format="png")
    assert image.shape[:2] == (32, 32)
    loss = frame[frame["part"] == "loss"]
    assert loss["epoch"].tolist() == list(range(0, cc.PLAYGROUND_EPOCHS + 1, 50))   # losses[k]: after k epochs
    assert np.allclose(loss["value"], np.round([model.losses[e] for e in loss["epoch"]], 4))
    # the top-left pixel is the plane's corner (-2, 2): its shade is the network's probability there, to a tenth
    corner = model.predict_proba(np.array([[cc.PLANE[0], cc.PLANE[1]]]))[0]
    shade = plt.get_cmap("RdBu_r")((np.round(corner * 10) / 10 + 0.25) / 1.5)
    assert np.allclose(image[0, 0, :3], shade[:3], atol=1 / 255 + 1e-6)
    assert cc.plot_network_table(frame, "xor", 4, 1, "tanh", 0.1).axes[0].get_title().startswith("xor, network")


def test_network_table_and_plot_reject_bad_input():
    with pytest.raises(ValueError, match="dataset"):
        cc.network_table("mnist", 4, 1, "tanh", 0.1)
    with pytest.raises(ValueError, match="hidden_units"):
        cc.network_table("xor", -1, 1, "tanh", 0.1)
    with pytest.raises(ValueError, match="learning_rate"):
        cc.network_table("xor", 4, 1, "tanh", -1.0)
    frame = cc.network_table("xor", 2, 1, "tanh", 0.1)
    with pytest.raises(ValueError, match="loss"):
        cc.plot_network_table(frame[frame["part"] == "region"], "xor", 2, 1, "tanh", 0.1)
    with pytest.raises(TypeError, match="frame"):
        cc.plot_network_table([1, 2], "xor", 2, 1, "tanh", 0.1)
    with pytest.raises(TypeError, match="altair"):
        cc.network_chart(None)


def test_network_playground_figure_and_cache():
    fig = cc.network_playground_figure("xor", hidden_units=4, layers=1, activation="tanh",
                                       learning_rate=0.03, epochs=100)
    assert "xor, network 2 → 4 → 1" in fig.axes[0].get_title()
    assert fig.axes[1].get_ylabel() == "binary cross-entropy loss"
    first = cc.playground_model("xor", 4, 1, "tanh", 0.03, 100)
    assert cc.playground_model("xor", 4, 1, "tanh", 0.03, 100) is first
    fig = cc.network_playground_figure("moons", hidden_units=0, epochs=50)
    assert "2 → 1" in fig.axes[0].get_title()


def test_network_playground_figure_rejects_bad_input():
    with pytest.raises(ValueError, match="dataset"):
        cc.network_playground_figure("mnist")
    with pytest.raises(ValueError, match="hidden_units"):
        cc.network_playground_figure(hidden_units=-1)
    with pytest.raises(ValueError, match="layers"):
        cc.network_playground_figure(layers=0)
    with pytest.raises(ValueError, match="learning_rate"):
        cc.network_playground_figure(learning_rate=-1.0)


def test_neuron_playground_works_without_a_kernel():
    explorer = cc.neuron_playground()
    assert explorer.png[:4] == b"\x89PNG" and list(explorer.default()) == ["w1", "w2", "b", "dataset"]
    assert len(explorer.settings()) == len(cc.NEURON_WEIGHTS) ** 2 * len(cc.NEURON_BIASES) * len(cc.DATASETS)
    for setting in (explorer.default(), {"w1": -2.0, "w2": 0.5, "b": 1.0, "dataset": "spirals"}):
        pd.testing.assert_frame_equal(explorer.frame(**setting), cc.neuron_table(**setting))
    spec = explorer.spec()
    assert {p["name"] for p in spec["params"]} == {"p_w1", "p_w2", "p_b", "p_dataset"}
    points = [d for d in spec["datasets"].values() if "points_of" in d[0]]
    assert len(points) == 1 and len(points[0]) == 200 * len(cc.DATASETS)   # the data, drawn at every setting
    assert len(explorer.html()) < widgets.MAX_SPEC_BYTES


def test_network_playground_works_without_a_kernel():
    explorer = cc.network_playground()
    assert explorer.default() == {"dataset": "circles", "hidden_units": 4, "layers": 1, "activation": "tanh",
                                  "learning_rate": 0.1}
    setting = {"dataset": "spirals", "hidden_units": 16, "layers": 2, "activation": "relu", "learning_rate": 0.01}
    pd.testing.assert_frame_equal(explorer.frame(**setting), cc.network_table(**setting))
    html = explorer.html()
    assert len(html) < widgets.MAX_SPEC_BYTES and "data:image/png;base64," in html
    # what the playground is for: a wider network solves circles, one unit cannot, at the default rate
    region = lambda **kw: explorer.frame(**{**explorer.default(), **kw}).query("part == 'region'")["value"].iloc[0]
    assert region(hidden_units=4) >= 0.95 and region(hidden_units=1) < 0.8


# --------------------------------------------------------------------------- checkers


def test_check_neuron_output_diagnoses():
    x, w, b = [0.5, 1.5], [2, -1], -0.5
    assert cc.check_neuron_output(np.tanh(-1.0), x, w, b, "tanh")
    forgot_activation = cc.check_neuron_output(-1.0, x, w, b, "tanh")
    assert not forgot_activation and "activation" in str(forgot_activation)
    forgot_bias = cc.check_neuron_output(float(np.tanh(-0.5)), x, w, b, "tanh")
    assert not forgot_bias and "bias" in str(forgot_bias)
    assert not cc.check_neuron_output("0.3", x, w, b, "tanh")


def test_check_xor_network():
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    good = [(W1, np.array([-0.5, -1.5])), (np.array([[1.0], [-1.0]]), np.array([-0.5]))]
    assert cc.check_xor_network(good, "step")
    bad = [(W1, np.array([-0.5, -1.5])), (np.array([[1.0], [1.0]]), np.array([-0.5]))]
    result = cc.check_xor_network(bad, "step")
    assert not result and "(1, 1)" in str(result)
    wrong_shape = cc.check_xor_network([(W1, np.zeros(2))], "relu")
    assert not wrong_shape and "one output" in str(wrong_shape)
    assert not cc.check_xor_network("weights")


def test_check_collapse_diagnoses_order():
    W1, b1 = np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([1.0, 0.0])
    W2, b2 = np.array([[2.0, -1.0], [1.0, 1.0]]), np.array([0.5, 0.0])
    params = [(W1, b1), (W2, b2)]
    assert cc.check_collapse(W1 @ W2, b1 @ W2 + b2, params)
    swapped = cc.check_collapse(W2 @ W1, b1 @ W2 + b2, params)
    assert not swapped and "order matters" in str(swapped)
    assert not cc.check_collapse(np.zeros((3, 3)), np.zeros(2), params)


# --------------------------------------------------------------------------- depth: nested rings


def test_make_rings_labels_by_ring():
    x, y = cc.make_rings(500, bands=3, seed=0)
    assert x.shape == (500, 2) and y.shape == (500,) and set(np.unique(y)) == {0, 1}
    r = np.sqrt((x.astype(float) ** 2).sum(axis=1))
    assert np.array_equal(y, (np.floor(3 * r) % 2).astype(int))
    assert np.array_equal(cc.make_rings(50, seed=3)[0], cc.make_rings(50, seed=3)[0])
    with pytest.raises(ValueError, match="n"):
        cc.make_rings(0)
    with pytest.raises(ValueError, match="bands"):
        cc.make_rings(10, bands=0)
    with pytest.raises(TypeError, match="seed"):
        cc.make_rings(10, seed="0")


def test_build_rings_model_counts_and_bad_input():
    deep, shallow = cc.build_rings_model([8, 8, 8]), cc.build_rings_model([44])
    assert deep.count_params() == shallow.count_params() == 177
    with pytest.raises(TypeError, match="hidden"):
        cc.build_rings_model(8)
    with pytest.raises(TypeError, match="hidden"):
        cc.build_rings_model([])
    with pytest.raises(ValueError, match="hidden"):
        cc.build_rings_model([8, 0])
    with pytest.raises(ValueError, match="learning_rate"):
        cc.build_rings_model([8], learning_rate=0.0)


def test_train_rings_returns_metrics_and_weights():
    train, val = cc.make_rings(64, seed=0), cc.make_rings(32, seed=1)
    result = cc.train_rings([4, 4], 0, train, val, epochs=1, batch_size=32)
    assert set(result) == {"val_accuracy", "val_loss", "parameters", "initial_weights", "weights"}
    assert result["parameters"] == 2 * 4 + 4 + 4 * 4 + 4 + 4 + 1
    assert not np.allclose(result["initial_weights"][0], result["weights"][0])     # it trained
    again = cc.train_rings([4, 4], 0, train, val, epochs=1, batch_size=32)
    assert again["val_accuracy"] == result["val_accuracy"]                        # seeded
    with pytest.raises(ValueError, match="epochs"):
        cc.train_rings([4], 0, train, val, epochs=0)
    with pytest.raises(ValueError, match="seed"):
        cc.train_rings([4], -1, train, val)


def _weights(seed=0, widths=(2, 5, 4, 1)):
    rng = np.random.default_rng(seed)
    out = []
    for a, b in zip(widths[:-1], widths[1:]):
        out += [rng.normal(size=(a, b)), rng.normal(size=b)]
    return out


def test_layer_responses_and_bad_weights():
    x = np.random.default_rng(0).uniform(-1, 1, size=(30, 2))
    w = _weights()
    layers = cc.layer_responses(w, x)
    assert [a.shape for a in layers] == [(30, 5), (30, 4)]
    assert np.allclose(layers[0], np.maximum(x @ w[0] + w[1], 0))
    assert np.allclose(layers[1], np.maximum(layers[0] @ w[2] + w[3], 0))
    with pytest.raises(TypeError, match="get_weights"):
        cc.layer_responses(w[:3], x)
    with pytest.raises(TypeError, match="get_weights"):
        cc.layer_responses("weights", x)
    with pytest.raises(ValueError, match="kernel"):
        cc.layer_responses([w[0], w[1], np.zeros((3, 1)), np.zeros(1)], x)
    with pytest.raises(ValueError, match="x"):
        cc.layer_responses(w, np.zeros((4, 3)))


def test_radial_score_separates_rings_from_lines():
    x = np.random.default_rng(1).uniform(-1, 1, size=(4000, 2))
    r = np.sqrt((x ** 2).sum(axis=1))
    ring = np.sin(6 * r)[:, None]
    line = np.maximum(x[:, :1], 0)
    silent = np.zeros((4000, 1))
    scores = cc.radial_score(np.hstack([ring, line, silent]), x)
    assert scores[0] > 0.95 and scores[1] < 0.2 and scores[2] == 0.0
    with pytest.raises(ValueError, match="x"):
        cc.radial_score(ring, x[:10])
    with pytest.raises(ValueError, match="bins"):
        cc.radial_score(ring, x, bins=1)
    with pytest.raises(ValueError, match="responses"):
        cc.radial_score(np.full((4000, 1), np.nan), x)


def test_unit_responses_figure():
    fig = cc.unit_responses_figure(_weights(), title="units", steps=20)
    assert fig._suptitle.get_text() == "units"
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(titles) == 9 and all(t.startswith(("radial", "silent")) for t in titles)
    with pytest.raises(ValueError, match="12 units"):
        cc.unit_responses_figure(_weights(widths=(2, 13, 1)))
    with pytest.raises(ValueError, match="steps"):
        cc.unit_responses_figure(_weights(), steps=2)


@pytest.mark.parametrize("call, error, match", [
    (lambda: cc.collapse_linear("x"), TypeError, "params"),
    (lambda: cc.collapse_linear([(np.ones((2, 3)), np.ones(3)), (np.ones((2, 1)), np.ones(1))]), ValueError, "inputs"),
    (lambda: cc.best_linear_accuracy(np.ones((3, 2)), [0, 1]), ValueError, "same length"),
    (lambda: cc.best_linear_accuracy(np.ones((3, 2)), [0, 1, 1], n_lines=0), ValueError, "n_lines"),
    (lambda: cc.activation_figure(["elu"]), ValueError, "activation"),
    (lambda: cc.boundary_comparison_figure([1], ["a"], np.ones((4, 2)), [0, 1, 1, 0]), TypeError, "MLP"),
    (lambda: cc.hidden_units_figure("model", np.ones((4, 2)), [0, 1, 1, 0]), TypeError, "MLP"),
    (lambda: cc.weights_figure(None), TypeError, "kernel"),
    (lambda: cc.check_neuron_output(0.5, [1, 2], [1], 0.0), ValueError, "features"),
    (lambda: cc.check_collapse(np.ones((1, 2)), np.ones(1), "params"), TypeError, "params"),
    (lambda: cc.make_rings(-5), ValueError, "n"),
    (lambda: cc.train_rings([4], 0, cc.make_rings(8), cc.make_rings(8), batch_size=0), ValueError, "batch_size"),
    (lambda: cc.radial_score("r", np.ones((3, 2))), TypeError, "responses"),
    (lambda: cc.unit_responses_figure([np.ones((2, 2))]), TypeError, "get_weights"),
])
def test_bad_input_is_rejected_with_a_named_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_checkers_reject_garbage():
    assert not cc.check_xor_network(None)
    assert not cc.check_xor_network("weights")
    assert not cc.check_neuron_output("0.5", [1, 2], [1, 1], 0.0)
    assert not cc.check_neuron_output(float("nan"), [1, 2], [1, 1], 0.0)


def test_playground_validation_is_fresh_data_from_the_same_distribution():
    x, y, _ = cc.playground_model("circles", 4, 1, "tanh", 0.1, 5)
    xv, yv = cc.playground_validation("circles")
    assert xv.shape == x.shape and not np.allclose(xv, x) and abs(yv.mean() - y.mean()) < 0.1


def test_playground_validation_rejects_a_bad_dataset():
    with pytest.raises(ValueError, match="dataset"):
        cc.playground_validation("mnist")
