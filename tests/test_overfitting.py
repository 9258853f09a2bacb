"""helpers.overfitting: data split, network builder, augmentation, measurement, figures, checker."""

import dataclasses

import keras
import numpy as np
import pytest

from helpers import overfitting as ch
from helpers.widgets import Explorer


def tiny_split(n_train=40, n_val=20, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n_train + n_val, 28, 28)).astype(np.uint8)
    labels = np.arange(n_train + n_val) % 10
    return ch.split_data(images, labels.astype(np.uint8), n_train=n_train, n_val=n_val)


def fake_result(name="run", train=1.0, val=0.8, train_loss=0.01, val_loss=0.5, epochs=3):
    history = {"loss": [1.0, 0.5, train_loss][:epochs], "val_loss": [1.0, 0.7, val_loss][:epochs],
               "accuracy": [0.5, 0.9, train][:epochs], "val_accuracy": [0.5, 0.7, val][:epochs]}
    return ch.FitResult(name, train, val, train_loss, val_loss, epochs, history)


def test_split_data_scales_and_separates():
    (x, y), (xv, yv) = tiny_split()
    assert x.shape == (40, 784) and xv.shape == (20, 784)
    assert x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert y.dtype == np.int64 and list(y[:3]) == [0, 1, 2] and list(yv[:2]) == [0, 1]


def test_split_data_rejects_bad_input():
    images = np.zeros((10, 28, 28), dtype=np.uint8)
    labels = np.zeros(10, dtype=np.uint8)
    with pytest.raises(ValueError, match="n_train \\+ n_val"):
        ch.split_data(images, labels, n_train=8, n_val=5)
    with pytest.raises(ValueError, match="images and labels"):
        ch.split_data(images, labels[:5], n_train=2, n_val=2)
    with pytest.raises(ValueError, match="n_train must be >= 1"):
        ch.split_data(images, labels, n_train=0, n_val=2)
    with pytest.raises(ValueError, match="images must have 3"):
        ch.split_data(images.reshape(10, -1), labels, n_train=2, n_val=2)


def test_fit_result_gaps_and_text():
    r = fake_result(train=1.0, val=0.8, train_loss=0.1, val_loss=0.6)
    assert r.gap == pytest.approx(0.2) and r.loss_gap == pytest.approx(0.5)
    assert "gap 0.200" in str(r) and "3 epochs" in str(r)


def test_build_mlp_layers_and_counts():
    model = ch.build_mlp((16, 8), l2=1e-3, dropout=0.5)
    assert model.count_params() == (784 * 16 + 16) + (16 * 8 + 8) + (8 * 10 + 10)
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in model.layers) == 2
    assert model.layers[0].kernel_regularizer is not None
    logistic = ch.build_mlp((), inputs=4, classes=3)
    assert logistic.count_params() == 4 * 3 + 3


@pytest.mark.parametrize("kwargs, error, match", [
    ({"hidden": 16}, TypeError, "hidden must be a sequence"),
    ({"hidden": (0,)}, ValueError, "hidden layer width must be >= 1"),
    ({"l2": -1.0}, ValueError, "l2 must be >= 0"),
    ({"dropout": 1.0}, ValueError, "dropout must be <= 0.95"),
    ({"learning_rate": 0.0}, ValueError, "learning_rate must be > 0"),
    ({"optimizer": "adagrad"}, ValueError, "unknown optimizer 'adagrad'"),
])
def test_build_mlp_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        ch.build_mlp(**kwargs)


def test_shift_image_moves_without_wrapping():
    a = np.arange(16).reshape(4, 4)
    b = ch.shift_image(a, 1, -1)
    assert b[0].tolist() == [0, 0, 0, 0] and b[:, -1].tolist() == [0, 0, 0, 0]
    assert b[1, 0] == a[0, 1]
    assert np.array_equal(ch.shift_image(a, 0, 0), a)
    with pytest.raises(ValueError, match="dy must be <= 3"):
        ch.shift_image(a, 4, 0)
    with pytest.raises(ValueError, match="image must have 2"):
        ch.shift_image(a.ravel(), 1, 1)


def test_shift_augment_keeps_labels_and_originals():
    (x, y), _ = tiny_split()
    xa, ya = ch.shift_augment(x, y, copies=2, max_shift=1, seed=3)
    assert xa.shape == (120, 784) and np.array_equal(xa[:40], x)
    assert np.array_equal(ya, np.concatenate([y, y, y]))
    xb, _ = ch.shift_augment(x, y, copies=2, max_shift=1, seed=3)
    assert np.array_equal(xa, xb)                      # seeded
    assert np.array_equal(ch.shift_augment(x, y, copies=0)[0], x)


def test_shift_augment_rejects_bad_input():
    x = np.zeros((3, 784))
    with pytest.raises(ValueError, match="x and y"):
        ch.shift_augment(x, np.zeros(2))
    with pytest.raises(ValueError, match="784 columns"):
        ch.shift_augment(np.zeros((3, 100)), np.zeros(3))
    with pytest.raises(ValueError, match="copies must be >= 0"):
        ch.shift_augment(x, np.zeros(3), copies=-1)
    with pytest.raises(ValueError, match="max_shift must be <= 27"):
        ch.shift_augment(x, np.zeros(3), max_shift=28)


