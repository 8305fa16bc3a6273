"""Export formats: the graphs ug.export writes (TensorFlow)."""

from __future__ import annotations

__all__: list[str] = []
