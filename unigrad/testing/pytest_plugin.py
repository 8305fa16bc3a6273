"""pytest plugin (entry point ``pytest11``): run a test once per installed backend.

A test that takes the ``ug_backend`` fixture runs once for each backend that
:func:`unigrad.available_backends` reports, with that backend active for the
whole test; the fixture's value is the backend's name. The marker narrows it::

    @pytest.mark.backends("torch")
    def test_only_on_torch(ug_backend): ...

A backend that the marker names but that is not installed is skipped, with
the reason, rather than silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

__all__ = ["ug_backend"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "backends(*names): run the ug_backend-parametrised test only on these backends",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "ug_backend" not in metafunc.fixturenames:
        return
    from unigrad.config import _canonical, available_backends

    installed = available_backends()
    marker = metafunc.definition.get_closest_marker("backends")
    wanted = [_canonical(n) for n in marker.args] if marker is not None else installed
    params = []
    for name in wanted:
        marks = () if name in installed else (pytest.mark.skip(reason=f"backend {name!r} is not installed"),)
        params.append(pytest.param(name, id=name, marks=marks))
    metafunc.parametrize("ug_backend", params, indirect=True)


@pytest.fixture
def ug_backend(request: Any) -> Iterator[str]:
    """The name of the backend this run of the test uses; it is active throughout."""
    from unigrad.config import use_backend

    name = getattr(request, "param", None)
    if name is None:
        from unigrad.config import get_backend

        yield get_backend()
        return
    with use_backend(name):
        yield name
