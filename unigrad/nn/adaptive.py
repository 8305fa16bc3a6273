"""``AdaptiveLogSoftmaxWithLoss``: Grave et al.'s adaptive softmax, as ``torch.nn``'s.

The classes are split by ``cutoffs`` into a frequent shortlist and rarer
clusters: the ``head`` scores the shortlist and one entry per cluster; each
cluster's ``tail`` (a projection down by ``div_value ** (i + 1)`` and up to the
cluster's classes) scores the classes inside it. A class's log-probability is
its head entry's, plus, outside the shortlist, its log-probability within the
cluster. Each tail runs only on the rows whose target falls in its cluster, as
torch's: the rows are taken out, scored, and their values put back in order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from ..dtypes import int64
from ..errors import ArgumentError, ShapeError
from ..ops import binary, creation, manipulation, searching, statistical
from ..ops._checks import shape_of
from . import functional as F
from . import init
from .container import ModuleList, Sequential
from .functional.loss import _labels
from .linear import Linear
from .module import Module

__all__ = ["AdaptiveLogSoftmaxWithLoss"]


class _ASMoutput(NamedTuple):
    """``(output, loss)``, as torch's ``_ASMoutput``: each row's target log-probability and their mean NLL."""

    output: Any
    loss: Any


class AdaptiveLogSoftmaxWithLoss(Module):
    """Efficient softmax approximation for many classes, as ``torch.nn.AdaptiveLogSoftmaxWithLoss``.

    ``forward(input, target)`` takes ``(N, in_features)`` input and ``(N,)``
    class indices (or ``(in_features,)`` and a 0-d index) and returns
    ``_ASMoutput(output, loss)``: each row's log-probability of its target and
    the mean negative log-likelihood. :meth:`log_prob` gives the full
    ``(N, n_classes)`` log-probabilities and :meth:`predict` the most likely
    class. Parameters: ``head`` (``Linear``) and ``tail`` (a ``ModuleList`` of
    two-``Linear`` ``Sequential``s), so the state-dict keys are torch's.

    Examples:
        >>> import unigrad as ug
        >>> asm = ug.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs=[4, 7])
        >>> out = asm(ug.ones((3, 8)), ug.asarray([0, 5, 9]))
        >>> tuple(out.output.shape), tuple(out.loss.shape), tuple(asm.log_prob(ug.ones((3, 8))).shape)
        ((3,), (), (3, 10))
    """

    def __init__(
        self,
        in_features: int,
        n_classes: int,
        cutoffs: Sequence[int],
        div_value: float = 4.0,
        head_bias: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ArgumentError(
                "AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of length larger than 0"
            )
        if (
            cutoffs != sorted(cutoffs)
            or min(cutoffs) <= 0
            or max(cutoffs) > n_classes - 1
            or len(set(cutoffs)) != len(cutoffs)
            or any(int(c) != c for c in cutoffs)
        ):
            raise ArgumentError(
                "AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, positive integers "
                f"sorted in an increasing order, where each value is between 1 and n_classes-1 "
                f"({n_classes - 1}), got {cutoffs}"
            )
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = [int(c) for c in cutoffs] + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            classes = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(
                Sequential(
                    Linear(in_features, hidden, bias=False, dtype=dtype),
                    Linear(hidden, classes, bias=False, dtype=dtype),
                )
            )
        if device is not None:
            self.to(device)

    def reset_parameters(self) -> None:
        """Draw every weight (and the head's bias) again, as ``torch.nn.Linear`` initialises them."""
        for layer in self.modules():
            if not isinstance(layer, Linear):
                continue
            init.kaiming_uniform_(layer.weight, a=math.sqrt(5))
            if layer.bias is not None:
                bound = 1.0 / math.sqrt(layer.in_features) if layer.in_features else 0.0
                init.uniform_(layer.bias, -bound, bound)

    def forward(self, input_: Any, target_: Any) -> _ASMoutput:
        input_shape, target_shape = shape_of(input_) or (), shape_of(target_)
        where = "AdaptiveLogSoftmaxWithLoss"
        if target_shape is None or len(target_shape) > 1:
            raise ShapeError(
                f"{where}: 0D or 1D target tensor expected, multi-target not supported; got target shape "
                f"{target_shape}"
            )
        if len(target_shape) == 1 and len(input_shape) != 2:
            raise ShapeError(
                f"{where}: 1D target tensor expects 2D input tensors, but found input shape {input_shape}"
            )
        if len(target_shape) == 1 and input_shape[0] != target_shape[0]:
            raise ShapeError(
                f"{where}: input and target should have the same size in the batch dimension, got input "
                f"shape {input_shape} and target shape {target_shape}"
            )
        if len(target_shape) == 0 and len(input_shape) != 1:
            raise ShapeError(
                f"{where}: 0D target tensor expects 1D input tensors, but found input shape {input_shape}"
            )
        batched = len(target_shape) == 1
        input = input_ if batched else manipulation.expand_dims(input_, axis=0)
        target = _labels(
            target_ if batched else manipulation.expand_dims(target_, axis=0),
            where,
            0,
            self.n_classes,
            f"target values should be in [0, {self.n_classes - 1}]",
        )
        # which cluster each row's class is in: 0 for the shortlist, i for tail i - 1
        cluster = creation.zeros_like(target)
        for cutoff in self.cutoffs[:-1]:
            cluster = cluster + creation.astype(binary.greater_equal(target, cutoff), int64)
        order, local = [], []
        for i in range(self.n_clusters + 1):
            (rows,) = searching.nonzero(binary.equal(cluster, i))
            if shape_of(rows) == (0,):
                continue  # (as torch, a cluster no row needs is not run: its tail gets no gradient)
            order.append(rows)
            if i == 0:
                local.append(creation.zeros_like(creation.astype(rows, input.dtype)))
                continue
            relative = manipulation.take(target, rows, axis=0) - self.cutoffs[i - 1]
            scores = F.log_softmax(self.tail[i - 1](manipulation.take(input, rows, axis=0)), dim=1)
            local.append(manipulation.take_along_axis(scores, relative[:, None], axis=1)[:, 0])
        # the rows were taken cluster by cluster; the inverse permutation puts their values back in order
        back = searching.argsort(manipulation.concat(order, axis=0))
        within = manipulation.take(manipulation.concat(local, axis=0), back, axis=0)
        head = F.log_softmax(self.head(input), dim=1)
        entry = searching.where(binary.equal(cluster, 0), target, cluster + (self.shortlist_size - 1))
        output = within + manipulation.take_along_axis(head, entry[:, None], axis=1)[:, 0]
        loss = statistical.mean(-output)
        return _ASMoutput(output if batched else output[0], loss)

    def _full_log_prob(self, input: Any, head_output: Any) -> Any:
        """``(N, n_classes)`` log-probabilities from the input and the head's scores."""
        head = F.log_softmax(head_output, dim=1)
        parts = [head[:, : self.shortlist_size]]
        for i, projection in enumerate(self.tail):
            entry = self.shortlist_size + i
            parts.append(F.log_softmax(projection(input), dim=1) + head[:, entry : entry + 1])
        return manipulation.concat(parts, axis=1)

    def log_prob(self, input: Any) -> Any:
        """Log-probabilities of every class for ``(N, in_features)`` input: ``(N, n_classes)``."""
        return self._full_log_prob(input, self.head(input))

    def predict(self, input: Any) -> Any:
        """The most likely class of each row of ``(N, in_features)`` input (int64), as torch's.

        A row whose head picks the shortlist keeps that class; the others take
        the most likely class of the full distribution.
        """
        head_output = self.head(input)
        output = creation.astype(searching.argmax(head_output, axis=1), int64)
        outside = binary.greater_equal(output, self.shortlist_size)
        full = creation.astype(searching.argmax(self._full_log_prob(input, head_output), axis=1), int64)
        return searching.where(outside, full, output)
