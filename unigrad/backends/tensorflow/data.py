"""Data loading: the framework's own datasets and loaders as ug.fit inputs (TensorFlow).

Nothing here imports tensorflow at module level: the registry asks these
functions through the backend class (a loader's length, a weights file)
without constructing the backend, and asking must not import a framework
that the program has not imported.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["split_rows", "loader_length", "read_state_file"]


def split_rows(x: Any, sizes: list[int]) -> list[Any]:
    """``x`` cut along its first axis into pieces of ``sizes``, in one op.

    Slicing eager tensors one by one costs ~150 µs each through ``tf.Tensor.__getitem__``.
    """
    import tensorflow as tf

    return list(tf.split(x, sizes)) if len(sizes) > 1 else [x]


def loader_length(loader: Any) -> Any:
    """Batches per epoch of a ``tf.data.Dataset`` (None if infinite or unknown); else NotImplemented."""
    tensorflow = sys.modules.get("tensorflow")
    if tensorflow is None or not isinstance(loader, tensorflow.data.Dataset):
        return NotImplemented
    count = int(loader.cardinality())
    return count if count >= 0 else None  # INFINITE or UNKNOWN


def read_state_file(path: str) -> Any:
    """NotImplemented: TensorFlow's weights files name variables, read through their Keras model."""
    return NotImplemented
