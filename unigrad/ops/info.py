"""The Array API inspection namespace (``ug.__array_namespace_info__()``)."""

from __future__ import annotations

from typing import Any

from .. import dtypes as _dtypes
from ..config import active_backend

__all__ = ["__array_namespace_info__", "NamespaceInfo"]

# The Array API dtypes: unigrad's, less the half types it carries as extras.
_STANDARD = tuple(d for d in _dtypes.ALL_DTYPES if d not in (_dtypes.float16, _dtypes.bfloat16))


class NamespaceInfo:
    """What the active backend supports, as the Array API inspection functions ask."""

    def capabilities(self) -> dict[str, Any]:
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}

    def default_device(self) -> str:
        return active_backend().default_device()

    def devices(self) -> list[str]:
        return list(active_backend().devices())

    def default_dtypes(self, *, device: Any = None) -> dict[str, _dtypes.DType]:
        return {
            "real floating": _dtypes.default_float,
            "complex floating": _dtypes.complex64,
            "integral": _dtypes.default_int,
            "indexing": _dtypes.int64,
        }

    def dtypes(self, *, device: Any = None, kind: Any = None) -> dict[str, _dtypes.DType]:
        found = {d.name: d for d in _STANDARD}
        if kind is None:
            return found
        kinds = kind if isinstance(kind, tuple) else (kind,)
        return {n: d for n, d in found.items() if any(_dtypes.isdtype(d, k) for k in kinds)}


def __array_namespace_info__() -> NamespaceInfo:
    """The Array API inspection object for the active backend."""
    return NamespaceInfo()
