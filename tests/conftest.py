"""Test configuration: hypothesis profiles, and the out-of-tree NumPy backend's registration.

``HYPOTHESIS_PROFILE=thorough pytest`` for a long local run; CI uses ``ci``
(the default), which keeps the whole suite to minutes on two cores.

The ``numpy_backend`` fixture registers ``tests/backends/numpy_backend`` the
way pip would: an installed distribution is a ``*.dist-info`` directory on
``sys.path`` whose ``entry_points.txt`` names its entry points, and
``importlib.metadata`` (which unigrad's registry asks) finds one written into
a temporary directory just the same. Nothing in unigrad is edited or patched.
(It lives here, not in a tests/backends/conftest.py: two conftest modules of
one name clash under pytest's default import mode.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from unigrad import config

# ug_backend is function-scoped but only activates a backend: safe to share across examples
_SUPPRESSED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile(
    "ci", max_examples=12, deadline=None, derandomize=True, suppress_health_check=_SUPPRESSED
)
settings.register_profile("thorough", max_examples=400, deadline=None, suppress_health_check=_SUPPRESSED)
settings.register_profile("dev", max_examples=40, deadline=None, suppress_health_check=_SUPPRESSED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

NUMPY_BACKEND_HOME = Path(__file__).parent / "backends"

ENTRY_POINTS = """\
[unigrad.backends]
numpy = numpy_backend:NumpyBackend
"""


@pytest.fixture(scope="module")
def numpy_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The name of the NumPy backend, registered through the ``unigrad.backends`` entry point."""
    site = tmp_path_factory.mktemp("site-packages")
    dist_info = site / "unigrad_numpy_backend-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: unigrad-numpy-backend\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(ENTRY_POINTS)
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(site))  # the "installed" distribution (invalidates import caches too)
        patch.syspath_prepend(str(NUMPY_BACKEND_HOME))  # its package, numpy_backend
        yield "numpy"
    # the registry keeps each loaded backend for the life of the process; this one leaves with its path
    config._instances.pop("numpy", None)
