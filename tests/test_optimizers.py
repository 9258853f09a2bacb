"""helpers.optimizers: the six optimizers against Keras, schedules, race, digits loop, figures, checkers."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import optimizers as opt

VALLEY = opt.SURFACES["valley"]
ROSEN = opt.SURFACES["rosenbrock"]


@pytest.mark.parametrize("name", opt.OPTIMIZERS)
def test_each_optimizer_matches_keras_step_by_step(name):
    ours = opt.numpy_trajectory(opt.make_optimizer(name, 0.001), ROSEN.start, ROSEN.grad, 15)
    theirs = opt.keras_trajectory(opt.make_keras_optimizer(name, 0.001), ROSEN.start, ROSEN.grad, 15)
    assert ours.shape == (16, 2)
    np.testing.assert_allclose(ours, theirs, atol=1e-6)


def test_step_interface_and_state():
    adam = opt.Adam(0.1)
    w, b = np.ones((2, 2)), np.zeros(2)
    new = adam.step([w, b], [np.ones((2, 2)), np.ones(2)])
    assert len(new) == 2 and new[0].shape == (2, 2) and adam.iterations == 1
    assert np.array_equal(w, np.ones((2, 2)))                     # inputs untouched
    np.testing.assert_allclose(new[1], -0.1, rtol=1e-5)           # Adam's first step is about lr
    assert set(adam.state[0]) == {"m", "v"}
    assert opt.SGD(0.5).step([np.array([1.0])], [np.array([2.0])])[0][0] == 0.0
    assert repr(opt.RMSprop(0.01)) == "RMSprop(learning_rate=0.01)"
    with pytest.raises(NotImplementedError):
        opt.Optimizer(0.1).step([np.zeros(1)], [np.zeros(1)])


def test_bad_input_is_rejected_with_the_argument_name():
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        opt.SGD(0.0)
    with pytest.raises(TypeError, match="learning_rate must be a number"):
        opt.Adam("fast")
    with pytest.raises(ValueError, match="momentum must be <= 1"):
        opt.SGD(0.1, momentum=2.0)
    with pytest.raises(TypeError, match="nesterov must be True or False"):
        opt.SGD(0.1, momentum=0.9, nesterov=1)
    with pytest.raises(ValueError, match="rho must be <= 1"):
        opt.RMSprop(rho=1.5)
    with pytest.raises(ValueError, match="beta_1 must be >= 0"):
        opt.Adam(beta_1=-0.1)
    with pytest.raises(ValueError, match="initial_accumulator_value must be >= 0"):
        opt.Adagrad(initial_accumulator_value=-1)
    sgd = opt.SGD(0.1)
    with pytest.raises(TypeError, match="params and grads must be lists"):
        sgd.step(np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="params and grads must have the same length"):
        sgd.step([np.zeros(2)], [])
    with pytest.raises(ValueError, match="each gradient must have its parameter's shape"):
        sgd.step([np.zeros(2)], [np.zeros(3)])
    with pytest.raises(ValueError, match="grads contains NaN"):
        sgd.step([np.zeros(1)], [np.array([np.nan])])
    adam = opt.Adam()
    adam.step([np.zeros(1)], [np.ones(1)])
    with pytest.raises(ValueError, match="used with 1 parameters, now 2"):
        adam.step([np.zeros(1), np.zeros(1)], [np.ones(1), np.ones(1)])
    with pytest.raises(ValueError, match="unknown optimizer 'lion'"):
        opt.make_optimizer("lion", 0.1)
    with pytest.raises(ValueError, match="unknown optimizer"):
        opt.make_keras_optimizer("lion", 0.1)
    with pytest.raises(TypeError, match="optimizer must be an Optimizer"):
        opt.numpy_trajectory("sgd", [0.0], VALLEY.grad, 1)
    with pytest.raises(TypeError, match="grad_fn must be callable"):
        opt.numpy_trajectory(opt.SGD(0.1), [0.0], None, 1)
    with pytest.raises(TypeError, match="optimizer must be a keras optimizer"):
        opt.keras_trajectory(opt.SGD(0.1), [0.0], VALLEY.grad, 1)
    with pytest.raises(ValueError, match="steps must be >= 0"):
        opt.numpy_trajectory(opt.SGD(0.1), [0.0, 0.0], VALLEY.grad, -1)


def test_schedules_match_keras_and_drive_the_optimizer():
    pairs = [
        (opt.step_decay(0.1, 0.5, 10), keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)),
        (opt.exponential_decay(0.1, 0.5, 10), keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)),
        (opt.cosine_decay(0.1, 30, alpha=0.1), keras.optimizers.schedules.CosineDecay(0.1, 30, alpha=0.1)),
    ]
    for ours, theirs in pairs:
        for t in range(0, 40, 3):
            assert ours(t) == pytest.approx(float(theirs(t)), abs=1e-6)
    sgd = opt.SGD(opt.step_decay(1.0, 0.5, 1))
    assert sgd.current_learning_rate() == 1.0
    sgd.step([np.zeros(1)], [np.ones(1)])
    assert sgd.current_learning_rate() == 0.5
    ours = opt.numpy_trajectory(opt.RMSprop(opt.cosine_decay(0.01, 10)), ROSEN.start, ROSEN.grad, 10)
    theirs = opt.keras_trajectory(keras.optimizers.RMSprop(keras.optimizers.schedules.CosineDecay(0.01, 10)),
                                  ROSEN.start, ROSEN.grad, 10)
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    with pytest.raises(ValueError, match="rate must be <= 1"):
        opt.step_decay(0.1, 2.0, 10)
    with pytest.raises(ValueError, match="decay_steps must be >= 1"):
        opt.exponential_decay(0.1, 0.5, 0)
    with pytest.raises(ValueError, match="initial must be > 0"):
        opt.cosine_decay(0.0, 10)


def test_race_tracks_are_the_shared_surfaces_and_the_race_cuts_runaways():
    from helpers import surfaces

    assert list(opt.SURFACES) == ["valley", "tilted", "saddle", "rosenbrock"] == list(opt.RACE_STEPS)
    assert all(opt.SURFACES[name] is surfaces.SURFACES[name] for name in opt.SURFACES)   # defined once
    paths = opt.race("valley", {"sgd": 0.05, "adam": 0.1})
    assert set(paths) == {"sgd", "adam"} and paths["sgd"].shape == (opt.RACE_STEPS["valley"] + 1, 2)
    # plain SGD above 2/20 on the valley: cut where a coordinate passes 1,000, never an overflow
    diverged = opt.race_path("valley", "sgd", 0.2, steps=200)
    assert len(diverged) < 201 and np.abs(diverged).max() <= 1e3
    assert opt.race_score("valley", diverged) == np.inf
    # the score is the worst gap over the last tenth, not the last step
    path = opt.race_path("valley", "sgd", 0.05)
    tail = path[-6:]
    assert opt.race_score("valley", path) == pytest.approx(VALLEY.f(tail).max() - VALLEY.min_value)
    assert opt.race_score("valley", path) >= VALLEY.f(path[-1])


def test_race_score_refuses_paths_that_leave_the_picture_or_stop_early():
    path = opt.race_path("valley", "adagrad", 10.0)       # full run, but its first step jumps off the picture
    assert len(path) == opt.RACE_STEPS["valley"] + 1 and np.abs(path).max() > 3
    assert opt.race_score("valley", path) == np.inf
    assert opt.race_score("valley", path[:10]) == np.inf          # a path cut short
    with pytest.raises(ValueError, match="path must have 2 dimension"):
        opt.race_score("valley", [1.0, 2.0])
    with pytest.raises(ValueError, match="two columns"):
        opt.race_score("valley", np.zeros((61, 3)))
    with pytest.raises(ValueError, match="unknown surface"):
        opt.race_score("bowl", path)


def test_tune_race_tries_every_rate_of_the_grid_and_the_minimum_is_the_tuned_rate():
    scores = opt.tune_race("valley", "sgd")
    assert tuple(scores) == opt.RATE_GRID
    assert opt.RATE_GRID[0] == 1e-4 and opt.RATE_GRID[-1] == 10 and len(opt.RATE_GRID) == 21
    best = min(scores, key=scores.get)
    assert best < 0.1 < min(r for r in opt.RATE_GRID if scores[r] == np.inf) * 1.1   # the limit 2/20 of chapter 3
    # the rotation-free methods score the same on the valley turned by 45°
    tilted = opt.tune_race("tilted", "sgd")
    assert np.allclose([tilted[r] for r in opt.RATE_GRID if r < 0.1], [scores[r] for r in opt.RATE_GRID if r < 0.1])


def test_race_rejects_bad_input():
    with pytest.raises(ValueError, match="unknown surface"):
        opt.race("bowl", {"sgd": 0.1})
    with pytest.raises(TypeError, match="learning_rates must be a non-empty dict"):
        opt.race("valley", ["sgd"])
    with pytest.raises(ValueError, match="optimizer"):
        opt.race("valley", {"lion": 0.1})
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        opt.race_path("valley", "sgd", 0.0)
    with pytest.raises(ValueError, match="steps must be >= 1"):
        opt.race_path("valley", "sgd", 0.1, steps=0)
    with pytest.raises(ValueError, match="unknown surface"):
        opt.tune_race("bowl", "sgd")


def test_figures_have_titles_and_labels():
    paths = opt.race("saddle", {"adam": 0.1})
    from helpers import experiments

    runs = [experiments.run(lambda seed, k=k: {"val_accuracy": 0.8 + 0.01 * k + 0.001 * seed}, range(5), name=n)
            for k, n in enumerate(["sgd", "adam"])]
    comparison = experiments.compare(runs[0], runs[1], "val_accuracy")
    figs = [opt.plot_race("saddle", paths), opt.plot_races({"saddle": paths, "valley": paths}),
            opt.plot_tuned_race(runs, [comparison]), opt.plot_schedules({"cos": opt.cosine_decay(0.1, 10)}, 10)]
    for fig in figs:
        assert isinstance(fig, plt.Figure)
        for ax in fig.axes:
            assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(TypeError, match="paths must be a non-empty dict"):
        opt.plot_race("valley", {})
    with pytest.raises(TypeError, match="results must be a non-empty dict"):
        opt.plot_races({})
    with pytest.raises(TypeError, match="runs must be a non-empty list of Runs"):
        opt.plot_tuned_race([], [comparison])
    with pytest.raises(TypeError, match="comparisons must be a non-empty list"):
        opt.plot_tuned_race(runs, ["sgd beats adam"])
    with pytest.raises(TypeError, match="schedules must be a non-empty dict"):
        opt.plot_schedules({}, 10)


TUNED = {surface: {name: 0.01 for name in opt.OPTIMIZERS} for surface in opt.SURFACES}


def test_race_explorer_table_matches_the_race():
    explorer = opt.race_explorer(TUNED)
    assert explorer.png.startswith(b"\x89PNG")
    assert len(explorer.settings()) == len(opt.SURFACES) * len(opt.OPTIMIZERS) * len(opt.EXPLORER_FACTORS)
    frame = explorer.frame(surface="valley", optimizer="adam", factor=3.0)
    assert np.allclose(frame["learning_rate"], 0.03)
    path = opt.race_path("valley", "adam", 0.03)
    assert list(frame["step"]) == list(range(len(path)))              # a 60-step race keeps every step
    np.testing.assert_allclose(frame[["x", "y"]].iloc[-1], path[-1], atol=1e-4)
    np.testing.assert_allclose(frame["gap"].iloc[-1], VALLEY.f(path[-1]) - VALLEY.min_value, rtol=1e-2)
    long = explorer.frame(surface="rosenbrock", optimizer="adam", factor=1.0)
    assert len(long) == 61 and long["step"].iloc[-1] == opt.RACE_STEPS["rosenbrock"]
    fig = opt.plot_race_table(frame, "valley", "adam", 3.0)
    assert "adam at 3 × its tuned rate" in fig.get_suptitle()
    assert fig.axes[0].get_title() == VALLEY.title


def test_race_explorer_rejects_bad_input():
    with pytest.raises(ValueError, match="surface"):
        opt.race_table("bowl", "sgd", 1.0, TUNED)
    with pytest.raises(ValueError, match="optimizer"):
        opt.race_table("valley", "lion", 1.0, TUNED)
    with pytest.raises(ValueError, match="factor must be > 0"):
        opt.race_table("valley", "sgd", -1.0, TUNED)
    with pytest.raises(ValueError, match="points must be >= 2"):
        opt.race_table("valley", "sgd", 1.0, TUNED, points=1)
    with pytest.raises(TypeError, match="with a rate for valley/sgd"):
        opt.race_table("valley", "sgd", 1.0, {"valley": {}})
    with pytest.raises(TypeError, match="tuned must be a dict"):
        opt.race_explorer({"valley": {}})
    with pytest.raises(TypeError, match="frame must be a table from race_table"):
        opt.plot_race_table(__import__("pandas").DataFrame({"x": [1.0]}), "valley", "sgd", 1.0)
    with pytest.raises(TypeError, match="base must be an altair Chart"):
        opt.race_chart(42)


def test_checkers():
    assert opt.check_optimizer(opt.Adam(0.01), keras.optimizers.Adam(0.01), steps=5)
    wrong = opt.check_optimizer(opt.SGD(0.02), keras.optimizers.SGD(0.01), steps=5)
    assert not wrong and "step 1" in str(wrong)
    assert not opt.check_optimizer("adam", keras.optimizers.Adam(0.01))

    class Empty(opt.Optimizer):
        pass

    assert "update" in str(opt.check_optimizer(Empty(0.1), keras.optimizers.SGD(0.1)))
    assert opt.check_stable_learning_rate(0.5, curvature=4)
    half = opt.check_stable_learning_rate(0.25, curvature=4)
    assert not half and "2/a" in str(half)
    # with momentum the limit is 2(1 + β)/a; answering plain gradient descent's 2/a gets a hint
    assert opt.check_stable_learning_rate(0.19, curvature=20, momentum=0.9)
    plain = opt.check_stable_learning_rate(0.1, curvature=20, momentum=0.9)
    assert not plain and "plain gradient descent" in str(plain)
    with pytest.raises(ValueError, match="curvature must be > 0"):
        opt.check_stable_learning_rate(0.5, curvature=0)
    with pytest.raises(ValueError, match="momentum must be below 1"):
        opt.check_stable_learning_rate(0.5, curvature=4, momentum=1.0)
    with pytest.raises(ValueError, match="momentum must be >= 0"):
        opt.check_stable_learning_rate(0.5, curvature=4, momentum=-0.5)


def test_degenerate_hyperparameters_are_rejected():
    """Issue 21: settings that would divide by zero, give NaN or climb the loss are refused up front."""
    with pytest.raises(ValueError, match="beta_1 must be < 1"):
        opt.Adam(beta_1=1.0)
    with pytest.raises(ValueError, match="beta_2 must be < 1"):
        opt.Adam(beta_2=1.0)
    with pytest.raises(ValueError, match="rho must be < 1"):
        opt.RMSprop(rho=1.0)
    for cls in (opt.RMSprop, opt.Adam, opt.Adagrad):
        with pytest.raises(ValueError, match="epsilon must be > 0"):
            cls(epsilon=0.0)
    # a zero gradient with the smallest allowed settings stays finite
    (w,) = opt.RMSprop(0.1, epsilon=1e-12).step([np.ones(2)], [np.zeros(2)])
    assert np.all(np.isfinite(w))
    sgd = opt.SGD(lambda t: -1.0)
    with pytest.raises(ValueError, match="schedule returned -1.0 at step 0"):
        sgd.step([np.ones(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="schedule returned"):
        opt.SGD(lambda t: float("nan")).step([np.ones(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="schedule returned"):
        opt.SGD(lambda t: "0.1").step([np.ones(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        opt.make_keras_optimizer("sgd", -0.1)
    with pytest.raises(TypeError, match="learning_rate must be a number"):
        opt.make_keras_optimizer("adam", None)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    assert isinstance(opt.make_keras_optimizer("sgd", schedule), keras.optimizers.SGD)


def test_bad_input_to_every_public_helper_is_rejected():
    with pytest.raises(ValueError, match="initial must be > 0"):
        opt.step_decay(-0.1, 0.5, 10)
    with pytest.raises(ValueError, match="rate must be <= 1"):
        opt.exponential_decay(0.1, 2.0, 10)
    with pytest.raises(ValueError, match="decay_steps must be >= 1"):
        opt.cosine_decay(0.1, 0)
    with pytest.raises(TypeError, match="paths must be a non-empty dict"):
        opt.plot_race("valley", None)
    with pytest.raises(TypeError, match="results must be a non-empty dict"):
        opt.plot_races([])
    with pytest.raises(TypeError, match="runs must be a non-empty list of Runs"):
        opt.plot_tuned_race(None, None)
    with pytest.raises(TypeError, match="schedules must be a non-empty dict"):
        opt.plot_schedules(None, 10)
    with pytest.raises(TypeError, match="tuned must be a dict"):
        opt.race_explorer("valley")
    assert not opt.check_optimizer("adam", keras.optimizers.Adam(0.01))
    assert not opt.check_stable_learning_rate("half", curvature=4)
    assert not opt.check_stable_learning_rate(np.nan, curvature=4)


def test_warmup_cosine_matches_keras_and_rejects_bad_settings():
    ours = opt.warmup_cosine(0.03, 12, 108)
    theirs = keras.optimizers.schedules.CosineDecay(0.0, 108, warmup_target=0.03, warmup_steps=12)
    for t in range(0, 130, 1):
        assert ours(t) == pytest.approx(float(theirs(t)), abs=1e-7)
    assert ours(0) == 0.0 and ours(12) == pytest.approx(0.03) and ours(120) == pytest.approx(0.0, abs=1e-12)
    assert max(ours(t) for t in range(130)) == pytest.approx(0.03)     # the peak is reached, never passed
    with pytest.raises(ValueError, match="peak must be > 0"):
        opt.warmup_cosine(0.0, 10, 10)
    with pytest.raises(ValueError, match="warmup_steps must be >= 1"):
        opt.warmup_cosine(0.1, 0, 10)
    with pytest.raises(ValueError, match="decay_steps must be >= 1"):
        opt.warmup_cosine(0.1, 5, 0)


def test_clip_by_global_norm_matches_keras_global_clipnorm_and_rejects_bad_input():
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 4)), rng.normal(size=(4,))]
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    for c in (0.5, 2.0, 100.0):
        ours = opt.clip_by_global_norm(grads, c)
        variables = [keras.Variable(np.zeros_like(g), dtype="float32") for g in grads]
        keras.optimizers.SGD(1.0, global_clipnorm=c).apply(
            [keras.ops.convert_to_tensor(g, "float32") for g in grads], variables)
        for o, v in zip(ours, variables):           # SGD with rate 1 from 0: the variable is minus the step
            np.testing.assert_allclose(o, -v.numpy(), atol=1e-6)
        new_norm = np.sqrt(sum(np.sum(g ** 2) for g in ours))
        assert new_norm == pytest.approx(min(c, norm))
        for o, g in zip(ours, grads):               # one common scale: the direction is kept
            np.testing.assert_allclose(o, g * min(1.0, c / norm))
    zero = opt.clip_by_global_norm([np.zeros(3)], 1.0)
    np.testing.assert_array_equal(zero[0], np.zeros(3))
    with pytest.raises(TypeError, match="grads must be a non-empty list"):
        opt.clip_by_global_norm(np.ones(3), 1.0)
    with pytest.raises(TypeError, match="grads must be a non-empty list"):
        opt.clip_by_global_norm([], 1.0)
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        opt.clip_by_global_norm(grads, 0.0)
    with pytest.raises(ValueError, match=r"grads\[1\]"):
        opt.clip_by_global_norm([np.ones(2), np.array([np.nan])], 1.0)


def test_plot_clipping_draws_one_line_per_seed_and_rejects_bad_input():
    histories = {"no clipping": [{"val_accuracy": [0.5, 0.6]}, {"val_accuracy": [0.4, 0.1]}],
                 "clipped": [{"val_accuracy": [0.8, 0.9]}]}
    fig = opt.plot_clipping(histories, title="t")
    assert [len(ax.lines) for ax in fig.axes] == [2, 1]
    assert [ax.get_title() for ax in fig.axes] == ["no clipping", "clipped"]
    np.testing.assert_allclose(fig.axes[0].lines[1].get_ydata(), [0.4, 0.1])
    plt.close(fig)
    with pytest.raises(TypeError, match="histories must be a non-empty dict"):
        opt.plot_clipping([])
    with pytest.raises(TypeError, match=r"histories\['a'\] must be a non-empty list"):
        opt.plot_clipping({"a": []})
    with pytest.raises(ValueError, match="has no 'val_accuracy'"):
        opt.plot_clipping({"a": [{"loss": [1.0]}]})
