"""Training: the loop (``ug.fit``, ``ug.evaluate``, ``ug.predict``), callbacks, metrics, static graphs.

``ug.train.callbacks`` holds the callbacks (``EarlyStopping``,
``ModelCheckpoint``, ``LearningRateScheduler``, ...), ``ug.train.metrics``
the metrics and loss names, ``ug.train.losses`` Keras' losses (``from_logits=``),
``ug.train.keras_habits`` ``model.compile`` / ``fit`` / ``evaluate`` / ``predict``.
"""

from __future__ import annotations

from . import callbacks, keras_habits, keras_metrics, losses, metrics
from .callbacks import Callback, History
from .errors import FitArgumentError, FitTypeError, NotCompiledError
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
    "NotCompiledError",
    "FitArgumentError",
    "FitTypeError",
    "Callback",
    "History",
    "callbacks",
    "metrics",
    "losses",
    "keras_metrics",
    "keras_habits",
]
