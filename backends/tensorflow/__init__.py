"""The TensorFlow backend."""

from __future__ import annotations

import os
from typing import ClassVar

from unigrad.backends.base import Backend

__all__ = ["TensorFlowBackend"]

# TensorFlow prints pages of C++ start-up logs unless told otherwise before import.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class TensorFlowBackend(Backend):
    """unigrad's functions over ``tf.Tensor`` and ``tf.Variable``."""

    name: ClassVar[str] = "tensorflow"
    aliases: ClassVar[tuple[str, ...]] = ("tf",)
    framework: ClassVar[str] = "tensorflow"
    namespace_modules: ClassVar[tuple[str, ...]] = tuple(
        f"{__name__}.{module}"
        for module in (
            "core",
            "device",
            "creation",
            "elementwise",
            "manipulation",
            "statistical",
            "searching",
            "linalg",
            "autograd",
            "nn",
            "nn_layers",
        )
    )

    def __init__(self) -> None:
        import tensorflow as tf

        super().__init__()
        self.tensor_types = (tf.Tensor, tf.Variable)
        self.version = tf.__version__
