"""``max_unpool1d``/``2d``/``3d``: the inverses of ``max_pool<n>d(..., return_indices=True)``, as PyTorch's.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> y, index = F.max_pool2d(ug.ones((1, 2, 4, 4)), 2, return_indices=True)
    >>> tuple(F.max_unpool2d(y, index, 2).shape)
    (1, 2, 4, 4)
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ...errors import ShapeError
from ...ops import manipulation
from ...ops._checks import shape_of
from ...types import Array
from ._arguments import Size, as_tuple
from ._dispatch import current_backend, failed
from .conv import public_function
from .pooling import max_pool1d, max_pool2d
from .pooling_adaptive import adaptive_max_pool1d, adaptive_max_pool2d, adaptive_max_pool3d
from .pooling_nd import max_pool3d, unvolumes, volumes

__all__ = [
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
    "max_pool1d_with_indices",
    "max_pool2d_with_indices",
    "max_pool3d_with_indices",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices",
]


def _max_unpool(
    input: Array,
    indices: Array,
    dims: int,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    output_size: Sequence[int] | None,
    data_format: str,
) -> Array:
    where = f"ug.nn.functional.max_unpool{dims}d"
    kernel = as_tuple(kernel_size, dims, "kernel_size", where)
    strides = kernel if stride is None else as_tuple(stride, dims, "stride", where)
    pads = as_tuple(padding, dims, "padding", where)
    if shape_of(indices) != shape_of(input):
        raise ShapeError(
            f"{where}: indices must have the input's shape {shape_of(input)}, got {shape_of(indices)}"
        )
    x, unbatched, last = volumes(input, dims, data_format, where)
    index, _, _ = volumes(indices, dims, data_format, where)
    sizes = tuple(int(n) for n in x.shape[2:])
    default = tuple((n - 1) * s - 2 * p + k for n, s, p, k in zip(sizes, strides, pads, kernel, strict=True))
    plane = default if output_size is None else tuple(int(n) for n in tuple(output_size)[-dims:])
    if output_size is not None and (
        len(tuple(output_size)) not in (dims, dims + 2)
        or any(not d - s < n < d + s for n, d, s in zip(plane, default, strides, strict=True))
    ):
        raise ShapeError(
            f"{where}: output_size {tuple(output_size)} must be {dims} sizes (or {dims + 2} with N and C) "
            f"each within a stride {strides} of the default {default}"
        )
    # a 1-d unpool is the 2-d one of a height-1 plane, a 3-d one that of a (1, D * H * W) plane:
    # the flat indices are the same
    n, c = int(x.shape[0]), int(x.shape[1])
    if dims != 2:
        x, index = (manipulation.reshape(t, (n, c, 1, -1)) for t in (x, index))
    out = (plane[0], plane[1]) if dims == 2 else (1, math.prod(plane))
    try:
        y = current_backend().nn_max_unpool2d(x, index, out)
    except Exception as exc:
        y = failed(exc, "nn_max_unpool2d", x, index, out)
    if dims != 2:
        y = manipulation.reshape(y, (n, c, *plane))
    return unvolumes(y, dims, unbatched, last)


class _MaxUnpoolFunction(Protocol):
    def __call__(
        self,
        input: Array,
        indices: Array,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        output_size: Sequence[int] | None = None,
        data_format: str = "channels_first",
    ) -> Array: ...


def _max_unpool_nd(dims: int, doc: str) -> _MaxUnpoolFunction:
    def max_unpool(
        input, indices, kernel_size, stride=None, padding=0, output_size=None, data_format="channels_first"
    ):
        return _max_unpool(input, indices, dims, kernel_size, stride, padding, output_size, data_format)

    return public_function(max_unpool, f"max_unpool{dims}d", doc, _MaxUnpoolFunction)


max_unpool1d = _max_unpool_nd(
    1,
    """Each value of ``input`` at its index ``indices`` in a zero row, as ``torch``'s ``max_unpool1d``.

    The row is ``(L - 1) * stride - 2 * padding + kernel_size`` long, or ``output_size[-1]``.
    """,
)
max_unpool2d = _max_unpool_nd(
    2,
    """Each value of ``input`` at its flat index ``indices`` in a zero plane, as ``torch``'s ``max_unpool2d``.

    The plane is ``(H - 1) * stride - 2 * padding + kernel_size`` per axis, or
    the last two entries of ``output_size``.
    """,
)
max_unpool3d = _max_unpool_nd(
    3,
    """Each value of ``input`` at its flat index ``indices`` in a zero volume, as torch's ``max_unpool3d``.

    The volume is ``(D - 1) * stride - 2 * padding + kernel_size`` per axis, or
    the last three entries of ``output_size``.
    """,
)


def _with_indices(pool: Callable[..., Any], name: str) -> Callable[..., tuple[Array, Array]]:
    """``pool`` with ``return_indices=True`` always: torch's ``<pool>_with_indices`` functions."""

    def with_indices(*args: Any, **kwargs: Any) -> tuple[Array, Array]:
        kwargs["return_indices"] = True
        return pool(*args, **kwargs)

    with_indices.__name__ = with_indices.__qualname__ = name
    with_indices.__doc__ = (
        f"``{pool.__name__}(..., return_indices=True)``: ``(output, indices)``, as torch's."
    )
    with_indices.__signature__ = inspect.signature(pool)  # type: ignore[attr-defined]
    return with_indices


max_pool1d_with_indices = _with_indices(max_pool1d, "max_pool1d_with_indices")
max_pool2d_with_indices = _with_indices(max_pool2d, "max_pool2d_with_indices")
max_pool3d_with_indices = _with_indices(max_pool3d, "max_pool3d_with_indices")
adaptive_max_pool1d_with_indices = _with_indices(adaptive_max_pool1d, "adaptive_max_pool1d_with_indices")
adaptive_max_pool2d_with_indices = _with_indices(adaptive_max_pool2d, "adaptive_max_pool2d_with_indices")
adaptive_max_pool3d_with_indices = _with_indices(adaptive_max_pool3d, "adaptive_max_pool3d_with_indices")
