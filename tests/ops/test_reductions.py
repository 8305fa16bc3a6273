"""Statistical, utility, searching, sorting and set functions, against the reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import check

from unigrad.testing import strategies as ugst


def _axis(data, x, *, allow_tuple=True):
    options = [st.none()]
    if x.ndim:
        options.append(st.integers(-x.ndim, x.ndim - 1))
        if allow_tuple:
            options.append(st.lists(st.integers(0, x.ndim - 1), unique=True, max_size=x.ndim).map(tuple))
    return data.draw(st.one_of(*options), label="axis")


@pytest.mark.parametrize("name", ["sum", "prod", "max", "min", "mean", "all", "any", "count_nonzero"])
@given(
    x=ugst.arrays(ugst.dtypes("all"), ugst.shapes(), low=-8, high=8), keepdims=st.booleans(), data=st.data()
)
def test_reductions(name, x, keepdims, data):
    axis = _axis(data, x)
    if name in ("max", "min") and x.size == 0:
        return  # the standard leaves the empty max undefined; both backends raise
    # (sum/prod of unsigned input accumulate in uint64, as the standard says)
    check(name, x, axis=axis, keepdims=keepdims)


@pytest.mark.parametrize("name", ["var", "std"])
@given(
    x=ugst.arrays(ugst.dtypes("float"), ugst.shapes(min_side=1)),
    keepdims=st.booleans(),
    correction=st.sampled_from([0, 1, 0.5]),
    data=st.data(),
)
def test_spread(name, x, keepdims, correction, data):
    # float32 rounding of the mean leaves a spread of ~1e-7 * |x| even for constant input
    scale = float(np.nanmax(np.abs(np.where(np.isfinite(x), x, 0)), initial=1.0))
    check(
        name,
        x,
        axis=_axis(data, x),
        correction=correction,
        keepdims=keepdims,
        rtol=1e-4,
        atol=1e-4 + 1e-6 * scale,
    )


@pytest.mark.parametrize("name", ["sum", "prod"])
@given(
    x=ugst.arrays(ugst.dtypes("numeric"), ugst.shapes(), low=-4, high=4),
    dtype=ugst.dtypes(["int64", "float64"]),
)
def test_accumulator_dtype(name, x, dtype):
    check(name, x, dtype=dtype)


@pytest.mark.parametrize("name", ["cumulative_sum", "cumulative_prod"])
@given(
    x=ugst.arrays(ugst.dtypes("numeric"), ugst.shapes(min_dims=1, max_dims=1), low=-4, high=4),
    include_initial=st.booleans(),
)
def test_cumulative(name, x, include_initial):
    check(name, x, include_initial=include_initial, reference_dtype=x.dtype.kind != "u")


@given(x=ugst.arrays(ugst.dtypes("numeric"), ugst.shapes(min_dims=2), low=-4, high=4), data=st.data())
def test_cumulative_axis(x, data):
    check(
        "cumulative_sum",
        x,
        axis=data.draw(st.integers(-x.ndim, x.ndim - 1)),
        reference_dtype=x.dtype.kind != "u",
    )


@given(x=ugst.arrays(ugst.dtypes("float"), ugst.shapes()), keepdims=st.booleans(), data=st.data())
def test_logsumexp(x, keepdims, data):
    results = check("logsumexp", x, axis=_axis(data, x), keepdims=keepdims, strict=False, rtol=1e-4)
    with np.errstate(all="ignore"):
        expected = np.log(np.sum(np.exp(x.astype(np.float64))))
    if x.size and np.isfinite(expected) and x.ndim == 0:
        for result in results.values():
            np.testing.assert_allclose(result, expected, rtol=1e-4, atol=1e-6)


@given(x=ugst.arrays(ugst.dtypes("numeric"), ugst.shapes(min_dims=1), low=-5, high=5), data=st.data())
def test_diff(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    n = data.draw(st.integers(0, 2))
    check("diff", x, axis=axis, n=n)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@given(
    x=ugst.arrays(ugst.dtypes("numeric"), ugst.shapes(min_side=1), low=-3, high=3, special=False),
    keepdims=st.booleans(),
    data=st.data(),
)
def test_argextrema(name, x, keepdims, data):
    axis = _axis(data, x, allow_tuple=False)
    check(name, x, axis=axis, keepdims=keepdims)


@pytest.mark.parametrize("name", ["sort", "argsort"])
@given(
    x=ugst.arrays(ugst.dtypes("numeric"), ugst.shapes(min_dims=1), low=-3, high=3),
    descending=st.booleans(),
    data=st.data(),
)
def test_sorting(name, x, descending, data):
    # few distinct values, so stability (also when descending) is exercised
    check(name, x, axis=data.draw(st.integers(-x.ndim, x.ndim - 1)), descending=descending)


@given(x=ugst.arrays(ugst.dtypes("all"), ugst.shapes(), low=-3, high=3, special=False))
def test_nonzero(x):
    if x.ndim:
        check("nonzero", x)


@given(
    x=ugst.arrays(ugst.dtypes("numeric"), ugst.shapes(max_dims=1), low=-5, high=5, special=False),
    v=ugst.arrays(ugst.dtypes("numeric"), ugst.shapes(max_dims=2), low=-6, high=6, special=False),
    side=st.sampled_from(["left", "right"]),
)
def test_searchsorted(x, v, side):
    x = np.sort(x.reshape(-1))
    v = v.astype(x.dtype)
    check("searchsorted", x, v, side=side)


@given(data=st.data())
def test_where(data):
    shapes = data.draw(ugst.broadcastable_shapes(3))
    condition = data.draw(ugst.arrays("bool", shapes[0]))
    x1 = data.draw(ugst.arrays(ugst.dtypes("numeric"), shapes[1]))
    x2 = data.draw(ugst.arrays(ugst.dtypes("numeric"), shapes[2]))
    check("where", condition, x1, x2)
    check("where", condition, x1, 0)


@pytest.mark.parametrize("name", ["unique_values", "unique_counts", "unique_inverse", "unique_all"])
@given(x=ugst.arrays(ugst.dtypes("numeric"), ugst.shapes(), low=-3, high=3, special=False))
def test_unique(name, x):
    check(name, x)


@given(
    x1=ugst.arrays("int64", ugst.shapes(), low=-4, high=4),
    x2=ugst.arrays("int64", ugst.shapes(max_dims=1), low=-4, high=4),
    invert=st.booleans(),
)
def test_isin(x1, x2, invert):
    check("isin", x1, x2, invert=invert, strict=False)
    with np.errstate(all="ignore"):
        expected = np.isin(x1, x2, invert=invert)
    from support import BACKENDS, run

    for backend in BACKENDS:
        np.testing.assert_array_equal(run("isin", backend, x1, x2, invert=invert), expected)
