"""Checks and error messages shared by the ops of every backend.

The happy path of an op never comes here. When a native op fails, the public
function asks :func:`diagnose` what went wrong, in pure Python over the input
shapes, so that both backends raise the same unigrad error with the same
message instead of a raw ``RuntimeError`` or ``InvalidArgumentError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..errors import AxisError, IndexOutOfRangeError, ShapeError
from .shapes import Shape, broadcast_shapes
from .shapes import broadcast_shape as _broadcast

# (broadcast_shapes lives in .shapes; re-exported here for code that imported it from here)
__all__ = ["broadcast_shapes", "check_indices", "diagnose", "public_name", "shape_of"]


def shape_of(x: Any) -> Shape | None:
    shape = getattr(x, "shape", None)
    if shape is None:
        return () if isinstance(x, (bool, int, float, complex)) else None
    try:
        return tuple(int(d) for d in shape)
    except TypeError:  # unknown dimensions inside a traced graph
        return None


def _fmt(shape: Shape) -> str:
    return str(tuple(shape))


def check_indices(op: str, indices: Any, size: int, axis: int, extrema: tuple[int, int] | None) -> None:
    """Raise if ``extrema`` (min, max of ``indices``) fall outside an axis of ``size``."""
    if extrema is None:
        return
    low, high = extrema
    if low < -size or high >= size:
        bad = low if low < -size else high
        raise IndexOutOfRangeError(
            f"{op}: index {bad} is out of range for axis {axis} of size {size}; "
            f"valid indices are {-size} to {size - 1}"
        )


def _axis_check(op: str, x: Any, axis: Any, extra: int = 0) -> None:
    shape = shape_of(x)
    if shape is None or axis is None:
        return
    ndim = len(shape) + extra
    axes = (axis,) if isinstance(axis, int) else tuple(axis) if isinstance(axis, (tuple, list)) else ()
    for a in axes:
        if isinstance(a, int) and not -ndim <= a < ndim:
            raise AxisError(
                f"{op}: axis {a} is out of range for an array of {len(shape)} dimensions "
                f"(shape {_fmt(shape)}); valid axes are {-ndim} to {ndim - 1}"
            )
    normalized = [a % ndim for a in axes if isinstance(a, int) and ndim]
    if len(set(normalized)) != len(normalized):
        raise AxisError(f"{op}: axis {axis} repeats an axis")


def _matmul(op: str, a: Shape, b: Shape) -> None:
    if not a or not b:
        raise ShapeError(f"{op}: needs arrays of at least 1 dimension, got shapes {_fmt(a)} and {_fmt(b)}")
    inner_a = a[-1]
    inner_b = b[-2] if len(b) > 1 else b[0]
    if inner_a != inner_b:
        raise ShapeError(
            f"{op}: shapes {_fmt(a)} and {_fmt(b)} do not line up for matrix multiplication: "
            f"the last axis of the first ({inner_a}) must equal the "
            f"{'second-to-last' if len(b) > 1 else 'only'} axis of the second ({inner_b})"
        )
    if len(a) > 2 or len(b) > 2:
        _broadcast(op + " (batch axes)", [a[:-2], b[:-2]])


def _reshape(op: str, x: Shape, shape: Any) -> None:
    target = (shape,) if isinstance(shape, int) else tuple(shape)
    if sum(1 for d in target if d == -1) > 1:
        raise ShapeError(f"{op}: shape {target} has more than one -1; at most one size can be inferred")
    size = math.prod(x)
    known = math.prod(d for d in target if d != -1)
    if (-1 in target and (known == 0 or size % known)) or (-1 not in target and known != size):
        raise ShapeError(
            f"{op}: cannot reshape an array of shape {_fmt(x)} ({size} elements) to {target} "
            f"({'a multiple of ' if -1 in target else ''}{known} elements)"
        )


def _concat(op: str, shapes: list[Shape], axis: Any, stack: bool) -> None:
    if not shapes:
        raise ShapeError(f"{op}: needs at least one array")
    if stack:
        if len(set(shapes)) > 1:
            raise ShapeError(f"{op}: all arrays must have the same shape, got {', '.join(map(_fmt, shapes))}")
        return
    if axis is None:
        return
    ndims = {len(s) for s in shapes}
    if len(ndims) > 1 or 0 in ndims:
        raise ShapeError(
            f"{op}: arrays must have the same number of dimensions (at least 1), got shapes "
            f"{', '.join(map(_fmt, shapes))}"
        )
    ndim = ndims.pop()
    a = axis % ndim
    for i in range(ndim):
        if i != a and len({s[i] for s in shapes}) > 1:
            raise ShapeError(
                f"{op}: shapes {', '.join(map(_fmt, shapes))} differ on axis {i}; "
                f"only the concatenation axis {axis} may differ"
            )


def _binary(op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    shapes = [s for s in map(shape_of, args[:2]) if s is not None]
    _broadcast(op, shapes)


def _where(op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    _broadcast(op, [s for s in map(shape_of, args[:3]) if s is not None])


def _matmul_check(op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    a, b = shape_of(args[0]), shape_of(args[1])
    if a is not None and b is not None:
        _matmul(op, a, b)


def _reshape_check(op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    x = shape_of(args[0])
    shape = args[1] if len(args) > 1 else kwargs.get("shape")
    if x is not None and shape is not None:
        _reshape(op, x, shape)


def _concat_check(op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    shapes = [shape_of(a) for a in args[0]]
    if all(s is not None for s in shapes):
        _concat(op, shapes, kwargs.get("axis", 0), stack=op.endswith("stack"))  # type: ignore[arg-type]


def _broadcast_to_check(op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    x = shape_of(args[0])
    target = tuple(args[1] if len(args) > 1 else kwargs["shape"])
    if x is None:
        return
    if len(x) > len(target) or any(a not in (1, b) for a, b in zip(x[::-1], target[::-1], strict=False)):
        raise ShapeError(
            f"{op}: an array of shape {_fmt(x)} cannot be broadcast to {target}; "
            "each axis must match or be 1, aligned from the right"
        )


def _vecdot_check(op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    a, b = shape_of(args[0]), shape_of(args[1])
    axis = kwargs.get("axis", -1)
    if a is None or b is None:
        return
    _axis_check(op, args[0], axis)
    _axis_check(op, args[1], axis)
    if a[axis] != b[axis]:
        raise ShapeError(f"{op}: shapes {_fmt(a)} and {_fmt(b)} differ on the contracted axis {axis}")
    _broadcast(op, [a, b])


def _tensordot_check(op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    a, b = shape_of(args[0]), shape_of(args[1])
    axes = kwargs.get("axes", 2)
    if a is None or b is None:
        return
    if isinstance(axes, int):
        pairs = list(zip(range(len(a) - axes, len(a)), range(axes), strict=True))
    else:
        pairs = list(zip(axes[0], axes[1], strict=False))
    for i, j in pairs:
        if a[i] != b[j]:
            raise ShapeError(
                f"{op}: axis {i} of shape {_fmt(a)} ({a[i]}) does not match axis {j} of shape "
                f"{_fmt(b)} ({b[j]})"
            )


def _squeeze_check(op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    x = shape_of(args[0])
    axis = args[1] if len(args) > 1 else kwargs.get("axis")
    if x is None or axis is None:
        return
    _axis_check(op, args[0], axis)
    for a in (axis,) if isinstance(axis, int) else axis:
        if x[a] != 1:
            raise ShapeError(f"{op}: axis {a} of shape {_fmt(x)} has size {x[a]}, not 1")


_CHECKS: dict[str, Callable[[str, tuple[Any, ...], dict[str, Any]], None]] = {
    "where": _where,
    "matmul": _matmul_check,
    "reshape": _reshape_check,
    "concat": _concat_check,
    "stack": _concat_check,
    "broadcast_to": _broadcast_to_check,
    "vecdot": _vecdot_check,
    "tensordot": _tensordot_check,
    "squeeze": _squeeze_check,
}
_EXPANDS = {"expand_dims": 1, "stack": 1}


def public_name(op: str) -> str:
    """How the user called a backend function: ``linalg_solve`` -> ``ug.linalg.solve``."""
    if op.startswith("linalg_"):
        return f"ug.linalg.{op[7:]}"
    if op.startswith("fft_"):
        return f"ug.fft.{op[4:]}"
    if op.startswith("nn_"):
        return f"ug.nn.functional.{op[3:]}"
    return f"ug.{op}"


def diagnose(op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Raise a unigrad error if the inputs of ``op`` are invalid; return if they look fine.

    ``op`` is the backend's name for it (``"add"``, ``"linalg_solve"``).
    """
    key = op.removeprefix("linalg_").removeprefix("fft_").removeprefix("nn_")
    label = public_name(op)
    if "axis" in kwargs and args and key not in ("concat", "stack"):
        _axis_check(label, args[0], kwargs["axis"], _EXPANDS.get(key, 0))
    check = _CHECKS.get(key)
    if check is None and key in _binary_names():
        check = _binary
    if check is not None:
        check(label, args, kwargs)


def _binary_names() -> list[str]:
    from . import binary  # imported late: binary imports this module through _dispatch

    return binary.__all__
