"""What FAQ 5 and FAQ 6's training recipes share: one plain ``model.fit``, then the scores.

A *recipe* is a function of the seed for :func:`helpers.experiments.run`. Each chapter's recipe
seeds Keras, builds its own network and hands it here:

- :func:`check_fit_settings`: the checks a recipe makes before its first seed;
- :func:`fit_and_score`: ``model.fit`` on the training set, validating every epoch (with
  ``EarlyStopping`` on validation loss when ``patience`` is given), then the cross-entropy and
  accuracy on the training and validation sets, the epochs run and the history.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .experiments import scores
from .validation import check_int, check_same_length

__all__ = ["check_fit_settings", "fit_and_score"]

Data = tuple[Any, Any]


def _pair(data: Any, name: str) -> Data:
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{name} must be a pair (x, y), got {type(data).__name__}")
    x, y = np.asarray(data[0]), np.asarray(data[1])
    check_same_length(x, y, f"{name}[0]", f"{name}[1]")
    return x, y


def check_fit_settings(train: Any, val: Any, *, epochs: Any, batch_size: Any,
                       patience: Any = None) -> dict[str, Any]:
    """The settings of :func:`fit_and_score`, checked: a ``ValueError``/``TypeError`` names the bad one."""
    _pair(train, "train")
    _pair(val, "val")
    return {"epochs": check_int(epochs, "epochs", minimum=1),
            "batch_size": check_int(batch_size, "batch_size", minimum=1),
            "patience": None if patience is None else check_int(patience, "patience", minimum=1)}


def fit_and_score(model: Any, train: Data, val: Data, *, epochs: int, batch_size: int = 32,
                  patience: int | None = None, measure_train: Data | None = None) -> dict[str, Any]:
    """Train the compiled ``model`` with ``model.fit`` and score it.

    It trains on ``train`` for ``epochs`` epochs, validating on ``val`` after each one; with
    ``patience``, ``EarlyStopping`` ends training once validation loss has not improved for that
    many epochs and restores the best epoch's weights. It returns the cross-entropy and accuracy
    (:func:`helpers.experiments.scores`) on the training digits (``measure_train`` if given, e.g.
    the originals of an augmented set) and on the validation digits, the epochs run and the history.
    """
    import keras

    settings = check_fit_settings(train, val, epochs=epochs, batch_size=batch_size, patience=patience)
    x, y = _pair(train, "train")
    callbacks = []
    if settings["patience"] is not None:
        callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=settings["patience"],
                                                       restore_best_weights=True))
    history = model.fit(x, y, validation_data=_pair(val, "val"), epochs=settings["epochs"],
                        batch_size=settings["batch_size"], callbacks=callbacks, verbose=0)
    train_loss, train_acc = scores(model, *(_pair(measure_train, "measure_train") if measure_train is not None
                                            else (x, y)))
    val_loss, val_acc = scores(model, *val)
    return {"train_loss": train_loss, "train_accuracy": train_acc, "val_loss": val_loss,
            "val_accuracy": val_acc, "epochs": len(history.history["loss"]), "history": history.history}
