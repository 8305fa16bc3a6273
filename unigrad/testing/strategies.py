"""hypothesis strategies for unigrad tests: dtypes, shapes, arrays and tensors.

``arrays()`` draws NumPy arrays (backend-neutral test data, convertible to any
backend); ``tensors()`` draws the same and hands them to the active backend.

Example:
    >>> from hypothesis import given
    >>> import unigrad as ug
    >>> from unigrad.testing import strategies as ugst
    >>> @given(ugst.tensors(dtype=ug.float32, shape=(2, 3)))
    ... def test_shape(x):
    ...     assert ug.reshape(x, (3, 2)).shape == (3, 2)
    >>> test_shape()
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError(
        "unigrad.testing.strategies needs hypothesis: pip install 'unigrad[dev]' or pip install hypothesis"
    ) from exc

from .. import dtypes as _dtypes

__all__ = [
    "SPECIAL_FLOATS",
    "dtypes",
    "shapes",
    "broadcastable_shapes",
    "elements",
    "arrays",
    "tensors",
]

SPECIAL_FLOATS = (float("nan"), float("inf"), -float("inf"), -0.0, 0.0)

_GROUPS = {
    "bool": ("bool",),
    "integer": ("int8", "int16", "int32", "int64", "uint8"),
    "signed": ("int8", "int16", "int32", "int64"),
    "float": ("float32", "float64"),
    "numeric": ("int8", "int16", "int32", "int64", "uint8", "float32", "float64"),
    "all": ("bool", "int8", "int16", "int32", "int64", "uint8", "float32", "float64"),
}


def dtypes(kind: str | Sequence[str] = "all") -> st.SearchStrategy[_dtypes.DType]:
    """unigrad dtypes of a kind: ``"bool"``, ``"integer"``, ``"signed"``, ``"float"``,
    ``"numeric"``, ``"all"`` (the ones both built-in backends compute with), or a list of names."""
    names = _GROUPS[kind] if isinstance(kind, str) else tuple(kind)
    return st.sampled_from([_dtypes.as_dtype(n) for n in names])


def shapes(
    *, min_dims: int = 0, max_dims: int = 3, min_side: int = 0, max_side: int = 4
) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes, empty axes included unless ``min_side`` > 0."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcastable_shapes(
    num_shapes: int = 2, *, min_dims: int = 0, max_dims: int = 3, min_side: int = 0, max_side: int = 4
) -> st.SearchStrategy[tuple[tuple[int, ...], ...]]:
    """``num_shapes`` shapes that broadcast together."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes,
        min_dims=min_dims,
        max_dims=max_dims,
        min_side=min_side,
        max_side=max_side,
    ).map(lambda found: found.input_shapes)


def elements(
    dtype: Any, *, special: bool = True, low: float | None = None, high: float | None = None
) -> st.SearchStrategy[Any]:
    """Values of ``dtype``: floats include nan, ±inf and -0.0 when ``special``."""
    dt = _dtypes.as_dtype(dtype)
    if dt.kind == "bool":
        return st.booleans()
    if dt.kind in ("signed", "unsigned"):
        info = np.iinfo(dt.name)
        lo = info.min if low is None else max(int(low), int(info.min))
        hi = info.max if high is None else min(int(high), int(info.max))
        return st.integers(lo, hi)
    width: Literal[32, 64] = 64 if dt is _dtypes.float64 else 32
    finite = st.floats(
        -1e4 if low is None else low, 1e4 if high is None else high, width=width, allow_subnormal=False
    )
    if not special:
        return finite
    return st.one_of(finite, finite, finite, st.sampled_from(SPECIAL_FLOATS))


def arrays(
    dtype: Any = None,
    shape: Any = None,
    *,
    elements: st.SearchStrategy[Any] | None = None,
    **element_options: Any,
) -> st.SearchStrategy[np.ndarray[Any, Any]]:
    """NumPy arrays; ``dtype`` and ``shape`` may be values or strategies."""
    dtype_strategy = (
        dtypes() if dtype is None else dtype if isinstance(dtype, st.SearchStrategy) else st.just(dtype)
    )
    shape_strategy = (
        shapes() if shape is None else shape if isinstance(shape, st.SearchStrategy) else st.just(shape)
    )
    given_elements = elements

    def build(dt: Any) -> st.SearchStrategy[np.ndarray[Any, Any]]:
        values = given_elements if given_elements is not None else _elements_for(dt, **element_options)
        return hnp.arrays(np.dtype(_dtypes.as_dtype(dt).name), shape_strategy, elements=values)

    return dtype_strategy.flatmap(build)


def _elements_for(dtype: Any, **options: Any) -> st.SearchStrategy[Any]:
    return elements(dtype, **options)


def tensors(
    dtype: Any = None,
    shape: Any = None,
    *,
    elements: st.SearchStrategy[Any] | None = None,
    **element_options: Any,
) -> st.SearchStrategy[Any]:
    """Native tensors of the backend active when the example is drawn."""
    from ..ops.creation import asarray

    return arrays(dtype, shape, elements=elements, **element_options).map(asarray)
