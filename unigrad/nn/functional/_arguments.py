"""Argument handling that convolution, pooling and normalization share.

PyTorch's loose arguments (an int or a tuple, ``data_format`` names) become
the normalized form the kernels of :mod:`unigrad.nn.reference` take, and
shapes are checked once, here, over Python ints, so that every backend raises
the same :class:`unigrad.ShapeError` (a ``ValueError``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...dtypes import as_dtype
from ...errors import ArgumentError, DTypeError, ShapeError
from ...ops import manipulation
from ...ops._checks import shape_of
from ...types import Array
from ..reference.windows import Pair

__all__ = [
    "parameter_dtype_error",
    "Size",
    "channels_last",
    "as_tuple",
    "to_2d",
    "static_shape",
    "batched",
    "channels_of",
    "spatial",
    "expected",
    "layout",
    "unlayout",
]

Size = int | Sequence[int]
_LAYOUTS = {
    (1, False): "(N, C, L)",
    (1, True): "(N, L, C)",
    (2, False): "(N, C, H, W)",
    (2, True): "(N, H, W, C)",
}


def channels_last(data_format: str, where: str) -> bool:
    """``data_format`` as a bool, refusing anything but the two names."""
    if data_format == "channels_first":
        return False
    if data_format == "channels_last":
        return True
    raise ArgumentError(
        f"{where}: data_format must be 'channels_first' or 'channels_last', got {data_format!r}"
    )


def as_tuple(value: Size, dims: int, what: str, where: str) -> tuple[int, ...]:
    """An int or ints as ``dims`` ints, or a ValueError naming ``what``."""
    values = (value,) * dims if isinstance(value, int) else tuple(int(v) for v in value)
    if len(values) != dims:
        raise ArgumentError(f"{where}: {what} must be an int or {dims} ints, got {value!r}")
    return values


def to_2d(values: tuple[int, ...], fill: int) -> Pair:
    """A 1-d size as the 2-d one of a height-1 image."""
    return (fill, values[0]) if len(values) == 1 else (values[0], values[1])


def static_shape(x: Array, where: str) -> tuple[int, ...] | None:
    """``x``'s shape as ints; a graph tensor of unknown dimensions is refused with the fix.

    ``None`` for something that has no shape (the caller's rank check reports it).
    """
    shape = shape_of(x)
    if shape is None and getattr(x, "shape", None) is not None:
        raise ShapeError(
            f"{where} needs an input of known shape, got {x.shape}; trace the function with fixed "
            "shapes (for tf.function, an input_signature without None dimensions)"
        )
    return shape


def batched(x: Array, dims: int, last: bool, where: str) -> tuple[tuple[int, ...], bool]:
    """The input's shape with a batch axis, and whether the caller gave none."""
    shape = static_shape(x, where)
    if shape is None or len(shape) not in (dims + 1, dims + 2):
        wanted = _LAYOUTS[(dims, last)]
        raise ShapeError(
            f"{where} expects a {dims + 2}-D input {wanted} (or {dims + 1}-D without the batch axis), "
            f"got shape {shape}"
        )
    return ((1, *shape) if len(shape) == dims + 1 else shape), len(shape) == dims + 1


def channels_of(shape: tuple[int, ...], last: bool) -> int:
    """The number of channels of a batched ``shape``."""
    return shape[-1] if last else shape[1]


def spatial(shape: tuple[int, ...], last: bool) -> tuple[int, ...]:
    """The spatial sizes of a batched ``shape``."""
    return shape[1:-1] if last else shape[2:]


def expected(shape: tuple[int, ...], channels: int | str, last: bool) -> str:
    """The shape an input should have, spelled with letters: ``(N, 3, H, W)``."""
    letters = {1: ["L"], 2: ["H", "W"]}.get(len(shape) - 2, ["..."] * (len(shape) - 2))
    return "(" + ", ".join(map(str, ["N", *letters, channels] if last else ["N", channels, *letters])) + ")"


def layout(x: Array, unbatched: bool, dims: int, last: bool) -> Array:
    """``x`` as a batched 4-D tensor (a height-1 image for 1-d input)."""
    if unbatched:
        x = manipulation.expand_dims(x, axis=0)
    if dims == 1:
        x = manipulation.expand_dims(x, axis=1 if last else 2)
    return x


def unlayout(y: Array, unbatched: bool, dims: int, last: bool) -> Array:
    """The inverse of :func:`layout`: ``y`` in the shape the caller's input had."""
    if dims == 1:
        y = manipulation.squeeze(y, axis=1 if last else 2)
    return manipulation.squeeze(y, axis=0) if unbatched else y


def parameter_dtype_error(where: str, x: Any, weight: Any) -> DTypeError | None:
    """The error for an input whose dtype is not its layer's parameters' (no silent cast), or None.

    Asked only after the framework refused the input, so a well-formed call pays nothing.
    """
    given, want = as_dtype(x.dtype), as_dtype(weight.dtype)
    if given == want:
        return None
    return DTypeError(
        f"{where}: input of dtype {given} does not match the layer's {want} parameters; cast it first, "
        f"ug.astype(x, ug.{want})"
    )
