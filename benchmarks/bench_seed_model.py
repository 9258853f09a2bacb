"""Does going through `helpers` cost anything? The seed model, trained twice side by side.

Trains the source article's model (784-512-10, rmsprop, batch 128, 5 epochs) on the same
data, once as chapter 5 does it (helpers.mnist_keras.preprocess / build_model / train) and
once as the raw seed script does it (reshape, astype, to_categorical, Sequential), alternating
the two `--repeat` times, and prints the median wall time of each, their ratio (target <= 1.1)
and each test accuracy.

    python benchmarks/bench_seed_model.py [--repeat 3] [--tile 60000]

`--tile N` repeats the training images up to N rows, to time a full-MNIST-sized epoch
offline (timing only: the accuracy is then not a meaningful MNIST result).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from helpers import data, runtime  # noqa: E402
from helpers import mnist_keras as ch  # noqa: E402


def via_helpers(raw, seed: int) -> tuple[float, float]:
    (xi, yi), (xt, yt) = raw
    start = time.perf_counter()
    x, y = ch.preprocess(xi, yi)
    x_test, y_test = ch.preprocess(xt, yt)
    runtime.set_seed(seed)
    model = ch.build_model(512, optimizer="rmsprop")
    ch.train(model, x, y, epochs=5, batch_size=128, seed=seed)
    acc = model.evaluate(x_test, y_test, verbose=0)[1]
    return time.perf_counter() - start, acc


def raw_seed_script(raw, seed: int) -> tuple[float, float]:
    import keras
    from keras.layers import Dense
    from keras.models import Sequential
    from keras.utils import to_categorical

    (train_images, train_labels), (test_images, test_labels) = raw
    start = time.perf_counter()
    train_images = train_images.reshape((len(train_images), 28 * 28)).astype("float32") / 255
    train_labels = to_categorical(train_labels)
    test_images = test_images.reshape((len(test_images), 28 * 28)).astype("float32") / 255
    test_labels = to_categorical(test_labels)
    keras.utils.set_random_seed(seed)
    model = Sequential([keras.Input(shape=(28 * 28,)), Dense(512, activation="relu"),
                        Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(train_images, train_labels, epochs=5, batch_size=128, verbose=0)
    acc = model.evaluate(test_images, test_labels, verbose=0)[1]
    return time.perf_counter() - start, acc


def main() -> None:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tile", type=int, default=0, help="tile training images to this many rows")
    args = parser.parse_args()
    runtime.quiet_tensorflow()
    (xi, yi), test = data.load_data()
    if args.tile:
        reps = int(np.ceil(args.tile / len(xi)))
        xi, yi = np.tile(xi, (reps, 1, 1))[: args.tile], np.tile(yi, reps)[: args.tile]
        print(f"training images tiled to {len(xi):,} rows (timing only)")
    raw = ((xi, yi), test)
    via_helpers(raw, 0)  # warm-up: graph tracing, thread pools
    times: dict[str, list[float]] = {"helpers": [], "raw script": []}
    accs: dict[str, float] = {}
    order = [("helpers", via_helpers), ("raw script", raw_seed_script)]
    for round_ in range(args.repeat):
        for name, fn in (order if round_ % 2 == 0 else order[::-1]):  # alternate who goes first
            seconds, acc = fn(raw, 0)
            times[name].append(seconds)
            accs[name] = acc
    print(f"{'path':<12}{'median s':>10}{'runs':>28}{'test acc':>10}")
    for name, values in times.items():
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:<12}{statistics.median(values):>10.2f}{runs:>28}{accs[name]:>10.3f}")
    ratio = statistics.median(times["helpers"]) / statistics.median(times["raw script"])
    print(f"ratio helpers / raw = {ratio:.3f} (target <= 1.1): {'OK' if ratio <= 1.1 else 'MISSED'}")


if __name__ == "__main__":
    main()
