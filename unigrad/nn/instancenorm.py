"""``InstanceNorm1d``, ``InstanceNorm2d`` and ``InstanceNorm3d``."""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

from ..errors import ShapeError
from ..ops import manipulation
from .batchnorm import _BatchNorm
from .functional._arguments import static_shape
from .functional.normalization_instance import instance_norm_stats

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]


class _InstanceNorm(_BatchNorm):
    """PyTorch's instance normalization layer: each sample's channels normalized over their positions.

    The buffers are :class:`~unigrad.nn.BatchNorm1d`'s (with
    ``track_running_stats=True``), and ``num_batches_tracked`` stays 0, as in PyTorch.
    """

    spatial_dims: ClassVar[int]

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = False,
        track_running_stats: bool = False,
        dtype: Any = None,
        data_format: str = "channels_first",
        *,
        bias: bool = True,
    ) -> None:
        super().__init__(
            num_features, eps, momentum, affine, track_running_stats, dtype, data_format, bias=bias
        )

    def _check(self, x: Any) -> None:
        name, dims = type(self).__name__, self.spatial_dims
        shape = static_shape(x, name)
        letters = {1: "L", 2: "H, W", 3: "D, H, W"}[dims]
        channels = str(self.num_features)
        layout = f"{letters}, {channels}" if self.channels_last else f"{channels}, {letters}"
        if shape is None or len(shape) not in (dims + 1, dims + 2):
            raise ShapeError(
                f"{name}({self.num_features}) expects a {dims + 2}-D input (N, {layout}) or {dims + 1}-D "
                f"({layout}) without the batch axis, got shape {shape}"
            )
        if shape[-1 if self.channels_last else len(shape) - dims - 1] != self.num_features:
            message = f"{name}({self.num_features}) expects input of shape (N, {layout}), got shape {shape}"
            if self.affine or self.track_running_stats:
                raise ShapeError(message)
            # as PyTorch: without parameters or statistics num_features is unused, and only warned about
            warnings.warn(f"{message}; num_features is unused, as affine=False", UserWarning, stacklevel=3)

    def forward(self, x: Any) -> Any:
        self._check(x)
        unbatched = len(static_shape(x, type(self).__name__) or ()) == self.spatial_dims + 1
        if unbatched:
            x = manipulation.expand_dims(x, axis=0)
        y, mean, var = instance_norm_stats(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            self.training or not self.track_running_stats,
            0.0 if self.momentum is None else self.momentum,
            self.eps,
            self.data_format,
            type(self).__name__,
        )
        if mean is not None:
            self.running_mean, self.running_var = mean, var
        return manipulation.squeeze(y, axis=0) if unbatched else y


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization over ``(N, C, L)`` or ``(C, L)`` input, as ``torch.nn.InstanceNorm1d``.

    ``affine=False`` and ``track_running_stats=False`` by default; with
    running statistics, training moves them toward the batch average of the
    per-sample statistics and evaluation normalizes with them.

    Examples:
        >>> import unigrad as ug
        >>> norm = ug.nn.InstanceNorm1d(2, affine=True, track_running_stats=True)
        >>> list(norm.state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """

    spatial_dims: ClassVar[int] = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization over NCHW (or CHW) input, as ``torch.nn.InstanceNorm2d``."""

    spatial_dims: ClassVar[int] = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization over NCDHW (or CDHW) input, as ``torch.nn.InstanceNorm3d``."""

    spatial_dims: ClassVar[int] = 3
