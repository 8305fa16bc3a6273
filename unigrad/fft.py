"""The Array API ``fft`` extension, as ``ug.fft``.

Each function runs on the active backend and takes and returns its native
tensors (backends carry them as ``fft_<name>``; see
:mod:`unigrad.ops._dispatch` for how they are built and what happens when
one fails). ``fft``, ``ifft``, ``fftn``, ``ifftn`` and ``hfft``'s input are
complex; ``rfft``, ``rfftn`` and ``ihfft`` take real input; ``norm`` is one of
``"backward"`` (the default: the inverse transforms divide by ``n``),
``"ortho"`` (both by ``sqrt(n)``) and ``"forward"`` (the forward ones by ``n``).

Examples:
    >>> import unigrad as ug
    >>> with ug.use_backend("torch"):
    ...     ug.to_numpy(ug.fft.rfft(ug.asarray([1.0, 1.0, 1.0, 1.0])))
    array([4.+0.j, 0.+0.j, 0.+0.j], dtype=complex64)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from .ops._dispatch import extension_op
from .types import Array, DeviceLike, DTypeLike

__all__ = [
    "fft",
    "ifft",
    "fftn",
    "ifftn",
    "rfft",
    "irfft",
    "rfftn",
    "irfftn",
    "hfft",
    "ihfft",
    "fftfreq",
    "rfftfreq",
    "fftshift",
    "ifftshift",
]

# every function is the extension proper, carried by backends as fft_<name>
EXTENSION = tuple(__all__)

Norm = Literal["backward", "ortho", "forward"]

_fft_op = extension_op("fft_")


@_fft_op
def fft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Array:
    """Discrete Fourier transform of complex ``x`` along ``axis``, padded or cut to ``n`` points."""


@_fft_op
def ifft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Array:
    """Inverse of :func:`fft`."""


@_fft_op
def fftn(
    x: Array, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: Norm = "backward"
) -> Array:
    """N-dimensional discrete Fourier transform over ``axes`` (all if None), of sizes ``s``."""


@_fft_op
def ifftn(
    x: Array, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: Norm = "backward"
) -> Array:
    """Inverse of :func:`fftn`."""


@_fft_op
def rfft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Array:
    """Transform of real ``x``: the ``n // 2 + 1`` non-negative frequency terms, complex."""


@_fft_op
def irfft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Array:
    """Inverse of :func:`rfft`: real output of length ``n`` (``2 * (m - 1)`` if None)."""


@_fft_op
def rfftn(
    x: Array, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: Norm = "backward"
) -> Array:
    """N-dimensional transform of real ``x``; the last of ``axes`` keeps ``s[-1] // 2 + 1`` terms."""


@_fft_op
def irfftn(
    x: Array, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: Norm = "backward"
) -> Array:
    """Inverse of :func:`rfftn`: real output of shape ``s`` over ``axes``."""


@_fft_op
def hfft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Array:
    """Transform of a Hermitian-symmetric signal given by its first half: ``n`` real points."""


@_fft_op
def ihfft(x: Array, /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward") -> Array:
    """Inverse of :func:`hfft`: the ``n // 2 + 1`` first terms of real ``x``'s Hermitian spectrum."""


@_fft_op
def fftfreq(n: int, /, *, d: float = 1.0, dtype: DTypeLike | None = None, device: DeviceLike = None) -> Array:
    """Sample frequencies of an ``n``-point transform with sample spacing ``d``."""


@_fft_op
def rfftfreq(
    n: int, /, *, d: float = 1.0, dtype: DTypeLike | None = None, device: DeviceLike = None
) -> Array:
    """Non-negative sample frequencies of an ``n``-point :func:`rfft` with sample spacing ``d``."""


@_fft_op
def fftshift(x: Array, /, *, axes: int | Sequence[int] | None = None) -> Array:
    """Move the zero-frequency term to the centre of ``axes`` (all if None)."""


@_fft_op
def ifftshift(x: Array, /, *, axes: int | Sequence[int] | None = None) -> Array:
    """Inverse of :func:`fftshift`."""
