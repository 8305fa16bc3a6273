"""The FFT extension of the Array API (``ug.fft``) over tensorflow.

``tf.signal`` transforms the innermost axis only, without ``n`` or ``norm``:
each function here moves the axis it works on last, pads or cuts it to ``n``,
transforms and scales. The N-dimensional transforms are 1-d ones in turn;
``hfft``/``ihfft``, which ``tf.signal`` lacks, are ``irfft``/``rfft`` of the
conjugate with the normalization swapped (as NumPy defines them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf

from unigrad.backends.api import ArgumentError, ArgumentTypeError, AxisError

from .core import DEFAULT_FLOAT, native_dtype
from .creation import _placed

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

_NORMS = ("backward", "ortho", "forward")
# hfft is irfft, and ihfft rfft, with the scaling of the other direction
_SWAPPED = {"backward": "forward", "ortho": "ortho", "forward": "backward"}
_COMPLEX_OF = {tf.float64: tf.complex128, tf.complex128: tf.complex128}


def _checked_norm(norm: str) -> str:
    if norm not in _NORMS:
        raise ArgumentError(f"fft: norm must be one of {_NORMS}, got {norm!r}")
    return norm


def _complex(x: Any) -> Any:
    x = tf.convert_to_tensor(x)
    if x.dtype.is_complex:
        return x
    return tf.cast(x, _COMPLEX_OF.get(x.dtype, tf.complex64))


def _real(x: Any) -> Any:
    x = tf.convert_to_tensor(x)
    if x.dtype.is_complex:
        raise ArgumentTypeError(f"fft: expected a real-valued input, got {x.dtype.name}")
    return x if x.dtype in (tf.float32, tf.float64) else tf.cast(x, tf.float32)


def _length(x: Any, axis: int) -> int:
    size = x.shape[axis]
    return int(size) if size is not None else int(tf.shape(x)[axis])


def _resized(x: Any, n: int) -> Any:
    """``x`` with its last axis cut or zero-padded to ``n``."""
    if n < 1:
        raise ArgumentError(f"fft: the number of points n must be at least 1, got {n}")
    size = _length(x, -1)
    if n < size:
        return x[..., :n]
    if n > size:
        padding = [[0, 0]] * (x.shape.rank - 1) + [[0, n - size]]
        return tf.pad(x, padding)
    return x


def _scaled(y: Any, n: int, norm: str, *, inverse: bool) -> Any:
    """Scale the output of tf.signal's transform (forward: none; inverse: 1/n) to ``norm``."""
    norm = _checked_norm(norm)
    if norm == "backward":
        return y
    factor = math.sqrt(n) if norm == "ortho" else n
    factor = factor if inverse else 1 / factor
    return y * tf.cast(factor, y.dtype)


def _along(x: Any, axis: int, transform: Callable[[Any], Any]) -> Any:
    """``transform`` of the innermost axis, applied to ``axis`` of ``x``."""
    rank = x.shape.rank
    if not -rank <= axis < rank:
        raise AxisError(f"ug.fft: axis {axis} is out of bounds for an array of {rank} dimensions")
    axis %= rank
    if axis == rank - 1:
        return transform(x)
    perm = [*range(axis), *range(axis + 1, rank), axis]
    inverse_perm = [*range(axis), rank - 1, *range(axis, rank - 1)]
    return tf.transpose(transform(tf.transpose(x, perm)), inverse_perm)


def _c2c(x: Any, n: int | None, axis: int, norm: str, *, inverse: bool) -> Any:
    def transform(inner: Any) -> Any:
        points = _length(inner, -1) if n is None else n
        inner = _resized(inner, points)
        y = tf.signal.ifft(inner) if inverse else tf.signal.fft(inner)
        return _scaled(y, points, norm, inverse=inverse)

    return _along(_complex(x), axis, transform)


def _r2c(x: Any, n: int | None, axis: int, norm: str) -> Any:
    def transform(inner: Any) -> Any:
        points = _length(inner, -1) if n is None else n
        inner = _resized(inner, points)
        complex_dtype = _COMPLEX_OF.get(inner.dtype, tf.complex64)
        y = tf.signal.rfft(inner, fft_length=[points])
        return _scaled(tf.cast(y, complex_dtype), points, norm, inverse=False)

    return _along(_real(x), axis, transform)


