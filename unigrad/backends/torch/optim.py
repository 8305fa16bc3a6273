"""Optimizer kernels: the fused fast paths of ug.optim and the state they keep (PyTorch)."""

from __future__ import annotations

__all__: list[str] = []
