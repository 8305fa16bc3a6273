"""Nested structures of tensors: flatten to a list of leaves and rebuild.

Lists, tuples (named tuples included) and dicts are containers; anything else
is a leaf. Gradients come back in the structure of the sources, and parameter
dicts pass through ``ug.grad`` as they are.

Examples:
    >>> from unigrad import tree
    >>> leaves, spec = tree.flatten({"w": 1, "b": [2, 3]})
    >>> leaves
    [1, 2, 3]
    >>> tree.unflatten(spec, [10, 20, 30])
    {'w': 10, 'b': [20, 30]}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from .errors import ArgumentError

__all__ = ["LEAF", "TreeSpec", "flatten", "unflatten", "map_leaves"]


class TreeSpec(NamedTuple):
    """How to rebuild a structure from its leaves: ``kind`` is ``"leaf"``,
    ``"list"``, ``"tuple"``, ``"namedtuple"`` or ``"dict"``."""

    kind: str
    container: Any  # the type (namedtuple) or the sorted keys (dict); None otherwise
    children: tuple[TreeSpec, ...]


LEAF = _LEAF = TreeSpec("leaf", None, ())


def flatten(structure: Any) -> tuple[list[Any], TreeSpec]:
    """The leaves of ``structure`` in order (dicts in their own key order), and its spec."""
    if not isinstance(structure, (list, tuple, dict)):
        return [structure], _LEAF  # a lone tensor: the common case, kept cheap
    kind = type(structure)
    if (kind is list or kind is tuple) and not any(isinstance(v, (list, tuple, dict)) for v in structure):
        return list(structure), _flat_spec("list" if kind is list else "tuple", len(structure))
    leaves: list[Any] = []
    return leaves, _flatten(structure, leaves)


_FLAT_SPECS: dict[tuple[str, int], TreeSpec] = {}


def _flat_spec(kind: str, size: int) -> TreeSpec:
    """The spec of a flat list or tuple (``[w1, w2]``), made once per length."""
    spec = _FLAT_SPECS.get((kind, size))
    if spec is None:
        spec = _FLAT_SPECS[(kind, size)] = TreeSpec(kind, None, (_LEAF,) * size)
    return spec


def _flatten(node: Any, leaves: list[Any]) -> TreeSpec:
    if isinstance(node, dict):
        keys = list(node)
        return TreeSpec("dict", (type(node), tuple(keys)), tuple(_flatten(node[k], leaves) for k in keys))
    if isinstance(node, tuple) and hasattr(node, "_fields"):
        return TreeSpec("namedtuple", type(node), tuple(_flatten(v, leaves) for v in node))
    if isinstance(node, (list, tuple)):
        kind = "list" if isinstance(node, list) else "tuple"
        return TreeSpec(kind, None, tuple(_flatten(v, leaves) for v in node))
    leaves.append(node)
    return _LEAF


def unflatten(spec: TreeSpec, leaves: list[Any]) -> Any:
    """The structure of ``spec`` with ``leaves`` in place of the original ones."""
    if (
        spec.kind in ("list", "tuple")
        and len(leaves) == len(spec.children)
        and all(child is _LEAF for child in spec.children)
    ):
        return list(leaves) if spec.kind == "list" else tuple(leaves)
    iterator = iter(leaves)
    result = _unflatten(spec, iterator)
    if next(iterator, _SENTINEL) is not _SENTINEL:
        raise ArgumentError("more leaves than the structure holds")
    return result


_SENTINEL = object()


def _unflatten(spec: TreeSpec, leaves: Any) -> Any:
    if spec.kind == "leaf":
        value = next(leaves, _SENTINEL)
        if value is _SENTINEL:
            raise ArgumentError("fewer leaves than the structure holds")
        return value
    children = [_unflatten(child, leaves) for child in spec.children]
    if spec.kind == "dict":
        dict_type, keys = spec.container
        return dict_type(zip(keys, children, strict=True))
    if spec.kind == "namedtuple":
        return spec.container(*children)
    return children if spec.kind == "list" else tuple(children)


def map_leaves(function: Callable[[Any], Any], structure: Any) -> Any:
    """``structure`` with ``function`` applied to every leaf."""
    leaves, spec = flatten(structure)
    return unflatten(spec, [function(leaf) for leaf in leaves])
