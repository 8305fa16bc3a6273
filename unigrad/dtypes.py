"""Backend-neutral data types: the names, ``as_dtype``, ``isdtype``, ``finfo``, ``iinfo``.

A unigrad dtype is a ``str`` subclass holding its canonical name (``"float32"``)
that also compares equal to the NumPy, PyTorch and TensorFlow dtype of that
name. So ``x.dtype == ug.float32`` holds for a native tensor of either
framework, and ``ug.float32`` can be handed to NumPy, TensorFlow or Keras as a
dtype argument as it is.

Which dtype two operands combine to (``result_type``, ``can_cast``) is
:mod:`unigrad.ops.promotion`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import DTypeError

__all__ = [
    "DType",
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "as_dtype",
    "isdtype",
    "finfo",
    "iinfo",
    "finfo_object",
    "iinfo_object",
    "default_float",
    "default_int",
]

_builtin_bool = bool


class DType(str):
    """A data type, named as in the Array API standard.

    Examples:
        >>> import unigrad as ug
        >>> ug.float32
        unigrad.float32
        >>> ug.float32 == "float32"
        True
    """

    __slots__ = ()

    def __eq__(self, other: object) -> _builtin_bool:
        if isinstance(other, str):
            return str.__eq__(self, other)
        name = _native_name(other)
        return name is not None and str.__eq__(self, name)

    def __ne__(self, other: object) -> _builtin_bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__

    def __repr__(self) -> str:
        return f"unigrad.{str.__str__(self)}"

    @property
    def name(self) -> str:
        return str.__str__(self)

    @property
    def kind(self) -> str:
        """One of ``"bool"``, ``"signed"``, ``"unsigned"``, ``"float"``, ``"complex"``."""
        return _KIND[self]

    @property
    def bits(self) -> int:
        return _BITS[self]

    @property
    def itemsize(self) -> int:
        return max(1, _BITS[self] // 8)


def _native_name(obj: object) -> str | None:
    """The dtype name of a NumPy, PyTorch or TensorFlow dtype, else None."""
    name = getattr(obj, "name", None)  # numpy.dtype, tf.DType
    if isinstance(name, str) and name in _BY_NAME:
        return name
    text = str(obj)  # torch.float32 prints as "torch.float32"
    if text.startswith("torch."):
        text = text[6:]
        return _TORCH_ALIASES.get(text, text)
    if isinstance(obj, type):  # numpy scalar types: np.float32
        return getattr(obj, "__name__", None)
    return None


_TORCH_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "long": "int64",
    "int": "int32",
    "short": "int16",
    "cfloat": "complex64",
    "cdouble": "complex128",
}

bool = DType("bool")
int8 = DType("int8")
int16 = DType("int16")
int32 = DType("int32")
int64 = DType("int64")
uint8 = DType("uint8")
uint16 = DType("uint16")
uint32 = DType("uint32")
uint64 = DType("uint64")
float16 = DType("float16")
bfloat16 = DType("bfloat16")
float32 = DType("float32")
float64 = DType("float64")
complex64 = DType("complex64")
complex128 = DType("complex128")

ALL_DTYPES = (
    bool,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
    float16,
    bfloat16,
    float32,
    float64,
    complex64,
    complex128,
)
_BY_NAME: dict[str, DType] = {str.__str__(d): d for d in ALL_DTYPES}
_KIND = {
    bool: "bool",
    int8: "signed",
    int16: "signed",
    int32: "signed",
    int64: "signed",
    uint8: "unsigned",
    uint16: "unsigned",
    uint32: "unsigned",
    uint64: "unsigned",
    float16: "float",
    bfloat16: "float",
    float32: "float",
    float64: "float",
    complex64: "complex",
    complex128: "complex",
}
_BITS = {
    bool: 8,
    int8: 8,
    int16: 16,
    int32: 32,
    int64: 64,
    uint8: 8,
    uint16: 16,
    uint32: 32,
    uint64: 64,
    float16: 16,
    bfloat16: 16,
    float32: 32,
    float64: 64,
    complex64: 64,
    complex128: 128,
}

default_float = float32
default_int = int64


def as_dtype(dtype: Any) -> DType:
    """Return the unigrad dtype for a name, a unigrad/NumPy/PyTorch/TensorFlow dtype.

    Examples:
        >>> import numpy as np, unigrad as ug
        >>> ug.as_dtype(np.float64)
        unigrad.float64
    """
    if type(dtype) is DType:
        return dtype
    if isinstance(dtype, str):
        found = _BY_NAME.get(dtype)
    elif dtype is _builtin_bool:
        found = bool
    elif dtype is float:
        found = default_float
    elif dtype is int:
        found = default_int
    elif dtype is complex:
        found = complex64
    else:
        name = _native_name(dtype)
        found = _BY_NAME.get(name) if name is not None else None
    if found is None:
        raise DTypeError(
            f"unknown dtype {dtype!r}; expected one of {', '.join(map(str, ALL_DTYPES))} "
            "(as a unigrad, NumPy, PyTorch or TensorFlow dtype, or its name)"
        )
    return found


_KIND_GROUPS = {
    "bool": ("bool",),
    "signed integer": ("signed",),
    "unsigned integer": ("unsigned",),
    "integral": ("signed", "unsigned"),
    "real floating": ("float",),
    "complex floating": ("complex",),
    "numeric": ("signed", "unsigned", "float", "complex"),
}


def isdtype(dtype: Any, kind: Any) -> _builtin_bool:
    """Whether ``dtype`` is of ``kind``: a dtype, a kind name, or a tuple of them.

    Examples:
        >>> import unigrad as ug
        >>> ug.isdtype(ug.float32, "real floating")
        True
    """
    dt = as_dtype(dtype)
    if isinstance(kind, tuple):
        return any(isdtype(dt, k) for k in kind)
    if isinstance(kind, str) and not isinstance(kind, DType) and kind in _KIND_GROUPS:
        return _KIND[dt] in _KIND_GROUPS[kind]
    if isinstance(kind, str) and kind not in _BY_NAME:
        raise DTypeError(
            f"unknown dtype kind {kind!r}; expected a dtype or one of {', '.join(map(repr, _KIND_GROUPS))}"
        )
    return dt is as_dtype(kind)


@dataclass(frozen=True)
class finfo_object:  # noqa: N801 - the Array API name
    """Machine limits of a floating-point dtype (Array API ``finfo``).

    ``dtype`` is the active backend's native dtype (``torch.float32``), which
    compares equal to unigrad's (``ug.float32``); for a complex dtype it is that
    of its real and imaginary parts.
    """

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: Any


@dataclass(frozen=True)
class iinfo_object:  # noqa: N801 - the Array API name
    """Machine limits of an integer dtype (Array API ``iinfo``); ``dtype`` as in :class:`finfo_object`."""

    bits: int
    max: int
    min: int
    dtype: Any


def _native(dt: DType) -> Any:
    """The active backend's dtype object for ``dt``: the standard's ``finfo(...).dtype`` is a dtype object,
    and unigrad's are ``str`` (which the standard's own tests tell from dtypes)."""
    from .config import active_backend  # here: config leads to the backends, which import this module

    try:
        return active_backend().native_dtype(dt)
    except Exception:  # no backend installed: unigrad's own dtype still names it
        return dt


_FLOAT_FOR_COMPLEX = {complex64: float32, complex128: float64}


def _numpy_dtype(dt: DType) -> np.dtype[Any]:
    if dt is bfloat16:
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(dt.name)


def finfo(type: Any, /) -> finfo_object:
    """Limits of a floating-point dtype, or of the dtype of an array."""
    dt = as_dtype(getattr(type, "dtype", type))
    if _KIND[dt] == "complex":
        dt_real = _FLOAT_FOR_COMPLEX[dt]
    elif _KIND[dt] == "float":
        dt_real = dt
    else:
        raise DTypeError(f"finfo needs a floating-point dtype, got {dt}; use iinfo for integers")
    if dt_real is bfloat16:
        import ml_dtypes

        info: Any = ml_dtypes.finfo(ml_dtypes.bfloat16)
    else:
        info = np.finfo(_numpy_dtype(dt_real))
    return finfo_object(
        bits=_BITS[dt_real],
        eps=float(info.eps),
        max=float(info.max),
        min=float(info.min),
        smallest_normal=float(info.smallest_normal),
        dtype=_native(dt_real),  # a complex dtype's limits are those of its real parts
    )


def iinfo(type: Any, /) -> iinfo_object:
    """Limits of an integer dtype, or of the dtype of an array."""
    dt = as_dtype(getattr(type, "dtype", type))
    if _KIND[dt] not in ("signed", "unsigned"):
        raise DTypeError(f"iinfo needs an integer dtype, got {dt}; use finfo for floating point")
    info = np.iinfo(dt.name)
    return iinfo_object(bits=_BITS[dt], max=int(info.max), min=int(info.min), dtype=_native(dt))


def numpy_dtype(dtype: Any) -> np.dtype[Any]:
    """The NumPy dtype for a unigrad dtype (bfloat16 through ml_dtypes)."""
    return _numpy_dtype(as_dtype(dtype))
