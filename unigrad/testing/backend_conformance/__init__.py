"""The backend conformance kit: does a backend implement unigrad's interface, and does it compute right?

A backend author runs it on their backend, by registered name, class or
instance::

    from unigrad.testing.backend_conformance import run_conformance

    report = run_conformance("mlx")  # or run_conformance(MLXBackend())
    print(report)                    # a summary, then one line per failure
    report.raise_for_failures()

or lets pytest run every check as its own test::

    # tests/test_unigrad_conformance.py
    from unigrad.testing.backend_conformance import make_conformance_tests

    test_conformance = make_conformance_tests("mlx", autograd=True)

Two kinds of checks run. *Interface* checks take every member of the
protocols in :mod:`unigrad.backends.protocol` and check that the backend has
it and can be called with every argument form the protocol allows (where the
member is a Python function ``inspect.signature`` can read). *Behaviour*
checks call the backend's functions on small inputs and compare with the
Python Array API reference (``array-api-strict``) or NumPy: values, dtypes
and shapes, unigrad's promotion of Python scalars included. Binary functions
are called as unigrad's public functions call them, after
:meth:`~unigrad.backends.protocol.Core.promote`.

The optional groups run only when asked (``linalg=``, ``autograd=``,
``nn=``); left out, their members are reported as ``"not provided"`` (or
their behaviour checks as ``"skipped"``), which is not a failure.

Examples:
    >>> from unigrad.testing.backend_conformance import run_conformance
    >>> report = run_conformance("torch")  # doctest: +SKIP
    >>> report.ok  # doctest: +SKIP
    True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...backends import protocol
from ._interface import _interface_check, signature_problems
from ._machinery import _Check, _Flags, _resolve
from ._namespace import (
    _creation_checks,
    _elementwise_checks,
    _linalg_checks,
    _manipulation_checks,
    _searching_checks,
    _statistical_checks,
)
from ._optional import _autograd_checks, _core_checks, _linalg_extension_checks, _nn_checks
from ._report import CheckResult, ConformanceError, ConformanceReport

if TYPE_CHECKING:
    from ...backends.base import Backend

__all__ = [
    "CheckResult",
    "ConformanceError",
    "ConformanceReport",
    "run_conformance",
    "make_conformance_tests",
    "signature_problems",
]


def _checks() -> list[_Check]:
    """Every check, interface first, in the order a backend is best written (see the docs)."""
    interface = [
        _interface_check(proto, name)
        for proto in (*protocol.REQUIRED, *protocol.OPTIONAL)
        for name in protocol.members(proto)
    ]
    behaviour = [
        *_core_checks(),
        *_creation_checks(),
        *_elementwise_checks(),
        *_manipulation_checks(),
        *_statistical_checks(),
        *_searching_checks(),
        *_linalg_checks(),
        *_linalg_extension_checks(),
        *_autograd_checks(),
        *_nn_checks(),
    ]
    return [*interface, *behaviour]


def run_conformance(
    backend: str | Backend | type[Backend], *, linalg: bool = False, autograd: bool = False, nn: bool = False
) -> ConformanceReport:
    """Run every check on ``backend`` and report each result.

    Args:
        backend: a registered backend's name, a :class:`~unigrad.backends.base.Backend`
            subclass, or an instance of one.
        linalg: also check the ``linalg`` extension (``linalg_<name>``); a missing one then fails.
        autograd: also check gradients and parameters (the :class:`~unigrad.backends.protocol.Autograd`
            protocol); a missing member then fails.
        nn: also check the backend's own nn kernels against :mod:`unigrad.nn.reference` (the
            backend must be registered, so that the reference can run on it).

    Returns:
        A :class:`ConformanceReport`; ``report.ok`` is whether no check failed.
    """
    instance = _resolve(backend)
    flags = _Flags(linalg=linalg, autograd=autograd, nn=nn)
    return ConformanceReport(instance.name, tuple(check.run(instance, flags) for check in _checks()))


def make_conformance_tests(
    backend: str | Backend | type[Backend], *, linalg: bool = False, autograd: bool = False, nn: bool = False
) -> Callable[..., None]:
    """A pytest test function, parametrized with one test per check, for a backend's own test suite.

    Assign it to a ``test_`` name in a test module; the arguments are those of
    :func:`run_conformance`. A failed check fails its test with the report's
    message; a member not provided, or a check not asked for, is skipped.

    Examples:
        >>> from unigrad.testing.backend_conformance import make_conformance_tests
        >>> test_numpy_backend = make_conformance_tests("numpy")  # doctest: +SKIP
    """
    import pytest

    flags = _Flags(linalg=linalg, autograd=autograd, nn=nn)
    checks = _checks()
    loaded: list[Backend] = []

    @pytest.mark.parametrize("check", checks, ids=[check.id for check in checks])
    def test_backend_conformance(check: _Check) -> None:
        if not loaded:
            loaded.append(_resolve(backend))
        result = check.run(loaded[0], flags)
        if result.status == "failed":
            pytest.fail(str(result), pytrace=False)
        if result.status != "passed":
            pytest.skip(str(result))

    return test_backend_conformance
