"""Linear layers as functions: ``linear``, ``bilinear``.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> tuple(F.linear(ug.ones((4, 3)), ug.ones((2, 3))).shape)
    (4, 2)
"""

from __future__ import annotations

import functools
from typing import Any

from ...errors import ShapeError, UnigradError
from ...ops import binary
from ...ops._checks import shape_of
from ...ops.products import einsum
from ...types import Array
from ._arguments import parameter_dtype_error
from ._dispatch import current_backend, failed_explained

__all__ = ["linear", "bilinear", "linear_error"]


def linear(x: Array, weight: Array, bias: Array | None = None) -> Array:
    """``x @ weight.T + bias``; ``weight`` is ``(out_features, in_features)`` as in PyTorch.

    An input whose last axis is not ``in_features``, or whose dtype is not the
    weight's, raises :class:`unigrad.ShapeError` / :class:`unigrad.DTypeError`
    (no implicit cast: cast a float64 NumPy array with ``ug.astype`` first).
    """
    try:
        return current_backend().nn_linear(x, weight, bias)
    except Exception as exc:
        explain = functools.partial(linear_error, "ug.nn.functional.linear", x, weight)
        return failed_explained(exc, "nn_linear", (x, weight, bias), explain)


def linear_error(where: str, x: Any, weight: Array) -> UnigradError | None:
    """The error that says why ``x`` does not fit a linear map by ``weight``, or None if it does.

    Checked only after the framework refused the input, so a well-formed call pays nothing.
    """
    shape, features = shape_of(x), int(weight.shape[-1])
    if shape is not None and (not shape or shape[-1] != features):
        return ShapeError(
            f"{where}: expected input with {features} features (last dimension), got shape {shape}"
        )
    return parameter_dtype_error(where, x, weight)


def bilinear(input1: Array, input2: Array, weight: Array, bias: Array | None = None) -> Array:
    """``y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]``, as torch's.

    ``input1`` is ``(..., in1_features)``, ``input2`` ``(..., in2_features)``
    with the same leading axes, ``weight`` ``(out_features, in1_features,
    in2_features)``; the result is ``(..., out_features)``.

    Examples:
        >>> import unigrad as ug
        >>> import unigrad.nn.functional as F
        >>> tuple(F.bilinear(ug.ones((4, 2)), ug.ones((4, 3)), ug.ones((5, 2, 3))).shape)
        (4, 5)
    """
    a, b, w = tuple(input1.shape), tuple(input2.shape), tuple(weight.shape)
    if len(w) != 3 or not a or not b or a[:-1] != b[:-1] or (a[-1], b[-1]) != w[1:]:
        raise ShapeError(
            f"ug.nn.functional.bilinear: inputs of shapes {a} and {b} do not fit a weight of shape {w}; "
            "expected (..., in1_features), (..., in2_features) with the same leading axes and a weight "
            "(out_features, in1_features, in2_features)"
        )
    y = einsum("...i,oij,...j->...o", input1, weight, input2)
    return y if bias is None else binary.add(y, bias)
