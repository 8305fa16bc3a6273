"""Padding and packing variable-length sequences, as ``torch.nn.utils.rnn``.

A :class:`PackedSequence` holds a batch of sequences of different lengths step
by step: ``data`` has the first step of every sequence, then the second step of
every sequence still running, and so on; ``batch_sizes[t]`` counts the
sequences at step ``t``. The sequences are packed longest first;
``sorted_indices`` says where each came from when ``enforce_sorted=False``
sorted them, and ``unsorted_indices`` puts them back. ``ug.nn.RNN``, ``GRU``
and ``LSTM`` take one and return one.

Each function is one gather over indices worked out on the host from the
lengths (which, as in torch, live on the CPU), so gradients flow through it
on every backend.

Examples:
    >>> import unigrad as ug
    >>> from unigrad.nn.utils.rnn import pack_sequence, pad_packed_sequence
    >>> packed = pack_sequence([ug.asarray([1.0, 2.0, 3.0]), ug.asarray([4.0])])
    >>> ug.to_numpy(packed.data).tolist(), ug.to_numpy(packed.batch_sizes).tolist()
    ([1.0, 4.0, 2.0, 3.0], [2, 1, 1])
    >>> padded, lengths = pad_packed_sequence(packed, batch_first=True)
    >>> ug.to_numpy(padded).tolist(), ug.to_numpy(lengths).tolist()
    ([[1.0, 2.0, 3.0], [4.0, 0.0, 0.0]], [3, 1])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ...errors import ArgumentError, ShapeError
from ...ops import creation, manipulation
from ...ops._checks import shape_of
from ...ops.conversion import device_of, to_device, to_numpy
from ...types import Array
from ..reference.recurrent import packed_positions

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpad_sequence",
    "pack_sequence",
    "unpack_sequence",
]

# torch keeps batch sizes and lengths on the CPU, where its packed kernels read them
_HOST = "cpu:0"


class _Fields(NamedTuple):
    data: Any
    batch_sizes: Any
    sorted_indices: Any
    unsorted_indices: Any


class PackedSequence(_Fields):
    """Sequences of different lengths packed step by step, as ``torch.nn.utils.rnn.PackedSequence``.

    Made by :func:`pack_padded_sequence` and :func:`pack_sequence`. Fields:
    ``data`` ``(sum of lengths, *)``, ``batch_sizes`` (int64, on the CPU),
    ``sorted_indices`` and ``unsorted_indices`` (``None`` when the batch came
    sorted). Without ``unsorted_indices`` it is worked out from ``sorted_indices``.
    """

    def __new__(
        cls,
        data: Any,
        batch_sizes: Any = None,
        sorted_indices: Any = None,
        unsorted_indices: Any = None,
    ) -> PackedSequence:
        if batch_sizes is None:  # torch also takes (data, batch_sizes) as the first argument
            data, batch_sizes = data
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, device: Any) -> PackedSequence:
        """``data`` and the indices moved to ``device`` (``batch_sizes`` stays on the CPU)."""
        indices = [None if i is None else to_device(i, device) for i in self[2:]]
        return type(self)(to_device(self.data, device), self.batch_sizes, *indices)


def invert_permutation(permutation: Array | None) -> Array | None:
    """The permutation that undoes ``permutation`` (``None`` stays ``None``)."""
    if permutation is None:
        return None
    order = np.asarray(to_numpy(permutation))
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order), dtype=order.dtype)
    return creation.asarray(inverse, device=device_of(permutation))


def _host_ints(values: Any) -> np.ndarray[Any, Any]:
    if not isinstance(values, (list, tuple, np.ndarray)):
        values = to_numpy(values)
    return np.asarray(values).astype(np.int64).reshape(-1)


def _gather(rows: Sequence[Array], fill: float, index: np.ndarray[Any, Any]) -> Array:
    """``rows`` joined along their first axis, plus a row of ``fill`` after them, gathered at
    ``index`` (any shape; the index of the fill row is the joined rows' count)."""
    first = rows[0]
    trailing = (shape_of(first) or ())[1:]
    pad = creation.full((1, *trailing), fill, dtype=first.dtype, device=device_of(first))
    joined = manipulation.concat([*rows, pad], axis=0)
    picked = manipulation.take(joined, creation.asarray(index.reshape(-1), device=device_of(first)), axis=0)
    return manipulation.reshape(picked, (*index.shape, *trailing))


def pad_sequence(
    sequences: Array | Iterable[Array],
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Array:
    """Sequences ``(L_i, *)`` as one ``(max L, N, *)`` tensor (``(N, max L, *)`` with ``batch_first``),
    filled with ``padding_value`` after each (before it, with ``padding_side="left"``)."""
    if padding_side not in ("left", "right"):
        raise ArgumentError(f"pad_sequence: padding_side must be 'left' or 'right', got {padding_side!r}")
    is_tensor = getattr(sequences, "shape", None) is not None
    items = list(manipulation.unstack(sequences, axis=0) if is_tensor else sequences)
    if not items:
        raise ArgumentError("pad_sequence: received an empty list of sequences")
    shapes = [tuple(shape_of(s) or ()) for s in items]
    for i, shape in enumerate(shapes):
        if not shape or shape[1:] != shapes[0][1:]:
            raise ShapeError(
                f"pad_sequence: sequence {i} has shape {shape} and sequence 0 {shapes[0]}; sequences "
                "may differ in their first dimension only"
            )
    lengths = np.array([shape[0] for shape in shapes], dtype=np.int64)
    steps = np.arange(int(lengths.max()))[:, None]
    offset = steps - (len(steps) - lengths) if padding_side == "left" else steps + 0 * lengths
    inside = (offset >= 0) & (offset < lengths)
    index = np.where(inside, np.cumsum(lengths) - lengths + offset, int(lengths.sum()))
    return _gather(items, padding_value, index.T if batch_first else index)


def pack_padded_sequence(
    input: Array, lengths: Any, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """A padded batch ``(T, N, *)`` (``(N, T, *)`` with ``batch_first``) of sequences of ``lengths``
    as a :class:`PackedSequence`.

    With ``enforce_sorted`` the lengths must decrease, else they are sorted
    (stably) and ``sorted_indices`` records the order.
    """
    sizes = _host_ints(lengths)
    shape = tuple(shape_of(input) or ())
    batch_axis = 0 if batch_first else 1
    if len(shape) < 2 or len(sizes) != shape[batch_axis]:
        raise ShapeError(
            f"pack_padded_sequence: {len(sizes)} lengths for an input of shape {shape}, whose "
            f"{'first' if batch_first else 'second'} dimension is the batch; give one length per sequence"
        )
    if sizes.min() < 1 or sizes.max() > shape[1 - batch_axis]:
        raise ShapeError(
            f"pack_padded_sequence: lengths {sizes.tolist()} must lie in [1, {shape[1 - batch_axis]}], "
            f"the steps of an input of shape {shape}"
        )
    order = None
    if not enforce_sorted:
        order = np.argsort(-sizes, kind="stable")
    elif np.any(np.diff(sizes) > 0):
        raise ShapeError(
            f"pack_padded_sequence: lengths {sizes.tolist()} are not in decreasing order, as "
            "enforce_sorted=True requires; sort the batch by length first, or pass enforce_sorted=False"
        )
    ordered = sizes if order is None else sizes[order]
    batch_sizes = (ordered[None, :] > np.arange(int(ordered[0]))[:, None]).sum(axis=1)
    steps, entries = packed_positions(batch_sizes)
    source = entries if order is None else order[entries]
    index = source * shape[1] + steps if batch_first else steps * shape[1] + source
    rows = manipulation.reshape(input, (shape[0] * shape[1], *shape[2:]))
    data = manipulation.take(rows, creation.asarray(index, device=device_of(input)), axis=0)
    sorted_indices = None if order is None else creation.asarray(order, device=device_of(input))
    return PackedSequence(data, creation.asarray(batch_sizes, device=_HOST), sorted_indices, None)


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Array, Array]:
    """A :class:`PackedSequence` back to a padded batch, in the order it was given to be packed,
    and the lengths (int64, on the CPU). ``total_length`` pads to that many steps."""
    data, batch_sizes, _, unsorted_indices = sequence
    sizes = _host_ints(batch_sizes)
    steps = len(sizes)
    if total_length is not None:
        if total_length < steps:
            raise ShapeError(
                f"pad_packed_sequence: total_length={total_length} is shorter than the longest "
                f"sequence, of {steps} steps"
            )
        steps = total_length
    rows, entries = packed_positions(sizes)
    lengths = np.bincount(entries, minlength=int(sizes[0]))
    column = entries
    if unsorted_indices is not None:
        unsorted = _host_ints(unsorted_indices)
        column, lengths = np.argsort(unsorted)[entries], lengths[unsorted]
    index = np.full((steps, len(lengths)), len(rows), dtype=np.int64)
    index[rows, column] = np.arange(len(rows))
    padded = _gather([data], padding_value, index.T if batch_first else index)
    return padded, creation.asarray(lengths, device=_HOST)


def unpad_sequence(padded_sequences: Array, lengths: Any, batch_first: bool = False) -> list[Array]:
    """A padded batch as a list of its sequences, each cut to its length."""
    sizes = _host_ints(lengths)
    if batch_first:
        return [padded_sequences[b, :length] for b, length in enumerate(sizes)]
    return [padded_sequences[:length, b] for b, length in enumerate(sizes)]


def pack_sequence(sequences: Sequence[Array], enforce_sorted: bool = True) -> PackedSequence:
    """Sequences ``(L_i, *)`` as a :class:`PackedSequence` (longest first unless ``enforce_sorted=False``)."""
    lengths = [int((shape_of(s) or (0,))[0]) for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Array]:
    """A :class:`PackedSequence` as the list of sequences it was packed from, in their order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
