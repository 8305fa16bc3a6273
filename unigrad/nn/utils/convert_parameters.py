"""Parameters to one flat vector and back, as torch.nn.utils' ``parameters_to_vector`` and its inverse."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from ...autograd import no_grad
from ...errors import ArgumentTypeError, ShapeError
from ...ops.conversion import backend_of
from ...ops.manipulation import concat, reshape
from ...optim._checks import backend_scope, is_tensor_like
from ...types import Array

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _as_list(parameters: Iterable[Any] | Any) -> list[Any]:
    return [parameters] if is_tensor_like(parameters) else list(parameters)


def parameters_to_vector(parameters: Iterable[Any] | Any) -> Array:
    """The parameters (or any tensors, gradients too) flattened and joined, in order, into one vector.

    Examples:
        >>> import unigrad as ug
        >>> params = [ug.nn.Parameter(ug.ones((2, 2))), ug.nn.Parameter(ug.zeros(1))]
        >>> ug.to_numpy(ug.nn.utils.parameters_to_vector(params)).tolist()
        [1.0, 1.0, 1.0, 1.0, 0.0]
    """
    tensors = _as_list(parameters)
    if not tensors:
        raise ShapeError("parameters_to_vector got no parameters")
    with backend_scope(backend_of(tensors[0])):
        flat = [reshape(t, (-1,)) for t in tensors]
        return concat(flat) if len(flat) > 1 else flat[0]


def vector_to_parameters(vec: Array, parameters: Iterable[Any] | Any) -> None:
    """Write consecutive slices of ``vec`` into the parameters, in place (``assign``), in order.

    Raises:
        TypeError: ``vec`` is not a tensor.
        ShapeError: ``vec`` is not 1-d, or its length is not the parameters' total size.

    Examples:
        >>> import unigrad as ug
        >>> params = [ug.nn.Parameter(ug.zeros((2, 2))), ug.nn.Parameter(ug.zeros(1))]
        >>> ug.nn.utils.vector_to_parameters(ug.arange(5.0), params)
        >>> ug.to_numpy(params[0]).tolist(), ug.to_numpy(params[1]).tolist()
        ([[0.0, 1.0], [2.0, 3.0]], [4.0])
    """
    if not is_tensor_like(vec):
        raise ArgumentTypeError(f"vector_to_parameters expects a tensor for vec, got {type(vec).__name__}")
    params = _as_list(parameters)
    total = sum(math.prod(p.shape) for p in params)
    if len(vec.shape) != 1 or vec.shape[0] != total:
        raise ShapeError(
            f"vector_to_parameters got a vector of shape {tuple(vec.shape)} for parameters of "
            f"{total} elements in all; expected shape ({total},)"
        )
    offset = 0
    with backend_scope(backend_of(vec)), no_grad():
        for p in params:
            count = math.prod(p.shape)
            value = reshape(vec[offset : offset + count], tuple(p.shape))
            (getattr(p, "assign", None) or p.copy_)(value)
            offset += count
