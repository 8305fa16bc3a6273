"""Data loading: the framework's own datasets and loaders as ug.fit inputs (PyTorch)."""

from __future__ import annotations

__all__: list[str] = []
