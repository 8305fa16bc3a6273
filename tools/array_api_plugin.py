"""A pytest plugin for tools/array_api_tests.py: the suite's failures reported without shrinking.

Whether a test passes is settled before Hypothesis shrinks a failing example; the shrinking
only makes the report shorter, and on a slow machine it costs more than the whole run. This
reloads the suite's Hypothesis profile with the shrink phase left out.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import Phase, settings

_PROFILE = "array-api-tests"  # the profile the suite's conftest.py registers and loads


@pytest.hookimpl(trylast=True)
def pytest_configure(config: Any) -> None:
    try:
        suite = settings.get_profile(_PROFILE)
    except Exception:  # another suite version without that profile: leave it as it is
        return
    phases = [phase for phase in suite.phases if phase is not Phase.shrink]
    settings.register_profile(_PROFILE, suite, phases=phases)
    settings.load_profile(_PROFILE)
