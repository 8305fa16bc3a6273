"""hypothesis strategies for unigrad tests: dtypes, shapes, arrays and tensors.

``arrays()`` draws NumPy arrays (backend-neutral test data, convertible to any
backend); ``tensors()`` draws the same and hands them to the active backend.

Examples:
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

from ..errors import DependencyError

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as exc:  # pragma: no cover - depends on the install
    raise DependencyError(
        "unigrad.testing.strategies needs hypothesis: pip install 'unigrad[dev]' or pip install hypothesis"
    ) from exc

from .. import dtypes as _dtypes
from ..errors import ArgumentTypeError

__all__ = [
    "SPECIAL_FLOATS",
    "dtypes",
    "shapes",
    "broadcastable_shapes",
    "elements",
    "arrays",
    "tensors",
    "module_inputs",
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


def _first_layer(module: Any) -> Any:
    children = list(module.children()) if hasattr(module, "children") else []
    from ..nn import container

    if isinstance(module, container.Sequential) and children:
        return _first_layer(children[0])
    return module


def module_inputs(
    module: Any,
    *,
    batch: st.SearchStrategy[int] | None = None,
    length: st.SearchStrategy[int] | None = None,
    side: st.SearchStrategy[int] | None = None,
    **element_options: Any,
) -> st.SearchStrategy[np.ndarray[Any, Any]]:
    """NumPy inputs that fit ``module`` (its first layer, for a ``Sequential``).

    Knows ``Linear``, ``Conv1d``, ``Conv2d``, ``BatchNorm1d/2d``, ``LayerNorm``,
    ``Embedding`` (integer indices), ``RNN``/``GRU``/``LSTM`` and ``MultiheadAttention`` (one
    input, used as query, key and value). ``batch``, ``length`` (sequences) and
    ``side`` (image height and width) are strategies for the free sizes.
    """
    from .. import nn

    batch = batch if batch is not None else st.integers(1, 4)
    length = length if length is not None else st.integers(1, 5)
    side = side if side is not None else st.integers(4, 8)
    layer = _first_layer(module)
    options = {"low": -3.0, "high": 3.0, "special": False, **element_options}

    def floats(shape: st.SearchStrategy[tuple[int, ...]]) -> st.SearchStrategy[np.ndarray[Any, Any]]:
        return arrays("float32", shape, **options)

    if isinstance(layer, nn.Linear):
        return floats(batch.map(lambda n: (n, layer.in_features)))
    if isinstance(layer, (nn.Conv2d, nn.BatchNorm2d)):
        channels = layer.in_channels if isinstance(layer, nn.Conv2d) else layer.num_features
        last = getattr(layer, "data_format", "channels_first") == "channels_last"
        return floats(
            st.tuples(batch, side).map(
                lambda t: (t[0], t[1], t[1], channels) if last else (t[0], channels, t[1], t[1])
            )
        )
    if isinstance(layer, nn.Conv1d):
        return floats(st.tuples(batch, side).map(lambda t: (t[0], layer.in_channels, t[1])))
    if isinstance(layer, nn.BatchNorm1d):
        return floats(batch.map(lambda n: (max(n, 2), layer.num_features)))
    if isinstance(layer, nn.LayerNorm):
        return floats(batch.map(lambda n: (n, *layer.normalized_shape)))
    if isinstance(layer, nn.Embedding):
        return arrays("int64", st.tuples(batch, length), low=0, high=layer.num_embeddings - 1)
    if isinstance(layer, nn.RNNBase):  # RNN, GRU, LSTM
        first = getattr(layer, "batch_first", False)
        return floats(
            st.tuples(batch, length).map(
                lambda t: (t[0], t[1], layer.input_size) if first else (t[1], t[0], layer.input_size)
            )
        )
    if isinstance(layer, nn.MultiheadAttention):
        first = getattr(layer, "batch_first", False)
        return floats(
            st.tuples(batch, length).map(
                lambda t: (t[0], t[1], layer.embed_dim) if first else (t[1], t[0], layer.embed_dim)
            )
        )
    raise ArgumentTypeError(
        f"module_inputs does not know what a {type(layer).__name__} takes; draw its inputs with "
        "arrays(dtype, shape) instead"
    )
