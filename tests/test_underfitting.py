"""helpers.underfitting: recipes, diagnosis, capacity sweep and its figure, checker."""

import numpy as np
import pytest

from helpers import underfitting as ch
from helpers.overfitting import FitResult, split_data


def tiny_split():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(60, 28, 28)).astype(np.uint8)
    labels = (np.arange(60) % 10).astype(np.uint8)
    return split_data(images, labels, n_train=40, n_val=20)


def result(name="r", train=0.9, val=0.85):
    return FitResult(name, train, val, 0.3, 0.4, 2, {"loss": [1.0, 0.3], "val_loss": [1.0, 0.4]})


def test_recipes_are_one_change_from_the_reference():
    ref = ch.REFERENCE
    assert ref.describe() == "784-128-10, adam lr 0.001, L2 0, 5 epochs"
    for name, recipe in ch.UNDERFIT_RECIPES.items():
        changed = [f for f in ("hidden", "l2", "learning_rate", "epochs", "optimizer")
                   if getattr(recipe, f) != getattr(ref, f)]
        assert len(changed) == 1, name


@pytest.mark.parametrize("train, val, verdict", [
    (0.80, 0.78, "underfitting"), (1.00, 0.80, "overfitting"), (0.97, 0.92, "good fit"),
    (0.95, 0.85, "good fit"),   # exactly at the target and the gap limit
])
def test_diagnose(train, val, verdict):
    assert ch.diagnose(train, val, target=0.95, max_gap=0.10) == verdict
    assert verdict in ch.DIAGNOSES


def test_diagnose_rejects_bad_input():
    with pytest.raises(ValueError, match="train_acc must be <= 1"):
        ch.diagnose(1.5, 0.5)
    with pytest.raises(TypeError, match="val_acc must be a number"):
        ch.diagnose(0.5, "0.4")
    with pytest.raises(ValueError, match="max_gap must be >= 0"):
        ch.diagnose(0.5, 0.4, max_gap=-0.1)


def test_run_recipe_is_seeded():
    split = tiny_split()
    recipe = ch.Recipe(hidden=(4,), epochs=2)
    a = ch.run_recipe("a", recipe, split)
    b = ch.run_recipe("a", recipe, split)
    assert a.name == "a" and a.epochs_run == 2
    assert (a.train_acc, a.val_loss) == (b.train_acc, b.val_loss)
    with pytest.raises(TypeError, match="recipe must be a Recipe"):
        ch.run_recipe("a", {"hidden": (4,)}, split)


def test_run_recipe_reads_a_shorter_run_from_a_saved_one():
    split = tiny_split()
    recipe = ch.Recipe(hidden=(4,), epochs=3)
    full = ch.run_recipe("full", recipe, split, batch_size=8, save_best=True)
    one = ch.Recipe(hidden=(4,), epochs=1)
    replayed = ch.run_recipe("one", one, split, batch_size=8, known=[full])
    trained = ch.run_recipe("one", one, split, batch_size=8)
    assert replayed.epochs_run == 1 and replayed.history == trained.history
    assert (replayed.train_acc, replayed.val_acc, replayed.train_loss, replayed.val_loss) == \
        (trained.train_acc, trained.val_acc, trained.train_loss, trained.val_loss)


def test_capacity_sweep_reuses_known_runs():
    split = tiny_split()
    known = [result("2 units")]
    runs = ch.capacity_sweep(split, [2, 3], recipe=ch.Recipe(epochs=1), known=known)
    assert runs[0] is known[0] and runs[1].name == "3 units"
    with pytest.raises(TypeError, match="widths must be a non-empty list"):
        ch.capacity_sweep(split, [])
    with pytest.raises(ValueError, match="width must be >= 1"):
        ch.capacity_sweep(split, [0])


def test_plot_capacity():
    fig = ch.plot_capacity([2, 8], [result("2", 0.3, 0.3), result("8", 0.8, 0.78)])
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_ylabel() == "accuracy" and ax.get_title()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "8"]
    with pytest.raises(ValueError, match="same length"):
        ch.plot_capacity([2], [result(), result()])
    with pytest.raises(ValueError, match="widths must be >= 1"):
        ch.plot_capacity([0, 2], [result(), result()])


def test_check_diagnosis():
    r = result(train=0.8, val=0.78)
    assert ch.check_diagnosis("underfitting", r)
    assert ch.check_diagnosis(" Underfitting ", r)
    wrong = ch.check_diagnosis("overfitting", r)
    assert not wrong and "below the target" in str(wrong)
    assert "valid choices" in str(ch.check_diagnosis("bad", r))
    assert not ch.check_diagnosis(3, r)
    over = ch.check_diagnosis("good fit", result(train=1.0, val=0.8))
    assert not over and "gap" in str(over)
    with pytest.raises(TypeError, match="result must be a FitResult"):
        ch.check_diagnosis("good fit", None)


def run_with_losses(name, train, val, losses):
    return FitResult(name, train, val, losses[-1], losses[-1], len(losses), {"loss": losses, "val_loss": losses})


def test_check_large_lr():
    labels = np.repeat(np.arange(10), [12, 10, 10, 10, 10, 10, 10, 10, 10, 8])   # most common class: 12 %
    big = run_with_losses("lr 1.0", 0.17, 0.15, [963.6, 2.5, 2.3])
    assert ch.check_large_lr(big, 0.12, labels)
    assert ch.check_large_lr(big, 0.115, labels)                     # within 0.01
    fb = ch.check_large_lr(big, 12, labels)
    assert not fb and "not a percentage" in str(fb)
    fb = ch.check_large_lr(big, 0.88, labels)
    assert not fb and "error rate" in str(fb)
    fb = ch.check_large_lr(big, 0.5, labels)
    assert not fb and "once in ten" in str(fb)
    calm = run_with_losses("lr 1e-3", 0.98, 0.9, [0.6, 0.3, 0.2])      # the learning rate was not changed
    fb = ch.check_large_lr(calm, 0.12, labels)
    assert not fb and "not above ln(10)" in str(fb) and "reaches the target" in str(fb)
    assert not ch.check_large_lr("run", 0.12, labels)
    with pytest.raises(ValueError, match="labels"):
        ch.check_large_lr(big, 0.1, [])


def test_check_more_epochs():
    short, ref = result("5 epochs", 0.30, 0.28), result("reference", 0.98, 0.92)
    slow = FitResult("10 epochs", 0.45, 0.40, 2.0, 2.0, 10, {"loss": [2.0] * 10})
    fb = ch.check_more_epochs(False, slow, short, ref)
    assert fb and "+0.150" in str(fb) and "0.530 below the reference" in str(fb)
    fb = ch.check_more_epochs(True, slow, short, ref)
    assert not fb and "below the target" in str(fb) and "100 times" in str(fb)
    assert not ch.check_more_epochs("no", slow, short, ref)
    fb = ch.check_more_epochs(False, dataclasses_replace(slow, epochs_run=5), short, ref)
    assert not fb and "expected 10" in str(fb)
    fast = FitResult("10 epochs", 0.97, 0.9, 0.1, 0.2, 10, {"loss": [0.1] * 10})
    assert ch.check_more_epochs(True, fast, short, ref)
    with pytest.raises(TypeError, match="short must be a FitResult"):
        ch.check_more_epochs(True, slow, None, ref)


def dataclasses_replace(r, **kw):
    import dataclasses
    return dataclasses.replace(r, **kw)
