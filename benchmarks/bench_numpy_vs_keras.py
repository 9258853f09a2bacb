"""Chapter 3 benchmark: the from-scratch numpy MLP against the same network in Keras.

The numpy network is chapter 3's ``helpers.network.Network``; the Keras one is
the same architecture with the same initial weights
(``helpers.core_algorithm.keras_copy``), trained with ``model.fit`` and plain
``keras.optimizers.SGD`` at the same learning rate and batch size (each shuffles
its own mini-batches). The script prints the time per epoch of each, their
ratio, and both test accuracies. Targets: numpy no slower than 2× Keras,
accuracies within 1 point.

    python benchmarks/bench_numpy_vs_keras.py [--data mnist|digits] [--epochs N]

``mnist`` is the offline 5,000-image MNIST sample (4,000 train / 1,000 test,
784 pixels, via ``helpers.data.load_data(source="sample")``); ``digits`` is
scikit-learn's 8×8 digits. Time per epoch is the median over epochs 2..N, so
Keras's one-off graph tracing in epoch 1 is reported separately.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

from helpers import core_algorithm, network, runtime  # noqa: E402


def load(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training and test inputs in [0, 1] with one-hot labels."""
    if name == "digits":
        x_tr, l_tr, x_te, l_te = core_algorithm.load_digits_split()
    else:
        from helpers import data

        (x_tr, l_tr), (x_te, l_te) = data.load_data("mnist", source="sample")
        x_tr = x_tr.reshape(len(x_tr), -1) / 255.0
        x_te = x_te.reshape(len(x_te), -1) / 255.0
    return x_tr, network.one_hot(l_tr.astype(int)), x_te, network.one_hot(l_te.astype(int))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", choices=("mnist", "digits"), default="mnist")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    args = parser.parse_args()
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 (epoch 1 includes Keras's tracing)")

    runtime.set_seed(0)
    x_tr, y_tr, x_te, y_te = load(args.data)
    sizes = [x_tr.shape[1], args.hidden, y_tr.shape[1]]
    net = network.Network(sizes, seed=0)

    import time

    import keras

    model = core_algorithm.keras_copy(net)   # same architecture, same initial weights
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=args.learning_rate),
                  loss="categorical_crossentropy", metrics=["accuracy"])

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            keras_seconds.append(time.perf_counter() - self.start)

    numpy_seconds: list[float] = []
    keras_seconds: list[float] = []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        net.train(x_tr, y_tr, epochs=1, batch_size=args.batch_size, learning_rate=args.learning_rate, seed=epoch)
        numpy_seconds.append(time.perf_counter() - start)
    numpy_acc = net.accuracy(x_te, y_te)

    model.fit(x_tr.astype("float32"), y_tr.astype("float32"), epochs=args.epochs, batch_size=args.batch_size,
              callbacks=[EpochTimer()], verbose=0)
    keras_acc = float(model.evaluate(x_te.astype("float32"), y_te.astype("float32"), verbose=0)[1])

    t_np = statistics.median(numpy_seconds[1:])
    t_k = statistics.median(keras_seconds[1:])
    print(f"data: {args.data}, {len(x_tr)} training / {len(x_te)} test examples; network {sizes}, "
          f"ReLU, softmax; SGD lr {args.learning_rate}, batch {args.batch_size}, {args.epochs} epochs")
    print(f"numpy : {t_np * 1000:8.1f} ms/epoch (epoch 1: {numpy_seconds[0] * 1000:.1f} ms)   "
          f"test accuracy {numpy_acc:.4f}")
    print(f"keras : {t_k * 1000:8.1f} ms/epoch (epoch 1: {keras_seconds[0] * 1000:.1f} ms)   "
          f"test accuracy {keras_acc:.4f}")
    ratio = t_np / t_k
    gap = abs(numpy_acc - keras_acc) * 100
    print(f"ratio numpy/keras time per epoch: {ratio:.2f}  (target <= 2)")
    print(f"accuracy gap: {gap:.2f} points  (target <= 1)")
    ok = ratio <= 2.0 and gap <= 1.0
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
