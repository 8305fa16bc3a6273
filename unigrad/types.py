"""Type names for unigrad's public signatures.

unigrad has no tensor class of its own: an ``Array`` is the native tensor of
the active backend (``torch.Tensor``, ``tf.Tensor`` / ``tf.Variable``). The
aliases keep signatures readable without tying the core to a framework.
"""

from __future__ import annotations

from typing import Any, TypeAlias

__all__ = ["Array", "ArrayLike", "DTypeLike", "DeviceLike"]

Array: TypeAlias = Any
"""A native tensor of the active backend."""

ArrayLike: TypeAlias = Any
"""A native tensor, a NumPy array or a Python scalar."""

DTypeLike: TypeAlias = Any
"""A unigrad dtype, a NumPy/PyTorch/TensorFlow dtype, or a dtype name."""

DeviceLike: TypeAlias = Any
"""A device name such as ``"cpu:0"`` or ``"gpu:1"``, or a framework device."""
