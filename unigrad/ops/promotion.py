"""Type promotion: which dtype two operands combine to, and casting them to it.

:func:`result_type` and :func:`can_cast` are the Array API table. Where the
standard leaves a case to the implementation (an integer array with a
floating-point one, a Python ``float`` with an integer array) unigrad follows
PyTorch; Python scalars are weak (``int8`` tensor + ``1`` stays ``int8``), as
in PyTorch and NumPy's NEP 50.

:func:`promoter` applies the rule to the two operands of a binary op. It is
written once here for every backend, which supplies only small primitives
(read a tensor's dtype, cast a tensor, make a scalar tensor), so that both
backends promote alike by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from ..dtypes import (
    DType,
    as_dtype,
    bfloat16,
    complex64,
    complex128,
    default_float,
    default_int,
    float16,
    float32,
    float64,
    int16,
    int32,
    int64,
)
from ..dtypes import bool as bool_
from ..errors import DTypeError

__all__ = ["result_type", "can_cast", "is_number", "promoter", "common_dtype_finder"]


# --- the table ----------------------------------------------------------------
# The Array API table, written as the lattice it is: within a kind the wider
# type wins; uint + int goes to the smallest signed type that holds both.

_COMPLEX_FOR_FLOAT = {float16: complex64, bfloat16: complex64, float32: complex64, float64: complex128}
_RANK = {"bool": 0, "unsigned": 1, "signed": 1, "float": 2, "complex": 3}
_WIDER_SIGNED = {8: int16, 16: int32, 32: int64}
_DEFAULT_FOR_SCALAR: dict[type, DType] = {
    bool: bool_,
    int: default_int,
    float: default_float,
    complex: complex64,
}


def _promote_pair(a: DType, b: DType) -> DType:
    if a is b:
        return a
    ka, kb = a.kind, b.kind
    if ka == kb:
        if ka == "float" and {a, b} == {float16, bfloat16}:
            return float32  # as PyTorch: neither half type holds the other
        return a if a.bits >= b.bits else b
    if {ka, kb} == {"signed", "unsigned"}:
        u, s = (a, b) if ka == "unsigned" else (b, a)
        if s.bits > u.bits:
            return s
        if u.bits == 64:
            raise DTypeError(
                f"no integer dtype holds both {a} and {b}; cast one of them with ug.astype first"
            )
        return _WIDER_SIGNED[u.bits]
    # Mixed kinds: implementation-defined in the standard; PyTorch's choice,
    # the operand of the higher kind decides (complex > float > int > bool).
    hi, lo = (a, b) if _RANK[ka] > _RANK[kb] else (b, a)
    if hi.kind == "complex" and lo.kind in ("float", "complex"):
        return complex128 if (lo is float64 or hi is complex128) else complex64
    return hi


def _scalar_result(array_dtype: DType, scalar: object) -> DType:
    """Dtype of ``array op scalar``: the scalar is weak, as in PyTorch and NEP 50."""
    kind = array_dtype.kind
    if isinstance(scalar, bool):
        return array_dtype
    if isinstance(scalar, int):
        return array_dtype if kind != "bool" else default_int
    if isinstance(scalar, float):
        return array_dtype if kind in ("float", "complex") else default_float
    if isinstance(scalar, complex):
        if kind == "complex":
            return array_dtype
        return _COMPLEX_FOR_FLOAT.get(array_dtype, complex64)
    raise DTypeError(f"expected an array, a dtype or a Python scalar, got {type(scalar).__name__}")


_NUMBERS = (bool, int, float, complex)


def is_number(x: object) -> bool:
    """A Python number (weak in promotion); NumPy scalars carry a dtype and are not."""
    return isinstance(x, _NUMBERS) and not isinstance(x, np.generic)


def result_type(*arrays_and_dtypes: Any) -> DType:
    """The dtype that results from combining arrays, dtypes and Python scalars.

    Arrays and dtypes promote by the Array API table; Python scalars are weak
    (``int8`` array with ``1`` stays ``int8``).

    Examples:
        >>> import unigrad as ug
        >>> ug.result_type(ug.uint8, ug.int8)
        unigrad.int16
    """
    strong: DType | None = None
    scalars = []
    for item in arrays_and_dtypes:
        if isinstance(item, _NUMBERS) and not isinstance(item, np.generic):  # is_number, inlined
            scalars.append(item)
            continue
        dt = as_dtype(getattr(item, "dtype", item))
        strong = dt if strong is None else _promote_pair(strong, dt)
    if strong is None:
        if not scalars:
            raise DTypeError("result_type needs at least one array, dtype or scalar")
        strong = _DEFAULT_FOR_SCALAR[type(scalars[0])]
        for s in scalars[1:]:
            strong = _promote_pair(strong, _DEFAULT_FOR_SCALAR[type(s)])
        return strong
    for s in scalars:
        strong = _scalar_result(strong, s)
    return strong


def can_cast(from_: Any, to: Any, /) -> bool:
    """Whether ``from_`` promotes to ``to`` without changing kind or losing range."""
    src = as_dtype(getattr(from_, "dtype", from_))
    dst = as_dtype(to)
    if src is dst:
        return True
    try:
        return _promote_pair(src, dst) is dst
    except DTypeError:
        return False


# --- the operands of a binary op ----------------------------------------------

# The Python number types that a tensor of each kind takes in without a change
# of dtype (``float32 * 0.5``, ``int8 + 1``, ``uint8 & True``).
_ABSORBS: dict[str, tuple[type, ...]] = {
    "bool": (bool,),
    "signed": (int, bool),
    "unsigned": (int, bool),
    "float": (float, int, bool),
    "complex": (complex, float, int, bool),
}


def promoter(
    *,
    tensor_types: tuple[type[Any], ...],
    from_native: Mapping[Any, DType],
    to_native: Mapping[str, Any],
    as_tensor: Callable[[Any, str], Any],
    cast: Callable[[Any, Any], Any],
    scalar: Callable[[Any, Any, Any], Any],
    keeps_weak_scalars: bool = False,
) -> Callable[[Any, Any], tuple[Any, Any]]:
    """A backend's ``promote(x1, x2)``: both operands cast to their :func:`result_type`.

    Args:
        tensor_types: the framework's tensor classes.
        from_native: framework dtype -> unigrad dtype, for every dtype it has.
        to_native: unigrad dtype -> framework dtype.
        as_tensor: ``(x, op)`` -> ``x`` as a tensor (NumPy arrays converted); a
            tensor of another framework raises ``TypeError``.
        cast: ``(tensor, framework dtype)`` -> the tensor in that dtype.
        scalar: ``(number, framework dtype, like)`` -> a 0-d tensor of the
            number, placed to meet the tensor ``like`` (``None`` when the other
            operand is a number too).
        keeps_weak_scalars: the framework's binary functions take a Python
            number second and treat it as weak, as unigrad does (PyTorch): a
            number there is passed on as it is instead of as a tensor.

    Returns:
        ``promote``, which the ops call only where the two dtypes differ or
        one operand is not a tensor.
    """
    absorbs = {native: _ABSORBS[dtype.kind] for native, dtype in from_native.items()}

    def promote(x1: Any, x2: Any) -> tuple[Any, Any]:
        # the common case first: a tensor and a Python number its dtype takes in
        if isinstance(x1, tensor_types):
            dtype = x1.dtype  # (read once: a property, slow on TensorFlow)
            if type(x2) in absorbs.get(dtype, ()):
                return x1, x2 if keeps_weak_scalars else scalar(x2, dtype, x1)
        elif isinstance(x2, tensor_types):
            dtype = x2.dtype
            if type(x1) in absorbs.get(dtype, ()):
                return scalar(x1, dtype, x2), x2
        s1, s2 = is_number(x1), is_number(x2)
        if s1 and s2:
            dtype = to_native[result_type(x1, x2)]
            return scalar(x1, dtype, None), scalar(x2, dtype, None)
        if not s1:
            x1 = as_tensor(x1, "binary op")
        if not s2:
            x2 = as_tensor(x2, "binary op")
        if s1:
            dtype = to_native[result_type(from_native[x2.dtype], x1)]
            return scalar(x1, dtype, x2), cast(x2, dtype)
        if s2:
            dtype = to_native[result_type(from_native[x1.dtype], x2)]
            return cast(x1, dtype), x2 if keeps_weak_scalars else scalar(x2, dtype, x1)
        if x1.dtype == x2.dtype:
            return x1, x2
        # Two tensors are always cast: PyTorch alone would let a 0-d one take the other's dtype.
        dtype = to_native[result_type(from_native[x1.dtype], from_native[x2.dtype])]
        return cast(x1, dtype), cast(x2, dtype)

    return promote


def common_dtype_finder(
    *,
    from_native: Mapping[Any, DType],
    to_native: Mapping[str, Any],
    as_tensor: Callable[[Any, str], Any],
) -> Callable[[Iterable[Any]], Any]:
    """A backend's ``common_dtype(arrays)``: the framework dtype that ``concat`` and the like promote to.

    The primitives are :func:`promoter`'s; the function returns ``None`` for no arrays.
    """

    def common_dtype(arrays: Iterable[Any]) -> Any:
        found = None
        for array in arrays:
            dtype = as_tensor(array, "multi-array op").dtype
            if found is None or dtype == found:
                found = dtype
            else:
                found = to_native[result_type(from_native[found], from_native[dtype])]
        return found

    return common_dtype
