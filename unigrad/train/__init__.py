"""Training: the loop (``ug.fit``, ``ug.evaluate``, ``ug.predict``), callbacks, metrics, static graphs.

``ug.train.callbacks`` holds the callbacks (``EarlyStopping``,
``ModelCheckpoint``, ``LearningRateScheduler``, ...), ``ug.train.metrics``
the metrics and loss names.
"""

from __future__ import annotations

from . import callbacks, metrics
from .callbacks import Callback, History
from .export import export
from .fit import NonFiniteLossError, evaluate, fit, predict
from .function import function

__all__ = [
    "function",
    "export",
    "fit",
    "evaluate",
    "predict",
    "NonFiniteLossError",
    "Callback",
    "History",
    "callbacks",
    "metrics",
]
