"""Where does a notebook's time go? TensorFlow/Keras's fixed costs, measured side by side.

The book's networks are small: one training step of the 784-128-10 network is about
0.6 million multiply-adds per example, a fraction of a millisecond of arithmetic. Most of a
notebook's time is therefore overhead, and this script measures each kind of it on this
machine, so that speed work aims at the right thing (issue 9):

- importing TensorFlow/Keras in a fresh process (every notebook kernel pays it once), and
  the part of it spent importing scikit-learn, which Keras imports for its wrappers;
- building, compiling and tracing a model (every new model pays it once);
- starting an epoch (Keras creates a new ``tf.data`` iterator each epoch);
- one training step, with ``steps_per_execution`` 1 (the default) and 32, and whether the
  trained weights are identical;
- a small CNN's epoch with TensorFlow's oneDNN optimisations off (the book's setting, see
  ``helpers.runtime``) and on;
- the remedies in ``helpers.training``, each against what it replaces: 30 short epochs
  as ``fit(epochs=30)`` against one ``fit_epochs`` pass; 10 epochs with per-epoch
  validation at the training batch size against ``VALIDATION_BATCH`` and against
  ``validation_callback`` (no ``validation_data`` at all); the first
  ``predict``/``evaluate`` on a new model against ``predict_proba``/``accuracy``; and
  a new model's first ``fit`` against ``training.fit`` (a traced twin of the same
  architecture already exists, as from the second model of a kind on);
- a kernel's start, up to ``import keras`` done: the standard kernel against the
  pre-imported one of ``tools/prewarmed_kernel.py`` (its zygote already running).

    python benchmarks/bench_overheads.py [--repeat 3]

Each figure is the median of ``--repeat`` runs. Nothing here is asserted: times depend on
the machine and on what else it is doing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from helpers.runtime import TF_ENVIRONMENT as QUIET  # noqa: E402  (the book's quiet settings)

os.environ.update({k: os.environ.get(k, v) for k, v in QUIET.items()})
ROOT = Path(__file__).resolve().parents[1]


def import_seconds(statement: str) -> float:
    """Wall time of ``python -c statement`` in a fresh process, minus a bare interpreter's."""
    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, **QUIET})
        return time.perf_counter() - start

    return run(statement) - run("pass")


