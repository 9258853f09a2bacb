"""helpers.experiments: intervals agree with scipy, verdicts are right where the truth is known."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from helpers import experiments as ex


def runs_from(name, values, seeds=None, metric="val_accuracy"):
    values = list(values)
    seeds = list(seeds) if seeds is not None else list(range(len(values)))
    table = dict(zip(seeds, values))
    return ex.run(lambda seed: {metric: table[seed]}, seeds, name=name)


def test_paired_t_interval_is_scipys():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0.9, 0.01, 7), rng.normal(0.89, 0.01, 7)
    c = ex.compare(runs_from("A", a), runs_from("B", b), "val_accuracy")
    ci = stats.ttest_rel(a, b).confidence_interval(0.95)
    assert c.mean == pytest.approx(np.mean(a - b)) and (c.low, c.high) == pytest.approx((ci.low, ci.high))


def test_bootstrap_interval_is_scipys():
    d = np.array([0.01, 0.02, 0.015, 0.03, -0.005, 0.012, 0.02, 0.018])
    mean, low, high = ex.difference_interval(d, method="bootstrap", seed=1)
    ref = stats.bootstrap((d,), np.mean, method="BCa", n_resamples=10_000, random_state=np.random.default_rng(1))
    assert (low, high) == pytest.approx((ref.confidence_interval.low, ref.confidence_interval.high))
    assert mean == pytest.approx(d.mean())


def test_a_clear_gain_is_better_and_its_mirror_worse():
    a = runs_from("new", [0.93, 0.94, 0.935, 0.945, 0.94])
    b = runs_from("old", [0.90, 0.905, 0.90, 0.91, 0.905])
    assert ex.compare(a, b, "val_accuracy").verdict == "better"
    assert ex.compare(b, a, "val_accuracy").verdict == "worse"
    assert ex.compare(a, b, "val_accuracy").winner == "new"


def test_lower_loss_is_better():
    a = runs_from("new", [0.20, 0.21, 0.19, 0.20, 0.22], metric="val_loss")
    b = runs_from("old", [0.30, 0.31, 0.29, 0.32, 0.30], metric="val_loss")
    c = ex.compare(a, b, "val_loss")
    assert not c.higher_is_better and c.mean < 0 and c.verdict == "better"


def test_noise_alone_is_indistinguishable():
    """Two identical recipes: the verdict must almost always be 'indistinguishable' (about 95% of the time)."""
    rng = np.random.default_rng(0)
    verdicts = []
    for _ in range(400):
        a, b = rng.normal(0.9, 0.02, 5), rng.normal(0.9, 0.02, 5)
        verdicts.append(ex.compare(runs_from("A", a), runs_from("B", b), "val_accuracy").verdict)
    false_alarms = np.mean([v != "indistinguishable" for v in verdicts])
    assert 0.02 < false_alarms < 0.09        # nominal 5% (binomial spread over 400 trials)


def test_a_small_gain_within_the_noise_is_indistinguishable():
    a = runs_from("A", [0.912, 0.905, 0.921, 0.899, 0.915])
    b = runs_from("B", [0.910, 0.909, 0.913, 0.905, 0.911])
    c = ex.compare(a, b, "val_accuracy")
    assert c.low < 0 < c.high and c.verdict == "indistinguishable" and c.winner is None
    assert "indistinguishable at this budget" in c.sentence()


def test_pairing_cancels_what_the_seed_does_to_both():
    """A constant gain of 0.005 on top of a large seed effect: unpaired it drowns, paired it is clear."""
    seed_effect = np.array([0.0, 0.03, -0.02, 0.04, -0.03, 0.01])
    b = 0.9 + seed_effect
    a = b + 0.005 + np.array([0.001, -0.001, 0.0, 0.001, -0.001, 0.0])
    assert ex.compare(runs_from("A", a), runs_from("B", b), "val_accuracy").verdict == "better"
    assert stats.ttest_ind(a, b).pvalue > 0.5


def test_identical_differences_give_a_point_interval():
    c = ex.compare(runs_from("A", [0.91, 0.92]), runs_from("B", [0.90, 0.91]), "val_accuracy")
    assert c.low == c.high == pytest.approx(0.01) and c.verdict == "better"
    same = ex.compare(runs_from("A", [0.9, 0.9]), runs_from("B", [0.9, 0.9]), "val_accuracy")
    assert same.verdict == "indistinguishable"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-0.2, 0.2, allow_nan=False), min_size=2, max_size=12))
def test_the_interval_always_holds_the_mean(diffs):
    mean, low, high = ex.difference_interval(diffs)
    assert low <= mean + 1e-12 and mean <= high + 1e-12


def test_run_keeps_numbers_and_details_per_seed():
    r = ex.run(lambda s: {"acc": 0.5 + s / 10, "history": [s]}, [0, 1, 2], name="R")
    assert r["acc"].tolist() == [0.5, 0.6, 0.7] and r.details[2]["history"] == [2]
    assert r.mean("acc") == pytest.approx(0.6) and r.std("acc") == pytest.approx(0.1)
    assert "R: acc 0.600 (95% CI" in r.summary("acc")


@pytest.mark.parametrize("call, error, match", [
    (lambda: ex.run(lambda s: {"a": 1.0}, [], name="x"), TypeError, "non-empty"),
    (lambda: ex.run(lambda s: {"a": 1.0}, 5, name="x"), TypeError, "list of integers"),
    (lambda: ex.run(lambda s: {"a": 1.0}, [0, 0], name="x"), ValueError, "repeat"),
    (lambda: ex.run(lambda s: {"a": 1.0}, [-1], name="x"), ValueError, "seed"),
    (lambda: ex.run("recipe", [0], name="x"), TypeError, "function"),
    (lambda: ex.run(lambda s: 0.9, [0], name="x"), TypeError, "mapping"),
    (lambda: ex.run(lambda s: {"a": 1.0} if s else {"b": 1.0}, [0, 1], name="x"), ValueError, "returned metrics"),
    (lambda: ex.run(lambda s: {"a": "high"}, [0], name="x"), ValueError, "at least one number"),
    (lambda: ex.difference_interval([0.1]), ValueError, "at least 2"),
    (lambda: ex.difference_interval([0.1, float("nan")]), ValueError, "NaN"),
    (lambda: ex.difference_interval("0.1 0.2"), TypeError, "list of numbers"),
    (lambda: ex.difference_interval([[0.1, 0.2]]), ValueError, "one-dimensional"),
    (lambda: ex.difference_interval([0.1, 0.2], method="z"), ValueError, "valid choices"),
    (lambda: ex.difference_interval([0.1, 0.2], confidence=1.5), ValueError, "confidence"),
    (lambda: ex.compare(runs_from("A", [1, 2]), runs_from("B", [1, 2], seeds=[5, 6]), "val_accuracy"),
     ValueError, "same seeds"),
    (lambda: ex.compare([1, 2], [1, 2], "acc"), TypeError, "two Runs"),
    (lambda: runs_from("A", [1, 2])["loss"], KeyError, "no metric"),
])
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_bad_input_to_the_other_helpers():
    with pytest.raises(ValueError, match="at least 2"):
        ex.mean_interval([0.9])
    with pytest.raises(TypeError, match="boolean"):
        ex.mcnemar(np.array([1, 0]), np.array([0, 1]))
    with pytest.raises(TypeError, match="two Runs|non-empty list of Runs"):
        ex.plot_runs([1, 2], "acc")
    with pytest.raises(TypeError, match="Comparison"):
        ex.plot_comparisons([0.1])
    with pytest.raises(AttributeError):
        ex.measure(object(), ([1], [0]), ([1], [0]))   # not a Keras model: Python's own error names it


def test_mcnemar_is_scipys_exact_binomial():
    a = np.array([True] * 30 + [False] * 5 + [True] * 60)
    b = np.array([False] * 30 + [True] * 5 + [True] * 60)
    result = ex.mcnemar(a, b)
    assert (result.only_a, result.only_b) == (30, 5)
    assert result.p_value == pytest.approx(stats.binomtest(30, 35, 0.5).pvalue)
    assert ex.mcnemar(a, a).p_value == 1.0
    with pytest.raises(TypeError, match="boolean"):
        ex.mcnemar([1, 0], [0, 1])
    with pytest.raises(ValueError, match="same length"):
        ex.mcnemar(a, a[:-1])


def test_figures_draw_every_seed_and_every_interval():
    a = runs_from("A", [0.90, 0.91, 0.92])
    b = runs_from("B", [0.88, 0.90, 0.89])
    fig = ex.plot_runs([a, b], "val_accuracy")
    ax = fig.axes[0]
    assert sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets")) >= 6
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "B"]
    fig2 = ex.plot_comparisons([ex.compare(a, b, "val_accuracy")])
    assert fig2.axes[0].get_yticklabels()[0].get_text() == "A − B"
    with pytest.raises(TypeError):
        ex.plot_runs([], "val_accuracy")


def test_measure_uses_evaluate_on_both_sets():
    class Model:
        def evaluate(self, x, y, batch_size, verbose):
            assert verbose == 0
            return [float(len(x)), 0.5]

    out = ex.measure(Model(), ([1, 2, 3], [0, 0, 0]), ([1], [0]))
    assert out == {"train_loss": 3.0, "train_accuracy": 0.5, "val_loss": 1.0, "val_accuracy": 0.5}


def test_glue_refuses_bad_names_and_glues_comparisons(monkeypatch):
    glued = {}
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: glued.__setitem__(name, value))
    c = ex.compare(runs_from("A", [0.93, 0.94, 0.95]), runs_from("B", [0.90, 0.90, 0.91]), "val_accuracy")
    ex.glue_comparison("cnn", c)
    assert glued["cnn_verdict"] == "A is better" and glued["cnn_n"] == 3 and glued["cnn_mean"] == pytest.approx(c.mean)
    with pytest.raises(ValueError, match="identifiers"):
        ex.glue("not a name", 1)


def test_glue_hands_numpy_scalars_to_the_page_as_python_numbers(monkeypatch):
    import myst_nb

    seen = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: seen.update({name: value}))
    ex.glue("acc", np.float64(0.93))
    ex.glue("n", np.int64(5))
    assert type(seen["acc"]) is float and seen["acc"] == 0.93
    assert type(seen["n"]) is int and seen["n"] == 5


def small_classifier(l2=0.0):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(3, activation="softmax",
                                                 kernel_regularizer=keras.regularizers.L2(l2) if l2 else None)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_scores_is_cross_entropy_without_the_penalty():
    rng = np.random.default_rng(0)
    x, y = rng.random((20, 4)).astype("float32"), np.arange(20) % 3
    model = small_classifier(l2=10.0)
    loss, acc = ex.scores(model, x, y)
    probs = model.predict(x, verbose=0)
    assert loss == pytest.approx(-np.mean(np.log(probs[np.arange(20), y])), rel=1e-5)
    assert acc == pytest.approx(np.mean(probs.argmax(1) == y))
    assert model.evaluate(x, y, verbose=0)[0] > loss + 1.0      # evaluate adds the L2 penalty


def test_scores_rejects_bad_input():
    rng = np.random.default_rng(0)
    x, y = rng.random((10, 4)).astype("float32"), np.arange(10) % 3
    model = small_classifier()
    with pytest.raises(ValueError, match="predictions have shape"):
        ex.scores(model, x, y[:5])
    with pytest.raises(ValueError, match="y must have 1"):
        ex.scores(model, x, y.reshape(2, 5))
    with pytest.raises(ValueError, match="at least one example"):
        ex.scores(model, x[:0], y[:0])
    with pytest.raises(TypeError, match="batch_size"):
        ex.scores(model, x, y, batch_size=2.5)


def test_scores_in_batches_match_predict_and_trace_nothing(caplog):
    rng = np.random.default_rng(1)
    x, y = rng.random((50, 4)).astype("float32"), np.arange(50) % 3
    models = [small_classifier() for _ in range(7)]
    probs = models[0].predict(x, verbose=0)
    loss, acc = ex.scores(models[0], x, y, batch_size=16)          # 4 batches, the last one short
    assert loss == pytest.approx(-np.mean(np.log(probs[np.arange(50), y])), rel=1e-5)
    assert acc == pytest.approx(np.mean(probs.argmax(1) == y))
    with caplog.at_level("WARNING"):
        for model in models[1:]:                                    # new models, one after another
            ex.scores(model, x, y)
    assert "retracing" not in caplog.text