def test_accuracy_and_loss_from_predictions():
    model = ch.build_mlp((), inputs=2, classes=2)
    model.layers[-1].set_weights([np.zeros((2, 2)), np.zeros(2)])   # predicts 0.5 / 0.5
    acc, loss = ch.accuracy_and_loss(model, np.zeros((4, 2)), np.array([0, 0, 1, 1]))
    assert loss == pytest.approx(np.log(2), rel=1e-5)
    assert acc == pytest.approx(0.5)
    with pytest.raises(ValueError, match="predictions have shape"):
        ch.accuracy_and_loss(model, np.zeros((4, 2)), np.array([0, 1]))


def test_fit_and_measure_is_seeded_and_early_stops():
    split = tiny_split()
    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(0)
        runs.append(ch.fit_and_measure("tiny", ch.build_mlp((8,)), split, epochs=3, batch_size=16))
    assert runs[0].train_acc == runs[1].train_acc and runs[0].val_loss == runs[1].val_loss
    assert runs[0].epochs_run == 3 and len(runs[0].history["val_loss"]) == 3
    early = ch.fit_and_measure("early", ch.build_mlp((8,)), split, epochs=50, patience=1)
    assert early.epochs_run < 50
    (x, y), _ = split
    measured = ch.fit_and_measure("m", ch.build_mlp((8,)), split, epochs=1, measure_on=(x[:10], y[:10]))
    assert 0 <= measured.train_acc <= 1


def test_early_stopping_replayed_from_a_saved_run_equals_training_it():
    split = tiny_split(n_train=40, n_val=40)
    (x, y), (x_val, y_val) = split
    y_val = (y_val + 3) % 10                        # labels unrelated to the images: validation loss soon rises
    split = ((x, y), (x_val, y_val))

    def net():
        keras.utils.set_random_seed(0)
        return ch.build_mlp((16,))

    full = ch.fit_and_measure("full", net(), split, epochs=12, batch_size=8, save_best=True)
    assert full.start and 1 in full.best_weights and len(full.history["val_loss"]) == 12
    losses = full.history["val_loss"]
    assert sorted(full.best_weights) == [e for e in range(1, 13) if losses[e - 1] < min(losses[:e - 1], default=np.inf)]
    for patience in (1, 2, 3):
        trained = ch.fit_and_measure("early", net(), split, epochs=12, batch_size=8, patience=patience)
        model = net()
        replayed = ch.fit_and_measure("early", model, split, epochs=12, batch_size=8, patience=patience,
                                      known=[full])
        assert replayed.epochs_run == trained.epochs_run < 12
        assert replayed.history == trained.history
        assert (replayed.train_acc, replayed.val_acc, replayed.train_loss, replayed.val_loss) == \
            (trained.train_acc, trained.val_acc, trained.train_loss, trained.val_loss)
        best = int(np.argmin(full.history["val_loss"][:replayed.epochs_run])) + 1
        assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), full.best_weights[best]))
    # a run that differs in anything training depends on is not replayed, it is trained
    other = ch.fit_and_measure("early", net(), split, epochs=12, batch_size=4, patience=1, known=[full])
    assert other.history["loss"][0] != full.history["loss"][0]
    keras.utils.set_random_seed(1)
    reseeded = ch.fit_and_measure("early", ch.build_mlp((16,)), split, epochs=12, batch_size=8, patience=1,
                                  known=[full])
    assert reseeded.history["loss"][0] != full.history["loss"][0]
    short = ch.fit_and_measure("early", net(), split, epochs=12, batch_size=8, patience=50,
                               known=[dataclasses.replace(full, history={k: v[:3] for k, v in full.history.items()})])
    assert short.epochs_run == 12                    # the known run was too short to decide: trained for real
    with pytest.raises(TypeError, match="known must be a list of FitResult"):
        ch.fit_and_measure("x", net(), split, epochs=1, patience=1, known=full)
    # without early stopping: a run of fewer epochs is the saved run cut short
    for epochs in (1, int(max(full.best_weights))):
        trained = ch.fit_and_measure("short", net(), split, epochs=epochs, batch_size=8)
        replayed = ch.fit_and_measure("short", net(), split, epochs=epochs, batch_size=8, known=[full])
        assert replayed.epochs_run == trained.epochs_run == epochs and replayed.history == trained.history
        assert (replayed.train_acc, replayed.val_loss) == (trained.train_acc, trained.val_loss)
    unsaved = next(e for e in range(1, 13) if e not in full.best_weights)
    model = net()
    before = [w.copy() for w in model.get_weights()]
    trained = ch.fit_and_measure("short", model, split, epochs=unsaved, batch_size=8, known=[full])
    assert trained.epochs_run == unsaved and not np.array_equal(model.get_weights()[0], before[0])


