"""Creation functions and astype against the reference and across backends."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import BACKENDS, check, host, run

import unigrad as ug
from unigrad.testing import strategies as ugst


@given(
    start=st.integers(-10, 10),
    stop=st.one_of(st.none(), st.integers(-10, 10)),
    step=st.sampled_from([1, 2, 3, -1, -2]),
)
def test_arange_integers(start, stop, step):
    check("arange", start, stop, step)  # int64 by default, as the reference


@given(start=st.floats(-5, 5), stop=st.floats(-5, 5), step=st.sampled_from([0.5, 0.25, -0.5]))
def test_arange_floats(start, stop, step):
    check("arange", start, stop, step, dtype=ug.float64)


@pytest.mark.parametrize(
    ("obj", "dtype"),
    [
        ([1, 2], "int64"),
        ([1.5, 2.0], "float32"),
        ([True, False], "bool"),
        ([[1, 2], [3, 4]], "int64"),
        (3, "int64"),
        (2.5, "float32"),
        (True, "bool"),
        ([], "float32"),
        (1j, "complex64"),
        ([1, 2.5], "float32"),
    ],
)
def test_asarray_defaults(obj, dtype):
    # Python ints are int64 and floats float32 on every backend (TF alone would say int32).
    for result in check("asarray", obj, reference_dtype=False).values():
        assert str(result.dtype) == dtype


@given(x=ugst.arrays(ugst.dtypes("all"), ugst.shapes()))
def test_asarray_keeps_numpy_dtype(x):
    check("asarray", x)


@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("dtype", [None, ug.int32, ug.float64, ug.bool, "float32", np.int16])
def test_filled(name, dtype):
    if name == "empty":  # arbitrary values: only shape and dtype are promised
        results = {b: run(name, b, (2, 3), dtype=dtype) for b in BACKENDS}
    else:
        results = check(name, (2, 3), dtype=dtype, reference_dtype=dtype is not None)
    for result in results.values():
        assert result.shape == (2, 3)
        assert ug.as_dtype(result.dtype) == (ug.float32 if dtype is None else ug.as_dtype(dtype))


@pytest.mark.parametrize("fill", [0, 1.5, True, -3])
def test_full(fill):
    check("full", (3, 1), fill, reference_dtype=False)
    check("full", 4, fill, dtype=ug.float64)


@given(x=ugst.arrays(ugst.dtypes("all"), ugst.shapes()), dtype=st.one_of(st.none(), ugst.dtypes("all")))
def test_like(x, dtype):
    check("zeros_like", x, dtype=dtype)
    check("ones_like", x, dtype=dtype)
    check("full_like", x, 1, dtype=dtype)
    for backend in BACKENDS:
        result = run("empty_like", backend, x, dtype=dtype)
        assert result.shape == x.shape
        assert result.dtype == (x.dtype if dtype is None else np.dtype(dtype.name))


@given(n=st.integers(0, 5), m=st.one_of(st.none(), st.integers(0, 5)), k=st.integers(-3, 3))
def test_eye(n, m, k):
    check("eye", n, m, k=k, reference_dtype=False)


@given(start=st.floats(-10, 10), stop=st.floats(-10, 10), num=st.integers(0, 8), endpoint=st.booleans())
def test_linspace(start, stop, num, endpoint):
    check("linspace", start, stop, num, endpoint=endpoint, dtype=ug.float64)


@given(a=ugst.arrays("float32", (3,)), b=ugst.arrays("float32", (2,)), indexing=st.sampled_from(["xy", "ij"]))
def test_meshgrid(a, b, indexing):
    check("meshgrid", a, b, indexing=indexing)


@pytest.mark.parametrize("name", ["tril", "triu"])
@given(x=ugst.arrays(ugst.dtypes("numeric"), ugst.shapes(min_dims=2)), k=st.integers(-2, 2))
def test_triangles(name, x, k):
    check(name, x, k=k)


@given(
    x=ugst.arrays(ugst.dtypes("all"), ugst.shapes(), low=-100, high=100, special=False),
    dtype=ugst.dtypes("all"),
)
def test_astype(x, dtype):
    check("astype", x, dtype)


def test_from_dlpack_round_trip():
    source = np.arange(6, dtype=np.float32).reshape(2, 3)
    for backend in BACKENDS:
        with ug.use_backend(backend):
            tensor = ug.from_dlpack(source)
            np.testing.assert_array_equal(host(tensor), source)


def test_asarray_copy_false_never_copies_silently(ug_backend):
    source = np.arange(4, dtype=np.float32)
    try:
        shared = ug.asarray(source, copy=False)
    except ValueError:
        return  # the framework cannot share this buffer: it must say so, not copy
    source[0] = 42.0
    assert ug.to_numpy(shared)[0] == 42.0


def test_asarray_copy_true_is_independent(ug_backend):
    source = np.arange(4, dtype=np.float32)
    copied = ug.asarray(source, copy=True)
    source[0] = 42.0
    assert ug.to_numpy(copied)[0] == 0.0
