"""A small out-of-tree unigrad backend over NumPy: the namespace only, no autograd.

It shows what a third-party backend needs: a :class:`Backend` subclass naming
its modules, functions that import from unigrad only :mod:`unigrad.backends.api`,
and an entry point in the group ``unigrad.backends``::

    [project.entry-points."unigrad.backends"]
    numpy = "numpy_backend:NumpyBackend"

The tests register it without installing anything (see ``tests/backends/conftest.py``).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from unigrad.backends.api import Backend

__all__ = ["NumpyBackend"]


class NumpyBackend(Backend):
    """unigrad's functions over ``numpy.ndarray``, on the CPU, without gradients."""

    name: ClassVar[str] = "numpy"
    aliases: ClassVar[tuple[str, ...]] = ("np",)
    framework: ClassVar[str] = "numpy"
    namespace_modules: ClassVar[tuple[str, ...]] = (f"{__name__}.core", f"{__name__}.namespace")

    def __init__(self) -> None:
        super().__init__()
        # np.generic too: NumPy returns scalars, not 0-d arrays, from full reductions
        self.tensor_types = (np.ndarray, np.generic)
        self.version = np.__version__