def test_fit_and_measure_rejects_bad_input():
    split = tiny_split()
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        ch.fit_and_measure("", ch.build_mlp((4,)), split)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        ch.fit_and_measure("x", ch.build_mlp((4,)), split, epochs=0)
    with pytest.raises(ValueError, match="patience must be >= 1"):
        ch.fit_and_measure("x", ch.build_mlp((4,)), split, epochs=1, patience=0)
    (x, y), val = split
    with pytest.raises(ValueError, match="x and y"):
        ch.fit_and_measure("x", ch.build_mlp((4,)), ((x, y[:3]), val))


def test_results_table_and_errors():
    runs = [fake_result("base", 1.0, 0.8), fake_result("better", 0.95, 0.85)]
    text = ch.results_table(runs, baseline="base")
    assert "gap change" in text and "-0.100" in text
    assert "gap change" not in ch.results_table(runs)
    with pytest.raises(ValueError, match="baseline 'nope'"):
        ch.results_table(runs, baseline="nope")
    with pytest.raises(TypeError, match="non-empty list of FitResult"):
        ch.results_table([])


def test_plot_gaps_and_sweep_figure():
    runs = [fake_result("a", 1.0, 0.8), fake_result("b", 0.9, 0.85)]
    fig = ch.plot_gaps(runs, title="T")
    ax = fig.axes[0]
    assert ax.get_title() == "T" and ax.get_ylabel() == "accuracy" and len(ax.patches) == 4
    fig2 = ch.plot_l2_sweep([0.0, 1e-2], runs)
    assert fig2.axes[0].get_xscale() == "log" and "λ" in fig2.axes[0].get_xlabel()
    with pytest.raises(ValueError, match="same length"):
        ch.plot_l2_sweep([0.0], runs)
    with pytest.raises(ValueError, match=">= 0"):
        ch.plot_l2_sweep([-1.0, 1.0], runs)
    with pytest.raises(TypeError, match="FitResult"):
        ch.plot_gaps([1, 2])


def test_l2_sweep_reuses_known_runs_and_trains_missing_ones():
    split = tiny_split()
    known = [fake_result("L2 0")]
    runs = ch.l2_sweep(split, [0.0, 1e-3], hidden=(4,), epochs=1, known=known)
    assert runs[0] is known[0] and runs[1].name == "L2 0.001"
    with pytest.raises(TypeError, match="non-empty list"):
        ch.l2_sweep(split, [])
    with pytest.raises(ValueError, match="L2 strength must be >= 0"):
        ch.l2_sweep(split, [-1.0])


def test_l2_figure_and_explorer():
    split = tiny_split()
    known = [fake_result("L2 0.01", 1.0, 0.8)]
    fig = ch.l2_figure(split, 0.01, known=known)
    assert "λ = 0.01" in fig._suptitle.get_text() and "validation 0.800" in fig._suptitle.get_text()
    trained = ch.l2_figure(split, 0.5, hidden=(4,), epochs=1)
    assert "λ = 0.5" in trained._suptitle.get_text()
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        ch.l2_figure(split, -1.0)
    explorer = ch.l2_explorer(split, value=0.01, known=known)
    assert isinstance(explorer, Explorer) and explorer.png.startswith(b"\x89PNG")


def test_check_gap():
    r = fake_result(train=1.0, val=0.8)
    assert ch.check_gap(0.2, r)
    wrong = ch.check_gap(-0.2, r)
    assert not wrong and "sign is flipped" in str(wrong)
    assert not ch.check_gap("0.2", r)
    with pytest.raises(TypeError, match="result must be a FitResult"):
        ch.check_gap(0.2, "run")


def test_check_more_data():
    base = fake_result("base", train=1.0, val=0.80, epochs=3)
    base = ch.FitResult("base", 1.0, 0.80, 0.01, 0.5, 20, base.history)
    good = ch.FitResult("more", 0.96, 0.87, 0.1, 0.4, 4, base.history)
    fb = ch.check_more_data(good, base)
    assert fb and "smaller than the baseline's 0.200 by 0.110" in str(fb)
    long = ch.FitResult("more", 0.99, 0.88, 0.1, 0.4, 20, base.history)
    fb = ch.check_more_data(long, base)
    assert not fb and "ran 20 epochs, expected 4" in str(fb)
    assert ch.check_more_data(ch.FitResult("more", 0.96, 0.87, 0.1, 0.4, 5, base.history), base, data_factor=4)
    same_data = ch.FitResult("same", 1.0, 0.79, 0.01, 0.5, 4, base.history)
    fb = ch.check_more_data(same_data, base)
    assert not fb and "not smaller" in str(fb) and "300-example split" in str(fb) and "+0.010" in str(fb)
    assert "not higher" in str(fb)
    assert not ch.check_more_data(0.9, base)
    with pytest.raises(TypeError, match="baseline must be a FitResult"):
        ch.check_more_data(good, None)