def keras_costs(repeat: int) -> dict[str, float]:
    """Per-model, per-epoch and per-step costs of ``Model.fit`` on a 784-128-10 network."""
    import keras
    import numpy as np

    keras.config.disable_interactive_logging()
    rng = np.random.default_rng(0)
    x = rng.random((32 * 320, 784), dtype=np.float32)
    y = rng.integers(0, 10, len(x))

    def model(spe: int = 1) -> keras.Model:
        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.Input((784,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
        m.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"], steps_per_execution=spe)
        return m

    def fit_seconds(m: keras.Model, n: int, epochs: int) -> float:
        start = time.perf_counter()
        m.fit(x[:n], y[:n], epochs=epochs, batch_size=32, shuffle=False, verbose=0)
        return time.perf_counter() - start

    first, epochs, steps1, steps32 = [], [], [], []
    same = True
    for _ in range(repeat):
        start = time.perf_counter()
        m = model()
        fit_seconds(m, 32, 1)                                   # build, compile, trace, one step
        first.append(time.perf_counter() - start)
        one = fit_seconds(m, 32, 1)
        epochs.append((fit_seconds(m, 32, 21) - one) / 20)      # 20 extra epochs of one step each
        a, b = model(1), model(32)
        fit_seconds(a, 32 * 32, 1), fit_seconds(b, 32 * 32, 1)  # trace both, same 32 steps each
        steps1.append(fit_seconds(a, len(x), 1) / 320)
        steps32.append(fit_seconds(b, len(x), 1) / 320)
        same = same and all(np.array_equal(p, q) for p, q in zip(a.get_weights(), b.get_weights()))
    return {"model": statistics.median(first), "epoch": statistics.median(epochs),
            "step": statistics.median(steps1), "step32": statistics.median(steps32), "identical": same}


CNN_CHILD = r"""
import json, statistics, time
import numpy as np, keras
keras.config.disable_interactive_logging()
rng = np.random.default_rng(0)
x = rng.random((2000, 28, 28, 1), dtype=np.float32); y = rng.integers(0, 10, 2000)
keras.utils.set_random_seed(0)
m = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3, activation="relu"),
                      keras.layers.MaxPooling2D(), keras.layers.Conv2D(16, 3, activation="relu"),
                      keras.layers.MaxPooling2D(), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
m.compile("adam", "sparse_categorical_crossentropy")
m.fit(x, y, epochs=1, batch_size=64, verbose=0)
times = []
for _ in range(REPEAT):
    t = time.perf_counter(); m.fit(x, y, epochs=1, batch_size=64, verbose=0); times.append(time.perf_counter() - t)
print(json.dumps(statistics.median(times)))
"""


def cnn_epoch_seconds(onednn: bool, repeat: int) -> float:
    """Median seconds of one CNN epoch (2,000 images, batch 64) in a fresh process."""
    env = {**os.environ, **QUIET, "TF_ENABLE_ONEDNN_OPTS": "1" if onednn else "0"}
    out = subprocess.run([sys.executable, "-c", CNN_CHILD.replace("REPEAT", str(repeat))], env=env,
                         check=True, capture_output=True, text=True)
    return float(json.loads(out.stdout.strip().splitlines()[-1]))


def remedy_costs(repeat: int) -> dict[str, float]:
    """Seconds of each ``helpers.training`` remedy and of the Keras call it replaces, side by side."""
    import keras
    import numpy as np

    from helpers import training

    keras.config.disable_interactive_logging()
    rng = np.random.default_rng(0)
    x = rng.random((1000, 784), dtype=np.float32)
    y = rng.integers(0, 10, len(x))

    def model() -> keras.Model:
        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.Input((784,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
        m.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        m.fit(x[:64], y[:64], batch_size=64, verbose=0)           # built and traced before timing
        return m

    def timed(fn) -> float:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    def untraced() -> keras.Model:
        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.Input((784,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
        m.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        return m

    training.fit(untraced(), x[:64], y[:64], epochs=1, batch_size=32, verbose=0)   # the twin exists

    runs: dict[str, list[float]] = {k: [] for k in ("epochs30", "spe30", "pass30", "val64", "valbig", "valcb",
                                                    "predict", "call", "evaluate", "accuracy",
                                                    "newfit", "twinfit")}
    for _ in range(repeat):
        small_x, small_y = x[:64], y[:64]                             # 2 batches of 32 per epoch
        m = model()
        runs["epochs30"].append(timed(lambda: m.fit(small_x, small_y, epochs=30, batch_size=32, verbose=0)))
        m = model()                                                     # what training.fit adds: one iterator per epoch
        runs["spe30"].append(timed(lambda: m.fit(small_x, small_y, epochs=30, batch_size=32, steps_per_epoch=2,
                                                 verbose=0)))
        m = model()
        runs["pass30"].append(timed(lambda: training.fit_epochs(m, small_x, small_y, epochs=30, batch_size=32)))
        m = model()
        runs["val64"].append(timed(lambda: m.fit(x, y, epochs=10, batch_size=64, verbose=0,
                                                 validation_data=(x, y))))
        m = model()
        runs["valbig"].append(timed(lambda: m.fit(x, y, epochs=10, batch_size=64, verbose=0, validation_data=(x, y),
                                                  validation_batch_size=training.VALIDATION_BATCH)))
        m = model()
        runs["valcb"].append(timed(lambda: m.fit(x, y, epochs=10, batch_size=64, verbose=0,
                                                 callbacks=[training.validation_callback(x, y)])))
        m = model()
        runs["predict"].append(timed(lambda: m.predict(x, verbose=0, batch_size=512)))
        runs["evaluate"].append(timed(lambda: m.evaluate(x, y, verbose=0)))
        m = model()
        runs["call"].append(timed(lambda: training.predict_proba(m, x)))
        m = model()
        runs["accuracy"].append(timed(lambda: training.accuracy(m, x, y)))
        m = untraced()
        runs["newfit"].append(timed(lambda: m.fit(x, y, epochs=2, batch_size=32, verbose=0)))
        m = untraced()
        runs["twinfit"].append(timed(lambda: training.fit(m, x, y, epochs=2, batch_size=32, verbose=0)))
    return {k: statistics.median(v) for k, v in runs.items()}


def kernel_start_seconds(prewarmed: bool, repeat: int) -> float:
    """Seconds from starting a kernel to ``import keras`` done in it (median of ``repeat``)."""
    import tempfile

    from jupyter_client.manager import start_new_kernel

    if str(ROOT / "tools") not in sys.path:
        sys.path.insert(0, str(ROOT / "tools"))
    import prewarmed_kernel

    with tempfile.TemporaryDirectory() as folder:
        env = {"JUPYTER_PATH": prewarmed_kernel.install(Path(folder)).parents[1].as_posix() if prewarmed
               else folder, "DLBOOK_ZYGOTE": "benchmark"}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            def once() -> float:
                start = time.perf_counter()
                km, kc = start_new_kernel(kernel_name="python3", startup_timeout=120)
                kc.execute_interactive("import keras", timeout=120)
                seconds = time.perf_counter() - start
                kc.stop_channels()
                km.shutdown_kernel(now=True)
                return seconds

            if prewarmed:
                once()                                           # starts the zygote: not timed
            return statistics.median(once() for _ in range(repeat))
        finally:
            if prewarmed:
                prewarmed_kernel.stop(prewarmed_kernel._address())
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = max(1, args.repeat)

    imports = {name: statistics.median(import_seconds(code) for _ in range(n)) for name, code in
               [("numpy + matplotlib", "import numpy, matplotlib.pyplot"),
                ("scikit-learn", "import sklearn.base"),
                ("keras (TensorFlow backend)", "import keras")]}
    costs = keras_costs(n)
    cnn_off, cnn_on = cnn_epoch_seconds(False, n), cnn_epoch_seconds(True, n)
    remedies = remedy_costs(n)
    kernels = {"standard": kernel_start_seconds(False, n), "prewarmed": kernel_start_seconds(True, n)}
    flops_per_step = 6 * (784 * 128 + 128 * 10) * 32            # training FLOPs of one batch of 32

    print(f"{'cost (median of ' + str(n) + ')':<52}{'seconds':>10}")
    for name, s in imports.items():
        print(f"{'import ' + name + ' (fresh process)':<52}{s:>10.2f}")
    print(f"{'new 784-128-10 model: build, compile, trace, 1 step':<52}{costs['model']:>10.3f}")
    print(f"{'one more epoch (new tf.data iterator), 1 step':<52}{costs['epoch']:>10.4f}")
    print(f"{'one training step, batch 32':<52}{costs['step']:>10.4f}")
    print(f"{'  the same with steps_per_execution=32':<52}{costs['step32']:>10.4f}")
    print(f"{'CNN epoch, 2,000 images, oneDNN off (book setting)':<52}{cnn_off:>10.3f}")
    print(f"{'  the same with oneDNN on':<52}{cnn_on:>10.3f}")
    print()
    print(f"{'helpers.training, against what it replaces':<52}{'seconds':>10}{'saved':>8}")
    for label, before, after in [
            ("30 epochs of 64 examples: fit(epochs=30)", "epochs30", None),
            ("  the same with steps_per_epoch (as training.fit)", "spe30", "epochs30"),
            ("  the same as one pass: fit_epochs(epochs=30)", "pass30", "epochs30"),
            ("10 epochs, validation at batch 64 (Keras default)", "val64", None),
            ("  the same with VALIDATION_BATCH", "valbig", "val64"),
            ("  the same with validation_callback()", "valcb", "val64"),
            ("first predict() on a new model, 1,000 images", "predict", None),
            ("  predict_proba() instead", "call", "predict"),
            ("first evaluate() on a new model, 1,000 images", "evaluate", None),
            ("  accuracy() instead, on another new model", "accuracy", "evaluate"),
            ("a new model's first fit, 2 epochs: model.fit", "newfit", None),
            ("  training.fit (twin of that architecture traced)", "twinfit", "newfit")]:
        saved = "" if after is None else f"{1 - remedies[before] / remedies[after]:>8.0%}"
        print(f"{label:<52}{remedies[before]:>10.3f}{saved}")
    print()
    print(f"{'a new kernel, until import keras is done':<52}{'seconds':>10}{'saved':>8}")
    print(f"{'  standard kernel (python -m ipykernel_launcher)':<52}{kernels['standard']:>10.2f}")
    print(f"{'  tools/prewarmed_kernel.py (zygote running)':<52}{kernels['prewarmed']:>10.2f}"
          f"{1 - kernels['prewarmed'] / kernels['standard']:>8.0%}")
    print()
    print(f"arithmetic in one step: {flops_per_step / 1e6:.1f} MFLOP, {flops_per_step / costs['step'] / 1e9:.2f} "
          f"GFLOP/s achieved: the step is mostly overhead")
    print(f"a new model costs as much as {costs['model'] / costs['step']:.0f} steps; "
          f"an epoch boundary as much as {costs['epoch'] / costs['step']:.0f} steps")
    print(f"scikit-learn is {imports['scikit-learn'] / imports['keras (TensorFlow backend)']:.0%} of the Keras import")
    print(f"steps_per_execution=32: steps {costs['step'] / costs['step32']:.2f}x faster, "
          f"weights {'identical' if costs['identical'] else 'DIFFERENT'}")
    print(f"oneDNN on: CNN epoch {cnn_off / cnn_on:.2f}x faster (numerics change slightly, and it prints "
          "a banner to stderr that TF_CPP_MIN_LOG_LEVEL does not silence)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
