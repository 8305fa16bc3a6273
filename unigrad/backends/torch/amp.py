"""Mixed precision (``ug.autocast``, ``ug.amp``) over torch."""

from __future__ import annotations

__all__: list[str] = []
