"""Shared test set-up: offline data, quiet TensorFlow, a non-interactive backend."""

import os

os.environ.setdefault("DLBOOK_DATA_SOURCE", "sample")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(autouse=True)
def _no_model_cache(monkeypatch):
    """Unit tests exercise the real training code: the model cache is off for them.

    (Notebooks run by nbval live in chapters/, outside this conftest, and keep the
    cache the Makefile turns on; tests/test_cache.py turns it on where it tests it.)
    """
    monkeypatch.delenv("DLBOOK_MODEL_CACHE", raising=False)
