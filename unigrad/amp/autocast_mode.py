"""``ug.autocast``: run the products, convolutions and attention in a lower precision.

On PyTorch it is ``torch.autocast``; on TensorFlow, which has none, unigrad's
kernels apply the same lists (see ``unigrad/backends/tensorflow/amp.py``), so a
model gives outputs of the same dtypes on both: under bfloat16, ``nn.Linear``
answers in bfloat16, ``F.cross_entropy`` of bfloat16 logits in float32.
Parameters stay float32 (the master weights) and their gradients come back
in float32.
"""

from __future__ import annotations

import contextlib
from typing import Any

from .. import dtypes
from ..config import active_backend
from ..errors import DTypeError, NotSupportedError
from ..types import Array

__all__ = ["autocast", "is_autocast_enabled", "get_autocast_dtype", "float32_inputs"]

_COMPUTE_DTYPES = (dtypes.bfloat16, dtypes.float16)


def _capability(backend: Any, name: str) -> Any:
    found = getattr(backend, name, None)
    if found is None:
        raise NotSupportedError(
            f"the {backend.name!r} backend has no mixed precision ({name}); use the torch or tensorflow "
            "backend, or convert the model with .to(dtype) instead"
        )
    return found


class autocast(contextlib.ContextDecorator):  # noqa: N801 - named as torch.autocast
    """Run eligible ops in ``dtype`` inside the block, as a ``with`` block or a decorator.

    Args:
        dtype: the compute dtype, ``ug.bfloat16`` (default) or ``ug.float16``.
        enabled: False runs the block in full precision (also inside an enabled autocast).
        device_type: the kind of device whose ops are cast (``"cpu"``, ``"cuda"``);
            None takes the default device's.

    Examples:
        >>> import unigrad as ug
        >>> from unigrad.amp import autocast
        >>> layer = ug.nn.Linear(4, 2)
        >>> with autocast(dtype=ug.bfloat16):
        ...     y = layer(ug.ones((3, 4)))
        >>> ug.as_dtype(y.dtype), ug.as_dtype(layer.weight.dtype)
        (unigrad.bfloat16, unigrad.float32)
    """

    def __init__(
        self, dtype: Any = dtypes.bfloat16, enabled: bool = True, device_type: str | None = None
    ) -> None:
        compute = dtypes.as_dtype(dtype)
        if compute not in _COMPUTE_DTYPES:
            raise DTypeError(f"ug.autocast computes in bfloat16 or float16, got dtype {compute}")
        self.dtype = compute
        self.enabled = bool(enabled)
        self.device_type = device_type
        self._entered: list[contextlib.AbstractContextManager[Any]] = []

    def __enter__(self) -> None:
        scope = _capability(active_backend(), "amp_autocast")(self.device_type, self.dtype, self.enabled)
        scope.__enter__()
        self._entered.append(scope)

    def __exit__(self, *exc_info: Any) -> None:
        self._entered.pop().__exit__(*exc_info)

    def _recreate_cm(self) -> autocast:
        # a fresh scope per decorated call: one instance may decorate functions run in several threads
        return autocast(self.dtype, self.enabled, self.device_type)


def get_autocast_dtype(device_type: str | None = None) -> dtypes.DType | None:
    """The compute dtype of the active :class:`autocast` on the active backend, or None outside one.

    Examples:
        >>> import unigrad as ug
        >>> from unigrad.amp import autocast, get_autocast_dtype
        >>> with autocast(dtype=ug.float16):
        ...     get_autocast_dtype()
        unigrad.float16
    """
    backend = active_backend()
    query = getattr(backend, "amp_autocast_dtype", None)
    return None if query is None else query(device_type)


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether an enabled :class:`autocast` is active on the active backend."""
    return get_autocast_dtype(device_type) is not None


def float32_inputs(*tensors: Array | None) -> tuple[Array | None, ...]:
    """``tensors`` with float16 and bfloat16 ones cast to float32 under :class:`autocast`, else as given.

    For functions of torch's float32 list written over unigrad ops (the losses),
    so that they answer in float32 under autocast on every backend, as torch's do.
    """
    if get_autocast_dtype() is None:
        return tensors
    from ..ops.creation import astype

    return tuple(
        astype(t, dtypes.float32) if t is not None and dtypes.as_dtype(t.dtype) in _COMPUTE_DTYPES else t
        for t in tensors
    )
