"""Padding and packing variable-length sequences, as ``torch.nn.utils.rnn``."""

from __future__ import annotations

__all__: list[str] = []
