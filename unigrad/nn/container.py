"""``Sequential``, ``ModuleList`` and ``ModuleDict``, as torch.nn's.

``ParameterList`` and ``ParameterDict`` are in :mod:`unigrad.nn.container_parameters`.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from typing import Any, overload

from ..errors import (
    ArgumentError,
    ArgumentTypeError,
    IndexOutOfRangeError,
    InvalidKeyError,
    NotSupportedError,
)
from .module import Module
from .module_state import add_indent

__all__ = ["Container", "Sequential", "ModuleList", "ModuleDict", "update_pairs"]


class _Numbered(Module):
    """What ``Sequential`` and ``ModuleList`` share: children indexed by position."""

    def _key(self, index: int) -> str:
        """The name of the child at ``index`` (negative counts from the end)."""
        index = int(index)
        if not -len(self) <= index < len(self):
            raise IndexOutOfRangeError(f"index {index} is out of range")
        return list(self._modules)[index % len(self)]

    def _renumber(self, modules: Iterable[Module]) -> None:
        """Make ``modules`` the children, named ``"0"``, ``"1"``, ... (as torch does after a deletion)."""
        modules = list(modules)
        for name in list(self._modules):
            delattr(self, name)
        for index, module in enumerate(modules):
            self.add_module(str(index), module)

    def __setitem__(self, index: int, module: Module) -> None:
        setattr(self, self._key(index), module)

    def __delitem__(self, index: int | slice) -> None:
        names = list(self._modules)[index] if isinstance(index, slice) else [self._key(index)]
        for name in names:
            delattr(self, name)
        self._renumber(self._modules.values())

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def pop(self, index: int | slice) -> Any:
        """Remove and return the module (or the container of modules, for a slice) at ``index``."""
        taken = self[index]  # type: ignore[index]
        del self[index]
        return taken

    def insert(self, index: int, module: Module) -> Any:
        """Put ``module`` before position ``index``, as ``list.insert``; later ones are renumbered."""
        if not isinstance(module, Module):
            raise ArgumentTypeError(f"{type(module).__name__} is not a Module subclass")
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._renumber(modules)
        return self

    def append(self, module: Module) -> Any:
        """Add ``module`` at the end."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Any:
        """Add each of ``modules`` at the end."""
        if not isinstance(modules, Iterable):
            raise ArgumentTypeError(
                f"{type(self).__name__}.extend should be called with an iterable, "
                f"but got {type(modules).__name__}"
            )
        for module in list(modules):
            self.append(module)
        return self


