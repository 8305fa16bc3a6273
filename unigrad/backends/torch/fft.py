"""The FFT extension of the Array API (``ug.fft``) over torch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from .core import native_dtype
from .device import native_device

__all__ = [
    "fft_fft",
    "fft_ifft",
    "fft_fftn",
    "fft_ifftn",
    "fft_rfft",
    "fft_irfft",
    "fft_rfftn",
    "fft_irfftn",
    "fft_hfft",
    "fft_ihfft",
    "fft_fftfreq",
    "fft_rfftfreq",
    "fft_fftshift",
    "fft_ifftshift",
]

Tensor = torch.Tensor


def fft_fft(x: Tensor, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Tensor:
    return torch.fft.fft(x, n=n, dim=axis, norm=norm)


def fft_ifft(x: Tensor, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Tensor:
    return torch.fft.ifft(x, n=n, dim=axis, norm=norm)


def fft_fftn(
    x: Tensor, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str = "backward"
) -> Tensor:
    return torch.fft.fftn(x, s=s, dim=axes, norm=norm)


def fft_ifftn(
    x: Tensor, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str = "backward"
) -> Tensor:
    return torch.fft.ifftn(x, s=s, dim=axes, norm=norm)


def fft_rfft(x: Tensor, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Tensor:
    return torch.fft.rfft(x, n=n, dim=axis, norm=norm)


def fft_irfft(x: Tensor, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Tensor:
    return torch.fft.irfft(x, n=n, dim=axis, norm=norm)


def fft_rfftn(
    x: Tensor, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str = "backward"
) -> Tensor:
    return torch.fft.rfftn(x, s=s, dim=axes, norm=norm)


def fft_irfftn(
    x: Tensor, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str = "backward"
) -> Tensor:
    return torch.fft.irfftn(x, s=s, dim=axes, norm=norm)


def fft_hfft(x: Tensor, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Tensor:
    return torch.fft.hfft(x, n=n, dim=axis, norm=norm)


def fft_ihfft(x: Tensor, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Tensor:
    return torch.fft.ihfft(x, n=n, dim=axis, norm=norm)


def fft_fftfreq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None) -> Tensor:
    return torch.fft.fftfreq(n, d=d, dtype=native_dtype(dtype), device=native_device(device))


def fft_rfftfreq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None) -> Tensor:
    return torch.fft.rfftfreq(n, d=d, dtype=native_dtype(dtype), device=native_device(device))


def fft_fftshift(x: Tensor, /, *, axes: int | Sequence[int] | None = None) -> Tensor:
    return torch.fft.fftshift(x, dim=axes)


def fft_ifftshift(x: Tensor, /, *, axes: int | Sequence[int] | None = None) -> Tensor:
    return torch.fft.ifftshift(x, dim=axes)