def _c2r(x: Any, n: int | None, axis: int, norm: str) -> Any:
    def transform(inner: Any) -> Any:
        points = 2 * (_length(inner, -1) - 1) if n is None else n
        inner = _resized(inner, points // 2 + 1)
        real_dtype = inner.dtype.real_dtype
        y = tf.signal.irfft(inner, fft_length=[points])
        return _scaled(tf.cast(y, real_dtype), points, norm, inverse=True)

    return _along(_complex(x), axis, transform)


def _axes_and_sizes(
    x: Any, s: Sequence[int] | None, axes: Sequence[int] | None
) -> tuple[list[int], list[int | None]]:
    """The axes an N-d transform works on and the size of each (None: as it is)."""
    rank = x.shape.rank
    if axes is None:
        axes = list(range(rank)) if s is None else list(range(rank - len(s), rank))
    axes = [int(a) for a in axes]
    if s is not None and len(s) != len(axes):
        raise ArgumentError(f"fft: s and axes must have the same length, got s={s} and axes={axes}")
    sizes: list[int | None] = [None] * len(axes) if s is None else [int(n) for n in s]
    return axes, sizes


def fft_fft(x: Any, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Any:
    return _c2c(x, n, axis, norm, inverse=False)


def fft_ifft(x: Any, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Any:
    return _c2c(x, n, axis, norm, inverse=True)


def fft_fftn(
    x: Any, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str = "backward"
) -> Any:
    x = _complex(x)
    for axis, n in zip(*_axes_and_sizes(x, s, axes), strict=True):
        x = _c2c(x, n, axis, norm, inverse=False)
    return x


def fft_ifftn(
    x: Any, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str = "backward"
) -> Any:
    x = _complex(x)
    for axis, n in zip(*_axes_and_sizes(x, s, axes), strict=True):
        x = _c2c(x, n, axis, norm, inverse=True)
    return x


def fft_rfft(x: Any, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Any:
    return _r2c(x, n, axis, norm)


def fft_irfft(x: Any, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Any:
    return _c2r(x, n, axis, norm)


def fft_rfftn(
    x: Any, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str = "backward"
) -> Any:
    x = tf.convert_to_tensor(x)
    axes_list, sizes = _axes_and_sizes(x, s, axes)
    # the real transform on the last axis, then complex ones on the others
    x = _r2c(x, sizes[-1], axes_list[-1], norm)
    for axis, n in zip(axes_list[:-1], sizes[:-1], strict=True):
        x = _c2c(x, n, axis, norm, inverse=False)
    return x


def fft_irfftn(
    x: Any, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str = "backward"
) -> Any:
    x = _complex(x)
    axes_list, sizes = _axes_and_sizes(x, s, axes)
    for axis, n in zip(axes_list[:-1], sizes[:-1], strict=True):
        x = _c2c(x, n, axis, norm, inverse=True)
    return _c2r(x, sizes[-1], axes_list[-1], norm)


def fft_hfft(x: Any, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Any:
    return _c2r(tf.math.conj(_complex(x)), n, axis, _SWAPPED[_checked_norm(norm)])


def fft_ihfft(x: Any, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Any:
    return tf.math.conj(_r2c(x, n, axis, _SWAPPED[_checked_norm(norm)]))


def _frequencies(n: int, d: float, dtype: Any, device: Any, *, onesided: bool) -> Any:
    if int(n) < 1:
        raise ArgumentError(f"fftfreq: n must be a positive integer, got {n}")
    n = int(n)
    target = native_dtype(dtype) or DEFAULT_FLOAT
    with _placed(device):
        if onesided:
            steps = tf.range(n // 2 + 1, dtype=tf.float64)
        else:
            steps = tf.concat([tf.range((n - 1) // 2 + 1), tf.range(-(n // 2), 0)], 0)
        return tf.cast(tf.cast(steps, tf.float64) / (float(d) * n), target)


def fft_fftfreq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None) -> Any:
    return _frequencies(n, d, dtype, device, onesided=False)


def fft_rfftfreq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None) -> Any:
    return _frequencies(n, d, dtype, device, onesided=True)


def _shifted(x: Any, axes: int | Sequence[int] | None, sign: int) -> Any:
    x = tf.convert_to_tensor(x)
    if axes is None:
        axes = list(range(x.shape.rank))
    elif isinstance(axes, int):
        axes = [axes]
    axes = [int(a) % max(x.shape.rank, 1) for a in axes]
    if not axes:
        return x
    shifts = [sign * (_length(x, a) // 2) for a in axes]
    return tf.roll(x, shift=shifts, axis=axes)


def fft_fftshift(x: Any, /, *, axes: int | Sequence[int] | None = None) -> Any:
    return _shifted(x, axes, 1)


def fft_ifftshift(x: Any, /, *, axes: int | Sequence[int] | None = None) -> Any:
    return _shifted(x, axes, -1)
