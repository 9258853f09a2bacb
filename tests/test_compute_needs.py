"""helpers.compute_needs: counting parameters and FLOPs, timing, extrapolation, figure, checker."""

import keras
import numpy as np
import pytest

from helpers import compute_needs as ch
from helpers import experiments
from helpers.models import build_mlp


def test_dense_flops_rejects_bad_input():
    assert ch.dense_flops([784, 512, 10]) == 813_056
    assert ch.dense_flops((3, 2)) == 12
    with pytest.raises(ValueError, match="at least an input and an output"):
        ch.dense_flops([5])
    with pytest.raises(TypeError, match="layer_sizes must be a list"):
        ch.dense_flops("784,10")
    with pytest.raises(ValueError, match="layer size must be >= 1"):
        ch.dense_flops([784, 0, 10])


def test_conv_counts_rejects_bad_input():
    assert ch.conv2d_params(3, 1, 32) == 320
    assert ch.conv2d_flops(26, 26, 3, 1, 32) == 2 * 26 * 26 * 9 * 32
    with pytest.raises(ValueError, match="kernel must be >= 1"):
        ch.conv2d_params(0, 1, 1)
    with pytest.raises(TypeError, match="h_out must be an integer"):
        ch.conv2d_flops(2.5, 2, 3, 1, 1)


def test_model_cost_matches_keras():
    mlp = build_mlp((32,))
    cost = ch.model_cost(mlp)
    assert cost.params == mlp.count_params() and cost.forward_flops == ch.dense_flops([784, 32, 10])
    cnn = keras.Sequential([keras.Input((12, 12, 1)), keras.layers.Conv2D(4, 3, padding="same"),
                            keras.layers.MaxPooling2D(), keras.layers.Conv2D(8, 3, strides=2),
                            keras.layers.Flatten(), keras.layers.Dense(3)])
    cost = ch.model_cost(cnn)
    assert cost.params == cnn.count_params()
    assert cost.forward_flops == (ch.conv2d_flops(12, 12, 3, 1, 4) + ch.conv2d_flops(2, 2, 3, 4, 8)
                                  + ch.dense_flops([32, 3]))
    text = cost.table()
    assert "total" in text and f"{cost.params:,}" in text


