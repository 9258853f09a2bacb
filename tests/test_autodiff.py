"""helpers.autodiff: the scalar engine's gradients, graph order and drawing."""

import math

import matplotlib.pyplot as plt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.autodiff import Value, draw_graph, topological_order

finite = st.floats(min_value=-3, max_value=3, allow_nan=False)


def numeric(fn, x, eps=1e-6):
    return (fn(x + eps) - fn(x - eps)) / (2 * eps)


def test_karpathy_example_matches_the_hand_computation():
    a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="f")
    L = (a * b + c) * f
    L.backward()
    assert L.data == -8.0
    assert (a.grad, b.grad, c.grad, f.grad) == (6.0, -4.0, -2.0, 4.0)


def test_gradients_accumulate_over_paths_and_reset_between_calls():
    x = Value(3.0)
    y = x * x + x
    y.backward()
    assert x.grad == 7.0
    y.backward()                      # a second call must not double the gradients
    assert x.grad == 7.0


@pytest.mark.parametrize("op, fn", [
    ("tanh", math.tanh),
    ("exp", math.exp),
    ("sigmoid", lambda v: 1 / (1 + math.exp(-v))),
    ("relu", lambda v: max(0.0, v)),
])
@given(x=finite)
@settings(max_examples=25, deadline=None)
def test_unary_operations_match_finite_differences(op, fn, x):
    if op == "relu" and abs(x) < 1e-4:
        return                        # the kink
    v = Value(x)
    out = getattr(v, op)()
    out.backward()
    assert out.data == pytest.approx(fn(x))
    assert v.grad == pytest.approx(numeric(fn, x), rel=1e-5, abs=1e-7)


@given(x=finite, y=st.floats(min_value=0.5, max_value=3))
@settings(max_examples=30, deadline=None)
def test_binary_operations_and_derived_ones(x, y):
    a, b = Value(x), Value(y)
    out = (a - b) / b + 2 * a ** 2 - 1 / b + (3 - a) + (a + 1) * 0.5
    out.backward()

    def f(u, w):
        return (u - w) / w + 2 * u ** 2 - 1 / w + (3 - u) + (u + 1) * 0.5

    assert out.data == pytest.approx(f(x, y))
    assert a.grad == pytest.approx(numeric(lambda u: f(u, y), x), rel=1e-5, abs=1e-6)
    assert b.grad == pytest.approx(numeric(lambda w: f(x, w), y), rel=1e-5, abs=1e-6)


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0


def test_topological_order_puts_children_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    order = topological_order(d)
    assert order[-1] is d and order.index(c) > order.index(a) and order.index(c) > order.index(b)
    assert len(order) == 4


def test_deep_graph_needs_no_recursion():
    x = Value(1.0)
    y = x
    for _ in range(5000):
        y = y + 1
    y.backward()
    assert x.grad == 1.0


def test_bad_input_is_rejected_with_clear_messages():
    with pytest.raises(TypeError, match="data"):
        Value("2")
    with pytest.raises(ValueError, match="data"):
        Value(float("nan"))
    with pytest.raises(TypeError, match="Value or a number"):
        Value(1.0) + "x"
    with pytest.raises(TypeError, match="exponent"):
        Value(1.0) ** Value(2.0)
    with pytest.raises(TypeError, match="root"):
        topological_order(3.0)
    with pytest.raises(TypeError, match="root"):
        draw_graph([1])


def test_draw_graph_shows_values_and_gradients():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = (a * b).tanh()
    out.label = "out"
    out.backward()
    fig = draw_graph(out, title="test graph")
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert fig.axes[0].get_title() == "test graph"
    assert "data 2" in texts and "grad" in texts and "tanh" in texts and "out" in texts
    plain = draw_graph(out, show_grad=False)
    assert "grad" not in " ".join(t.get_text() for t in plain.axes[0].texts)
    plt.close("all")


def test_draw_graph_refuses_huge_graphs():
    y = Value(0.0)
    for _ in range(70):
        y = y + 1
    with pytest.raises(ValueError, match="at most 60"):
        draw_graph(y)


def test_repr_is_readable():
    assert repr(Value(1.5, label="w")) == "Value(w=1.5, grad=0)"


def test_children_op_and_backward_step_are_the_engines_own():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = a * b
    assert e.children == (a, b) and e.op == "×" and a.children == () and a.op == ""
    e.grad = 1.0
    e.backward_step()                       # one local chain rule: de/da = b, de/db = a
    assert (a.grad, b.grad) == (-3.0, 2.0)


def test_layout_places_every_node_and_rejects_a_bad_root():
    from helpers.autodiff import layout

    a, b = Value(1.0), Value(2.0)
    out = (a + b) * a
    pos = layout(out)
    assert set(pos) == {id(n) for n in topological_order(out)}
    assert pos[id(out)][0] > pos[id(a)][0]
    with pytest.raises(TypeError, match="root must be a Value"):
        layout(3.0)
