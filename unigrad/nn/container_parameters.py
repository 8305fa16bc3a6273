"""``ParameterList`` and ``ParameterDict``, as torch.nn's: state-dict keys ``0``, ``1``, ... or the keys."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any

from ..dtypes import as_dtype
from ..errors import ArgumentTypeError, IndexOutOfRangeError, InvalidKeyError, NotSupportedError
from ..ops.conversion import backend_of, device_of
from .container import update_pairs
from .module import Module
from .parameter import Parameter

__all__ = ["ParameterList", "ParameterDict"]


def _is_tensor(value: Any) -> bool:
    try:
        backend_of(value)
    except Exception:
        return False
    return True


def _as_parameter(value: Any) -> Any:
    """A tensor as a parameter of its own backend (as torch wraps a plain tensor); anything else as it is."""
    if value is None or isinstance(value, Parameter) or not _is_tensor(value):
        return value  # (anything but a tensor stays a plain attribute, as torch keeps it)
    return backend_of(value).parameter(value, True)


def _describe(value: Any) -> str:
    """torch's one-line description of a ParameterList / ParameterDict entry.

    The dtype is written as unigrad names it (``float32``), in both containers
    (torch writes ``torch.float32`` in one and ``torch.FloatTensor`` in the other).
    """
    if not _is_tensor(value):
        return f"Object of type: {type(value).__name__}"
    size = "x".join(str(n) for n in value.shape)
    device = device_of(value)
    where = "" if device.startswith("cpu") else f" ({device})"
    kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
    return f"{kind} containing: [{as_dtype(value.dtype).name} of size {size}{where}]"


class ParameterList(Module):
    """A list of parameters registered as ``"0"``, ``"1"``, ..., as ``torch.nn.ParameterList``.

    A tensor put in is made a :class:`~unigrad.nn.Parameter` of its backend.

    Examples:
        >>> import unigrad as ug
        >>> weights = ug.nn.ParameterList([ug.zeros(2), ug.ones(3)])
        >>> list(weights.state_dict()), isinstance(weights[1], ug.nn.Parameter)
        (['0', '1'], True)
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def _key(self, index: int) -> str:
        index = int(index)
        if not -len(self) <= index < len(self):
            raise IndexOutOfRangeError(f"index {index} is out of range")
        return str(index % len(self))

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return ParameterList(self[i] for i in range(*index.indices(len(self))))
        return getattr(self, self._key(index))

    def __setitem__(self, index: int, value: Any) -> None:
        setattr(self, self._key(index), _as_parameter(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` (a parameter, or a tensor made one) at the end."""
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Add each of ``values`` at the end."""
        if not isinstance(values, Iterable) or _is_tensor(values):
            raise ArgumentTypeError(
                f"ParameterList.extend should be called with an iterable, but got {type(values).__name__}"
            )
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"  ({index}): {_describe(value)}" for index, value in enumerate(self))

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError("a ParameterList is a container: use its parameters, not the list")


class ParameterDict(Module):
    """Parameters by name, in insertion order, as ``torch.nn.ParameterDict``.

    As torch's, a plain ``dict`` given to the constructor or to ``update`` is added in
    sorted key order; an ``OrderedDict``, a ``ParameterDict`` or pairs in their own order.

    Examples:
        >>> import unigrad as ug
        >>> scales = ug.nn.ParameterDict({"b": ug.ones(2), "a": ug.zeros(2)})
        >>> list(scales.state_dict()), "a" in scales
        (['a', 'b'], True)
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise InvalidKeyError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise ArgumentTypeError(
                "Index given to ParameterDict cannot be used as a key as it is not a string "
                f"(type is '{type(key).__name__}')."
            )
        if key not in self._keys and hasattr(self, key):
            raise InvalidKeyError(f"attribute '{key}' already exists")
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __reversed__(self) -> Iterator[str]:
        return reversed(list(self._keys))

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def copy(self) -> ParameterDict:
        """A new ParameterDict holding the same parameters."""
        return ParameterDict(OrderedDict((key, self[key]) for key in self._keys))

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self) -> None:
        for key in list(self._keys):
            del self[key]

    def pop(self, key: str) -> Any:
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[str, Any]:
        """Remove and return the last ``(key, parameter)`` added."""
        key = next(reversed(self._keys))
        return key, self.pop(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._keys else default

    def fromkeys(self, keys: Iterable[str], default: Any = None) -> ParameterDict:
        return ParameterDict((key, default) for key in keys)

    def keys(self) -> Any:
        return self._keys.keys()

    def items(self) -> Iterator[tuple[str, Any]]:
        return ((key, self[key]) for key in self._keys)

    def values(self) -> Iterator[Any]:
        return (self[key] for key in self._keys)

    def update(self, parameters: Any) -> None:
        """Add or replace parameters from a mapping or from ``(key, value)`` pairs."""
        for key, value in update_pairs("ParameterDict", parameters, sort_plain_dicts=True):
            self[key] = value

    def __or__(self, other: ParameterDict) -> ParameterDict:
        merged = self.copy()
        merged.update(other)
        return merged

    def __ror__(self, other: ParameterDict) -> ParameterDict:
        merged = other.copy()
        merged.update(self)
        return merged

    def __ior__(self, other: ParameterDict) -> ParameterDict:
        self.update(other)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"  ({key}): {_describe(value)}" for key, value in self.items())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError("a ParameterDict is a container: use its parameters, not the dict")
