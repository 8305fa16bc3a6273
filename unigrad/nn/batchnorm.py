"""``BatchNorm1d``, ``BatchNorm2d`` and ``BatchNorm3d``."""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import ShapeError, UnigradError
from ..ops import creation
from ..ops.conversion import backend_of, to_numpy
from . import init
from .functional._arguments import channels_last, static_shape
from .functional.normalization import batch_norm_stats
from .module import Module
from .normalization import affine_parameters

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]


class _BatchNorm(Module):
    """PyTorch's batch normalization layer, for the ranks a subclass names."""

    running_mean: Any
    running_var: Any
    num_batches_tracked: Any
    ranks: ClassVar[dict[int, tuple[str, str]]]  # rank -> layouts, channels first and last

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype: Any = None,
        data_format: str = "channels_first",
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.channels_last = channels_last(data_format, type(self).__name__)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats, self.data_format = affine, track_running_stats, data_format
        self.weight, self.bias = affine_parameters((num_features,), dtype, affine, bias)
        if track_running_stats:
            self.register_buffer("running_mean", init.zeros((num_features,), dtype))
            self.register_buffer("running_var", init.ones((num_features,), dtype))
            self.register_buffer("num_batches_tracked", creation.zeros((), dtype="int64"))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean = creation.zeros_like(self.running_mean)
            self.running_var = creation.ones_like(self.running_var)
            self.num_batches_tracked = creation.zeros_like(self.num_batches_tracked)

    def _check(self, x: Any) -> None:
        shape = static_shape(x, type(self).__name__)
        layouts = self.ranks.get(len(shape) if shape is not None else -1)
        name = type(self).__name__
        if shape is None or layouts is None:
            expected = " or ".join(
                f"{rank}-D {layout[self.channels_last]}" for rank, layout in self.ranks.items()
            )
            raise ShapeError(f"{name} expects a {expected} input, got shape {shape}")
        if shape[-1 if self.channels_last else 1] != self.num_features:
            layout = layouts[self.channels_last].replace("C", str(self.num_features))
            raise ShapeError(
                f"{name}({self.num_features}) expects input of shape {layout}, got shape {shape}"
            )

    def forward(self, x: Any) -> Any:
        self._check(x)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked = self.num_batches_tracked + 1
            if self.momentum is None:  # a cumulative average, as PyTorch
                if backend_of(x).in_graph():
                    raise UnigradError(
                        f"{type(self).__name__}(momentum=None) cannot run in a compiled step: the "
                        "cumulative average needs the batch count as a number; use a momentum, or eager mode"
                    )
                factor = 1.0 / float(to_numpy(self.num_batches_tracked))
        # without running statistics there is nothing but the batch to normalize with, in eval too
        use_batch = self.training or self.running_mean is None
        keep = not self.training or self.track_running_stats
        mean, var = (self.running_mean, self.running_var) if keep else (None, None)
        y, mean, var = batch_norm_stats(
            x, mean, var, self.weight, self.bias, use_batch, factor, self.eps, self.data_format
        )
        if mean is not None:
            self.running_mean, self.running_var = mean, var
        return y

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalization over ``(N, C)`` or ``(N, C, L)`` input, as ``torch.nn.BatchNorm1d``.

    Training normalizes with the batch's biased variance and moves the
    running statistics (buffers ``running_mean``, ``running_var``,
    ``num_batches_tracked``) toward the batch's, with the unbiased variance;
    evaluation normalizes with them. ``momentum=None`` is a cumulative average.

    Examples:
        >>> import unigrad as ug
        >>> bn = ug.nn.BatchNorm1d(4)
        >>> _ = bn(ug.random.normal((8, 4)))
        >>> list(bn.state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """

    ranks: ClassVar[dict[int, tuple[str, str]]] = {2: ("(N, C)", "(N, C)"), 3: ("(N, C, L)", "(N, L, C)")}


class BatchNorm2d(_BatchNorm):
    """Batch normalization over NCHW input (NHWC with ``data_format="channels_last"``).

    As ``torch.nn.BatchNorm2d``; see :class:`BatchNorm1d` for the statistics.

    Examples:
        >>> import unigrad as ug
        >>> bn = ug.nn.BatchNorm2d(3).eval()
        >>> tuple(bn(ug.ones((2, 3, 4, 4))).shape)
        (2, 3, 4, 4)
    """

    ranks: ClassVar[dict[int, tuple[str, str]]] = {4: ("(N, C, H, W)", "(N, H, W, C)")}


class BatchNorm3d(_BatchNorm):
    """Batch normalization over NCDHW input (NDHWC with ``data_format="channels_last"``).

    As ``torch.nn.BatchNorm3d``; see :class:`BatchNorm1d` for the statistics.

    Examples:
        >>> import unigrad as ug
        >>> bn = ug.nn.BatchNorm3d(3).eval()
        >>> tuple(bn(ug.ones((2, 3, 2, 4, 4))).shape)
        (2, 3, 2, 4, 4)
    """

    ranks: ClassVar[dict[int, tuple[str, str]]] = {5: ("(N, C, D, H, W)", "(N, D, H, W, C)")}
