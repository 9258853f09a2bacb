"""helpers.diagnosis: one reading of the curves for FAQ 1 and FAQ 6."""

import pytest

from helpers.diagnosis import diagnose


def h(loss, val_loss, acc=None, val_acc=None):
    out = {"loss": loss, "val_loss": val_loss}
    if acc is not None:
        out["accuracy"], out["val_accuracy"] = acc, val_acc
    return out


def test_rising_validation_loss_is_overfitting():
    d = diagnose(h([1.0, 0.5, 0.3, 0.2, 0.1, 0.09], [1.0, 0.6, 0.5, 0.55, 0.6, 0.65]))
    assert d.label == "overfitting" and d.best_epoch == 3 and d.val_loss_rise == pytest.approx(0.3)


def test_a_gap_alone_is_not_overfitting():
    d = diagnose(h([1.0, 0.5, 0.30, 0.299], [1.0, 0.6, 0.5, 0.49], [0.7, 0.9, 0.97, 0.98], [0.7, 0.85, 0.88, 0.89]))
    assert d.label == "good fit" and d.gap == pytest.approx(0.09)


def test_steeply_falling_training_loss_means_train_longer():
    assert diagnose(h([1.0, 0.8, 0.6], [1.0, 0.85, 0.7])).label == "still learning"


def test_levelled_off_below_target_is_underfitting():
    d = diagnose(h([0.9, 0.8, 0.795], [0.9, 0.82, 0.81], [0.7, 0.74, 0.75], [0.7, 0.73, 0.74]), target=0.95)
    assert d.label == "underfitting" and "0.750" in d.reason


@pytest.mark.parametrize("history, error, match", [
    ([1, 2], TypeError, "History"),
    ({"loss": [1, 2]}, ValueError, "val_loss"),
    ({"loss": [1], "val_loss": [1]}, ValueError, "two epochs"),
    ({"loss": [1, float("nan")], "val_loss": [1, 1]}, ValueError, "diverged"),
])
def test_bad_histories_are_named(history, error, match):
    with pytest.raises(error, match=match):
        diagnose(history)


def test_bad_thresholds_are_named():
    with pytest.raises(ValueError, match="target"):
        diagnose(h([1, 0.9], [1, 0.9]), target=2)
