"""``LayerNorm``."""

from __future__ import annotations

from typing import Any

from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    """Normalize over the trailing ``normalized_shape`` axes, with a learned scale and shift."""

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = (
            (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        )
        self.eps = eps
        self.weight = Parameter(init.ones(self.normalized_shape, dtype)) if elementwise_affine else None
        self.bias = (
            Parameter(init.zeros(self.normalized_shape, dtype)) if elementwise_affine and bias else None
        )

    def forward(self, x: Any) -> Any:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}"
