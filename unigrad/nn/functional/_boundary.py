"""NumPy arrays, lists and Python scalars into ``ug.nn.functional``: converted once, at the boundary.

Every public function's tensor parameters (annotated ``Array``) take what
``ug.asarray`` takes, as ``model(np_array)`` does: a NumPy array keeps its
dtype (a float64 array into float32 weights is then a :class:`unigrad.DTypeError`
naming both dtypes, never a silent cast), a list or a Python number becomes a
tensor of ``ug.asarray``'s dtype. Native tensors pass untouched; the check is a
type lookup per tensor argument, so a well-formed call pays next to nothing.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

__all__ = ["accepts_array_likes"]

F = TypeVar("F", bound=Callable[..., Any])

# what becomes a tensor where a tensor is expected (bool is an int: True -> a bool tensor)
_ARRAY_LIKE = frozenset({np.ndarray, list, float, int, bool})
# where a parameter also takes a Python number as such (``Array | float``), numbers stay numbers
_CONTAINERS = frozenset({np.ndarray, list})


def _tensor_parameters(fn: Callable[..., Any]) -> list[tuple[int, str, frozenset[type]]]:
    found = []
    for index, parameter in enumerate(inspect.signature(fn).parameters.values()):
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            break
        annotation = parameter.annotation
        if annotation in ("Array", "Array | None"):
            found.append((index, parameter.name, _ARRAY_LIKE))
        elif isinstance(annotation, str) and annotation.startswith("Array |"):
            found.append((index, parameter.name, _CONTAINERS))
    return found


def accepts_array_likes(fn: F) -> F:
    """``fn`` with its ``Array`` parameters converted from NumPy arrays, lists and numbers."""
    parameters = _tensor_parameters(fn)
    if not parameters:
        return fn

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        count = len(args)
        for index, name, kinds in parameters:  # (a loop, not any(...): this is every call's cost)
            if type(args[index] if index < count else kwargs.get(name)) in kinds:
                args, kwargs = _converted_arguments(args, kwargs, parameters)
                break
        return fn(*args, **kwargs)

    return call  # type: ignore[return-value]


def _converted_arguments(
    args: tuple[Any, ...], kwargs: dict[str, Any], parameters: list[tuple[int, str, frozenset[type]]]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    positional, named = list(args), dict(kwargs)
    for index, name, kinds in parameters:
        if index < len(args):
            if type(args[index]) in kinds:
                positional[index] = _converted(args[index])
        elif type(kwargs.get(name)) in kinds:
            named[name] = _converted(kwargs[name])
    return tuple(positional), named


def _converted(value: Any) -> Any:
    from ...ops.creation import asarray

    return asarray(value)
