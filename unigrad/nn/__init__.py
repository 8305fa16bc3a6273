"""Layers and parameters: ``ug.nn``."""

from __future__ import annotations

from .parameter import Parameter

__all__ = ["Parameter"]
