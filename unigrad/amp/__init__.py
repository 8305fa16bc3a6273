"""Mixed precision: :class:`autocast` and :class:`GradScaler`, on every backend.

``with ug.autocast(dtype=ug.bfloat16):`` runs the products, convolutions and
attention in bfloat16 (``torch.autocast`` on PyTorch, the same lists applied by
unigrad's kernels on TensorFlow) while the parameters stay float32;
:class:`GradScaler` scales a float16 loss so that its gradients do not
underflow, skipping the steps whose gradients overflow.

Examples:
    >>> import unigrad as ug
    >>> from unigrad import amp
    >>> with amp.autocast(dtype=ug.bfloat16):
    ...     amp.is_autocast_enabled()
    True
"""

from __future__ import annotations

from .autocast_mode import autocast, float32_inputs, get_autocast_dtype, is_autocast_enabled
from .grad_scaler import GradScaler

__all__ = [
    "autocast",
    "GradScaler",
    "is_autocast_enabled",
    "get_autocast_dtype",
    "float32_inputs",
]
