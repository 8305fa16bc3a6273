"""Array API searching, sorting and set functions on PyTorch."""

from __future__ import annotations

import array_api_compat.torch as xp

__all__ = [
    "argmax", "argmin", "count_nonzero", "nonzero", "searchsorted", "where",
    "isin", "unique_all", "unique_counts", "unique_inverse", "unique_values",
    "argsort", "sort",
]

argmax = xp.argmax
argmin = xp.argmin
count_nonzero = xp.count_nonzero
nonzero = xp.nonzero
searchsorted = xp.searchsorted
where = xp.where
isin = xp.isin
unique_all = xp.unique_all
unique_counts = xp.unique_counts
unique_inverse = xp.unique_inverse
unique_values = xp.unique_values
argsort = xp.argsort
sort = xp.sort
