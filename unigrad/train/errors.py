"""The errors of ``ug.train``: bad arguments to ``fit`` and friends, and a model used before ``compile``."""

from __future__ import annotations

from ..errors import UnigradError

__all__ = ["FitArgumentError", "FitTypeError", "NotCompiledError"]


class FitArgumentError(UnigradError, ValueError):
    """An argument of ``fit`` / ``evaluate`` / ``predict`` / ``compile`` that cannot be used as given."""


class NotCompiledError(UnigradError, RuntimeError, ValueError):
    """``model.fit`` or ``model.evaluate`` before ``model.compile`` (and without a loss of their own)."""


class FitTypeError(UnigradError, TypeError):
    """An argument of ``fit`` and friends of the wrong kind (an optimizer that is not one, ...)."""
