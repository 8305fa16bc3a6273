"""Manipulation and indexing functions against the reference and across backends."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from support import BACKENDS, check

import unigrad as ug
from unigrad.testing import strategies as ugst

any_array = ugst.arrays(ugst.dtypes("all"), ugst.shapes(), special=False)


@given(x=any_array, data=st.data())
def test_reshape(x, data):
    target = data.draw(st.permutations(list(x.shape)).map(tuple))
    check("reshape", x, target)
    check("reshape", x, (-1,))
    if x.size:
        check("reshape", x, (x.size, -1))


@given(x=any_array, data=st.data())
def test_permute_and_move(x, data):
    axes = data.draw(st.permutations(list(range(x.ndim))).map(tuple))
    check("permute_dims", x, axes)
    if x.ndim:
        source = data.draw(st.integers(-x.ndim, x.ndim - 1))
        destination = data.draw(st.integers(-x.ndim, x.ndim - 1))
        check("moveaxis", x, source, destination)
        check("flip", x, axis=source)
    check("flip", x)


@given(x=any_array, data=st.data())
def test_expand_and_squeeze(x, data):
    axis = data.draw(st.integers(-x.ndim - 1, x.ndim))
    expanded = check("expand_dims", x, axis=axis)
    check("squeeze", next(iter(expanded.values())), axis=axis)


@given(data=st.data(), axis=st.integers(0, 2))
def test_concat_and_stack(data, axis):
    shape = data.draw(ugst.shapes(min_dims=3, max_dims=3))
    dtype1, dtype2 = data.draw(ugst.dtypes("numeric")), data.draw(ugst.dtypes("numeric"))
    a = data.draw(ugst.arrays(dtype1, shape, special=False))
    other = list(shape)
    other[axis] = data.draw(st.integers(0, 3))
    b = data.draw(ugst.arrays(dtype2, tuple(other), special=False))
    check("concat", [a, b], axis=axis)
    check("concat", [a, b], axis=axis - 3)
    check("concat", [a, b], axis=None)
    check("stack", [a, a], axis=axis)
    check("stack", [a, a], axis=-1)


@given(x=any_array, shift=st.integers(-5, 5), data=st.data())
def test_roll(x, shift, data):
    check("roll", x, shift)
    if x.ndim:
        check("roll", x, shift, axis=data.draw(st.integers(-x.ndim, x.ndim - 1)))


@given(x=any_array, repeats=st.integers(0, 3), data=st.data())
def test_repeat_and_tile(x, repeats, data):
    check("repeat", x, repeats)
    if x.ndim:
        axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
        check("repeat", x, repeats, axis=axis)
        counts = data.draw(ugst.arrays("int64", (x.shape[axis],), low=0, high=3))
        check("repeat", x, counts, axis=axis)
    reps = tuple(data.draw(st.lists(st.integers(0, 3), min_size=0, max_size=3)))
    check("tile", x, reps)


@given(x=any_array, data=st.data())
def test_unstack_and_broadcast(x, data):
    if x.ndim:
        check("unstack", x, axis=data.draw(st.integers(-x.ndim, x.ndim - 1)))
    target = (2, *x.shape)
    check("broadcast_to", x, target)
    y = data.draw(ugst.arrays(ugst.dtypes("numeric"), (1,) * x.ndim, special=False))
    check("broadcast_arrays", x, y)


@given(x=ugst.arrays(ugst.dtypes("all"), ugst.shapes(min_dims=1, min_side=1), special=False), data=st.data())
def test_take(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    size = x.shape[axis]
    indices = data.draw(ugst.arrays("int64", ugst.shapes(min_dims=1, max_dims=1), low=-size, high=size - 1))
    check("take", x, indices, axis=axis)
    if x.ndim == 1:
        check("take", x, indices)
    along_shape = list(x.shape)
    along_shape[axis] = data.draw(st.integers(0, 3))
    along = data.draw(ugst.arrays("int64", tuple(along_shape), low=-size, high=size - 1))
    check("take_along_axis", x, along, axis=axis)


@pytest.mark.parametrize("index", [3, -4, 100])
def test_take_out_of_range(index):
    x = np.arange(3, dtype=np.float32)
    results = check("take", x, np.array([0, index]))
    for result in results.values():
        assert isinstance(result, ug.IndexOutOfRangeError)
        assert f"index {index} is out of range for axis 0 of size 3" in str(result)
    results = check("take_along_axis", x, np.array([index]), axis=0)
    assert all(isinstance(r, ug.IndexOutOfRangeError) for r in results.values())


@given(x=any_array)
def test_reshape_copy(x):
    assume(x.ndim > 0)
    check("reshape", x, (-1,), copy=True)


@pytest.mark.parametrize("backend", BACKENDS)
def test_several_arrays_come_back_as_a_list(backend):
    # the standard's return type for broadcast_arrays and meshgrid: a list, not a tuple
    with ug.use_backend(backend):
        assert isinstance(ug.broadcast_arrays(ug.ones((2, 1)), ug.ones((3,))), list)
        assert isinstance(ug.meshgrid(ug.ones((2,)), ug.ones((3,))), list)


@given(data=st.data(), dtype=st.sampled_from(["uint16", "uint32", "uint64", "int8"]))
def test_repeat_of_any_integer_dtype_by_any_integer_counts(data, dtype):
    # torch has no repeat kernel for the wide unsigned types and takes int64 counts only
    x = data.draw(ugst.arrays(dtype, (3,), low=0, high=100))
    counts = data.draw(
        ugst.arrays(data.draw(st.sampled_from(["int8", "int32", "uint8"])), (3,), low=0, high=3)
    )
    check("repeat", x, counts)
