"""The reference definitions of ``unfold`` (im2col) and ``fold`` (col2im) over ``ug`` ops.

``unfold`` stacks one strided slice of the padded image per kernel position;
``fold`` spreads each kernel position's block back with zero-filled strides and
padding and sums the overlaps (its gradient is ``unfold``'s). Both take batched
input and 2-tuples, checked by :mod:`unigrad.nn.functional.fold`.
"""

from __future__ import annotations

from ...ops import creation, manipulation
from ...ops.conversion import device_of
from ...types import Array
from .padding import pad
from .windows import Pair

__all__ = ["unfold", "fold"]


def _count(size: int, kernel: int, dilation: int, padding: int, stride: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def unfold(x: Array, kernel: Pair, dilation: Pair, padding: Pair, stride: Pair) -> Array:
    """``(N, C, H, W)`` to ``(N, C * kH * kW, L)``: every sliding block as a column."""
    n, c, h, w = (int(d) for d in x.shape)
    rows, cols = (_count(*args) for args in zip((h, w), kernel, dilation, padding, stride, strict=True))
    x = pad(x, (padding[1], padding[1], padding[0], padding[0]), "constant", 0.0)
    columns = []
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            top, left = i * dilation[0], j * dilation[1]
            columns.append(
                x[
                    :,
                    :,
                    top : top + stride[0] * (rows - 1) + 1 : stride[0],
                    left : left + stride[1] * (cols - 1) + 1 : stride[1],
                ]
            )
    return manipulation.reshape(
        manipulation.stack(columns, axis=2), (n, c * kernel[0] * kernel[1], rows * cols)
    )


def _spread(block: Array, stride: int, axis: int) -> Array:
    """``block`` with ``stride - 1`` zeros after each element along ``axis`` (the last ones dropped)."""
    if stride == 1:
        return block
    shape = tuple(int(d) for d in block.shape)
    zeros = creation.zeros((*shape, stride - 1), dtype=block.dtype, device=device_of(block))
    spread = manipulation.concat([manipulation.expand_dims(block, axis=-1), zeros], axis=-1)
    spread = manipulation.moveaxis(spread, -1, axis + 1)
    merged = (*shape[:axis], shape[axis] * stride, *shape[axis + 1 :])
    length = stride * (shape[axis] - 1) + 1
    return manipulation.reshape(spread, merged)[(slice(None),) * axis + (slice(0, length),)]


def fold(x: Array, output_size: Pair, kernel: Pair, dilation: Pair, padding: Pair, stride: Pair) -> Array:
    """``(N, C * kH * kW, L)`` to ``(N, C, *output_size)``, summing overlapping blocks."""
    n, channels_blocks, _ = (int(d) for d in x.shape)
    rows, cols = (_count(*args) for args in zip(output_size, kernel, dilation, padding, stride, strict=True))
    blocks = manipulation.reshape(
        x, (n, channels_blocks // (kernel[0] * kernel[1]), kernel[0], kernel[1], rows, cols)
    )
    height, width = output_size[0] + 2 * padding[0], output_size[1] + 2 * padding[1]
    total = None
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            block = _spread(_spread(blocks[:, :, i, j], stride[0], 2), stride[1], 3)
            top, left = i * dilation[0], j * dilation[1]
            bottom = height - top - (stride[0] * (rows - 1) + 1)
            right = width - left - (stride[1] * (cols - 1) + 1)
            placed = pad(block, (left, right, top, bottom), "constant", 0.0)
            total = placed if total is None else total + placed
    assert total is not None
    return total[:, :, padding[0] : padding[0] + output_size[0], padding[1] : padding[1] + output_size[1]]
