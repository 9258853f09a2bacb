"""Helper code for the book *Deep Learning, Explained and Run*.

Every chapter ``chapters/NN_slug.ipynb`` has its code in ``helpers/slug.py``; a chapter's module
never imports another chapter's. Pieces several chapters share live in their own modules, once:

- :mod:`helpers.runtime`     set-up of every chapter: quiet, seeded TensorFlow; random generators; ``show_source``
- :mod:`helpers.data`        real MNIST / Fashion-MNIST, online or offline; inputs and validation splits
- :mod:`helpers.models`      the Keras models several chapters train (dense and convolutional networks)
- :mod:`helpers.experiments` runs over seeds, paired comparisons with intervals, and their figures
- :mod:`helpers.plotting`    the book's figure style and common figures
- :mod:`helpers.widgets`     explorers that work in Jupyter and on the static web page
- :mod:`helpers.exercises`   checkers that give learners specific feedback
- :mod:`helpers.validation`  argument checks with clear error messages

Importing :mod:`helpers` is cheap: TensorFlow is only imported by the modules that need it,
after :func:`helpers.runtime.quiet_tensorflow` ran.
"""

from __future__ import annotations

import importlib.util

__version__ = "0.2.0"
__all__ = ["__version__", "REQUIREMENTS", "missing_requirements"]

#: What the helpers import, as ``{import name: pip name}`` (pyproject.toml lists the same;
#: TensorFlow is left out on purpose, so that Colab keeps its own).
REQUIREMENTS: dict[str, str] = {
    "numpy": "numpy",
    "scipy": "scipy",
    "pandas": "pandas",
    "matplotlib": "matplotlib",
    "colorspacious": "colorspacious",
    "sklearn": "scikit-learn",
    "threadpoolctl": "threadpoolctl",
    "yaml": "pyyaml",
    "IPython": "ipython",
    "ipywidgets": "ipywidgets",
    "altair": "altair",
    "mlxtend": "mlxtend",
    "PIL": "pillow",
    "keras": "keras",
}


def missing_requirements() -> list[str]:
    """The pip names of the packages in :data:`REQUIREMENTS` that are not installed here."""
    return [pip for module, pip in REQUIREMENTS.items() if importlib.util.find_spec(module) is None]
