"""helpers.choosing_models: baselines, candidates over seeds, the one-standard-error rule, k-fold, search, checkers."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import choosing_models as cm
from helpers.data import load_data
from helpers.data import to_inputs


@pytest.fixture(scope="module")
def small():
    (x, y), _ = load_data(source="sample", verbose=False)
    x = to_inputs(x)
    return x[:200], y[:200], x[3000:3100], y[3000:3100]


def test_majority_baseline():
    assert cm.majority_baseline([1, 1, 2], [1, 2, 2, 1]) == 0.5
    assert cm.majority_baseline([3, 0, 0, 3], [0, 3]) == 0.5        # tie -> smallest class (0)
    with pytest.raises(ValueError, match="empty"):
        cm.majority_baseline([], [1])
    with pytest.raises(ValueError, match="y_train"):
        cm.majority_baseline([[1]], [1])


def test_build_candidate_matches_hand_count():
    assert cm.build_candidate("cnn").count_params() == cm.cnn_param_count() == 5258
    assert cm.build_candidate("cnn", width=4).count_params() == cm.cnn_param_count((4, 8))
    assert cm.build_candidate("logistic").count_params() == 7850
    assert cm.build_candidate("dense", width=8).count_params() == 784 * 8 + 8 + 8 * 10 + 10
    with pytest.raises(ValueError, match="model"):
        cm.build_candidate("svm")
    with pytest.raises(ValueError, match="learning_rate"):
        cm.build_candidate("dense", learning_rate=0)


def test_cnn_param_count_validates():
    with pytest.raises(ValueError, match="too many"):
        cm.cnn_param_count((2, 2, 2, 2))
    with pytest.raises(ValueError, match="filters"):
        cm.cnn_param_count((0,))


@pytest.mark.parametrize("name", cm.MODELS)
def test_train_and_score_every_model(small, name):
    x, y, xv, yv = small
    r = cm.train_and_score(name, x, y, xv, yv, epochs=1, width=8)
    assert set(r) == {"val_accuracy", "val_loss", "params", "seconds"} and r["seconds"] >= 0
    expected = {"logistic": 7850, "dense": 784 * 8 + 8 + 8 * 10 + 10, "cnn": cm.cnn_param_count((8, 16))}
    assert r["params"] == expected[name]


def test_train_and_score_validates(small):
    x, y, xv, yv = small
    with pytest.raises(ValueError, match="model"):
        cm.train_and_score("svm", x, y, xv, yv)
    with pytest.raises(ValueError, match="epochs"):
        cm.train_and_score("dense", x, y, xv, yv, epochs=0)
    with pytest.raises(ValueError, match="x and y"):
        cm.train_and_score("dense", x, y[:10], xv, yv)


def test_candidate_runs_table_and_one_se_rule(small):
    x, y, xv, yv = small
    runs = cm.candidate_runs(["logistic", "dense"], x, y, xv, yv, seeds=[0, 1], epochs=1, width=8)
    assert list(runs) == ["logistic", "dense"] and runs["dense"].seeds == (0, 1)
    table = cm.format_table(runs)
    assert "logistic" in table and "dense" in table and "parameters" in table
    assert cm.one_standard_error_choice(runs) in runs
    with pytest.raises(TypeError, match="names"):
        cm.candidate_runs("dense", x, y, xv, yv)
    with pytest.raises(TypeError, match="runs"):
        cm.format_table([1, 2])


def _runs(name, values):
    from helpers import experiments
    return experiments.run(lambda s: {"val_accuracy": values[s]}, list(range(len(values))), name=name)


def test_one_standard_error_rule_uses_the_standard_error_of_the_mean():
    simple = _runs("simple", [0.90, 0.91, 0.90, 0.91, 0.90])       # mean 0.904
    complex_ = _runs("complex", [0.90, 0.92, 0.91, 0.93, 0.89])    # mean 0.910, SE ~0.007
    assert cm.one_standard_error_choice({"simple": simple, "complex": complex_}) == "simple"
    far = _runs("far", [0.80, 0.81, 0.80, 0.81, 0.80])
    assert cm.one_standard_error_choice({"far": far, "complex": complex_}) == "complex"
    # within one standard deviation (0.016) but not within one standard error (0.007): not chosen
    close = _runs("close", [0.897, 0.898, 0.897, 0.898, 0.897])
    assert cm.one_standard_error_choice({"close": close, "complex": complex_}) == "complex"
    with pytest.raises(ValueError, match="two seeds"):
        cm.one_standard_error_choice({"a": _runs("a", [0.9]), "b": _runs("b", [0.8])})


def test_kfold_indices_partition():
    folds = cm.kfold_indices(23, 4, seed=0)
    assert len(folds) == 4
    assert np.array_equal(np.sort(np.concatenate([va for _, va in folds])), np.arange(23))
    assert all(len(np.intersect1d(tr, va)) == 0 and len(tr) + len(va) == 23 for tr, va in folds)
    with pytest.raises(ValueError, match="k"):
        cm.kfold_indices(3, 5)


def test_cross_validate_pairs_by_fold(small):
    x, y, _, _ = small
    r = cm.cross_validate("logistic", x[:100], y[:100], k=3, epochs=1)
    assert r.seeds == (0, 1, 2) and r["val_accuracy"].shape == (3,)
    with pytest.raises(ValueError, match="model"):
        cm.cross_validate("tree", x, y)


def test_random_search(small):
    x, y, xv, yv = small
    a = cm.sample_config(np.random.default_rng(0))
    assert 1e-4 <= a["learning_rate"] <= 1e-2 and 16 <= a["width"] <= 512 and 2 <= a["epochs"] <= 8
    assert 4 <= cm.sample_config(np.random.default_rng(0), "cnn")["width"] <= 32
    assert a == cm.sample_config(np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        cm.sample_config(0)
    trials = cm.random_search("dense", x[:100], y[:100], xv, yv, trials=2, seed=0)
    assert len(trials) == 2 and {"learning_rate", "width", "epochs", "val_accuracy"} <= set(trials[0])
    fig = cm.plot_search(trials, title="t")
    assert fig.axes[0].get_xscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError, match="trials"):
        cm.random_search("dense", x, y, xv, yv, trials=0)
    with pytest.raises(TypeError, match="results"):
        cm.plot_search([])


def test_checkers():
    y_train, y_eval = np.array([0, 0, 1]), np.array([1, 1, 0])
    assert cm.check_majority_accuracy(1 / 3, y_train, y_eval)
    wrong = cm.check_majority_accuracy(2 / 3, y_train, y_eval)   # majority taken from y_eval
    assert not wrong and "TRAINING" in str(wrong)
    assert not cm.check_majority_accuracy("0.3", y_train, y_eval)
    assert cm.check_cnn_params(5258)
    assert "bias" in str(cm.check_cnn_params(5258 - 24 - 10))


def test_check_folds_accepts_kfold_and_names_mistakes():
    assert cm.check_folds(cm.kfold_indices(503, 5, seed=1), 503, 5)
    order = np.random.default_rng(0).permutation(23)
    chunks = np.array_split(order, 4)
    mine = [(np.concatenate(chunks[:i] + chunks[i + 1:]), chunks[i]) for i in range(4)]
    assert cm.check_folds(mine, 23, 4)
    assert cm.check_folds([(list(tr), list(va)) for tr, va in mine], 23, 4)      # lists are fine
    # the training part is all the data (validation examples leak into training)
    leaky = [(np.arange(23), va) for _, va in mine]
    fb = cm.check_folds(leaky, 23, 4)
    assert not fb and "both the training and the validation" in str(fb)
    # remainder dropped: n // k per fold leaves 3 examples never validated
    size = 23 // 4
    dropped = [(np.setdiff1d(np.arange(23), np.arange(i * size, (i + 1) * size)), np.arange(i * size, (i + 1) * size))
               for i in range(4)]
    fb = cm.check_folds(dropped, 23, 4)
    assert not fb and "never in a validation part" in str(fb) and "np.array_split" in str(fb)
    # training part forgets some examples
    fb = cm.check_folds([(tr[:-2], va) for tr, va in mine], 23, 4)
    assert not fb and "in neither part" in str(fb)
    # independent random validation sets overlap between folds
    rng = np.random.default_rng(1)
    rand = []
    for _ in range(4):
        va = rng.choice(23, size=6, replace=False)
        rand.append((np.setdiff1d(np.arange(23), va), va))
    fb = cm.check_folds(rand, 23, 4)
    assert not fb and "validated more than once" in str(fb)
    # unbalanced sizes: the last fold takes the remainder
    parts = [np.arange(0, 4), np.arange(4, 8), np.arange(8, 12), np.arange(12, 23)]
    fb = cm.check_folds([(np.setdiff1d(np.arange(23), p), p) for p in parts], 23, 4)
    assert not fb and "differ by at most one" in str(fb)
    assert "expected k = 4" in str(cm.check_folds(mine[:3], 23, 4))
    assert "0..22" in str(cm.check_folds([(tr, va + 1) for tr, va in mine], 23, 4))
    assert "integers" in str(cm.check_folds([(tr * 1.0, va) for tr, va in mine], 23, 4))
    assert not cm.check_folds("folds", 23, 4)
    assert not cm.check_folds([1, 2, 3, 4], 23, 4)


def test_public_helpers_reject_bad_input(small):
    x, y, xv, yv = small
    with pytest.raises(ValueError, match="y_eval"):
        cm.majority_baseline([1, 2], [[1]])
    with pytest.raises(ValueError, match="width"):
        cm.build_candidate("dense", width=-3)
    with pytest.raises(TypeError, match="y_val"):
        cm.train_and_score("dense", x, y, xv, yv.astype(float))
    with pytest.raises(ValueError, match="model"):
        cm.candidate_runs(["dense", "forest"], x, y, xv, yv)
    with pytest.raises(TypeError, match="runs"):
        cm.format_table({})
    with pytest.raises(TypeError, match="runs"):
        cm.one_standard_error_choice({"a": [0.9, 0.8]})
    with pytest.raises(ValueError, match="n"):
        cm.kfold_indices(1)
    with pytest.raises(ValueError, match="k"):
        cm.cross_validate("dense", x[:10], y[:10], k=1)
    with pytest.raises(ValueError, match="model"):
        cm.sample_config(np.random.default_rng(0), "logistic")
    with pytest.raises(ValueError, match="model"):
        cm.random_search("svm", x, y, xv, yv)
    with pytest.raises(TypeError, match="results"):
        cm.plot_search({"val_accuracy": 0.9})
    assert not cm.check_majority_accuracy("garbage", [0, 0, 1], [1, 0])
    with pytest.raises(ValueError, match="filters"):
        cm.cnn_param_count((-1, 2))
    assert not cm.check_cnn_params("lots")
    assert not cm.check_folds(None, 10, 2)
