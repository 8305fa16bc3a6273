"""What every public op shares: finding the active backend and handling failure.

An op is ``backend.<name>(...)`` inside ``try``; Python 3.11 makes the ``try``
free, so the checks below cost nothing until the native op has already
failed. Then :func:`failed` works out why, from the inputs alone:

1. a tensor of another framework -> :class:`BackendMismatchError`;
2. NumPy arrays the framework would not take -> converted, op retried once;
3. shapes or axes the op cannot take -> the same :class:`ShapeError` /
   :class:`AxisError` text on every backend;
4. anything else -> the framework's own error, unchanged.
"""

from __future__ import annotations

from typing import Any, NoReturn

import numpy as np

from ..config import _scoped_get, _state, active_backend
from ..errors import BackendMismatchError, UnigradError
from ._checks import diagnose, public_name

__all__ = ["_scoped_get", "_state", "failed", "framework_of"]


_TAKES_NUMPY = frozenset({"asarray", "from_dlpack"})


def framework_of(x: object) -> str | None:
    """The framework a tensor-like object comes from (``"torch"``, ``"tensorflow"``, ...)."""
    if not hasattr(x, "shape") or not hasattr(x, "dtype"):
        return None
    return type(x).__module__.partition(".")[0]


def _leaves(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    found: list[Any] = []
    for value in (*args, *kwargs.values()):
        if isinstance(value, (list, tuple)):
            found.extend(value)
        else:
            found.append(value)
    return found


def _convert_numpy(value: Any, backend: Any) -> Any:
    if isinstance(value, np.ndarray):
        return backend.asarray(value)
    if isinstance(value, (list, tuple)) and any(isinstance(v, np.ndarray) for v in value):
        return type(value)(backend.asarray(v) if isinstance(v, np.ndarray) else v for v in value)
    return value


def failed(exc: Exception, op: str, *args: Any, **kwargs: Any) -> Any:
    """Called when ``backend.<op>(*args, **kwargs)`` raised ``exc``: retry or explain."""
    if isinstance(exc, UnigradError):
        raise exc
    try:
        backend = active_backend()
    except Exception:
        raise exc from None
    leaves = _leaves(args, kwargs)
    for leaf in leaves:
        framework = framework_of(leaf)
        if framework not in (None, "numpy", backend.framework) and not backend.is_tensor(leaf):
            raise BackendMismatchError(mismatch_message(op, leaf, backend.name)) from exc
    # (asarray and from_dlpack take NumPy input as such: their errors, e.g. for
    # copy=False, are real and must not be retried away with a copy)
    if op not in _TAKES_NUMPY and any(isinstance(leaf, np.ndarray) for leaf in leaves):
        args = tuple(_convert_numpy(a, backend) for a in args)
        kwargs = {k: _convert_numpy(v, backend) for k, v in kwargs.items()}
        try:
            return getattr(backend, op)(*args, **kwargs)
        except Exception as again:
            exc = again
    explain(exc, op, args, kwargs)


def explain(exc: Exception, op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> NoReturn:
    try:
        diagnose(op, args, kwargs)
    except UnigradError as found:
        raise found from exc
    raise exc


def mismatch_message(op: str, tensor: object, active: str) -> str:
    framework = framework_of(tensor) or type(tensor).__module__.partition(".")[0]
    label = public_name(op)
    return (
        f"{label} got a {framework} {type(tensor).__name__} while the active backend is "
        f"{active!r}; convert it with ug.convert(x, {active!r}), or run this code under "
        f"ug.use_backend({framework!r})"
    )
