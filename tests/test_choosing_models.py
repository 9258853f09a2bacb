"""helpers.choosing_models: baselines, candidates, table, k-fold, checkers."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import choosing_models as cm
from helpers.data import load_data
from helpers.learning_curves import to_inputs


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


def test_build_cnn_matches_hand_count():
    model = cm.build_cnn()
    assert model.count_params() == cm.cnn_param_count() == 5258
    assert cm.build_cnn((4,)).count_params() == cm.cnn_param_count((4,))
    with pytest.raises(TypeError, match="filters"):
        cm.build_cnn(8)
    with pytest.raises(ValueError, match="inputs"):
        cm.build_cnn(inputs=100 + 1)


def test_cnn_param_count_validates():
    with pytest.raises(ValueError, match="too many"):
        cm.cnn_param_count((2, 2, 2, 2))
    with pytest.raises(ValueError, match="filters"):
        cm.cnn_param_count((0,))


@pytest.mark.parametrize("name", cm.MODELS)
def test_fit_and_score_every_model(small, name):
    x, y, xv, yv = small
    r = cm.fit_and_score(name, x, y, xv, yv, epochs=1, hidden_units=8)
    assert r.name == name and 0.0 <= r.val_accuracy <= 1.0 and r.seconds >= 0
    expected = {"majority": 0, "logistic": 7850, "dense": 784 * 8 + 8 + 8 * 10 + 10, "cnn": 5258}
    assert r.params == expected[name]


def test_fit_and_score_validates(small):
    x, y, xv, yv = small
    with pytest.raises(ValueError, match="model"):
        cm.fit_and_score("svm", x, y, xv, yv)
    with pytest.raises(ValueError, match="epochs"):
        cm.fit_and_score("dense", x, y, xv, yv, epochs=0)
    with pytest.raises(TypeError, match="y"):
        cm.fit_and_score("dense", x, y.astype(float), xv, yv)


def test_compare_table_and_plot(small):
    x, y, xv, yv = small
    results = cm.compare_models(x, y, xv, yv, models=["majority", "logistic"], epochs=1)
    table = cm.format_table(results)
    assert table.splitlines()[0].startswith("model") and "s (wall)" in table and len(table.splitlines()) == 3
    fig = cm.plot_comparison(results)
    assert len(fig.axes) == 2 and fig.axes[1].get_xscale() == "log"
    with pytest.raises(TypeError, match="models"):
        cm.compare_models(x, y, xv, yv, models="dense")
    with pytest.raises(TypeError, match="results"):
        cm.format_table([])
    with pytest.raises(TypeError, match="Result"):
        cm.plot_comparison([1])


def test_kfold_indices_partition():
    folds = cm.kfold_indices(11, 3, seed=1)
    assert len(folds) == 3
    assert sorted(np.concatenate([v for _, v in folds]).tolist()) == list(range(11))
    assert sorted(len(v) for _, v in folds) == [3, 4, 4]
    for tr, va in folds:
        assert len(np.intersect1d(tr, va)) == 0 and len(tr) + len(va) == 11
    with pytest.raises(ValueError, match="k"):
        cm.kfold_indices(5, 6)
    with pytest.raises(TypeError, match="n"):
        cm.kfold_indices(5.0, 2)


def test_cross_validate_and_plot(small):
    x, y, _, _ = small
    scores = cm.cross_validate("majority", x, y, k=4)
    assert scores.shape == (4,) and np.all((0 <= scores) & (scores <= 1))
    fig = cm.plot_cross_validation({"majority": scores, "other": scores + 0.1})
    assert fig.axes[0].get_ylabel()
    with pytest.raises(TypeError, match="scores"):
        cm.plot_cross_validation([scores])
    with pytest.raises(ValueError, match="model"):
        cm.cross_validate("tree", x, y)


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
