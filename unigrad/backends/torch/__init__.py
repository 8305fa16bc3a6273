"""The PyTorch backend."""

from __future__ import annotations

from typing import ClassVar

from unigrad.backends.base import Backend, modules_of

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
