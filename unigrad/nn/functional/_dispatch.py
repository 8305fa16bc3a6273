"""What every ``ug.nn.functional`` function shares: the active backend, and what to do when it fails.

A function looks its kernel up on the backend once per call
(``current_backend().nn_<name>``) inside ``try``, and hands a failure to
:func:`failed`, which retries NumPy input or explains the error as the ops do.
"""

from __future__ import annotations

from typing import Any

from ...config import _scoped_get, _state
from ...ops._dispatch import failed

__all__ = ["current_backend", "failed"]


def current_backend() -> Any:
    """The active backend, found as the ops find it: no ContextVar lookup while no scope is open."""
    return (_scoped_get() or _state.default) if _state.scopes else _state.default
