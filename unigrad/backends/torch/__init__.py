"""The PyTorch backend."""

from __future__ import annotations

from typing import Any, ClassVar

from unigrad.backends.api import Backend, modules_of

__all__ = ["TorchBackend"]


class TorchBackend(Backend):
    """unigrad's functions over ``torch.Tensor``."""

    name: ClassVar[str] = "torch"
    aliases: ClassVar[tuple[str, ...]] = ("pytorch",)
    framework: ClassVar[str] = "torch"
    namespace_modules: ClassVar[tuple[str, ...]] = modules_of(__name__)

    def __init__(self) -> None:
        import torch

        super().__init__()
        self.tensor_types = (torch.Tensor,)
        self.version = torch.__version__

    def labels_checked_by_kernel(self, labels: Any) -> bool:
        """True for labels on the CPU, whose cross-entropy kernel raises ``IndexError`` for one out of range.

        On CUDA a bad label is a device-side assert, which ends the process: labels there are
        checked on the host first.
        """
        return labels.device.type == "cpu"
