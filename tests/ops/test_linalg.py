"""Linear algebra: the main namespace's functions, einsum and ``ug.linalg``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import check

from unigrad.testing import strategies as ugst

floats = ugst.dtypes("float")


def _matrix(data, shape, dtype=None, low=-3, high=3):
    return data.draw(ugst.arrays(dtype or data.draw(floats), shape, low=low, high=high, special=False))


@given(
    data=st.data(),
    n=st.integers(1, 4),
    k=st.integers(1, 4),
    m=st.integers(1, 4),
    batch=st.sampled_from([(), (2,), (1, 3)]),
)
def test_matmul(data, n, k, m, batch):
    a = _matrix(data, (*batch, n, k))
    b = _matrix(data, (k, m))
    check("matmul", a, b, rtol=1e-4, atol=1e-4)
    check("matmul", a, _matrix(data, (k,)), rtol=1e-4, atol=1e-4)
    check("matmul", _matrix(data, (n,)), _matrix(data, (n, m)), rtol=1e-4, atol=1e-4)
    ints = _matrix(data, (n, k), dtype="int64")
    check("matmul", ints, _matrix(data, (k, m), dtype="int64"))


@given(x=ugst.arrays(ugst.dtypes("all"), ugst.shapes(min_dims=2), special=False))
def test_matrix_transpose(x):
    check("matrix_transpose", x)


@given(data=st.data())
def test_tensordot_and_vecdot(data):
    a = _matrix(data, (2, 3, 4))
    b = _matrix(data, (3, 4, 5))
    check("tensordot", a, b, axes=2, rtol=1e-4, atol=1e-4)
    check("tensordot", a, b, axes=((1, 2), (0, 1)), rtol=1e-4, atol=1e-4)
    check("tensordot", a, _matrix(data, (4, 2)), axes=1, rtol=1e-4, atol=1e-4)
    check("vecdot", a, _matrix(data, (3, 4)), rtol=1e-4, atol=1e-4)
    check("vecdot", a, _matrix(data, (2, 1, 4)), axis=-1, rtol=1e-4, atol=1e-4)


@given(data=st.data())
def test_einsum(data):
    a, b = _matrix(data, (2, 3)), _matrix(data, (3, 4))
    for subscripts, operands in [
        ("ij,jk->ik", (a, b)),
        ("ij->ji", (a,)),
        ("ij->", (a,)),
        ("ii->i", (a[:2, :2],)),
    ]:
        results = check("einsum", subscripts, *operands, strict=False, rtol=1e-4, atol=1e-4)
        expected = np.einsum(subscripts, *[o.astype(np.float64) for o in operands])
        for result in results.values():
            np.testing.assert_allclose(result, expected, rtol=1e-4, atol=1e-4)


def _spd(data, n):
    m = _matrix(data, (n, n), dtype="float64")
    return m @ m.T + n * np.eye(n)


@given(data=st.data(), n=st.integers(1, 4))
def test_decompositions(data, n):
    spd = _spd(data, n)
    check("linalg.cholesky", spd)
    check("linalg.cholesky", spd, upper=True)
    check("linalg.det", spd)
    check("linalg.inv", spd)
    check("linalg.slogdet", spd)
    check("linalg.eigvalsh", spd)
    check("linalg.svdvals", spd)
    check("linalg.solve", spd, _matrix(data, (n, 2), dtype="float64"))
    check("linalg.matrix_rank", spd)
    check("linalg.pinv", spd)
    check("linalg.matrix_power", spd, 3)
    check("linalg.trace", spd)
    check("linalg.diagonal", spd, offset=min(1, n - 1))


@given(data=st.data(), m=st.integers(1, 4), n=st.integers(1, 4))
def test_factorizations_reconstruct(data, m, n):
    # Factors are unique only up to signs: compare what they multiply back to.
    from support import BACKENDS, run

    a = _matrix(data, (m, n), dtype="float64")
    spd = _spd(data, n)
    for backend in BACKENDS:
        q, r = run("linalg.qr", backend, a)
        np.testing.assert_allclose(q @ r, a, atol=1e-10)
        u, s, vh = run("linalg.svd", backend, a, full_matrices=False)
        np.testing.assert_allclose((u * s) @ vh, a, atol=1e-10)
        values, vectors = run("linalg.eigh", backend, spd)
        np.testing.assert_allclose(vectors @ np.diag(values) @ vectors.T, spd, atol=1e-8)


@pytest.mark.parametrize("ord_", ["fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf])
@given(data=st.data())
def test_matrix_norm(ord_, data):
    check("linalg.matrix_norm", _matrix(data, (2, 3, 3), dtype="float64"), ord=ord_)


@pytest.mark.parametrize("ord_", [1, 2, 3, 0, np.inf, -np.inf])
@given(data=st.data(), keepdims=st.booleans())
def test_vector_norm(ord_, data, keepdims):
    x = _matrix(data, (2, 3))
    check("linalg.vector_norm", x, ord=ord_, keepdims=keepdims, rtol=1e-4)
    check("linalg.vector_norm", x, axis=1, ord=ord_, keepdims=keepdims, rtol=1e-4)


@given(data=st.data())
def test_products(data):
    check("linalg.outer", _matrix(data, (3,)), _matrix(data, (4,)))
    check("linalg.cross", _matrix(data, (2, 3)), _matrix(data, (2, 3)), rtol=1e-4, atol=1e-4)


def test_linalg_namespace_has_the_main_products():
    import unigrad as ug

    assert ug.linalg.matmul is ug.matmul and ug.linalg.vecdot is ug.vecdot
    assert ug.linalg.tensordot is ug.tensordot and ug.linalg.matrix_transpose is ug.matrix_transpose


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "uint64"])
@given(data=st.data())
def test_products_and_trace_of_unsigned_integers_wrap_as_the_standard(dtype, data):
    # torch has no matmul/dot/bmm kernel for uint16-64 and sums unsigned traces in int64
    a = _matrix(data, (3, 4), dtype=dtype, low=0, high=255)
    b = _matrix(data, (4, 2), dtype=dtype, low=0, high=255)
    check("matmul", a, b)
    check("tensordot", a, b, axes=1)
    check("vecdot", a, a)
    check("einsum", "ij,jk->ik", a, b, strict=False)
    check("linalg.trace", a)
    check("linalg.trace", a, offset=1, dtype="uint32")
