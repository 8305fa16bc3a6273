"""Reading a DLPack capsule's buffer address, to decide whether a consumer may take it.

TensorFlow takes any DLPack buffer it is offered, but its kernels assume
64-byte alignment: a misaligned buffer aborts the process on the first op
(``Check failed: IsAligned()``), which no ``try`` can catch. So before handing
TensorFlow a capsule, unigrad reads the address from the capsule itself.

The structs are DLPack's stable ABI (dlpack.h, v0.x ``DLManagedTensor``)::

    typedef struct { void* data; DLDevice device; int32_t ndim; DLDataType dtype;
                     int64_t* shape; int64_t* strides; uint64_t byte_offset; } DLTensor;
"""

from __future__ import annotations

import ctypes
import math

from .errors import ArgumentError

__all__ = ["buffer_address", "is_compact"]


class _DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class _DLTensor(ctypes.Structure):
    _fields_ = [
        ("data", ctypes.c_void_p),
        ("device", _DLDevice),
        ("ndim", ctypes.c_int32),
        ("dtype", _DLDataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    ]


_get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_get_pointer.restype = ctypes.c_void_p
_get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_get_name = ctypes.pythonapi.PyCapsule_GetName
_get_name.restype = ctypes.c_char_p
_get_name.argtypes = [ctypes.py_object]


def _tensor(capsule: object) -> _DLTensor:
    name = _get_name(capsule)
    if name != b"dltensor":  # "used_dltensor" once consumed; versioned capsules differ
        raise ArgumentError(f"not an unconsumed DLPack capsule (name {name!r})")
    # DLManagedTensor starts with its DLTensor, so the capsule pointer is the DLTensor's.
    return _DLTensor.from_address(_get_pointer(capsule, b"dltensor"))


def buffer_address(capsule: object) -> int:
    """Address of the first element the capsule describes."""
    tensor = _tensor(capsule)
    return int(tensor.data or 0) + int(tensor.byte_offset)


def is_compact(capsule: object) -> bool:
    """Whether the capsule's tensor is C-contiguous (no strides, or row-major strides)."""
    tensor = _tensor(capsule)
    if not tensor.strides:
        return True
    shape = [tensor.shape[i] for i in range(tensor.ndim)]
    if math.prod(shape) <= 1:
        return True
    expected = 1
    for axis in reversed(range(tensor.ndim)):
        if shape[axis] != 1 and tensor.strides[axis] != expected:
            return False
        expected *= shape[axis]
    return True
