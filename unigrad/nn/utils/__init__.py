"""``ug.nn.utils``, as ``torch.nn.utils``: sequence packing (``rnn``) and gradient clipping."""

from __future__ import annotations

from . import rnn

__all__ = ["rnn"]
