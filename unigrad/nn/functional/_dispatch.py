"""What every ``ug.nn.functional`` function shares: the active backend, and what to do when it fails.

A function looks its kernel up on the backend once per call
(``current_backend().nn_<name>``) inside ``try``, and hands a failure to
:func:`failed`, which retries NumPy input or explains the error as the ops do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...config import _scoped_get, _state
from ...errors import UnigradError
from ...ops._dispatch import failed

__all__ = ["current_backend", "failed", "failed_explained"]


def current_backend() -> Any:
    """The active backend, found as the ops find it: no ContextVar lookup while no scope is open."""
    return (_scoped_get() or _state.default) if _state.scopes else _state.default


def failed_explained(
    exc: Exception, kernel: str, args: tuple[Any, ...], explain: Callable[[], UnigradError | None]
) -> Any:
    """:func:`failed`, and where the framework's own error is left, ``explain()``'s unigrad error instead
    (the layer's view: an input of the wrong width or dtype for its parameters), if it names one."""
    try:
        return failed(exc, kernel, *args)
    except UnigradError:
        raise
    except Exception as again:
        found = explain()
        if found is None:
            raise
        raise found from again
