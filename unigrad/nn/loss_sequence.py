"""``CTCLoss``: the connectionist temporal classification loss, as ``torch.nn.CTCLoss``."""

from __future__ import annotations

from typing import Any

from . import functional as F
from .loss import _Loss

__all__ = ["CTCLoss"]


class CTCLoss(_Loss):
    """The CTC loss of log-probabilities against unaligned label sequences, as ``torch.nn.CTCLoss``.

    ``forward(log_probs, targets, input_lengths, target_lengths)``: see
    :func:`unigrad.nn.functional.ctc_loss`. ``reduction="mean"`` divides each
    sequence's loss by its target length before averaging, as PyTorch.

    Examples:
        >>> import unigrad as ug
        >>> log_probs = ug.nn.functional.log_softmax(ug.zeros((5, 1, 3)), dim=2)
        >>> loss = ug.nn.CTCLoss(reduction="sum")(log_probs, ug.asarray([[1, 2]]), [5], [2])
        >>> round(float(ug.to_numpy(loss)), 4)
        1.9377
    """

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs: Any, targets: Any, input_lengths: Any, target_lengths: Any) -> Any:
        return F.ctc_loss(
            log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction, self.zero_infinity
        )
