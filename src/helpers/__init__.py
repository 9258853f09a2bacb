"""Helper code for the book *Deep Learning, Explained and Run*.

Every chapter ``chapters/NN_slug.ipynb`` has its code in ``helpers/slug.py``.
Pieces shared by several chapters live in their own modules, once:

- :mod:`helpers.runtime`    quiet, seeded TensorFlow/Keras for notebooks and tests
- :mod:`helpers.data`       real MNIST / Fashion-MNIST, online or offline
- :mod:`helpers.plotting`   the book's figure style and common figures
- :mod:`helpers.training`   training small Keras models without a fixed cost per epoch
- :mod:`helpers.widgets`    interactive explorers that also leave a static figure
- :mod:`helpers.exercises`  checkers that give learners specific feedback
- :mod:`helpers.validation` argument checks with clear error messages

Importing :mod:`helpers` is cheap: TensorFlow is only imported by the modules
that need it, and only after :func:`helpers.runtime.quiet_tensorflow` ran.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
