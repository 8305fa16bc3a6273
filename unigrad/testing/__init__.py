"""Tools for testing code across unigrad's backends.

* :func:`assert_backends_agree`: a function or model, its outputs and gradients, on every backend;
* :mod:`unigrad.testing.strategies`: hypothesis strategies for dtypes, shapes, arrays, tensors
  and inputs that fit a module;
* a pytest plugin (installed with unigrad): the ``ug_backend`` fixture runs a test on every
  installed backend, ``@pytest.mark.backends("torch")`` narrows it.
"""

from __future__ import annotations

from .agreement import BackendsDisagreeError, assert_backends_agree, run_on_backend

__all__ = ["assert_backends_agree", "BackendsDisagreeError", "run_on_backend"]
