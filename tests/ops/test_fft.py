"""The ``fft`` extension (``ug.fft``) against NumPy's ``numpy.fft``, on every backend."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import BACKENDS

import unigrad as ug
from unigrad.testing import strategies as ugst

NORMS = st.sampled_from(["backward", "ortho", "forward"])
shapes = ugst.shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)


def _compare(name: str, x: Any, *, rtol: float = 1e-4, atol: float = 1e-4, **kwargs: Any) -> None:
    """``ug.fft.<name>`` on every backend against ``numpy.fft.<name>``: values, shape, precision."""
    expected = getattr(np.fft, name)(x, **kwargs)
    # NumPy computes in double; the standard keeps the input's precision
    single = (
        x.dtype in (np.float32, np.complex64) if isinstance(x, np.ndarray) else kwargs.get("dtype") is None
    )
    want = {"f": np.float32 if single else np.float64, "c": np.complex64 if single else np.complex128}
    for backend in BACKENDS:
        with ug.use_backend(backend):
            given_x = ug.asarray(x) if isinstance(x, np.ndarray) else x
            got = ug.to_numpy(getattr(ug.fft, name)(given_x, **kwargs))
        what = f"ug.fft.{name}(**{kwargs}) on {backend}"
        assert got.shape == expected.shape, f"{what}: shape {got.shape}, expected {expected.shape}"
        assert got.dtype == want[expected.dtype.kind], f"{what}: dtype {got.dtype}"
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=what)


def _complex(data: st.DataObject, shape: tuple[int, ...], dtype: str = "complex64") -> np.ndarray:
    real = data.draw(ugst.arrays("float64", shape, low=-3, high=3, special=False))
    imag = data.draw(ugst.arrays("float64", shape, low=-3, high=3, special=False))
    return (real + 1j * imag).astype(dtype)


def _real(data: st.DataObject, shape: tuple[int, ...], dtype: str = "float32") -> np.ndarray:
    return data.draw(ugst.arrays(dtype, shape, low=-3, high=3, special=False))


@given(data=st.data(), shape=shapes, norm=NORMS, precision=st.sampled_from(["single", "double"]))
def test_one_dimensional_transforms(data, shape, norm, precision):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = data.draw(st.none() | st.integers(1, 8))
    complex_dtype, real_dtype = (
        ("complex64", "float32") if precision == "single" else ("complex128", "float64")
    )
    z, r = _complex(data, shape, complex_dtype), _real(data, shape, real_dtype)
    for name in ("fft", "ifft"):
        _compare(name, z, n=n, axis=axis, norm=norm)
    _compare("rfft", r, n=n, axis=axis, norm=norm)
    _compare("ihfft", r, n=n, axis=axis, norm=norm)
    # the complex-to-real ones need at least two output points to be defined
    if (n or 2 * (shape[axis] - 1)) >= 1:
        _compare("irfft", z, n=n, axis=axis, norm=norm)
        _compare("hfft", z, n=n, axis=axis, norm=norm)


@given(data=st.data(), shape=shapes, norm=NORMS)
def test_n_dimensional_transforms(data, shape, norm):
    axes = data.draw(st.none() | st.lists(st.sampled_from(range(len(shape))), min_size=1, unique=True))
    s = None
    if axes is not None and data.draw(st.booleans()):
        s = [data.draw(st.integers(1, 6)) for _ in axes]
    z, r = _complex(data, shape), _real(data, shape)
    for name in ("fftn", "ifftn"):
        _compare(name, z, s=s, axes=axes, norm=norm)
    _compare("rfftn", r, s=s, axes=axes, norm=norm)
    last = shape[-1] if axes is None else shape[axes[-1]]
    if s is not None or last > 1:
        _compare("irfftn", z, s=s, axes=axes, norm=norm)


@given(n=st.integers(1, 12), d=st.sampled_from([1.0, 0.5, 3.0]), dtype=st.sampled_from([None, "float64"]))
def test_frequencies(n, d, dtype):
    for name in ("fftfreq", "rfftfreq"):
        expected = getattr(np.fft, name)(n, d=d)
        for backend in BACKENDS:
            with ug.use_backend(backend):
                got = getattr(ug.fft, name)(n, d=d, dtype=dtype)
                assert ug.as_dtype(dtype or "float32") == got.dtype
                np.testing.assert_allclose(ug.to_numpy(got), expected, rtol=1e-6, atol=1e-7)


@given(x=ugst.arrays(ugst.dtypes("all"), ugst.shapes(min_dims=1, max_dims=3)), data=st.data())
def test_shifts(x, data):
    axes = data.draw(
        st.none()
        | st.integers(-x.ndim, x.ndim - 1)
        | st.lists(st.sampled_from(range(x.ndim)), min_size=1, unique=True)
    )
    for name in ("fftshift", "ifftshift"):
        expected = getattr(np.fft, name)(x, axes=axes)
        for backend in BACKENDS:
            with ug.use_backend(backend):
                got = ug.to_numpy(getattr(ug.fft, name)(ug.asarray(x), axes=axes))
            np.testing.assert_array_equal(got, expected, err_msg=f"ug.fft.{name} on {backend}")


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_inverse_undoes_the_transform(backend):
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    with ug.use_backend(backend):
        t = ug.asarray(x)
        np.testing.assert_allclose(
            ug.to_numpy(ug.fft.irfftn(ug.fft.rfftn(t), s=(3, 4), axes=(0, 1))), x, atol=1e-5
        )
        z = ug.astype(t, ug.complex64)
        np.testing.assert_allclose(
            ug.to_numpy(ug.fft.ifft(ug.fft.fft(z, norm="ortho"), norm="ortho")), x, atol=1e-5
        )


@pytest.mark.parametrize("backend", BACKENDS)
def test_errors_name_the_public_function(backend):
    with ug.use_backend(backend), pytest.raises(ug.AxisError, match=r"ug\.fft.*axis 2"):
        ug.fft.fft(ug.ones((2, 3), dtype=ug.complex64), axis=2)