def test_model_cost_rejects_unknown_layers():
    bn = keras.Sequential([keras.Input((4,)), keras.layers.BatchNormalization(), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="does not handle"):
        ch.model_cost(bn)
    with pytest.raises(TypeError, match="model must be a Keras model"):
        ch.model_cost("model")


def test_training_flops_and_estimate_rejects_bad_input():
    assert ch.training_flops(10, 100, 2) == 3 * 10 * 100 * 2
    assert ch.estimate_seconds(1e12, 1e9) == pytest.approx(1000)
    with pytest.raises(ValueError, match="flops_per_second must be > 0"):
        ch.estimate_seconds(1.0, 0.0)
    with pytest.raises(ValueError, match="examples must be >= 0"):
        ch.training_flops(1.0, -1)


@pytest.mark.parametrize("seconds, text", [
    (0.5, "0.5 seconds"), (90, "1.5 minutes"), (3 * 3600, "3 hours"), (5 * 86400, "5 days"),
    (365.25 * 86400 * 250, "250 years"), (365.25 * 86400 * 2e7, "2e+07 years"),
])
def test_format_duration(seconds, text):
    assert ch.format_duration(seconds) == text


def test_format_duration_rejects_negative():
    with pytest.raises(ValueError, match="seconds must be >= 0"):
        ch.format_duration(-1)


def test_time_epoch_returns_positive_seconds_rejects_bad_input():
    x = np.random.default_rng(0).random((64, 784)).astype("float32")
    y = np.arange(64) % 10
    t = ch.time_epoch(lambda: build_mlp((8,)), x, y, batch_size=32, repeats=1)
    assert 0 < t < 60
    with pytest.raises(TypeError, match="build must be a function"):
        ch.time_epoch(build_mlp((8,)), x, y)
    with pytest.raises(ValueError, match="x and y"):
        ch.time_epoch(lambda: build_mlp((8,)), x, y[:10])
    with pytest.raises(ValueError, match="repeats must be >= 1"):
        ch.time_epoch(lambda: build_mlp((8,)), x, y, repeats=0)


def test_time_epoch_warms_up_on_two_batches_and_traces_once_rejects_bad_input():
    x = np.random.default_rng(0).random((70, 784)).astype("float32")
    y = np.arange(70) % 10
    models, seen, traced = [], [], []

    def build():
        model = build_mlp((8,))
        fit, train_step = model.fit, model.train_step
        traces = [0]

        def counted_step(data):              # Python code that runs only while TensorFlow traces it
            traces[0] += 1
            return train_step(data)

        def counted_fit(xs, ys, **kw):       # what each fit trained on, and the traces made so far
            history = fit(xs, ys, **kw)
            seen.append((len(xs), kw["batch_size"]))
            traced.append(traces[0])
            return history

        model.train_step, model.fit = counted_step, counted_fit
        models.append(model)
        return model

    assert isinstance(ch.time_epoch(build, x, y, batch_size=32, repeats=2), float)
    assert seen == [(33, 32), (70, 32), (70, 32)]      # a short warm-up (a batch and one example), then epochs
    assert traced[0] > 0 and traced == [traced[0]] * 3     # the timed epochs (last batch of 6) trace nothing
    seen.clear()
    traced.clear()
    times = ch.time_epoch(build, x, y, batch_size=[35, 7, 100], repeats=1)
    assert len(models) == 2 and len(times) == 3 and all(t > 0 for t in times)   # one model for the list
    assert seen == [(36, 35), (70, 35), (8, 7), (70, 7), (70, 100), (70, 100)]
    assert traced[0] > 0 and traced == [traced[0]] * 6     # full epochs of 35, 7 and 100 share one trace
    with pytest.raises(ValueError, match="non-empty list"):
        ch.time_epoch(build, x, y, batch_size=[])
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        ch.time_epoch(build, x, y, batch_size=[16, 0])


def test_plot_timings_rejects_bad_input():
    fig = ch.plot_timings([32, 256], [0.1, 0.3], xlabel="units", title="T", flops=[1e9, 8e9])
    ax = fig.axes[0]
    assert ax.get_title() == "T" and ax.get_xlabel() == "units" and "multiple" in ax.get_ylabel()
    assert len(fig.axes) == 1                                   # one axis: the two growths compare directly
    time_line, flops_line = ax.get_lines()
    assert list(time_line.get_ydata()) == pytest.approx([1.0, 3.0]) and list(flops_line.get_ydata()) == pytest.approx([1.0, 8.0])
    alone = ch.plot_timings([1, 2], [0.1, 0.2], xlabel="b", title="t")
    assert len(alone.axes) == 1 and "seconds" in alone.axes[0].get_ylabel()
    with pytest.raises(ValueError, match="flops"):
        ch.plot_timings([1, 2], [0.1, 0.2], xlabel="b", title="t", flops=[0, 1e9])
    with pytest.raises(ValueError, match="positive"):
        ch.plot_timings([0, 2], [0.1, 0.2], xlabel="b", title="t")
    with pytest.raises(ValueError, match="same length"):
        ch.plot_timings([1, 2], [0.1], xlabel="b", title="t")


def test_check_dense_flops_rejects_bad_input():
    assert ch.check_dense_flops(813_056, [784, 512, 10])
    macs = ch.check_dense_flops(406_528, [784, 512, 10])
    assert not macs and "multiply-adds" in str(macs)
    params = ch.check_dense_flops(407_050, [784, 512, 10])
    assert not params and "parameter count" in str(params)


def test_conv_and_time_checkers_accept_reference_and_reject_typical_mistakes():
    shape = dict(h_out=11, w_out=11, kernel=3, c_in=32, c_out=64)
    assert ch.check_conv_cost(18_496, 4_460_544, **shape)
    no_bias = ch.check_conv_cost(18_432, 4_460_544, **shape)
    assert not no_bias and "biases" in str(no_bias)
    assert "every output position" in str(ch.check_conv_cost(18_496, 2 * 18_432, **shape))
    assert "OUTPUT size" in str(ch.check_conv_cost(18_496, 2 * 13 * 13 * 18_432, **shape))
    assert "multiply-adds" in str(ch.check_conv_cost(18_496, 4_460_544 // 2, **shape))
    rate = 1e10
    right = 3 * ch.dense_flops([784, 512, 10]) * 4000 / rate
    assert ch.check_time_prediction(right, layer_sizes=[784, 512, 10], examples=4000, rate=rate)
    forward_only = ch.check_time_prediction(right / 3, layer_sizes=[784, 512, 10], examples=4000, rate=rate)
    assert not forward_only and "forward pass only" in str(forward_only)
    assert "ONE example" in str(ch.check_time_prediction(right / 4000, layer_sizes=[784, 512, 10], examples=4000,
                                                         rate=rate))


def test_dense_params_rejects_bad_input():
    assert ch.dense_params([784, 512, 10]) == 407_050
    assert ch.dense_params([784, 32, 10]) == build_mlp((32,)).count_params()
    with pytest.raises(ValueError, match="at least an input"):
        ch.dense_params([3])
    with pytest.raises(TypeError, match="layer_sizes"):
        ch.dense_params(None)


def _toy(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = rng.normal(size=(n, 4)).astype("float32") + 3 * y[:, None]
    return x, y


def _tiny():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_time_to_accuracy_stops_at_the_target_and_counts_steps_rejects_bad_input():
    x, y = _toy()
    out = ch.time_to_accuracy(_tiny, (x[:80], y[:80]), (x[80:], y[80:]), batch_size=16, target=0.9,
                              max_epochs=30, seed=0)
    assert out["reached"] == 1.0 and 1 <= out["epochs"] <= 30
    assert out["steps"] == out["epochs"] * 5 and out["examples"] == out["epochs"] * 80 and out["seconds"] > 0
    again = ch.time_to_accuracy(_tiny, (x[:80], y[:80]), (x[80:], y[80:]), batch_size=16, target=0.9,
                                max_epochs=30, seed=0)
    assert again["steps"] == out["steps"]
    never = ch.time_to_accuracy(_tiny, (x[:80], y[:80]), (x[80:], y[80:]), batch_size=80, target=1.0,
                                max_epochs=2, seed=0)
    assert never["epochs"] in (1.0, 2.0)
    runs = experiments.run(lambda s: ch.time_to_accuracy(_tiny, (x[:80], y[:80]), (x[80:], y[80:]), batch_size=40,
                                                         target=0.9, max_epochs=30, seed=s), [0, 1], name="b40")
    assert runs["steps"].shape == (2,)
    with pytest.raises(TypeError, match="build must be a function"):
        ch.time_to_accuracy(_tiny(), (x, y), (x, y), batch_size=8, target=0.9, max_epochs=1)
    with pytest.raises(TypeError, match="train must be a pair"):
        ch.time_to_accuracy(_tiny, x, (x, y), batch_size=8, target=0.9, max_epochs=1)
    with pytest.raises(ValueError, match="target"):
        ch.time_to_accuracy(_tiny, (x, y), (x, y), batch_size=8, target=1.5, max_epochs=1)
    with pytest.raises(ValueError, match="batch_size"):
        ch.time_to_accuracy(_tiny, (x, y), (x, y), batch_size=0, target=0.9, max_epochs=1)
    with pytest.raises(ValueError, match="val x and val y"):
        ch.time_to_accuracy(_tiny, (x, y), (x, y[:5]), batch_size=8, target=0.9, max_epochs=1)


def test_stop_at_accuracy_callback_rejects_bad_input():
    cb = ch.StopAtAccuracy(0.8)
    assert isinstance(cb, keras.callbacks.Callback) and cb.target == 0.8
    with pytest.raises(ValueError, match="target"):
        ch.StopAtAccuracy(float("nan"))


def test_plot_batch_scaling_rejects_bad_input():
    fig = ch.plot_batch_scaling([16, 64, 256], [100, 40, 30], [1600, 2560, 7680], title="t")
    assert len(fig.axes) == 2 and fig.axes[0].get_xlabel().startswith("batch size")
    with pytest.raises(ValueError, match="positive"):
        ch.plot_batch_scaling([16, 0], [1, 2], [1, 2], title="t")
    with pytest.raises(ValueError, match="batch_sizes and steps"):
        ch.plot_batch_scaling([16, 32], [1], [1, 2], title="t")


def test_quantize_int8_round_trip_rejects_bad_input():
    w = np.random.default_rng(0).normal(size=(50, 20)).astype("float32")
    q, scale = ch.quantize_int8(w)
    assert q.dtype == np.int8 and np.abs(q).max() == 127 and scale == pytest.approx(np.abs(w).max() / 127)
    assert np.abs(ch.dequantize(q, scale) - w).max() <= scale / 2 + 1e-6
    zero_q, zero_scale = ch.quantize_int8(np.zeros((2, 2)))
    assert zero_scale == 1.0 and not zero_q.any()
    with pytest.raises(ValueError, match="empty"):
        ch.quantize_int8(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="weights"):
        ch.quantize_int8([[1.0, float("nan")]])
    with pytest.raises(TypeError, match="int8"):
        ch.dequantize(np.zeros(3, dtype=np.int32), 1.0)
    with pytest.raises(ValueError, match="scale"):
        ch.dequantize(q, 0.0)


def test_quantized_copy_and_weight_bytes_rejects_bad_input():
    x, y = _toy()
    model = _tiny()
    model.fit(x, y, epochs=3, verbose=0)
    copy, packed = ch.quantized_copy(model)
    assert len(packed) == 1 and packed[0][0].shape == (4, 2)
    assert np.array_equal(copy.get_weights()[1], model.get_weights()[1])          # biases untouched
    assert np.abs(copy.get_weights()[0] - model.get_weights()[0]).max() <= packed[0][1] / 2 + 1e-6
    assert copy.evaluate(x, y, verbose=0)[1] >= 0.0 and copy is not model
    assert ch.weight_bytes(model) == (8 + 2) * 4 and ch.weight_bytes(model, bits=8) == 8 + 4 + 2 * 4
    with pytest.raises(ValueError, match="bits"):
        ch.weight_bytes(model, bits=4)
    with pytest.raises(TypeError, match="model must be a Keras model"):
        ch.quantized_copy("m")
    with pytest.raises(TypeError, match="model must be a Keras model"):
        ch.weight_bytes(None)


def test_training_memory_matches_keras_adam_rejects_bad_input():
    mem = ch.training_memory([784, 32, 10], batch_size=4, optimizer="adam")
    params = ch.dense_params([784, 32, 10])
    assert mem["parameters"] == mem["gradients"] == 4 * params and mem["optimizer_state"] == 8 * params
    assert mem["activations"] == 4 * 4 * (784 + 32 + 10)
    assert mem["total"] == sum(v for k, v in mem.items() if k != "total")
    assert ch.training_memory([784, 10], batch_size=1, optimizer="sgd")["optimizer_state"] == 0
    model = build_mlp((32,), optimizer="adam")
    model.optimizer.build(model.trainable_variables)
    slots = sum(int(np.prod(v.shape)) for v in model.optimizer.variables if len(v.shape) > 0)
    assert slots * 4 == mem["optimizer_state"]
    with pytest.raises(ValueError, match="optimizer"):
        ch.training_memory([784, 10], batch_size=1, optimizer="lbfgs")
    with pytest.raises(ValueError, match="batch_size"):
        ch.training_memory([784, 10], batch_size=0)
    with pytest.raises(ValueError, match="bytes_per_value"):
        ch.training_memory([784, 10], batch_size=1, bytes_per_value=3)


def test_compute_optimal_rejects_bad_input():
    n, d = ch.compute_optimal(6 * 20 * 1e9 ** 2)
    assert n == pytest.approx(1e9) and d == pytest.approx(20e9)
    n4, _ = ch.compute_optimal(4 * 6 * 20 * 1e18)
    assert n4 == pytest.approx(2 * n)                         # 4x the compute: 2x the parameters
    with pytest.raises(ValueError, match="flops"):
        ch.compute_optimal(0)
    with pytest.raises(ValueError, match="tokens_per_parameter"):
        ch.compute_optimal(1e20, tokens_per_parameter=-1)
