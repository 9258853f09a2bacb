"""Make a Python process look like a fresh Colab runtime into which a chapter's download was unzipped.

`make test` runs every notebook from its own download (``tools/make_downloads.py --extract``)
with this folder on ``PYTHONPATH``, so that Python imports this module at start-up, in every
kernel. It

- registers a module ``google.colab``: the notebooks' set-up cell takes its Colab branch; its
  ``files.upload()`` returns no files, as when a reader closes the upload dialog (chapter 5's
  "read your own digit" cell then reads nothing, as in the committed notebook);
- hides the ``helpers`` package installed in the environment (any ``sys.path`` entry holding a
  ``helpers`` package, other than the notebook's own folder), so the notebook can only import the
  copy its download carries.

The notebook must then run top to bottom and print what the committed notebook printed.
"""

import os
import sys
import types

_colab = sys.modules.setdefault("google.colab", types.ModuleType("google.colab"))
_files = types.ModuleType("google.colab.files")
_files.upload = lambda: {}
_colab.files = _files
sys.modules["google.colab.files"] = _files
_here = os.path.abspath(os.getcwd())
sys.path[:] = [entry for entry in sys.path
               if not entry or os.path.abspath(entry) == _here
               or not os.path.isfile(os.path.join(entry, "helpers", "__init__.py"))]
