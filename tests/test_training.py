"""Tests for helpers.training: whole shuffled epochs laid end to end, trained as one Keras epoch."""

import numpy as np
import pytest

from helpers import training as tr


def toy(n=60, seed=0):
    """Separable 3-class toy data in 5 dimensions."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(3, 5)) * 5
    y = np.arange(n) % 3
    return (centers[y] + rng.normal(size=(n, 5))).astype("float32"), y


def small_model():
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    return model


def test_epoch_order_is_whole_shuffled_epochs_and_seeded():
    order = tr.epoch_order(10, steps=7, batch_size=4, seed=0)
    assert len(order) == 28
    assert sorted(order[:10]) == list(range(10)) and sorted(order[10:20]) == list(range(10))
    assert not np.array_equal(order[:10], order[10:20])          # a new order each pass
    assert np.array_equal(order, tr.epoch_order(10, steps=7, batch_size=4, seed=0))


def test_fit_epochs_runs_the_expected_number_of_steps_and_learns():
    x, y = toy()
    model = small_model()
    tr.fit_epochs(model, x, y, epochs=5, batch_size=8, seed=0)
    assert int(model.optimizer.iterations.numpy()) == int(np.ceil(5 * 60 / 8))   # 38 steps, one Keras epoch
    assert np.mean(model.predict(x, verbose=0).argmax(axis=1) == y) > 0.9


def test_fit_steps_is_seeded_and_takes_images():
    import keras

    x, y = toy()
    a, b = small_model(), small_model()
    tr.fit_steps(a, x, y, steps=10, batch_size=8, seed=3)
    tr.fit_steps(b, x, y, steps=10, batch_size=8, seed=3)
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))
    keras.utils.set_random_seed(0)
    cnn = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
    cnn.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    tr.fit_steps(cnn, np.zeros((6, 4, 4, 1), "float32"), np.arange(6) % 2, steps=2, batch_size=3)
    assert int(cnn.optimizer.iterations.numpy()) == 2


def test_bad_input_is_named():
    x, y = toy()
    model = small_model()
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        tr.fit_epochs(model, x, y, epochs=0)
    with pytest.raises(ValueError, match="steps must be >= 1"):
        tr.epoch_order(10, steps=0)
    with pytest.raises(ValueError, match="x and y"):
        tr.fit_steps(model, x, y[:5])
    with pytest.raises(ValueError, match="one row per example"):
        tr.fit_steps(model, x[0], y[:1])
    with pytest.raises(TypeError, match="y must be array-like"):
        tr.fit_epochs(model, x, "labels", epochs=1)


def test_one_big_validation_batch_gives_the_same_validation_metrics():
    x, y = toy()
    model = small_model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=1, batch_size=8, validation_data=(x, y),
                        validation_batch_size=tr.VALIDATION_BATCH, verbose=0)
    loss, acc = model.evaluate(x, y, batch_size=8, verbose=0)          # Keras's own batching
    assert abs(history.history["val_loss"][0] - loss) < 1e-5
    assert history.history["val_accuracy"][0] == acc
    assert tr.VALIDATION_BATCH >= 1000      # the book's validation sets (1,000 images) fit in one batch


def test_steps_per_execution_trains_the_same_weights():
    import keras

    x, y = toy(n=100)          # 100 / 8 = 12.5 batches: a partial call and a partial batch at the end
    weights = []
    for steps in (1, tr.STEPS_PER_EXECUTION):
        model = small_model()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      steps_per_execution=steps)
        keras.utils.set_random_seed(0)
        history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
        weights.append((model.get_weights(), history.history))
    (w1, h1), (w32, h32) = weights
    assert all(np.array_equal(a, b) for a, b in zip(w1, w32, strict=True))
    assert h1 == h32
    assert tr.STEPS_PER_EXECUTION > 1


def test_validation_callback_records_what_validation_data_records():
    import keras

    x, y = toy()
    x_val, y_val = x[::-1].copy(), y[::-1].copy()
    runs = []
    for use_callback in (False, True):
        model = small_model()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
        keras.utils.set_random_seed(0)
        if use_callback:     # chunks of 7 give several test steps, as Keras's own batching does
            history = model.fit(x, y, epochs=4, batch_size=8, verbose=0,
                                callbacks=[tr.validation_callback(x_val, y_val, batch_size=7), stop])
        else:
            history = model.fit(x, y, epochs=4, batch_size=8, verbose=0, validation_data=(x_val, y_val),
                                validation_batch_size=7, callbacks=[stop])
        runs.append((history.history, model.get_weights()))
    (keras_history, keras_weights), (history, weights) = runs
    assert list(history) == ["accuracy", "loss", "val_accuracy", "val_loss"] == list(keras_history)
    assert history == keras_history          # the same numbers, bit for bit, epoch by epoch
    assert all(np.array_equal(a, b) for a, b in zip(weights, keras_weights, strict=True))


def test_validation_callback_rejects_bad_input():
    x, y = toy()
    with pytest.raises(ValueError, match="x_val and y_val"):
        tr.validation_callback(x, y[:3])
    with pytest.raises(ValueError, match="empty"):
        tr.validation_callback(x[:0], y[:0])
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        tr.validation_callback(x, y, batch_size=0)
    with pytest.raises(TypeError, match="x_val must be array-like"):
        tr.validation_callback("images", y)


def test_predict_proba_and_accuracy_match_keras():
    import keras

    x, y = toy()
    model = small_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    tr.fit_epochs(model, x, y, epochs=2, batch_size=8)
    expected = model.predict(x, verbose=0)          # batch sizes differ, so equal up to float rounding
    assert np.allclose(tr.predict_proba(model, x, batch_size=7), expected, rtol=0, atol=1e-6)
    assert np.allclose(tr.predict_proba(model, x.astype("float64")), expected, rtol=0, atol=1e-6)
    assert abs(tr.accuracy(model, x, y) - model.evaluate(x, y, verbose=0)[1]) < 1e-6
    keras.utils.set_random_seed(0)
    binary = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1, activation="sigmoid")])
    binary.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    yb = (y == 1).astype(int)
    assert abs(tr.accuracy(binary, x, yb) - binary.evaluate(x, yb, verbose=0)[1]) < 1e-6


def test_predict_proba_and_accuracy_reject_bad_input():
    x, y = toy()
    model = small_model()
    with pytest.raises(TypeError, match="model must be a Keras model"):
        tr.predict_proba("model", x)
    with pytest.raises(ValueError, match="one row per example"):
        tr.predict_proba(model, x[0])
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        tr.predict_proba(model, x, batch_size=0)
    with pytest.raises(ValueError, match="x and y"):
        tr.accuracy(model, x, y[:3])


# ------------------------------------------------------------ fit: a traced twin trains in the model's place
def twin_flow(train, x, y, x_val, y_val):
    """Build and train three models (two architectures, several learning rates, early stopping) with ``train``."""
    import keras

    from helpers.cache import rng_state

    keras.utils.set_random_seed(0)
    runs = []
    for lr, regularised, stop_early in [(0.01, False, False), (0.003, False, True), (0.03, True, True)]:
        layers = [keras.Input((5,)), keras.layers.Dense(8, activation="relu")]
        if regularised:
            layers += [keras.layers.BatchNormalization(), keras.layers.Dropout(0.3)]
        model = keras.Sequential(layers + [keras.layers.Dense(3, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"], steps_per_execution=4)
        callbacks = [tr.validation_callback(x_val, y_val)]
        if stop_early:
            callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=1,
                                                           restore_best_weights=True))
        keras.utils.set_random_seed(1)
        history = train(model, x, y, epochs=4, batch_size=16, shuffle=True, callbacks=callbacks, verbose=0)
        assert model.history is history and all(c.model is model for c in callbacks)
        runs.append((model.get_weights(), [v.numpy() for v in model.optimizer.variables], history.history))
    state = rng_state()
    generator = state["keras_generator"]
    return (runs, state["numpy"][1].tolist(), None if generator is None else generator.tolist(),
            float(keras.random.uniform(())))


def test_fit_trains_bit_for_bit_like_model_fit_and_reuses_one_twin_per_architecture():
    x, y = toy(90)
    x_val, y_val = toy(30, seed=1)
    tr._TWINS.clear()
    by_keras = twin_flow(lambda m, *a, **k: m.fit(*a, **k), x, y, x_val, y_val)
    assert not tr._TWINS
    by_twins = twin_flow(tr.fit, x, y, x_val, y_val)
    assert len(tr._TWINS) == 2                                    # three models, two architectures
    for (w1, o1, h1), (w2, o2, h2) in zip(by_keras[0], by_twins[0], strict=True):
        assert all(np.array_equal(a, b) for a, b in zip(w1, w2, strict=True))
        assert all(np.array_equal(a, b) for a, b in zip(o1, o2, strict=True))
        assert h1 == h2
    assert by_keras[1:] == by_twins[1:]              # the random-number streams continue identically


def test_fit_keeps_models_apart_and_leaves_the_twin_untouched_by_later_use():
    x, y = toy()
    first, second = small_model(), small_model()
    tr.fit(first, x, y, epochs=3, batch_size=8, verbose=0)
    trained = [w.copy() for w in first.get_weights()]
    tr.fit(second, x, y, epochs=1, batch_size=8, verbose=0)     # the same twin trains another model
    assert all(np.array_equal(a, b) for a, b in zip(trained, first.get_weights(), strict=True))
    assert first.train_function is None                          # the model itself was never traced
    tr.fit(first, x, y, epochs=1, batch_size=8, verbose=0)       # continuing: the optimizer state came back
    assert int(first.optimizer.iterations.numpy()) == 4 * 8


def test_fit_hands_what_it_cannot_check_to_keras():
    import keras

    x, y = toy()
    tr._TWINS.clear()
    lambda_model = keras.Sequential([keras.Input((5,)), keras.layers.Lambda(lambda t: 2 * t),
                                     keras.layers.Dense(3, activation="softmax")])
    lambda_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    python_loss = small_model()
    python_loss.compile(optimizer="adam", loss=lambda a, b: keras.losses.sparse_categorical_crossentropy(a, b))
    with_validation_data = small_model()
    for model, kwargs in [(lambda_model, {}), (python_loss, {}),
                          (with_validation_data, {"validation_data": (x, y)})]:
        tr.fit(model, x, y, epochs=1, batch_size=8, verbose=0, **kwargs)
        assert model.train_function is not None                  # Keras traced the model itself
    tr.fit(with_validation_data, x, y, epochs=1, verbose=0)    # already traced: no twin either
    assert not tr._TWINS


def test_fit_names_the_steps_per_epoch_keras_would_take_anyway():
    x = np.zeros((90, 5), "float32")
    assert tr._with_steps_per_epoch(x, {"epochs": 3, "batch_size": 16}) == {"epochs": 3, "batch_size": 16,
                                                                            "steps_per_epoch": 6}
    assert tr._with_steps_per_epoch(x, {"epochs": 3})["steps_per_epoch"] == 3          # Keras's batch of 32
    for kwargs in ({"validation_split": 0.2}, {"steps_per_epoch": 2}):
        assert tr._with_steps_per_epoch(x, kwargs) == kwargs                         # left as given
    assert "steps_per_epoch" not in tr._with_steps_per_epoch({"a": x}, {})           # not one array


def test_fit_rejects_what_is_not_a_model():
    x, y = toy()
    with pytest.raises(TypeError, match="model must be a compiled Keras model"):
        tr.fit("model", x, y)


def test_fit_with_validation_split_matches_model_fit():
    import keras

    x, y = toy(80)
    histories = []
    tr._TWINS.clear()
    for train in (lambda m, *a, **k: m.fit(*a, **k), tr.fit, tr.fit):      # the second tr.fit reuses the twin
        model = small_model()
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        keras.utils.set_random_seed(2)
        histories.append(train(model, x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0).history)
    assert "val_accuracy" in histories[0] and histories[0] == histories[1] == histories[2]
    assert len(tr._TWINS) == 1                   # the twin trained both, not a fallback to model.fit
