"""Padding as ``torch.nn.functional.pad``: constant, reflect, replicate and circular.

``pad`` is torch's tuple, last dimension first: ``(left, right)`` pads the last
axis, ``(left, right, top, bottom)`` the last two, and so on. The arguments are
checked here, then the active backend's ``nn_pad`` runs: its fused kernel
(``torch.nn.functional.pad``; ``tf.pad`` for constant and reflect padding) or
the definition in :mod:`unigrad.nn.reference.padding`.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> ug.to_numpy(F.pad(ug.asarray([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect")).tolist()
    [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]]
"""

from __future__ import annotations

from collections.abc import Sequence

from ...errors import ArgumentError, ShapeError
from ...types import Array
from ._arguments import static_shape
from ._dispatch import current_backend, failed

__all__ = ["pad"]


def known_shape(x: Array, where: str) -> tuple[int, ...]:
    """``x``'s shape as ints, or a ShapeError naming ``where`` for something without one."""
    shape = static_shape(x, where)
    if shape is None:
        raise ShapeError(f"{where} expects a tensor, got {type(x).__name__}")
    return shape


MODES = ("constant", "reflect", "replicate", "circular")


def _check(shape: tuple[int, ...], pad: Sequence[int], mode: str, name: str) -> None:
    if mode not in MODES:
        raise ArgumentError(
            f"{name}: unknown padding mode {mode!r}; expected one of {', '.join(map(repr, MODES))}"
        )
    if len(pad) % 2:
        raise ShapeError(
            f"{name}: the pad tuple must have an even length (left, right, ...), got {tuple(pad)}"
        )
    if len(pad) // 2 > len(shape):
        raise ShapeError(
            f"{name}: pad {tuple(pad)} pads {len(pad) // 2} dimensions, but the input has shape {shape}; "
            f"give at most {2 * len(shape)} values"
        )
    if mode == "constant":
        return
    dims = len(pad) // 2
    if len(shape) not in (dims + 1, dims + 2):
        raise ShapeError(
            f"{name}: {mode} padding of {dims} dimension(s) expects a {dims + 1}-D or {dims + 2}-D input, "
            f"got shape {shape}"
        )
    for i in range(dims):
        size = shape[len(shape) - 1 - i]
        left, right = pad[2 * i], pad[2 * i + 1]
        if mode == "reflect" and (left >= size or right >= size):
            raise ShapeError(
                f"{name}: reflect padding ({left}, {right}) must be smaller than the dimension it pads, "
                f"size {size} of input shape {shape}"
            )
        if mode == "circular" and (left > size or right > size):
            raise ShapeError(
                f"{name}: circular padding ({left}, {right}) must be at most the dimension it pads, "
                f"size {size} of input shape {shape}"
            )
        if mode in ("reflect", "replicate", "circular") and size == 0:
            raise ShapeError(f"{name}: {mode} padding needs a non-empty dimension, got input shape {shape}")


def pad(x: Array, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Array:
    """Pad ``x`` by ``pad`` (last dimension first), as ``torch.nn.functional.pad``.

    ``mode``: ``"constant"`` (with ``value``, 0 by default; negative pads crop),
    ``"reflect"`` (mirrors without the edge), ``"replicate"`` (repeats the edge),
    ``"circular"`` (wraps around).
    """
    pad = tuple(int(p) for p in pad)
    _check(known_shape(x, "pad"), pad, mode, "pad")
    if mode != "constant" and value not in (None, 0, 0.0):
        raise ArgumentError(f"pad: value={value} is only used by mode='constant', got mode={mode!r}")
    try:
        return current_backend().nn_pad(x, pad, mode, 0.0 if value is None else float(value))
    except Exception as exc:
        return failed(exc, "nn_pad", x)
