"""The conformance kit, on an out-of-tree NumPy backend and on the built-in ones.

The NumPy backend (``numpy_backend/``) is registered through the
``unigrad.backends`` entry point by the ``numpy_backend`` fixture
(conftest.py), without a line of unigrad changed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy_backend import NumpyBackend, namespace

import unigrad as ug
from unigrad.testing.backend_conformance import (
    ConformanceError,
    make_conformance_tests,
    run_conformance,
)

# Interface findings on the built-in backends that are known and not yet fixed in the backend
# (none now; torch's expand_dims lacked the standard's default axis=0 until it was fixed).
KNOWN: dict[str, set[str]] = {"torch": set(), "tensorflow": set()}


def test_the_numpy_backend_is_listed_once_registered(numpy_backend: str) -> None:
    assert numpy_backend in ug.available_backends()


def test_the_numpy_backend_runs_unigrad_functions(numpy_backend: str) -> None:
    with ug.use_backend(numpy_backend):
        assert ug.get_backend() == "numpy"
        y = ug.add(ug.asarray([1, 2]), 1)
        assert type(y) is np.ndarray
        assert y.dtype == np.int64
        assert y.tolist() == [2, 3]
        assert ug.asarray([0.5]).dtype == ug.float32  # unigrad's default float, not NumPy's float64
        assert ug.to_numpy(ug.sum(ug.ones((2, 3)), axis=1)).tolist() == [3.0, 3.0]


def test_an_alias_of_the_numpy_backend_resolves(numpy_backend: str) -> None:
    with ug.use_backend("np"):
        assert ug.get_backend() == numpy_backend


def test_the_numpy_backend_passes_the_kit_without_autograd_or_nn(numpy_backend: str) -> None:
    report = run_conformance(numpy_backend, linalg=True)
    report.raise_for_failures()
    not_provided = {r.group for r in report.not_provided}
    assert {"autograd", "nn"} <= not_provided
    assert {r.name for r in report.not_provided if r.group == "autograd"} >= {"Tape", "parameter"}
    assert all(
        r.status == "skipped" for r in report.results if r.kind == "behaviour" and r.group == "autograd"
    )
    assert "not provided: " in report.summary()


def test_asking_for_autograd_makes_its_absence_a_failure(numpy_backend: str) -> None:
    report = run_conformance(numpy_backend, autograd=True)
    assert not report.ok
    assert {r.group for r in report.failures} == {"autograd"}
    assert "the backend has no 'Tape'" in next(r.detail for r in report.named("Tape"))


def _broken(**members: Any) -> NumpyBackend:
    backend = NumpyBackend()
    for name, value in members.items():
        if value is None:
            del backend.__dict__[name]
        else:
            backend.__dict__[name] = value
    return backend


def test_a_wrong_result_is_reported_with_the_op_and_values() -> None:
    report = run_conformance(_broken(add=namespace.subtract))
    failed = [r for r in report.failures if r.name.startswith("add(")]
    assert failed, str(report)
    assert {r.group for r in report.failures} == {"elementwise"}
    first = failed[0].detail
    assert "add(" in first and "wrong values" in first and "expected" in first
    with pytest.raises(ConformanceError, match=r"\[behaviour elementwise\] add\("):
        report.raise_for_failures()


def test_a_missing_name_is_reported_by_name() -> None:
    report = run_conformance(_broken(sort=None))
    # the base class installed its stub, which the kit sees through
    assert [str(r) for r in report.named("sort") if r.kind == "interface"] == [
        "FAILED [interface searching] sort: the backend has no 'sort' (a Searching member)"
    ]
    assert all(r.status == "failed" for r in report.named("sort"))


def test_a_wrong_signature_is_reported_with_the_call_it_cannot_take() -> None:
    def sum_with_torch_names(x: Any, dim: Any = None, keepdim: bool = False) -> Any:
        return np.sum(x, axis=dim, keepdims=keepdim)

    report = run_conformance(_broken(sum=sum_with_torch_names))
    (interface,) = [r for r in report.named("sum") if r.kind == "interface"]
    assert interface.status == "failed"
    assert "got an unexpected keyword argument 'axis'" in interface.detail


def test_a_wrong_dtype_from_promotion_is_reported() -> None:
    def promote_like_numpy(x1: Any, x2: Any) -> tuple[Any, Any]:
        return np.asarray(x1), np.asarray(x2)  # Python scalars become int64/float64 arrays

    report = run_conformance(_broken(promote=promote_like_numpy))
    assert not report.ok
    assert any("multiply(int32[3], 0.5)" in r.name and "wrong dtype" in r.detail for r in report.failures)


@pytest.mark.parametrize("name", ["torch", "tensorflow"])
def test_the_builtin_backends_pass_the_whole_kit(name: str) -> None:
    if name not in ug.available_backends():
        pytest.skip(f"{name} is not installed")
    report = run_conformance(name, linalg=True, autograd=True, nn=True)
    assert {r.name for r in report.failures} == KNOWN[name], str(report)
    assert not [r for r in report.results if r.status == "skipped"]


# The kit's pytest form, as a backend's own test suite would use it: one test per check.
test_numpy_backend_check = make_conformance_tests(NumpyBackend, linalg=True)


def test_a_fused_nn_kernel_that_disagrees_with_the_reference_fails(numpy_backend: str) -> None:
    def relu_as_abs(x: Any, inplace: bool = False) -> Any:
        return np.abs(x)

    report = run_conformance(_broken(nn_relu=relu_as_abs), nn=True)
    assert [r.name for r in report.failures] == ["nn_relu(vs reference)"]
    assert "nn_relu against unigrad.nn.reference" in report.failures[0].detail
