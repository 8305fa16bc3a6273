"""Tools for testing code across unigrad's backends.

* :func:`assert_backends_agree`: a function or model, its outputs and gradients, on every backend;
* :mod:`unigrad.testing.strategies`: hypothesis strategies for dtypes, shapes, arrays, tensors
  and inputs that fit a module;
* a pytest plugin (installed with unigrad): the ``ug_backend`` fixture runs a test on every
  installed backend, ``@pytest.mark.backends("torch")`` narrows it;
* :func:`import_torchvision`: torchvision, imported beside a CPU torch its wheel was not built for;
* :mod:`unigrad.testing.backend_conformance`: :func:`run_conformance` and
  :func:`make_conformance_tests` check that a backend implements unigrad's interface.
"""

from __future__ import annotations

from .agreement import BackendsDisagreeError, assert_backends_agree, run_on_backend
from .backend_conformance import ConformanceReport, make_conformance_tests, run_conformance
from .torchvision import import_torchvision

__all__ = [
    "assert_backends_agree",
    "BackendsDisagreeError",
    "run_on_backend",
    "run_conformance",
    "make_conformance_tests",
    "ConformanceReport",
    "import_torchvision",
]
