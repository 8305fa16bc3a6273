"""``ug.nn.Parameter``: a trainable variable of the active backend."""

from __future__ import annotations

from typing import Any

from ..config import active_backend
from ..ops.conversion import backend_of
from ..ops.creation import asarray

__all__ = ["Parameter"]


class _ParameterType(type):
    def __instancecheck__(cls, instance: object) -> bool:
        try:
            return bool(backend_of(instance).is_parameter(instance))
        except Exception:  # not a tensor of any backend
            return False


class Parameter(metaclass=_ParameterType):
    """A trainable tensor: ``torch.nn.Parameter`` on PyTorch, ``tf.Variable`` on TensorFlow.

    ``ug.nn.Parameter(value)`` returns the backend's native variable, usable in
    every ``ug`` op and watched by every ``ug.GradientTape``. Both kinds carry
    ``assign(value)``, ``assign_add(delta)`` and ``assign_sub(delta)``, which
    update it in place without being recorded.

    ``param.data`` works as in PyTorch code such as ``nn.init.normal_(m.weight.data,
    0.0, 0.02)``: on PyTorch it is torch's own (the values, detached); on
    TensorFlow the variable itself, whose ``assign`` already writes without
    being recorded.

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.zeros(3))
        >>> _ = w.assign_add(ug.ones(3))
        >>> isinstance(w, ug.nn.Parameter), ug.to_numpy(w).tolist()
        (True, [1.0, 1.0, 1.0])
    """

    def __new__(cls, value: Any, trainable: bool = True) -> Any:
        backend = active_backend()
        if not backend.is_tensor(value):
            value = asarray(value)
        return backend.parameter(value, trainable)
