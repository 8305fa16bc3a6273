"""Sliding blocks as ``torch.nn.functional``: ``unfold`` (im2col) and ``fold`` (col2im).

The arguments are checked here (the blocks must fit, ``fold``'s input must hold
them), then the active backend's ``nn_unfold`` / ``nn_fold`` runs: torch's own
kernels on the torch backend, elsewhere the definitions in
:mod:`unigrad.nn.reference.fold`.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> tuple(F.unfold(ug.ones((1, 2, 4, 4)), kernel_size=2).shape)
    (1, 8, 9)
"""

from __future__ import annotations

from collections.abc import Sequence

from ...errors import ArgumentError, ShapeError
from ...ops import manipulation
from ...types import Array
from ._dispatch import current_backend, failed
from .padding import known_shape

__all__ = ["unfold", "fold"]

Size = int | Sequence[int]


def _pair(value: Size, what: str, where: str) -> tuple[int, int]:
    values = (value, value) if isinstance(value, int) else tuple(int(v) for v in value)
    if len(values) != 2:
        raise ArgumentError(f"{where}: {what} must be an int or 2 ints, got {value!r}")
    return values[0], values[1]


def _blocks(
    size: Sequence[int],
    kernel: tuple[int, int],
    dilation: tuple[int, int],
    padding: tuple[int, int],
    stride: tuple[int, int],
    where: str,
) -> tuple[int, int]:
    """The number of block positions along each spatial axis, as torch counts them."""
    counts = []
    for n, k, d, p, s in zip(size, kernel, dilation, padding, stride, strict=True):
        span = d * (k - 1) + 1
        if n + 2 * p < span:
            raise ShapeError(
                f"{where}: the dilated kernel {kernel} (spanning {span}) is larger than the padded input "
                f"{tuple(m + 2 * q for m, q in zip(size, padding, strict=True))}"
            )
        counts.append((n + 2 * p - span) // s + 1)
    return counts[0], counts[1]


def unfold(x: Array, kernel_size: Size, dilation: Size = 1, padding: Size = 0, stride: Size = 1) -> Array:
    """``(N, C, H, W)`` to ``(N, C * kH * kW, L)``: every sliding block as a column, as torch's ``unfold``."""
    shape = known_shape(x, "unfold")
    if len(shape) not in (3, 4):
        raise ShapeError(f"unfold: expects a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape {shape}")
    unbatched = len(shape) == 3
    if unbatched:
        x = manipulation.expand_dims(x, axis=0)
    kernel, dilation_, padding_, stride_ = (
        _pair(kernel_size, "kernel_size", "unfold"),
        _pair(dilation, "dilation", "unfold"),
        _pair(padding, "padding", "unfold"),
        _pair(stride, "stride", "unfold"),
    )
    _blocks(shape[-2:], kernel, dilation_, padding_, stride_, "unfold")  # the kernel must fit
    try:
        y = current_backend().nn_unfold(x, kernel, dilation_, padding_, stride_)
    except Exception as exc:
        y = failed(exc, "nn_unfold", x)
    return y[0] if unbatched else y


def fold(
    x: Array, output_size: Size, kernel_size: Size, dilation: Size = 1, padding: Size = 0, stride: Size = 1
) -> Array:
    """``(N, C * kH * kW, L)`` to ``(N, C, H, W)``, summing overlapping blocks, as torch's ``fold``."""
    shape = known_shape(x, "fold")
    if len(shape) not in (2, 3):
        raise ShapeError(
            f"fold: expects a 2-D (C * kH * kW, L) or 3-D (N, C * kH * kW, L) input, got shape {shape}"
        )
    unbatched = len(shape) == 2
    if unbatched:
        x = manipulation.expand_dims(x, axis=0)
    size = _pair(output_size, "output_size", "fold")
    kernel, dilation_, padding_, stride_ = (
        _pair(kernel_size, "kernel_size", "fold"),
        _pair(dilation, "dilation", "fold"),
        _pair(padding, "padding", "fold"),
        _pair(stride, "stride", "fold"),
    )
    _, channels_blocks, length = known_shape(x, "fold")
    positions = kernel[0] * kernel[1]
    if channels_blocks % positions:
        raise ShapeError(
            f"fold: dim 1 of the input ({channels_blocks}) must divide by the kernel's {positions} positions "
            f"(kernel_size {kernel}), got shape {shape}"
        )
    rows, cols = _blocks(size, kernel, dilation_, padding_, stride_, "fold")
    if rows * cols != length:
        raise ShapeError(
            f"fold: output_size {size} with kernel_size {kernel}, dilation {dilation_}, padding {padding_} "
            f"and stride {stride_} gives {rows * cols} blocks, but the input has {length} (shape {shape})"
        )
    try:
        y = current_backend().nn_fold(x, size, kernel, dilation_, padding_, stride_)
    except Exception as exc:
        y = failed(exc, "nn_fold", x)
    return y[0] if unbatched else y
