"""Comparisons shared by the distribution tests."""

from __future__ import annotations

import numpy as np

import unigrad as ug

INSTALLED = ug.available_backends()
TOLERANCE = 1e-5  # float32 sums taken in another order (per replica, then all-reduced)


def largest_difference(got: dict[str, np.ndarray], want: dict[str, np.ndarray]) -> float:
    """The largest absolute difference between two state dicts with the same names."""
    assert sorted(got) == sorted(want)
    return max(float(np.max(np.abs(got[name] - want[name]))) for name in want)
