"""helpers.recipes: the plain model.fit and scoring that FAQ 5 and FAQ 6's recipes share."""

import keras
import numpy as np
import pytest

from helpers import experiments, recipes


def tiny_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 6)).astype("float32"), np.arange(n) % 3


def tiny_model(learning_rate=0.01):
    model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy")
    return model


def test_fit_and_score_trains_and_scores_both_sets():
    x, y = tiny_data()
    train, val = (x[:30], y[:30]), (x[30:], y[30:])
    keras.utils.set_random_seed(0)
    model = tiny_model()
    result = recipes.fit_and_score(model, train, val, epochs=3, batch_size=8)
    assert result["epochs"] == 3 and len(result["history"]["val_loss"]) == 3
    assert (result["train_loss"], result["train_accuracy"]) == pytest.approx(experiments.scores(model, *train))
    assert (result["val_loss"], result["val_accuracy"]) == pytest.approx(experiments.scores(model, *val))
    keras.utils.set_random_seed(0)
    again = recipes.fit_and_score(tiny_model(), train, val, epochs=3, batch_size=8)
    assert again["val_loss"] == pytest.approx(result["val_loss"], rel=1e-6)      # seeded: reproducible


def test_fit_and_score_stops_early_and_measures_where_told():
    x, y = tiny_data()
    train, val = (x[:30], y[:30]), (x[30:], y[30:])
    keras.utils.set_random_seed(0)
    stopped = recipes.fit_and_score(tiny_model(learning_rate=5.0), train, val, epochs=40, patience=1)
    assert stopped["epochs"] < 40
    keras.utils.set_random_seed(0)
    elsewhere = recipes.fit_and_score(tiny_model(), train, val, epochs=1, measure_train=val)
    assert elsewhere["train_loss"] == pytest.approx(elsewhere["val_loss"])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"epochs": 0}, ValueError, "epochs"),
    ({"epochs": "3"}, TypeError, "epochs"),
    ({"epochs": 2, "batch_size": 0}, ValueError, "batch_size"),
    ({"epochs": 2, "patience": 0}, ValueError, "patience"),
    ({"epochs": 2, "patience": 1.5}, TypeError, "patience"),
])
def test_check_fit_settings_rejects_bad_settings(kwargs, error, match):
    x, y = tiny_data(10)
    kwargs.setdefault("batch_size", 4)
    with pytest.raises(error, match=match):
        recipes.check_fit_settings((x, y), (x, y), **kwargs)


def test_bad_data_is_named():
    x, y = tiny_data(10)
    with pytest.raises(ValueError, match="train"):
        recipes.check_fit_settings((x, y[:5]), (x, y), epochs=1, batch_size=4)
    with pytest.raises(TypeError, match="val"):
        recipes.check_fit_settings((x, y), x, epochs=1, batch_size=4)
    with pytest.raises(TypeError, match="train"):
        recipes.fit_and_score(tiny_model(), None, (x, y), epochs=1)
    with pytest.raises(TypeError, match="measure_train"):
        recipes.fit_and_score(tiny_model(), (x, y), (x, y), epochs=1, measure_train="digits")
    assert recipes.check_fit_settings((x, y), [x, y], epochs=2, batch_size=4) == \
        {"epochs": 2, "batch_size": 4, "patience": None}
