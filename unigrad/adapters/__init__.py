"""Existing PyTorch and Keras models inside unigrad, and unigrad models handed back to them.

* :func:`from_torch` / :func:`from_keras` (also ``ug.nn.from_torch``, ``ug.nn.from_keras``):
  a native model as a ``ug.nn.Module`` whose parameters are the model's own.
* :func:`to_native` (also ``module.to_native()``): a unigrad model as a
  ``torch.nn.Module`` or a ``keras.Model`` over the same parameters.
* A wrapped model called with the other framework's tensors converts them,
  runs, converts back and carries gradients across (:mod:`.bridge`).

See docs/adapters.md.
"""

from __future__ import annotations

from .bridge import CrossFrameworkError
from .keras_model import KerasModule, from_keras
from .native import to_native
from .torch_module import TorchModule, from_torch
from .wrapped import WrappedModule

__all__ = [
    "from_torch",
    "from_keras",
    "to_native",
    "TorchModule",
    "KerasModule",
    "WrappedModule",
    "CrossFrameworkError",
]
