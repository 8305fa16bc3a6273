# mypy: disable-error-code="empty-body"
"""Array API searching, sorting and set functions.

Each function runs on the active backend over its native tensors; its body is
generated from the signature below (see :mod:`unigrad.ops._dispatch`).
"""

from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from ..types import Array, ArrayLike
from ._dispatch import binary_op, op

__all__ = [
    "argmax",
    "argmin",
    "count_nonzero",
    "nonzero",
    "searchsorted",
    "where",
    "isin",
    "unique_all",
    "unique_counts",
    "unique_inverse",
    "unique_values",
    "argsort",
    "sort",
    "topk",
]


@op
def argmax(x: Array, /, *, axis: int | None = None, keepdims: bool = False) -> Array:
    """Index of the largest element along ``axis`` (of the flattened tensor if None); first on ties."""


@op
def argmin(x: Array, /, *, axis: int | None = None, keepdims: bool = False) -> Array:
    """Index of the smallest element along ``axis``; first on ties."""


@op
def count_nonzero(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Number of non-zero elements along ``axis``."""


@op
def nonzero(x: Array, /) -> tuple[Array, ...]:
    """Indices of the non-zero elements, one tensor per axis."""


@op
def searchsorted(x1: Array, x2: Array, /, *, side: str = "left", sorter: Array | None = None) -> Array:
    """Indices at which to insert ``x2`` into the sorted 1-d ``x1`` to keep it sorted."""


@binary_op
def where(condition: Array, x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Elements of ``x1`` where ``condition`` holds, else of ``x2`` (broadcast, promoted)."""


@op
def isin(x1: Array, x2: Array, /, *, invert: bool = False) -> Array:
    """Whether each element of ``x1`` occurs in ``x2``."""


@op
def unique_all(x: Array, /) -> Any:
    """Unique values, first indices, inverse indices and counts (a named tuple)."""


@op
def unique_counts(x: Array, /) -> Any:
    """Unique values and their counts (a named tuple)."""


@op
def unique_inverse(x: Array, /) -> Any:
    """Unique values and the indices that rebuild ``x`` (a named tuple)."""


@op
def unique_values(x: Array, /) -> Array:
    """The sorted unique values of ``x``."""


@op
def argsort(x: Array, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Array:
    """Indices that sort ``x`` along ``axis``; stable by default."""


@op
def sort(x: Array, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Array:
    """``x`` sorted along ``axis``; stable by default."""


@op
def topk(
    x: Array, k: int, /, axis: int = -1, largest: bool = True, sorted: bool = True
) -> tuple[Array, Array]:
    """The ``k`` largest (``largest=False``: smallest) elements along ``axis``, as ``torch.topk``.

    Returns ``(values, indices)`` (a named tuple on PyTorch and TensorFlow): ``values`` in
    ``x``'s dtype, differentiable (the gradient goes to the elements picked),
    and ``indices`` int64, both of ``x``'s shape with ``k`` along ``axis``.
    With ``sorted=True`` (the default) they come largest first (smallest first
    for ``largest=False``). NaN counts as larger than every number, as in
    PyTorch. Ties: TensorFlow (and the default for other backends) gives the
    lower index first; PyTorch's kernel promises no order among equal values.
    ``k`` outside ``[0, size of axis]`` raises :class:`unigrad.ShapeError`.

    Examples:
        >>> import unigrad as ug
        >>> values, indices = ug.topk(ug.asarray([1.0, 4.0, 2.0, 3.0]), 2)
        >>> ug.to_numpy(values).tolist(), ug.to_numpy(indices).tolist()
        ([4.0, 3.0], [1, 3])
    """


def sorted_topk(
    backend: Any, x: Array, k: int, axis: int = -1, largest: bool = True, sorted: bool = True
) -> tuple[Array, Array]:
    """:func:`topk` over a backend's ``argsort`` and ``take_along_axis``: the default of a backend
    without a ``topk`` of its own (a stable sort, so ties keep the lower index first)."""
    shape = tuple(x.shape)
    ndim = len(shape)
    moved = ndim == 0
    if moved:  # a 0-d tensor is one element along its only "axis", as PyTorch has it
        x, shape, ndim = backend.reshape(x, (1,)), (1,), 1
    position = axis % ndim if -ndim <= axis < ndim else axis
    check_topk(k, position, shape[position])
    order = backend.argsort(x, axis=position, descending=largest, stable=True)
    indices = order[(*(slice(None),) * position, slice(0, k))]
    values = backend.take_along_axis(x, indices, axis=position)
    indices = backend.astype(indices, "int64")
    if moved:
        values, indices = backend.reshape(values, ()), backend.reshape(indices, ())
    return values, indices


def check_topk(k: int, axis: int, size: int) -> None:
    """Raise :class:`unigrad.ShapeError` unless ``0 <= k <= size`` (the size of ``axis``)."""
    if not 0 <= k <= size:
        raise ShapeError(
            f"ug.topk: k={k} is out of range for axis {axis} of size {size}; k must be in [0, {size}]"
        )
