"""The one helper every op test goes through.

``check("add", a, b)`` runs ``ug.add`` on every installed backend with the
NumPy inputs converted to native tensors, and compares

* with ``array_api_strict`` (the Array API 2024.12 reference) wherever the
  standard defines the case: same dtype, same values;
* across backends always: same dtype, same values (to float tolerance),
  or the same unigrad error.

A new op is one more line of test data, not a new test.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import array_api_strict as xps
import numpy as np

import unigrad as ug

xps.set_array_api_strict_flags(api_version="2024.12")

# UNIGRAD_TEST_BACKENDS=torch narrows a local run; CI runs every installed backend.
BACKENDS = [b for b in os.environ.get("UNIGRAD_TEST_BACKENDS", "").split(",") if b] or ug.available_backends()
UNSPECIFIED = object()


def native(value: Any) -> Any:
    """NumPy arrays inside ``value`` as tensors of the active backend."""
    if isinstance(value, np.ndarray):
        return ug.asarray(value)
    if isinstance(value, (list, tuple)):
        return type(value)(native(v) for v in value)
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    return value


def host(value: Any) -> Any:
    """Tensors inside ``value`` as NumPy arrays (named tuples become plain tuples)."""
    if isinstance(value, (list, tuple)):
        return tuple(host(v) for v in value)
    if isinstance(value, (bool, int, float, complex)) or value is None:
        return value
    return np.array(ug.to_numpy(value), copy=True)


def _strict(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return xps.asarray(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_strict(v) for v in value)
    return value


def _unstrict(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_unstrict(v) for v in value)
    if isinstance(value, xps.Array if hasattr(xps, "Array") else type(xps.asarray(0))):
        return np.asarray(value._array)
    return value


def _ug_function(name: str) -> Callable[..., Any]:
    if name.startswith("linalg."):
        return getattr(ug.linalg, name[7:])  # type: ignore[no-any-return]
    return getattr(ug, name)  # type: ignore[no-any-return]


def reference(name: str, *args: Any, **kwargs: Any) -> Any:
    """The Array API result, or UNSPECIFIED where the standard does not define the case."""
    namespace = xps.linalg if name.startswith("linalg.") else xps
    function = getattr(namespace, name.removeprefix("linalg."))
    try:
        return _unstrict(function(*_strict(args), **_strict(kwargs)))
    except Exception:
        return UNSPECIFIED


def run(name: str, backend: str, *args: Any, **kwargs: Any) -> Any:
    """``ug.<name>`` on ``backend``; the host result, or the exception raised."""
    with ug.use_backend(backend):
        try:
            return host(_ug_function(name)(*native(args), **native(kwargs)))
        except Exception as exc:
            return exc


def _dtype_name(value: np.ndarray) -> str:
    return str(ug.as_dtype(value.dtype))


def assert_same(
    actual: Any, expected: Any, *, rtol: float, atol: float, what: str, check_dtype: bool = True
) -> None:
    if isinstance(expected, tuple):
        assert isinstance(actual, tuple) and len(actual) == len(expected), (
            f"{what}: {actual!r} vs {expected!r}"
        )
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_same(a, e, rtol=rtol, atol=atol, what=f"{what}[{i}]", check_dtype=check_dtype)
        return
    if not isinstance(expected, np.ndarray):
        expected = np.asarray(expected)
        check_dtype = False
    actual = np.asarray(actual)
    if check_dtype:
        assert _dtype_name(actual) == _dtype_name(expected), (
            f"{what}: dtype {_dtype_name(actual)}, expected {_dtype_name(expected)}"
        )
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    if expected.dtype.kind in "fc" or actual.dtype.kind in "fc":
        a = actual.astype(np.complex128 if actual.dtype.kind == "c" else np.float64)
        e = expected.astype(np.complex128 if expected.dtype.kind == "c" else np.float64)
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(actual, expected, err_msg=what)


def tolerance(args: tuple[Any, ...], rtol: float | None, atol: float | None) -> tuple[float, float]:
    lowest = 64
    for a in args:
        if isinstance(a, np.ndarray) and a.dtype.kind in "fc":
            bits = a.dtype.itemsize * 8 // (2 if a.dtype.kind == "c" else 1)
            lowest = min(lowest, bits)
    default = {64: (1e-10, 1e-12), 32: (2e-5, 1e-5), 16: (2e-2, 1e-2)}.get(lowest, (2e-5, 1e-5))
    if lowest == 64 and not any(isinstance(a, np.ndarray) and a.dtype.kind in "fc" for a in args):
        default = (2e-5, 1e-5)  # integer input computed in float32
    return (rtol if rtol is not None else default[0], atol if atol is not None else default[1])


def check(
    name: str,
    *args: Any,
    rtol: float | None = None,
    atol: float | None = None,
    strict: bool = True,
    reference_dtype: bool = True,
    **kwargs: Any,
) -> dict[str, Any]:
    """Compare ``ug.<name>(*args, **kwargs)`` with the reference and across backends.

    Returns the host results per backend. ``strict=False`` skips the reference
    (for unigrad additions the standard does not have); ``reference_dtype=False``
    compares only values with it, where the result's dtype is a default that the
    standard leaves to the library (array_api_strict's default float is float64,
    unigrad's float32). Backends always agree on dtypes.
    """
    rtol, atol = tolerance(args, rtol, atol)
    expected = reference(name, *args, **kwargs) if strict else UNSPECIFIED
    results = {backend: run(name, backend, *args, **kwargs) for backend in BACKENDS}
    errors = {b: r for b, r in results.items() if isinstance(r, Exception)}
    if errors:
        if expected is not UNSPECIFIED:
            backend, exc = next(iter(errors.items()))
            raise AssertionError(
                f"ug.{name} failed on {backend} where the standard defines it: {exc!r}"
            ) from exc
        if len(errors) != len(results):
            raise AssertionError(f"ug.{name} raised on some backends only: {errors!r}")
        kinds = {type(e).__name__ for e in errors.values() if isinstance(e, ug.UnigradError)}
        assert len(kinds) <= 1, f"ug.{name} raised different unigrad errors: {errors!r}"
        return results
    for backend, result in results.items():
        if expected is not UNSPECIFIED:
            assert_same(
                result,
                expected,
                rtol=rtol,
                atol=atol,
                what=f"ug.{name} on {backend} vs Array API",
                check_dtype=reference_dtype,
            )
    first, *others = BACKENDS
    for backend in others:
        assert_same(
            results[backend], results[first], rtol=rtol, atol=atol, what=f"ug.{name}: {backend} vs {first}"
        )
    return results
