"""Test configuration: hypothesis profiles.

``HYPOTHESIS_PROFILE=thorough pytest`` for a long local run; CI uses ``ci``
(the default), which keeps the whole suite to minutes on two cores.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# ug_backend is function-scoped but only activates a backend: safe to share across examples
_SUPPRESSED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile(
    "ci", max_examples=12, deadline=None, derandomize=True, suppress_health_check=_SUPPRESSED
)
settings.register_profile("thorough", max_examples=400, deadline=None, suppress_health_check=_SUPPRESSED)
settings.register_profile("dev", max_examples=40, deadline=None, suppress_health_check=_SUPPRESSED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
