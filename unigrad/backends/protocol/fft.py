"""The protocol of a backend's ``fft.py``: :class:`FFTExtension`.

Part of :mod:`unigrad.backends.protocol`; import it from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from unigrad.types import Array, DeviceLike, DTypeLike

__all__ = [
    "FFTExtension",
]

Norm = Literal["backward", "ortho", "forward"]


class FFTExtension(Protocol):
    """Optional: the Array API ``fft`` extension, carried as ``fft_<name>`` (``fft.py``).

    ``ug.fft.<name>`` calls ``fft_<name>``; a backend without them still runs
    everything else. Results keep the input's precision (``complex64`` in,
    ``complex64`` out; ``float32`` in to ``rfft``, ``complex64`` out).
    """

    def fft_fft(self, x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Array:
        """Discrete Fourier transform of complex ``x`` along ``axis``, padded or cut to ``n`` points."""

    def fft_ifft(
        self, x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward"
    ) -> Array:
        """Inverse of :func:`fft`."""

    def fft_fftn(
        self,
        x: Array,
        /,
        *,
        s: Sequence[int] | None = None,
        axes: Sequence[int] | None = None,
        norm: Norm = "backward",
    ) -> Array:
        """N-dimensional discrete Fourier transform over ``axes`` (all if None), of sizes ``s``."""

    def fft_ifftn(
        self,
        x: Array,
        /,
        *,
        s: Sequence[int] | None = None,
        axes: Sequence[int] | None = None,
        norm: Norm = "backward",
    ) -> Array:
        """Inverse of :func:`fftn`."""

    def fft_rfft(
        self, x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward"
    ) -> Array:
        """Transform of real ``x``: the ``n // 2 + 1`` non-negative frequency terms, complex."""

    def fft_irfft(
        self, x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward"
    ) -> Array:
        """Inverse of :func:`rfft`: real output of length ``n`` (``2 * (m - 1)`` if None)."""

    def fft_rfftn(
        self,
        x: Array,
        /,
        *,
        s: Sequence[int] | None = None,
        axes: Sequence[int] | None = None,
        norm: Norm = "backward",
    ) -> Array:
        """N-dimensional transform of real ``x``; the last of ``axes`` keeps ``s[-1] // 2 + 1`` terms."""

    def fft_irfftn(
        self,
        x: Array,
        /,
        *,
        s: Sequence[int] | None = None,
        axes: Sequence[int] | None = None,
        norm: Norm = "backward",
    ) -> Array:
        """Inverse of :func:`rfftn`: real output of shape ``s`` over ``axes``."""

    def fft_hfft(
        self, x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward"
    ) -> Array:
        """Transform of a Hermitian-symmetric signal given by its first half: ``n`` real points."""

    def fft_ihfft(
        self, x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward"
    ) -> Array:
        """Inverse of :func:`hfft`: the ``n // 2 + 1`` first terms of real ``x``'s Hermitian spectrum."""

    def fft_fftfreq(
        self, n: int, /, *, d: float = 1.0, dtype: DTypeLike | None = None, device: DeviceLike = None
    ) -> Array:
        """Sample frequencies of an ``n``-point transform with sample spacing ``d``."""

    def fft_rfftfreq(
        self, n: int, /, *, d: float = 1.0, dtype: DTypeLike | None = None, device: DeviceLike = None
    ) -> Array:
        """Non-negative sample frequencies of an ``n``-point :func:`rfft` with sample spacing ``d``."""

    def fft_fftshift(self, x: Array, /, *, axes: int | Sequence[int] | None = None) -> Array:
        """Move the zero-frequency term to the centre of ``axes`` (all if None)."""

    def fft_ifftshift(self, x: Array, /, *, axes: int | Sequence[int] | None = None) -> Array:
        """Inverse of :func:`fftshift`."""
