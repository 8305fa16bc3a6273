"""``BatchNorm1d``, ``BatchNorm2d`` and ``BatchNorm3d``."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from ..autograd import stop_gradient
from ..errors import ShapeError, UnigradError
from ..ops import binary, creation, manipulation, statistical, unary
from ..ops.conversion import backend_of, device_of, to_numpy
from . import init
from .functional._arguments import channels_last, static_shape
from .functional.normalization import batch_norm_stats
from .module import Module
from .normalization import affine_parameters

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"]


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

    def _count_batch(self, x: Any) -> float:
        """Count a training batch; the running statistics' factor (``momentum``, or the cumulative one)."""
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
        return factor

    def forward(self, x: Any) -> Any:
        self._check(x)
        factor = self._count_batch(x)
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


class SyncBatchNorm(_BatchNorm):
    """Batch normalization whose statistics span every replica, as ``torch.nn.SyncBatchNorm``.

    Inside a ``ug.distribute.DataParallel`` step with several replicas, the
    batch mean and variance in training are those of the global batch: each
    replica's sums are added up by the framework's own collective (a
    differentiable ``all_reduce`` over torch's process group, on CPU as on
    GPU; ``ReplicaContext.all_reduce`` under a TensorFlow strategy), and the
    running statistics move toward them. Anywhere else (one process, eval) it
    is :class:`BatchNorm1d`..``3d``, for input of any rank from ``(N, C)`` up.
    ``process_group`` restricts the reduction to a torch process group (on
    TensorFlow, the replicas of the strategy). State dict and options as BatchNorm's;
    :meth:`convert_sync_batchnorm` swaps every BatchNorm of a model for one.

    Examples:
        >>> import unigrad as ug
        >>> model = ug.nn.Sequential(ug.nn.Conv2d(3, 4, 3), ug.nn.BatchNorm2d(4))
        >>> ug.nn.SyncBatchNorm.convert_sync_batchnorm(model)[1]
        SyncBatchNorm(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    ranks: ClassVar[dict[int, tuple[str, str]]] = {rank: ("(N, C, *)", "(N, *, C)") for rank in range(2, 9)}

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        process_group: Any = None,
        device: Any = None,
        dtype: Any = None,
        data_format: str = "channels_first",
        *,
        bias: bool = True,
    ) -> None:
        super().__init__(
            num_features, eps, momentum, affine, track_running_stats, dtype, data_format, bias=bias
        )
        self.process_group = process_group
        if device is not None:
            self.to(device)

    def forward(self, x: Any) -> Any:
        self._check(x)
        replica_sum: Any = (
            getattr(backend_of(x).distribution(), "replica_sum", None) if self.training else None
        )
        channel = len(x.shape) - 1 if self.channels_last else 1
        axes = tuple(a for a in range(len(x.shape)) if a != channel)
        local = math.prod(int(x.shape[a]) for a in axes)
        # the sums and the sample count of every replica, in one collective
        packed = manipulation.concat(
            [statistical.sum(x, axis=axes), creation.full((1,), local, dtype=x.dtype, device=device_of(x))],
            axis=0,
        )
        packed = None if replica_sum is None else replica_sum(packed, self.process_group)
        if packed is None:  # one replica, or eval: BatchNorm's own path
            return super().forward(x)
        count = packed[self.num_features]
        shape = tuple(self.num_features if a == channel else 1 for a in range(len(x.shape)))
        mean = packed[: self.num_features] / count
        centred = x - manipulation.reshape(mean, shape)
        var = replica_sum(statistical.sum(centred * centred, axis=axes), self.process_group) / count
        y = centred / manipulation.reshape(unary.sqrt(var + self.eps), shape)
        if self.weight is not None:
            y = y * manipulation.reshape(self.weight, shape)
        if self.bias is not None:
            y = y + manipulation.reshape(self.bias, shape)
        if self.track_running_stats and self.num_batches_tracked is not None:
            factor = self._count_batch(x)
            unbiased = stop_gradient(var) * (count / binary.maximum(count - 1.0, 1.0))
            self.running_mean = (1.0 - factor) * self.running_mean + factor * stop_gradient(mean)
            self.running_var = (1.0 - factor) * self.running_var + factor * unbiased
        return y

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group: Any = None) -> Module:
        """``module`` with every ``BatchNorm<n>d`` in it replaced by a ``SyncBatchNorm`` over the same
        parameters and statistics, as torch's (a BatchNorm given alone comes back converted)."""
        converted = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            converted = cls(
                module.num_features,
                module.eps,
                module.momentum,
                module.affine,
                module.track_running_stats,
                process_group,
                data_format=module.data_format,
                bias=module.bias is not None,
            )
            converted.weight, converted.bias = module.weight, module.bias
            converted.running_mean, converted.running_var = module.running_mean, module.running_var
            converted.num_batches_tracked = module.num_batches_tracked
            converted.training = module.training
        for name, child in list(module.named_children()):
            setattr(converted, name, cls.convert_sync_batchnorm(child, process_group))
        return converted
