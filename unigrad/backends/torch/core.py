"""dtypes, promotion and conversion for the PyTorch backend.

``promote`` and ``common_dtype`` are unigrad's rule (:mod:`unigrad.ops.promotion`)
built over the primitives here (:func:`cast`, :func:`scalar`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from unigrad.backends.api import (
    BackendMismatchError,
    DTypeError,
    common_dtype_finder,
    mismatch_message,
    promoter,
)
from unigrad.backends.api import dtypes as ug_dtypes

__all__ = [
    "is_tensor",
    "promote",
    "dtype_of",
    "native_dtype",
    "to_numpy",
    "from_numpy",
    "export_dlpack",
    "import_dlpack",
    "compile_function",
    "in_graph",
    "fresh_batches_when_compiled",
    "from_host",
    "graph_checked",
]

Tensor = torch.Tensor

TO_TORCH: dict[str, torch.dtype] = {
    "bool": torch.bool,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
FROM_TORCH: dict[torch.dtype, ug_dtypes.DType] = {v: ug_dtypes.as_dtype(k) for k, v in TO_TORCH.items()}


def is_tensor(x: object) -> bool:
    return isinstance(x, Tensor)


def native_dtype(dtype: Any) -> torch.dtype | None:
    """A torch dtype for any dtype spec; ``None`` stays ``None`` (the default)."""
    if dtype is None or type(dtype) is torch.dtype:
        return dtype
    found = TO_TORCH.get(dtype) if isinstance(dtype, str) else None
    return found if found is not None else TO_TORCH[ug_dtypes.as_dtype(dtype)]


def dtype_of(x: Tensor) -> ug_dtypes.DType:
    return FROM_TORCH[x.dtype]


def _strict_tensor(x: object, op: str) -> Tensor:
    """``x`` as a torch tensor: numpy arrays are converted, other frameworks refused."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (np.ndarray, np.generic)):
        return from_numpy(np.asarray(x))
    # A plain TypeError: the public op that called us names itself in the
    # BackendMismatchError it raises from this (see unigrad.ops._dispatch).
    raise TypeError(_mismatch_message(x, op))


def _mismatch_message(x: object, op: str) -> str:
    return mismatch_message(op, x, "torch")


def cast(x: Tensor, dtype: torch.dtype) -> Tensor:
    return x.to(dtype)


def scalar(value: Any, dtype: torch.dtype, like: Tensor | None = None) -> Tensor:
    """A 0-d tensor of a Python number, on the device of the tensor ``like`` it meets."""
    return torch.asarray(value, dtype=dtype, device=None if like is None else like.device)


# The rule is unigrad's (unigrad.ops.promotion); PyTorch takes a Python number
# second and treats it as weak itself, so a number there stays a number (a
# tensor per call would cost as much as the op). A 0-d tensor is cast
# explicitly: PyTorch would let it take the other operand's dtype.
promote = promoter(
    tensor_types=(Tensor,),
    from_native=FROM_TORCH,
    to_native=TO_TORCH,
    as_tensor=_strict_tensor,
    cast=cast,
    scalar=scalar,
    keeps_weak_scalars=True,
)
common_dtype = common_dtype_finder(from_native=FROM_TORCH, to_native=TO_TORCH, as_tensor=_strict_tensor)


def to_numpy(x: Tensor, copy: bool = False) -> np.ndarray[Any, Any]:
    """A NumPy array of ``x``; on the CPU it shares memory unless ``copy``."""
    if not isinstance(x, Tensor):
        raise BackendMismatchError(_mismatch_message(x, "to_numpy"))
    x = x.detach()
    if x.is_conj():
        x = x.resolve_conj()
    if x.dtype is torch.bfloat16:
        import ml_dtypes

        array = x.cpu().view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    else:
        array = x.cpu().numpy()
    return array.copy() if copy else array


def from_numpy(array: np.ndarray[Any, Any], device: Any = None) -> Tensor:
    if array.dtype.name == "bfloat16":
        tensor = torch.from_numpy(array.view(np.int16).copy()).view(torch.bfloat16)
    elif not array.flags.writeable:
        tensor = torch.from_numpy(array.copy())
    else:
        tensor = torch.from_numpy(array)
    return tensor if device is None else tensor.to(device)


_ALIGNMENT = 64  # TensorFlow reads DLPack buffers with Eigen's 64-byte alignment


def export_dlpack(x: Tensor) -> Tensor:
    """``x`` as a DLPack producer that any consumer can take without copying again.

    TensorFlow accepts a DLPack buffer that is not 64-byte aligned and aborts
    the process on its first op over it, and ``torch.from_numpy`` buffers are
    often misaligned; so a misaligned or non-contiguous tensor is first copied
    into fresh (aligned) memory.
    """
    if not isinstance(x, Tensor):
        raise BackendMismatchError(_mismatch_message(x, "convert"))
    x = x.detach()
    if x.is_conj():
        x = x.resolve_conj()
    if not x.is_contiguous() or x.data_ptr() % _ALIGNMENT:
        x = x.clone(memory_format=torch.contiguous_format)
    if x.data_ptr() % _ALIGNMENT:  # the allocator gave an unaligned block; pad it
        storage = torch.empty(x.numel() + _ALIGNMENT, dtype=x.dtype, device=x.device)
        offset = (-storage.data_ptr() % _ALIGNMENT) // x.element_size()
        x = storage[offset : offset + x.numel()].view(x.shape).copy_(x)
    return x


def import_dlpack(obj: Any) -> Tensor:
    try:
        return torch.from_dlpack(obj)
    except (RuntimeError, TypeError, BufferError) as exc:
        raise DTypeError(f"PyTorch cannot take {type(obj).__name__} through DLPack: {exc}") from exc


def compile_function(fn: Any, jit_compile: bool, options: dict[str, Any]) -> Any:
    """``torch.compile(fn)``: ``jit_compile`` is TensorFlow's switch and means nothing here."""
    return torch.compile(fn, **options)


def in_graph() -> bool:
    """Whether this code is being traced by ``torch.compile``."""
    return bool(torch.compiler.is_compiling())


def fresh_batches_when_compiled() -> bool:
    """True: ``torch.compile`` guards on a view's storage offset, so views of one array recompile."""
    return True


def from_host(draw: Any, shape: tuple[int, ...], dtype: Any, device: Any = None) -> Tensor:
    """The array ``draw()`` makes, now: under ``torch.compile`` as a graph break, in program order."""
    from .creation import asarray

    def make() -> Tensor:
        return asarray(draw(), device=device)

    return torch._dynamo.disable(make)()


def graph_checked(value: Tensor, condition: Tensor, message: str) -> Tensor:
    """``value``, after a check of ``condition`` inside ``torch.compile``d code."""
    torch._assert_async(condition, message)
    return value
