"""Fused TensorFlow kernels for the attention functions.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance).
"""

from __future__ import annotations

__all__: list[str] = []
