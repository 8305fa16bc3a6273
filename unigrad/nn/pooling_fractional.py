"""Fractional max pools: ``FractionalMaxPool2d`` and ``FractionalMaxPool3d``, as ``torch.nn``'s."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from ..errors import ArgumentError
from . import functional as F
from .functional._arguments import channels_last
from .module import Module

__all__ = ["FractionalMaxPool2d", "FractionalMaxPool3d"]

Size = int | Sequence[int]
Ratio = float | Sequence[float]


class _FractionalMaxPool(Module):
    """Max pooling over pseudo-randomly spread windows to ``output_size`` or ``output_ratio`` of the input.

    ``_random_samples`` (``(N, C, dims)`` in ``[0, 1)``), where given, is a
    buffer (in the state dict, as torch's) that fixes the windows; otherwise
    each call draws new samples from ``ug.random``.
    """

    _dims: ClassVar[int]
    _pool: ClassVar[Callable[..., Any]]
    _random_samples: Any

    def __init__(
        self,
        kernel_size: Size,
        output_size: Size | None = None,
        output_ratio: Ratio | None = None,
        return_indices: bool = False,
        _random_samples: Any = None,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        name, dims = type(self).__name__, type(self)._dims
        channels_last(data_format, name)
        kernel = _repeat(kernel_size, dims)
        if any(int(k) <= 0 for k in kernel):
            raise ArgumentError(f"{name}: kernel_size must be greater than 0, but got {kernel_size!r}")
        self.kernel_size = tuple(int(k) for k in kernel)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = None if output_size is None else tuple(int(n) for n in _repeat(output_size, dims))
        ratio = None if output_ratio is None else tuple(float(r) for r in _repeat(output_ratio, dims))
        self.output_ratio = ratio
        self.data_format = data_format
        if output_size is None and output_ratio is None:
            raise ArgumentError(f"{name} requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ArgumentError(f"{name}: only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ArgumentError(f"{name}: output_ratio must be between 0 and 1 (got {output_ratio!r})")

    def forward(self, input: Any) -> Any:
        return type(self)._pool(
            input,
            self.kernel_size,
            self.output_size,
            self.output_ratio,
            self.return_indices,
            _random_samples=self._random_samples,
            data_format=self.data_format,
        )


def _repeat(value: Any, dims: int) -> tuple[Any, ...]:
    """torch's ``_pair``/``_triple``: a number repeated, a sequence as a tuple."""
    return tuple(value) if isinstance(value, Sequence) else (value,) * dims


class FractionalMaxPool2d(_FractionalMaxPool):
    """Fractional max pooling of ``(N, C, H, W)`` input, as ``torch.nn.FractionalMaxPool2d``.

    See :func:`unigrad.nn.functional.fractional_max_pool2d`.

    Examples:
        >>> import unigrad as ug
        >>> pool = ug.nn.FractionalMaxPool2d(3, output_ratio=0.5)
        >>> tuple(pool(ug.ones((1, 4, 10, 8))).shape)
        (1, 4, 5, 4)
    """

    _dims = 2
    _pool = staticmethod(F.fractional_max_pool2d)


class FractionalMaxPool3d(_FractionalMaxPool):
    """Fractional max pooling of ``(N, C, T, H, W)`` input, as ``torch.nn.FractionalMaxPool3d``.

    See :func:`unigrad.nn.functional.fractional_max_pool3d`.
    """

    _dims = 3
    _pool = staticmethod(F.fractional_max_pool3d)
