"""The TensorFlow backend."""

from __future__ import annotations

import os
from typing import ClassVar

from unigrad.backends.api import Backend, modules_of

__all__ = ["TensorFlowBackend"]

# TensorFlow prints pages of C++ start-up logs unless told otherwise before import.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class TensorFlowBackend(Backend):
    """unigrad's functions over ``tf.Tensor`` and ``tf.Variable``."""

    name: ClassVar[str] = "tensorflow"
    aliases: ClassVar[tuple[str, ...]] = ("tf",)
    framework: ClassVar[str] = "tensorflow"
    namespace_modules: ClassVar[tuple[str, ...]] = modules_of(__name__)

    def __init__(self) -> None:
        import tensorflow as tf

        _leave_unigrad_to_python()
        super().__init__()
        self.tensor_types = (tf.Tensor, tf.Variable)
        self.version = tf.__version__


def _leave_unigrad_to_python() -> None:
    """Keep AutoGraph from rewriting unigrad's own code inside a user's ``tf.function``.

    AutoGraph converts every function a converted function calls, library code
    included, unless told not to; unigrad's Python is written for plain
    tracing (its branches are on shapes and dtypes, never on tensor values),
    and rewriting it both slows tracing and changes what runs. TensorFlow has
    no public switch for this: the rule list is its internal one.
    """
    try:
        from tensorflow.python.autograph.core import config, config_lib
    except ImportError:  # a TensorFlow without it: AutoGraph then converts, which still works
        return
    rule = config_lib.DoNotConvert("unigrad")
    if not any(getattr(r, "_prefix", None) == "unigrad" for r in config.CONVERSION_RULES):
        config.CONVERSION_RULES = (rule, *config.CONVERSION_RULES)
