"""Export formats: the graphs ug.export writes (PyTorch)."""

from __future__ import annotations

__all__: list[str] = []
