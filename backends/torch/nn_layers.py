"""Fused kernels for the convolution, pooling, normalization and recurrent functions."""

from __future__ import annotations

__all__: list[str] = []