class Sequential(_Numbered):
    """Modules applied in order; named ``"0"``, ``"1"``, ... or by an ``OrderedDict``.

    Indexes, slices (a slice is a ``Sequential``), ``len``, ``append``, ``insert``,
    ``extend``, ``pop``, ``del seq[i]`` (the rest renumbered), ``+``, ``+=`` and ``*``
    work as on ``torch.nn.Sequential``.

    Examples:
        >>> import unigrad as ug
        >>> model = ug.nn.Sequential(ug.nn.Linear(4, 3), ug.nn.ReLU(), ug.nn.Linear(3, 1))
        >>> list(model.state_dict())
        ['0.weight', '0.bias', '2.weight', '2.bias']
        >>> list(model[1:].state_dict())  # a slice keeps the names
        ['2.weight', '2.bias']
    """

    def __init__(self, *modules: Module | OrderedDict[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(modules):  # type: ignore[assignment]
                if not isinstance(module, Module):
                    raise ArgumentTypeError(
                        f"Sequential takes modules, got {type(module).__name__} at position {index}"
                    )
                self.add_module(str(index), module)

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            input = module(input)
        return input

    @overload
    def __getitem__(self, index: int) -> Module: ...
    @overload
    def __getitem__(self, index: slice) -> Sequential: ...
    def __getitem__(self, index: int | slice) -> Module | Sequential:
        if isinstance(index, slice):
            return Sequential(OrderedDict(list(self._modules.items())[index]))
        return self._modules[self._key(index)]

    def __add__(self, other: Sequential) -> Sequential:
        if not isinstance(other, Sequential):
            raise ArgumentError(
                "add operator supports only objects of Sequential class, "
                f"but {type(other).__name__} is given."
            )
        return Sequential(*self, *other)

    def __iadd__(self, other: Sequential) -> Sequential:
        if not isinstance(other, Sequential):
            raise ArgumentError(
                "add operator supports only objects of Sequential class, "
                f"but {type(other).__name__} is given."
            )
        return self.extend(list(other))

    def __mul__(self, times: int) -> Sequential:
        """The same modules (not copies) ``times`` times over, as torch's."""
        if not isinstance(times, int):
            raise ArgumentTypeError(
                f"unsupported operand type(s) for *: Sequential and {type(times).__name__}"
            )
        if times <= 0:
            raise ArgumentError(f"Non-positive multiplication factor {times} for Sequential")
        return Sequential(*(list(self) * times))

    __rmul__ = __mul__


class ModuleList(_Numbered):
    """A list of modules whose parameters the parent module sees, as ``torch.nn.ModuleList``.

    Examples:
        >>> import unigrad as ug
        >>> layers = ug.nn.ModuleList([ug.nn.Linear(2, 2), ug.nn.ReLU()])
        >>> layers.insert(1, ug.nn.Tanh())
        >>> [type(m).__name__ for m in layers]
        ['Linear', 'Tanh', 'ReLU']
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    @overload
    def __getitem__(self, index: int) -> Module: ...
    @overload
    def __getitem__(self, index: slice) -> ModuleList: ...
    def __getitem__(self, index: int | slice) -> Module | ModuleList:
        if isinstance(index, slice):
            return ModuleList(list(self._modules.values())[index])
        return self._modules[self._key(index)]

    def insert(self, index: int, module: Module) -> None:
        """Put ``module`` before position ``index``, as ``list.insert``."""
        super().insert(index, module)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList(chain(self, other))

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __repr__(self) -> str:
        """torch's: a run of equal modules is one line, ``(0-2): 3 x Linear(...)``."""
        reprs = [repr(module) for module in self]
        if not reprs:
            return "ModuleList()"
        runs: list[list[Any]] = []  # [first index, last index, repr]
        for index, text in enumerate(reprs):
            if runs and runs[-1][2] == text:
                runs[-1][1] = index
            else:
                runs.append([index, index, text])
        lines = [
            add_indent(
                f"({first}): {text}" if first == last else f"({first}-{last}): {last - first + 1} x {text}", 2
            )
            for first, last, text in runs
        ]
        return type(self).__name__ + "(\n  " + "\n  ".join(lines) + "\n)"

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError("a ModuleList is a container: call its modules, not the list")


class Container(Module):
    """Children given as keyword arguments, as the deprecated ``torch.nn.Container`` (use ``Module``).

    Examples:
        >>> import unigrad as ug
        >>> list(ug.nn.Container(fc=ug.nn.Linear(2, 3)).state_dict())
        ['fc.weight', 'fc.bias']
    """

    def __init__(self, **kwargs: Module) -> None:
        super().__init__()
        warnings.warn(
            "`nn.Container` is deprecated. All of its functionality is now implemented in `nn.Module`. "
            "Subclass that instead.",
            FutureWarning,
            stacklevel=2,
        )
        for name, module in kwargs.items():
            self.add_module(name, module)


class ModuleDict(Module):
    """Modules by name, in insertion order, as ``torch.nn.ModuleDict``.

    Examples:
        >>> import unigrad as ug
        >>> heads = ug.nn.ModuleDict({"cls": ug.nn.Linear(4, 3), "box": ug.nn.Linear(4, 2)})
        >>> list(heads), "cls" in heads, list(heads.state_dict())[:2]
        (['cls', 'box'], True, ['cls.weight', 'cls.bias'])
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        if key not in self._modules:
            raise InvalidKeyError(key)
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def clear(self) -> None:
        """Remove every module."""
        for key in list(self._modules):
            del self[key]

    def pop(self, key: str) -> Module:
        """Remove and return the module ``key``."""
        module = self[key]
        del self[key]
        return module

    def keys(self) -> Any:
        return self._modules.keys()

    def items(self) -> Any:
        return self._modules.items()

    def values(self) -> Any:
        return self._modules.values()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace modules from a mapping or from ``(name, module)`` pairs, in their order."""
        for key, module in update_pairs("ModuleDict", modules, sort_plain_dicts=False):
            self[key] = module

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError("a ModuleDict is a container: call its modules, not the dict")


def update_pairs(owner: str, values: Any, sort_plain_dicts: bool) -> list[tuple[Any, Any]]:
    """The ``(key, value)`` pairs that ``<owner>.update(values)`` adds, checked as torch checks them.

    ``values`` is a mapping (with ``items()``) or an iterable of pairs; ParameterDict sorts a
    plain dict's keys, as torch's does (``sort_plain_dicts``).
    """
    if not isinstance(values, Iterable):
        raise ArgumentTypeError(
            f"{owner}.update should be called with an iterable of key/value pairs, "
            f"but got {type(values).__name__}"
        )
    if hasattr(values, "items"):
        pairs = list(values.items())
        plain = isinstance(values, Mapping) and not isinstance(values, OrderedDict)
        return sorted(pairs) if sort_plain_dicts and plain else pairs
    checked = []
    for index, element in enumerate(values):
        if not isinstance(element, Iterable):
            raise ArgumentTypeError(
                f"{owner} update sequence element #{index} should be Iterable; is {type(element).__name__}"
            )
        pair = tuple(element)
        if len(pair) != 2:
            raise ArgumentError(
                f"{owner} update sequence element #{index} has length {len(pair)}; 2 is required"
            )
        checked.append((pair[0], pair[1]))
    return checked
