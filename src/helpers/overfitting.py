"""Chapter 9, FAQ 5: "How do you fix overfitting?" (如何解决过拟合问题？).

The experiment: a large dense network trained on a few hundred MNIST digits
memorises them (training accuracy near 1, validation accuracy far lower). Four
remedies are then measured against that baseline by the *train–validation
gap*: L2 weight decay, dropout, early stopping and data augmentation (random
shifts of the digits).

The building blocks here (:func:`split_data`, :func:`build_mlp`,
:func:`shift_augment`, :func:`fit_and_measure`) are reused by the other FAQ
answers on underfitting and data needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .cache import cached, fingerprint
from . import widgets
from .exercises import Feedback, check_scalar
from .plotting import PALETTE, plot_history
from .training import STEPS_PER_EXECUTION, fit as fit_model, predict_proba, validation_callback
from .validation import as_array, check_float, check_int, check_same_length

__all__ = [
    "Split",
    "FitResult",
    "split_data",
    "build_mlp",
    "shift_image",
    "shift_augment",
    "fit_and_measure",
    "accuracy_and_loss",
    "results_table",
    "plot_gaps",
    "l2_sweep",
    "plot_l2_sweep",
    "l2_figure",
    "l2_explorer",
    "check_gap",
    "check_more_data",
]

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass
class FitResult:
    """What one training run produced, measured the same way for every run.

    ``train_acc`` and ``val_acc`` come from ``model.evaluate`` after training
    (dropout off, the restored weights for early stopping), so the gap compares
    like with like. ``history`` is the per-epoch ``History.history`` dict.
    """

    name: str
    train_acc: float
    val_acc: float
    train_loss: float
    val_loss: float
    epochs_run: int
    history: dict[str, list[float]] = field(repr=False)
    #: With ``fit_and_measure(..., save_best=True)``: the weights after every epoch (numbered from 1)
    #: whose validation loss was the lowest so far, and a fingerprint of what the training started
    #: from (network, starting weights, data, batch size, seed). An early-stopping run of the same
    #: network can then be replayed from this one instead of trained again (``known=``).
    best_weights: dict[int, list[np.ndarray]] = field(default_factory=dict, repr=False, compare=False)
    start: str = field(default="", repr=False, compare=False)

    @property
    def gap(self) -> float:
        """Training accuracy minus validation accuracy."""
        return self.train_acc - self.val_acc

    @property
    def loss_gap(self) -> float:
        """Validation cross-entropy minus training cross-entropy (penalty terms excluded)."""
        return self.val_loss - self.train_loss

    def __str__(self) -> str:
        return (f"{self.name}: accuracy train {self.train_acc:.3f} / validation {self.val_acc:.3f} "
                f"(gap {self.gap:.3f}); loss train {self.train_loss:.3f} / validation {self.val_loss:.3f} "
                f"(gap {self.loss_gap:.3f}); {self.epochs_run} epochs")


def split_data(images: Any, labels: Any, *, n_train: int, n_val: int) -> Split:
    """Preprocess MNIST and carve a training and a validation set out of it.

    The first ``n_train`` images become the training set, the *last* ``n_val``
    the validation set (the book's sample is already shuffled, so both are
    random and class-balanced on average; they never overlap). Images become
    ``float32`` rows of 784 values in [0, 1]; labels stay integers (use
    ``sparse_categorical_crossentropy``).
    """
    images = as_array(images, "images", ndim=3, dtype=None)
    labels = as_array(labels, "labels", ndim=1, dtype=None)
    check_same_length(images, labels, "images", "labels")
    n_train = check_int(n_train, "n_train", minimum=1)
    n_val = check_int(n_val, "n_val", minimum=1)
    if n_train + n_val > len(images):
        raise ValueError(f"n_train + n_val must be at most {len(images)} (the images given), "
                         f"got {n_train} + {n_val}")
    x = images.reshape(len(images), -1).astype("float32") / 255.0
    y = labels.astype("int64")
    return (x[:n_train], y[:n_train]), (x[-n_val:], y[-n_val:])


def build_mlp(
    hidden: Sequence[int] = (512, 512),
    *,
    l2: float = 0.0,
    dropout: float = 0.0,
    learning_rate: float = 1e-3,
    optimizer: str = "adam",
    inputs: int = 784,
    classes: int = 10,
) -> Any:
    """A compiled dense ReLU network with optional L2 weight decay and dropout.

    ``l2`` adds :math:`\\lambda \\sum w^2` over every kernel to the loss;
    ``dropout`` is the fraction of hidden activations zeroed at random in each
    training step (after every hidden layer). An empty ``hidden`` gives
    multinomial logistic regression.
    """
    import keras

    if isinstance(hidden, (int, np.integer)) or isinstance(hidden, (str, bytes)):
        raise TypeError("hidden must be a sequence of layer widths, e.g. (512, 512)")
    units = [check_int(u, "hidden layer width", minimum=1) for u in hidden]
    l2 = check_float(l2, "l2", minimum=0.0)
    dropout = check_float(dropout, "dropout", minimum=0.0, maximum=0.95)
    learning_rate = check_float(learning_rate, "learning_rate", minimum=0.0, strict_minimum=True)
    optimizers = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD,
                  "rmsprop": keras.optimizers.RMSprop}
    if optimizer not in optimizers:
        raise ValueError(f"unknown optimizer {optimizer!r}; valid choices are: {', '.join(optimizers)}")
    regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
    layers: list[Any] = [keras.Input(shape=(check_int(inputs, "inputs", minimum=1),))]
    for u in units:
        layers.append(keras.layers.Dense(u, activation="relu", kernel_regularizer=regularizer))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(check_int(classes, "classes", minimum=2), activation="softmax",
                                     kernel_regularizer=regularizer))
    model = keras.Sequential(layers)
    model.compile(optimizer=optimizers[optimizer](learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=STEPS_PER_EXECUTION)
    return model


def shift_image(image: Any, dy: int, dx: int) -> np.ndarray:
    """Move a 2-D image ``dy`` pixels down and ``dx`` pixels right, filling with 0.

    Pixels pushed past the edge are dropped (unlike ``np.roll``, nothing wraps
    round to the other side). Negative shifts move up or left.
    """
    image = as_array(image, "image", ndim=2, dtype=None)
    rows, cols = image.shape
    dy = check_int(dy, "dy", minimum=-(rows - 1), maximum=rows - 1)
    dx = check_int(dx, "dx", minimum=-(cols - 1), maximum=cols - 1)
    out = np.zeros_like(image)
    src = image[max(0, -dy):rows - max(0, dy), max(0, -dx):cols - max(0, dx)]
    out[max(0, dy):max(0, dy) + src.shape[0], max(0, dx):max(0, dx) + src.shape[1]] = src
    return out


def shift_augment(x: Any, y: Any, *, copies: int = 4, max_shift: int = 2, seed: int = 0,
                  side: int = 28) -> tuple[np.ndarray, np.ndarray]:
    """Add ``copies`` randomly shifted versions of every image (data augmentation).

    Each copy moves the whole digit by a random whole number of pixels, between
    ``-max_shift`` and ``+max_shift`` in each direction (:func:`shift_image`).
    A digit moved by a pixel or two is still the same digit, so the labels are
    copied unchanged. Returns the originals followed by the copies:
    ``(1 + copies) * n`` examples.
    """
    x = as_array(x, "x", ndim=2, dtype=None)
    y = as_array(y, "y", ndim=1, dtype=None)
    check_same_length(x, y, "x", "y")
    copies = check_int(copies, "copies", minimum=0)
    side = check_int(side, "side", minimum=1)
    max_shift = check_int(max_shift, "max_shift", minimum=0, maximum=side - 1)
    if x.shape[1] != side * side:
        raise ValueError(f"x must have {side * side} columns (flattened {side}×{side} images), got {x.shape[1]}")
    rng = np.random.default_rng(seed)
    images = x.reshape(-1, side, side)
    out_x, out_y = [x], [y]
    for _ in range(copies):
        shifts = rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))
        shifted = np.stack([shift_image(img, int(a), int(b)) for img, (a, b) in zip(images, shifts)]) \
            if len(images) else images.copy()
        out_x.append(shifted.reshape(len(images), -1))
        out_y.append(y)
    return np.concatenate(out_x), np.concatenate(out_y)


def _training_start(model: Any, data: Split, batch_size: int, seed: int) -> str:
    """A fingerprint of everything a training run starts from: network, starting weights, data, batch size, seed."""
    (x, y), (x_val, y_val) = data
    return fingerprint(_training_start, (model, np.asarray(x), np.asarray(y), np.asarray(x_val),
                                         np.asarray(y_val), batch_size, seed), {})


def _replay_early_stopping(run: FitResult, epochs: int, patience: int) -> tuple[int, int] | None:
    """Where Keras's ``EarlyStopping(monitor="val_loss", patience, restore_best_weights=True)`` would
    stop on ``run``'s validation losses: ``(epochs_run, best_epoch)``, numbered from 1.

    The same rule as the callback: a validation loss lower than the best so far is an improvement
    (and the first epoch always is); after ``patience`` epochs without one, training stops, and the
    weights of the best epoch are restored (also when all ``epochs`` ran). ``None`` if ``run`` is
    too short to decide, or did not keep the best epoch's weights.
    """
    losses = run.history.get("val_loss", [])[:epochs]
    best, best_epoch, wait, stopped = None, 0, 0, None
    for epoch, loss in enumerate(losses, start=1):
        wait += 1
        if best is None or loss < best:
            best, best_epoch, wait = loss, epoch, 0
        elif wait >= patience and epoch > 1:
            stopped = epoch
            break
    if stopped is None and len(losses) < epochs:
        return None                       # the known run ended before this one would have
    if best_epoch not in run.best_weights:
        return None
    return (stopped or len(losses)), best_epoch


@cached(trains="model")
def fit_and_measure(
    name: str,
    model: Any,
    data: Split,
    *,
    epochs: int = 40,
    batch_size: int = 64,
    patience: int | None = None,
    seed: int = 0,
    measure_on: tuple[Any, Any] | None = None,
    save_best: bool = False,
    known: Sequence[FitResult] = (),
) -> FitResult:
    """Train ``model`` on ``data = ((x, y), (x_val, y_val))`` and measure it.

    With ``patience`` set, training stops once validation loss has not improved
    for that many epochs and the best weights are restored (early stopping).
    Training and validation accuracy and loss are then both measured with
    :func:`accuracy_and_loss`; ``measure_on=(x, y)`` measures the training side
    on those examples instead (e.g. the originals when ``x`` is augmented).
    Seeded: the same call gives the same numbers.

    ``save_best=True`` keeps, in the result, a copy of the weights at every new
    lowest validation loss. A run of the *same* network (same architecture and
    starting weights, data, batch size and seed) that stops earlier is the first
    epochs of such a run, because the epochs before a stop do not depend on when
    it comes. So, given a matching run in ``known``, the result is replayed from
    it instead of trained again: with ``patience``, the early-stopping rule is
    applied to its validation losses and its weights of the best epoch restored;
    without, a run of fewer ``epochs`` takes its weights after that epoch (if
    they were kept). The numbers are those training would give (tested); only
    the optimizer's state in ``model`` is not replayed.
    """
    import keras

    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string (it labels the run in tables)")
    (x, y), (x_val, y_val) = data
    check_same_length(x, y, "x", "y")
    check_same_length(x_val, y_val, "x_val", "y_val")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if patience is not None:
        patience = check_int(patience, "patience", minimum=1)
    if isinstance(known, FitResult) or not all(isinstance(r, FitResult) for r in known):
        raise TypeError("known must be a list of FitResult")
    if measure_on is not None:
        check_same_length(*measure_on, "measure_on[0]", "measure_on[1]")
    start = _training_start(model, data, batch_size, seed) if save_best or known else ""
    replay = None
    for run in known:
        if run.start and run.start == start:
            if patience is not None:
                found = _replay_early_stopping(run, epochs, patience)
            else:                         # the known run, cut short after `epochs` epochs
                cut_short = epochs <= len(run.history.get("loss", [])) and epochs in run.best_weights
                found = (epochs, epochs) if cut_short else None
            if found is not None:
                replay = run, *found
                break
    if replay is not None:
        run, epochs_run, best_epoch = replay
        model.set_weights(run.best_weights[best_epoch])
        curves = {k: list(vals[:epochs_run]) for k, vals in run.history.items()}
        saved: dict[int, list[np.ndarray]] = {}
    else:
        callbacks = [validation_callback(x_val, y_val)]      # = validation_data=(x_val, y_val), faster
        saved = {}
        if save_best:
            callbacks.append(_best_weights_callback(saved))
        if patience is not None:
            callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                                           restore_best_weights=True))
        keras.utils.set_random_seed(seed)
        history = fit_model(model, x, y, epochs=epochs, batch_size=batch_size, callbacks=callbacks, verbose=0)
        curves = {k: [float(v) for v in vals] for k, vals in history.history.items()}
    if measure_on is not None:
        x, y = measure_on
    train_acc, train_loss = accuracy_and_loss(model, x, y)
    val_acc, val_loss = accuracy_and_loss(model, x_val, y_val)
    return FitResult(name, train_acc, val_acc, train_loss, val_loss, len(curves["loss"]), curves,
                     best_weights=saved, start=start if save_best else "")


def _best_weights_callback(saved: dict[int, list[np.ndarray]]) -> Any:
    """A Keras callback that copies the weights into ``saved[epoch]`` at every new lowest ``val_loss``."""
    import keras

    class BestWeights(keras.callbacks.Callback):
        best: float | None = None

        def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            loss = (logs or {})["val_loss"]
            if self.best is None or loss < self.best:
                self.best = loss
                saved[epoch + 1] = [np.array(w) for w in self.model.get_weights()]

    return BestWeights()


def accuracy_and_loss(model: Any, x: Any, y: Any) -> tuple[float, float]:
    """Accuracy and mean cross-entropy of ``model`` on ``(x, y)``, from its predictions.

    Unlike ``model.evaluate``, the loss here is the plain cross-entropy: any L2
    penalty is left out, so runs with and without weight decay compare fairly.
    """
    y = as_array(y, "y", ndim=1, dtype=None)
    probs = predict_proba(model, x).astype(float)
    if probs.ndim != 2 or len(probs) != len(y):
        raise ValueError(f"the model's predictions have shape {probs.shape}; expected ({len(y)}, classes)")
    labels = y.astype(int)
    picked = np.clip(probs[np.arange(len(labels)), labels], 1e-12, 1.0)
    return float(np.mean(probs.argmax(axis=1) == labels)), float(-np.mean(np.log(picked)))


def results_table(results: Sequence[FitResult], *, baseline: str | None = None) -> str:
    """A fixed-width text table of runs; with ``baseline``, the change in gap too."""
    if not results or not all(isinstance(r, FitResult) for r in results):
        raise TypeError("results must be a non-empty list of FitResult")
    base = None
    if baseline is not None:
        matches = [r for r in results if r.name == baseline]
        if not matches:
            raise ValueError(f"baseline {baseline!r} is not among the runs: {[r.name for r in results]}")
        base = matches[0]
    width = max(len(r.name) for r in results) + 2
    head = f"{'run':{width}s}{'train acc':>10s}{'val acc':>10s}{'gap':>8s}{'epochs':>8s}"
    if base is not None:
        head += f"{'gap change':>12s}"
    lines = [head, "-" * len(head)]
    for r in results:
        line = f"{r.name:{width}s}{r.train_acc:10.3f}{r.val_acc:10.3f}{r.gap:8.3f}{r.epochs_run:8d}"
        if base is not None:
            line += f"{r.gap - base.gap:+12.3f}"
        lines.append(line)
    return "\n".join(lines)


def plot_gaps(results: Sequence[FitResult], *, title: str = "Training vs validation accuracy") -> plt.Figure:
    """Paired bars of training and validation accuracy per run, gap annotated."""
    if not results or not all(isinstance(r, FitResult) for r in results):
        raise TypeError("results must be a non-empty list of FitResult")
    names = [r.name for r in results]
    pos = np.arange(len(results))
    fig, ax = plt.subplots(figsize=(8.0, 4.0))
    ax.bar(pos - 0.2, [r.train_acc for r in results], 0.4, color=PALETTE[0], label="training")
    ax.bar(pos + 0.2, [r.val_acc for r in results], 0.4, color=PALETTE[1], label="validation")
    for p, r in zip(pos, results):
        ax.annotate(f"gap {r.gap:.2f}", (p, max(r.train_acc, r.val_acc) + 0.01), ha="center", fontsize=9)
    ax.set_xticks(pos, names, rotation=15)
    ax.set_ylim(min(0.5, min(r.val_acc for r in results) - 0.05), 1.08)
    ax.set_xlabel("run")
    ax.set_ylabel("accuracy")
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


@cached
def l2_sweep(data: Split, strengths: Sequence[float], *, hidden: Sequence[int] = (256, 256),
             epochs: int = 15, seed: int = 0, known: Sequence[FitResult] = ()) -> list[FitResult]:
    """Train one network per L2 strength (same seed, same data); a list of results named ``"L2 <λ>"``.

    Runs already in ``known`` (matched by that name) are reused instead of retrained.
    """
    import keras

    if isinstance(strengths, (str, bytes)) or not isinstance(strengths, Sequence) or not strengths:
        raise TypeError("strengths must be a non-empty list of numbers")
    lams = [check_float(lam, "L2 strength", minimum=0.0) for lam in strengths]
    cache = {r.name: r for r in known}
    out = []
    for lam in lams:
        name = f"L2 {lam:g}"
        if name not in cache:
            keras.utils.set_random_seed(seed)
            cache[name] = fit_and_measure(name, build_mlp(hidden, l2=lam), data, epochs=epochs, seed=seed)
        out.append(cache[name])
    return out


def plot_l2_sweep(strengths: Sequence[float], results: Sequence[FitResult]) -> plt.Figure:
    """Training and validation accuracy against the L2 strength (log axis; 0 drawn at the left)."""
    lams = as_array(strengths, "strengths", ndim=1)
    if len(lams) != len(results):
        raise ValueError(f"strengths and results must have the same length, got {len(lams)} and {len(results)}")
    if np.any(lams < 0):
        raise ValueError("strengths must be >= 0")
    positive = lams[lams > 0]
    floor = positive.min() / 10 if positive.size else 1e-6
    xs = np.where(lams > 0, lams, floor)
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    ax.plot(xs, [r.train_acc for r in results], marker="o", color=PALETTE[0], label="training")
    ax.plot(xs, [r.val_acc for r in results], marker="s", ls="--", color=PALETTE[1], label="validation")
    ax.set_xscale("log")
    if np.any(lams == 0):
        ax.annotate("no L2", (floor, results[int(np.argmin(lams))].val_acc), textcoords="offset points",
                    xytext=(5, -15), fontsize=9)
    ax.set_xlabel("L2 strength λ (log scale)")
    ax.set_ylabel("accuracy")
    ax.set_title("Too little regularization overfits, too much underfits")
    ax.legend()
    fig.tight_layout()
    return fig


def l2_figure(data: Split, l2: float, *, hidden: Sequence[int] = (256, 256), epochs: int = 15,
              seed: int = 0, known: Sequence[FitResult] = ()) -> plt.Figure:
    """The slider's view: curves of the network trained with L2 strength ``l2``.

    Trains a fresh network, unless a run in ``known`` was named ``"L2 <l2>"``
    by :func:`l2_sweep` with this strength (then its saved curves are drawn).
    """
    import keras

    l2 = check_float(l2, "l2", minimum=0.0)
    matches = [r for r in known if r.name == f"L2 {l2:g}"]
    if matches:
        result = matches[0]
    else:
        keras.utils.set_random_seed(seed)
        result = fit_and_measure(f"L2 {l2:g}", build_mlp(hidden, l2=l2), data, epochs=epochs, seed=seed)
    return plot_history(result.history, title=f"L2 strength λ = {l2:.3g}: accuracy train {result.train_acc:.3f}, "
                                              f"validation {result.val_acc:.3f}")


def l2_explorer(data: Split, *, value: float = 1e-3, hidden: Sequence[int] = (256, 256), epochs: int = 15,
                known: Sequence[FitResult] = ()) -> widgets.Explorer:
    """A regularization-strength slider (log scale); press Train to retrain and redraw."""

    def render(l2: float) -> plt.Figure:
        return l2_figure(data, float(f"{l2:.3g}"), hidden=hidden, epochs=epochs, known=known)

    control = widgets.log_slider("L2 strength λ", value, 1e-5, 1e-1)
    return widgets.Explorer(render, {"l2": control}, title="Regularization strength", manual=True,
                            button_text="Train")


# --- exercise checkers -------------------------------------------------------

def check_gap(answer: Any, result: FitResult) -> Feedback:
    """Check a train–validation gap computed by the learner from a :class:`FitResult`."""
    if not isinstance(result, FitResult):
        raise TypeError(f"result must be a FitResult, got {type(result).__name__}")
    hint = ""
    if isinstance(answer, (int, float, np.floating)) and np.isclose(float(answer), -result.gap):
        hint = "the sign is flipped: the gap is training accuracy minus validation accuracy"
    return check_scalar(answer, expected=result.gap, name=f"gap of {result.name}", atol=1e-9, hint=hint)



def check_more_data(result: FitResult, baseline: FitResult, *, data_factor: int = 5) -> Feedback:
    """Check a run trained on ``data_factor`` times more examples than ``baseline``, same number of steps.

    It passes if the run used ``baseline.epochs_run // data_factor`` epochs
    (so as many gradient steps as the baseline), its accuracy gap is smaller
    and its validation accuracy higher; each failure says by how much.
    """
    if not isinstance(result, FitResult):
        return Feedback(False, [f"pass the FitResult returned by ch.fit_and_measure, got {type(result).__name__}"])
    if not isinstance(baseline, FitResult):
        raise TypeError(f"baseline must be a FitResult, got {type(baseline).__name__}")
    data_factor = check_int(data_factor, "data_factor", minimum=1)
    epochs = max(1, baseline.epochs_run // data_factor)
    messages: list[str] = []
    ok = True
    if result.epochs_run != epochs:
        ok = False
        messages.append(f"{result.name} ran {result.epochs_run} epochs, expected {epochs}: with {data_factor}× the "
                        f"data, each epoch has {data_factor}× the steps, so {baseline.epochs_run} // {data_factor} "
                        "epochs give the baseline's number of gradient steps")
    if result.gap < baseline.gap:
        messages.append(f"accuracy gap {result.gap:.3f}, smaller than the baseline's {baseline.gap:.3f} "
                        f"by {baseline.gap - result.gap:.3f}")
    else:
        ok = False
        messages.append(f"accuracy gap {result.gap:.3f} is not smaller than the baseline's {baseline.gap:.3f} "
                        f"(off by {result.gap - baseline.gap:+.3f}): did you train on the 300-example split, "
                        "or add regularization? Use the unregularized network on the larger split")
    if result.val_acc > baseline.val_acc:
        messages.append(f"validation accuracy {result.val_acc:.3f}, higher than the baseline's "
                        f"{baseline.val_acc:.3f} by {result.val_acc - baseline.val_acc:.3f}")
    else:
        ok = False
        messages.append(f"validation accuracy {result.val_acc:.3f} is not higher than the baseline's "
                        f"{baseline.val_acc:.3f} (off by {result.val_acc - baseline.val_acc:+.3f})")
    return Feedback(ok, messages)
