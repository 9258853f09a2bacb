"""helpers.security: FGSM, noise control, curves, figure, adversarial training, membership attack."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import security as sec
from helpers.data import load_data
from helpers.data import to_inputs


@pytest.fixture(scope="module")
def setup():
    (x, y), (xt, yt) = load_data(source="sample", verbose=False)
    x, xt = to_inputs(x[:300]), to_inputs(xt[:50])
    model = sec.train_model(x, y[:300], hidden_units=16, epochs=2)
    return model, x, y[:300], xt, yt[:50]


def test_train_model_validates():
    with pytest.raises(ValueError, match="x must hold pixel values"):
        sec.train_model(np.full((4, 784), 2.0), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="epochs"):
        sec.train_model(np.zeros((4, 784)), np.zeros(4, dtype=int), epochs=0)
    with pytest.raises(ValueError, match="batch_size"):
        sec.train_model(np.zeros((4, 784)), np.zeros(4, dtype=int), batch_size=0)


def test_train_model_trains_on_every_example(setup):
    # the membership attack calls x[:500] "members": the last examples must be trained on too
    _, x, y, _, _ = setup
    model = sec.train_model(x[:40], y[:40], hidden_units=64, epochs=150, seed=0)
    assert sec.accuracy(model, x[36:40], y[36:40]) == 1.0   # validation_split=0.1 would never show it these


def test_input_gradient_and_fgsm(setup):
    model, _, _, xt, yt = setup
    g = sec.input_gradient(model, xt, yt)
    assert g.shape == xt.shape and np.any(g != 0)
    adv = sec.fgsm(model, xt, yt, 0.1)
    assert adv.dtype == np.float32 and adv.min() >= 0 and adv.max() <= 1
    assert np.abs(adv - xt).max() <= 0.1 + 1e-6
    assert np.array_equal(sec.fgsm(model, xt, yt, 0.0), xt)
    loss = lambda a: sec.per_example_loss(model, a, yt).mean()
    assert loss(adv) > loss(xt)                                     # the attack raises the loss
    with pytest.raises(ValueError, match="epsilon"):
        sec.fgsm(model, xt, yt, 1.5)
    with pytest.raises(TypeError, match="model"):
        sec.input_gradient("model", xt, yt)


def test_random_sign_noise():
    x = np.full((2, 4), 0.5, dtype=np.float32)
    n = sec.random_sign_noise(x, 0.1, seed=0)
    assert np.allclose(np.abs(n - x), 0.1) and np.array_equal(n, sec.random_sign_noise(x, 0.1, seed=0))
    with pytest.raises(ValueError, match="epsilon"):
        sec.random_sign_noise(x, -0.1)


def test_accuracy_under_attack_and_plot(setup):
    model, _, _, xt, yt = setup
    acc = sec.accuracy_under_attack(model, xt, yt, [0.0, 0.2])
    assert acc[0] == sec.accuracy(model, xt, yt) and acc[1] <= acc[0]
    fig = sec.plot_accuracy_vs_epsilon([0.0, 0.2], {"m": acc})
    assert "ε" in fig.axes[0].get_xlabel()
    with pytest.raises(TypeError, match="epsilons"):
        sec.accuracy_under_attack(model, xt, yt, [])
    with pytest.raises(ValueError, match="curves"):
        sec.plot_accuracy_vs_epsilon([0.0, 0.2], {"m": [1.0]})
    with pytest.raises(TypeError, match="curves"):
        sec.plot_accuracy_vs_epsilon([0.0], {})


def test_adversarial_figure_and_explorer(setup):
    model, _, _, xt, yt = setup
    fig = sec.adversarial_figure(model, xt, yt, 0.1, n=4)
    assert len(fig.axes) == 12 and "ε = 0.10" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="n"):
        sec.adversarial_figure(model, xt, yt, 0.1, n=0)
    explorer = sec.epsilon_explorer(model, xt, yt)
    assert explorer.default() == {"epsilon": 0.1, "perturbation": "FGSM"} and explorer.png
    fgsm_frame = explorer.frame(epsilon=0.1, perturbation="FGSM")
    assert len(fgsm_frame) == 10 and np.isclose(fgsm_frame["overall"].iloc[0],
                                                  sec.accuracy(model, sec.fgsm(model, xt, yt, 0.1), yt))
    assert explorer.frame(epsilon=0.0, perturbation="random ±ε")["overall"].iloc[0] == sec.accuracy(model, xt, yt)
    assert "vega" in explorer.html() or "explorer" in explorer.html()


def test_pgd_stays_in_the_box_and_is_at_least_as_strong(setup):
    model, _, _, xt, yt = setup
    adv = sec.pgd(model, xt, yt, 0.1, steps=5)
    assert adv.min() >= 0 and adv.max() <= 1 and np.abs(adv - xt).max() <= 0.1 + 1e-6
    assert np.array_equal(sec.pgd(model, xt, yt, 0.0), xt)
    loss = lambda a: sec.per_example_loss(model, a, yt).mean()
    assert loss(adv) >= loss(sec.fgsm(model, xt, yt, 0.1)) - 1e-3
    pgd_acc = sec.accuracy_under_attack(model, xt, yt, [0.0, 0.1], attack="pgd")
    assert pgd_acc[1] <= pgd_acc[0]
    with pytest.raises(ValueError, match="steps"):
        sec.pgd(model, xt, yt, 0.1, steps=0)
    with pytest.raises(ValueError, match="attack"):
        sec.accuracy_under_attack(model, xt, yt, [0.1], attack="cw")


def test_adversarial_training_and_its_control(setup):
    _, x, y, xt, yt = setup
    robust = sec.adversarial_training(x[:100], y[:100], epsilon=0.1, epochs=1, hidden_units=8)
    control = sec.adversarial_training(x[:100], y[:100], epsilon=0.0, epochs=1, hidden_units=8)
    assert 0.0 <= sec.accuracy(robust, xt, yt) <= 1.0
    assert not np.allclose(robust.get_weights()[0], control.get_weights()[0])
    same = sec.adversarial_training(x[:100], y[:100], epsilon=0.0, epochs=1, hidden_units=8)
    assert np.allclose(same.get_weights()[0], control.get_weights()[0], atol=1e-5)   # seeded
    with pytest.raises(ValueError, match="epsilon"):
        sec.adversarial_training(x, y, epsilon=2.0)
    with pytest.raises(ValueError, match="batch_size"):
        sec.adversarial_training(x, y, batch_size=0)


def test_trigger_poison_and_success_rate(setup):
    model, x, y, xt, yt = setup
    stamped = sec.add_trigger(xt)
    assert np.all(stamped.reshape(-1, 28, 28)[:, 22:26, 22:26] == 1.0)
    assert np.array_equal(stamped.reshape(-1, 28, 28)[:, :20], xt.reshape(-1, 28, 28)[:, :20])
    xp, yp = sec.poison(x, y, fraction=0.1, target=3, seed=0)
    changed = np.any(xp != x, axis=1) | (yp != y)
    assert changed.sum() <= 30 and np.all(yp[np.any(xp != x, axis=1)] == 3)
    rate = sec.attack_success_rate(model, xt, yt, target=3)
    assert 0.0 <= rate <= 1.0
    with pytest.raises(ValueError, match="784"):
        sec.add_trigger(np.zeros((2, 100)))
    with pytest.raises(ValueError, match="target"):
        sec.poison(x, y, target=10)
    with pytest.raises(ValueError, match="fraction"):
        sec.poison(x, y, fraction=1.5)
    with pytest.raises(ValueError, match="other than the target"):
        sec.attack_success_rate(model, xt[:2], np.array([3, 3]), target=3)


def test_membership_thresholds_and_tpr():
    t = sec.loss_threshold_at_fpr(np.linspace(0, 1, 101), 0.05)
    assert np.isclose(t, 0.05)
    r = sec.membership_tpr(t, [0.01, 0.02, 0.5, 0.9], np.linspace(0, 1, 101))
    assert r.tpr == 0.5 and np.isclose(r.fpr, 6 / 101) and r.tpr_se > 0 and "TPR" in str(r)
    assert sec.best_threshold([0.1, 0.2], [1.0, 2.0]) == 0.2
    with pytest.raises(ValueError, match="fpr"):
        sec.loss_threshold_at_fpr([0.1], 0.0)
    with pytest.raises(ValueError, match="empty"):
        sec.membership_tpr(0.1, [], [0.1])
    with pytest.raises(ValueError, match="empty"):
        sec.best_threshold([], [0.1])


def test_per_example_loss(setup):
    model, _, _, xt, yt = setup
    loss = sec.per_example_loss(model, xt, yt)
    assert loss.shape == (len(xt),) and np.all(loss >= 0)


def test_check_fgsm(setup):
    model, _, _, xt, yt = setup
    good = sec.fgsm(model, xt, yt, 0.1)
    assert sec.check_fgsm(good, model, xt, yt, 0.1)
    down = np.clip(xt - 0.1 * np.sign(sec.input_gradient(model, xt, yt)), 0, 1)
    assert "ADDS" in str(sec.check_fgsm(down, model, xt, yt, 0.1))
    unclipped = xt + 0.1 * np.sign(sec.input_gradient(model, xt, yt))
    assert "clip" in str(sec.check_fgsm(unclipped, model, xt, yt, 0.1))


def test_check_transfer(setup):
    model, x, y, xt, yt = setup
    other = sec.train_model(x, y, hidden_units=8, epochs=1, seed=1)
    good = sec.accuracy(other, sec.fgsm(model, xt, yt, 0.1), yt)
    assert sec.check_transfer(good, other, model, xt, yt, 0.1)
    white_box = sec.accuracy(other, sec.fgsm(other, xt, yt, 0.1), yt)
    fb = sec.check_transfer(white_box, other, model, xt, yt, 0.1)
    if not np.isclose(white_box, good):
        assert not fb and "white-box" in str(fb)
    clean = sec.accuracy(other, xt, yt)
    fb = sec.check_transfer(clean, other, model, xt, yt, 0.1)
    assert not fb and "clean" in str(fb)
    fb = sec.check_transfer(good * 100, other, model, xt, yt, 0.1)
    assert not fb and "fraction" in str(fb)
    assert not sec.check_transfer("0.5", other, model, xt, yt, 0.1)
    with pytest.raises(TypeError, match="model"):
        sec.check_transfer(0.5, "robust", model, xt, yt, 0.1)


def test_threshold_attack_and_its_checker():
    members = np.array([0.01, 0.02, 0.5, 0.03])
    outsiders = np.array([0.4, 0.02, 0.9, 1.2])
    # members caught: 3 of 4 (loss <= 0.1); outsiders let go: 3 of 4
    assert sec.threshold_attack_accuracy(members, outsiders, 0.1) == pytest.approx(0.75)
    assert sec.check_attack_accuracy(0.75, members, outsiders, 0.1)
    fb = sec.check_attack_accuracy(0.25, members, outsiders, 0.1)
    assert not fb and "reversed" in str(fb)
    members2 = np.array([0.01, 0.02, 0.03, 0.04])                          # all caught: 1.0, outsiders 0.75
    fb = sec.check_attack_accuracy(1.0, members2, outsiders, 0.1)
    assert not fb and "only the members caught" in str(fb) and "off by" in str(fb)
    fb = sec.check_attack_accuracy(0.75, members2, outsiders, 0.1)
    assert not fb and "only the non-members" in str(fb)
    assert not sec.check_attack_accuracy("0.75", members, outsiders, 0.1)
    # the best threshold scores at least as well as any other
    best = sec.best_threshold(members, outsiders)
    assert sec.threshold_attack_accuracy(members, outsiders, best) >= sec.threshold_attack_accuracy(members, outsiders, 0.1)
    with pytest.raises(ValueError, match="must not be empty"):
        sec.threshold_attack_accuracy([], outsiders, 0.1)


def test_public_helpers_reject_bad_input(setup):
    model, x, y, xt, yt = setup
    with pytest.raises(ValueError, match="hidden_units"):
        sec.build_model(0)
    with pytest.raises(ValueError, match="epochs"):
        sec.train_model(x, y, epochs=0)
    with pytest.raises(TypeError, match="model"):
        sec.predict("model", xt)
    with pytest.raises(ValueError, match="x must hold pixel values"):
        sec.accuracy(model, xt * 255, yt)
    with pytest.raises(TypeError, match="model"):
        sec.input_gradient(None, xt, yt)
    with pytest.raises(ValueError, match="epsilon"):
        sec.fgsm(model, xt, yt, -0.1)
    with pytest.raises(ValueError, match="step_size"):
        sec.pgd(model, xt, yt, 0.1, step_size=0)
    with pytest.raises(ValueError, match="epsilon"):
        sec.random_sign_noise(xt, 2.0)
    with pytest.raises(ValueError, match="epsilon"):
        sec.accuracy_under_attack(model, xt, yt, [0.1, 5.0])
    with pytest.raises(ValueError, match="curves"):
        sec.plot_accuracy_vs_epsilon([0.0, 0.1], {"m": [1.0, 0.5, 0.2]})
    with pytest.raises(ValueError, match="epsilon"):
        sec.adversarial_figure(model, xt, yt, 3.0)
    with pytest.raises(ValueError, match="x must hold pixel values"):
        sec.epsilon_explorer(model, xt * 255, yt)
    with pytest.raises(ValueError, match="epochs"):
        sec.adversarial_training(x, y, epochs=0)
    with pytest.raises(ValueError, match="784"):
        sec.add_trigger(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="fraction"):
        sec.poison(x, y, fraction=-0.1)
    with pytest.raises(ValueError, match="target"):
        sec.attack_success_rate(model, xt, yt, target=-1)
    with pytest.raises(ValueError, match="x must hold pixel values"):
        sec.per_example_loss(model, xt - 1, yt)
    with pytest.raises(ValueError, match="fpr"):
        sec.loss_threshold_at_fpr([0.1, 0.2], 2.0)
    with pytest.raises(ValueError, match="empty"):
        sec.best_threshold([0.1], [])
    with pytest.raises(ValueError, match="empty"):
        sec.membership_tpr(0.1, [0.1], [])
    with pytest.raises(ValueError, match="epsilon"):
        sec.check_fgsm(xt, model, xt, yt, 7.0)
    with pytest.raises(ValueError, match="epsilon"):
        sec.check_transfer(0.5, model, model, xt, yt, 7.0)
    with pytest.raises(ValueError, match="empty"):
        sec.threshold_attack_accuracy([], [0.1], 0.1)
    assert not sec.check_attack_accuracy("garbage", [0.1], [0.2], 0.15)
