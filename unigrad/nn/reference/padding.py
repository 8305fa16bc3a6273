"""The reference definition of ``pad``: slices, flips and concatenation over ``ug`` ops.

``pad`` is torch's tuple, last dimension first, already checked by
:func:`unigrad.nn.functional.pad`. Negative constant or circular pads crop, as
torch's.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...ops import creation, manipulation
from ...ops.conversion import device_of
from ...types import Array

__all__ = ["pad"]


def _slice(x: Array, axis: int, start: int | None, stop: int | None) -> Array:
    index = (slice(None),) * axis + (slice(start, stop),)
    return x[index]


def _pad_axis(x: Array, axis: int, left: int, right: int, mode: str, value: float) -> Array:
    size = int(x.shape[axis])
    if mode in ("constant", "circular"):
        # negative pads crop, as torch's
        x = _slice(x, axis, max(-left, 0), size - max(-right, 0))
        left, right = max(left, 0), max(right, 0)
        size = int(x.shape[axis])
    if left == 0 and right == 0:
        return x
    if mode == "constant":

        def block(width: int) -> Array:
            shape = [int(n) for n in x.shape]
            shape[axis] = width
            return creation.full(tuple(shape), value, dtype=x.dtype, device=device_of(x))

        before, after = block(left), block(right)
    elif mode == "reflect":
        before = manipulation.flip(_slice(x, axis, 1, left + 1), axis=axis)
        after = manipulation.flip(_slice(x, axis, size - right - 1, size - 1), axis=axis)
    elif mode == "replicate":
        reps = [1] * len(x.shape)
        reps[axis] = left
        before = manipulation.tile(_slice(x, axis, 0, 1), tuple(reps))
        reps[axis] = right
        after = manipulation.tile(_slice(x, axis, size - 1, size), tuple(reps))
    else:
        before, after = _slice(x, axis, size - left, size), _slice(x, axis, 0, right)
    return manipulation.concat([before, x, after], axis=axis)


def pad(x: Array, pad: Sequence[int], mode: str, value: float) -> Array:
    """``x`` padded by ``pad`` (last dimension first): constant, reflect, replicate or circular."""
    ndim = len(x.shape)
    for i in range(len(pad) // 2):
        x = _pad_axis(x, ndim - 1 - i, pad[2 * i], pad[2 * i + 1], mode, value)
    return x
