"""Mixed precision (``ug.autocast``, ``ug.amp``) over tensorflow."""

from __future__ import annotations

__all__: list[str] = []
