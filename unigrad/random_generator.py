"""The :class:`Generator` of :mod:`unigrad.random`: an independent stream of random tensors.

The class that draws every random tensor unigrad makes, with the private
helpers only it uses (shapes, float dtypes, handing host draws to the active
backend). Part of :mod:`unigrad.random`; import it from there
(``ug.random.Generator``), where the default generator and the module-level
functions that draw from it live.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import dtypes as _dtypes
from .config import active_backend
from .errors import ArgumentError, DTypeError, ShapeError
from .ops.creation import asarray
from .types import Array, DeviceLike, DTypeLike

__all__ = [
    "Generator",
    "Shape",
]

Shape = int | Sequence[int]


def _shape(shape: Shape) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)


def _float_dtype(dtype: DTypeLike) -> _dtypes.DType:
    found = _dtypes.default_float if dtype is None else _dtypes.as_dtype(dtype)
    if found.kind != "float":
        raise DTypeError(f"expected a floating-point dtype, got {found}")
    return found


def _emit(
    draw: Callable[[], np.ndarray[Any, Any]], shape: tuple[int, ...], dtype: _dtypes.DType, device: DeviceLike
) -> Array:
    """The values ``draw()`` makes, as a tensor of the active backend.

    Eagerly that is one call now. Inside a graph being traced (``ug.function``
    on TensorFlow) the draw must happen each time the graph runs, not once at
    tracing: the backend puts it in the graph as a host call, in program
    order, so a compiled step draws exactly what the eager one would.
    """

    def values() -> np.ndarray[Any, Any]:
        # float16/bfloat16 are drawn in float32 and rounded, the same on every backend
        return np.asarray(draw()).astype(_dtypes.numpy_dtype(dtype), copy=False)

    backend = active_backend()
    if backend.in_graph():
        return backend.from_host(values, shape, dtype, device)
    return asarray(values(), device=device)


class Generator:
    """An independent stream of random tensors, seeded once.

    Examples:
        >>> import unigrad as ug
        >>> g = ug.random.Generator(42)
        >>> g.uniform((3,)).shape == (3,)
        True
    """

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._numpy = np.random.Generator(np.random.PCG64(seed))

    def seed(self, seed: int) -> None:
        with self._lock:
            self._numpy = np.random.Generator(np.random.PCG64(seed))

    def get_state(self) -> dict[str, Any]:
        """The generator's state, a plain dict that can be saved and restored."""
        with self._lock:
            return dict(self._numpy.bit_generator.state)

    def set_state(self, state: dict[str, Any]) -> None:
        with self._lock:
            self._numpy.bit_generator.state = state

    def normal(
        self,
        shape: Shape,
        mean: float = 0.0,
        std: float = 1.0,
        *,
        dtype: DTypeLike = None,
        device: DeviceLike = None,
    ) -> Array:
        """Samples of a normal distribution with ``mean`` and standard deviation ``std``."""
        dt = _float_dtype(dtype)
        work = np.float64 if dt is _dtypes.float64 else np.float32
        size = _shape(shape)

        def draw() -> np.ndarray[Any, Any]:
            with self._lock:
                values = self._numpy.standard_normal(size, dtype=work)
            if std != 1.0:
                values *= work(std)
            if mean != 0.0:
                values += work(mean)
            return values

        return _emit(draw, size, dt, device)

    def uniform(
        self,
        shape: Shape,
        low: float = 0.0,
        high: float = 1.0,
        *,
        dtype: DTypeLike = None,
        device: DeviceLike = None,
    ) -> Array:
        """Samples of the uniform distribution on ``[low, high)``."""
        dt = _float_dtype(dtype)
        work = np.float64 if dt is _dtypes.float64 else np.float32
        size = _shape(shape)

        def draw() -> np.ndarray[Any, Any]:
            with self._lock:
                values = self._numpy.random(size, dtype=work)
            if (low, high) != (0.0, 1.0):
                values = values * work(high - low) + work(low)
            return values

        return _emit(draw, size, dt, device)

    def randint(
        self,
        low: int,
        high: int | None = None,
        shape: Shape = (),
        *,
        dtype: DTypeLike = None,
        device: DeviceLike = None,
    ) -> Array:
        """Random integers in ``[low, high)`` (``[0, low)`` if ``high`` is None)."""
        dt = _dtypes.default_int if dtype is None else _dtypes.as_dtype(dtype)
        if dt.kind not in ("signed", "unsigned"):
            raise DTypeError(f"randint needs an integer dtype, got {dt}")
        if high is None:
            low, high = 0, low
        if high <= low:
            raise ArgumentError(f"randint needs low < high, got low={low}, high={high}")
        size, start, stop = _shape(shape), low, high

        def draw() -> np.ndarray[Any, Any]:
            with self._lock:
                return self._numpy.integers(start, stop, size, dtype=np.int64)

        return _emit(draw, size, dt, device)

    def permutation(self, x: int | Array, *, device: DeviceLike = None) -> Array:
        """A shuffled ``arange(x)`` for an int, else ``x`` shuffled along its first axis."""
        n = int(x) if isinstance(x, (int, np.integer)) else int(x.shape[0])

        def draw() -> np.ndarray[Any, Any]:
            with self._lock:
                return self._numpy.permutation(n)

        if isinstance(x, (int, np.integer)):
            return _emit(draw, (n,), _dtypes.int64, device)
        from .ops.manipulation import take

        return take(x, _emit(draw, (n,), _dtypes.int64, _device_of(x)), axis=0)

    def bernoulli(
        self,
        p: float | Array,
        shape: Shape | None = None,
        *,
        dtype: DTypeLike = None,
        device: DeviceLike = None,
    ) -> Array:
        """Samples that are 1 with probability ``p`` (a float or a tensor of them), else 0.

        ``dtype`` defaults to ``bool``.
        """
        dt = _dtypes.bool if dtype is None else _dtypes.as_dtype(dtype)
        if isinstance(p, (int, float)):
            if not 0.0 <= p <= 1.0:
                raise ArgumentError(f"bernoulli needs probabilities in [0, 1], got {p}")
            size = () if shape is None else _shape(shape)

            def draw() -> np.ndarray[Any, Any]:
                with self._lock:
                    return self._numpy.random(size) < p

            return _emit(draw, size, dt, device)
        # a tensor of probabilities: uniform draws from the host, compared on the device
        from .ops.binary import less
        from .ops.creation import astype

        size = tuple(int(d) for d in p.shape) if shape is None else _shape(shape)
        uniform = self.uniform(size, dtype=_dtypes.float64, device=_device_of(p))
        return astype(less(uniform, astype(p, _dtypes.float64)), dt)

    def categorical(self, logits: Array, num_samples: int = 1) -> Array:
        """Class indices drawn from the unnormalised log-probabilities ``logits``, with replacement.

        ``logits`` is ``(..., classes)`` (``-inf`` for a class never drawn); the
        result is int64 ``(..., num_samples)``, as ``tf.random.categorical``
        for 2-d logits. Backend-neutral: the uniforms come from this generator
        and are turned into classes by inverting the cumulative distribution in
        float64, so one seed draws the same samples on every backend (PyTorch's
        and TensorFlow's own samplers draw different streams).

        Examples:
            >>> import unigrad as ug
            >>> ug.random.seed(0)
            >>> ug.to_numpy(ug.random.categorical(ug.asarray([[0.0, -float("inf"), 0.0]]), 4)).shape
            (1, 4)
        """
        from .ops import statistical, unary
        from .ops.binary import subtract

        _count(num_samples, "categorical")
        work = self._as_float64(logits, "categorical")
        probs = unary.exp(subtract(work, statistical.max(work, axis=-1, keepdims=True)))
        return self._inverse_cdf(probs, int(num_samples))

    def multinomial(self, probs: Array, num_samples: int, replacement: bool = False) -> Array:
        """Indices drawn from the weights ``probs`` (``(classes,)`` or ``(rows, classes)``), as
        ``torch.multinomial``: int64 ``(num_samples,)`` or ``(rows, num_samples)``.

        The weights need not add up to 1, but must be finite, non-negative and
        not all zero. Without ``replacement`` each index comes at most once per
        row, in the order drawn (Gumbel-top-k over the weights, which draws as
        sequential sampling without replacement does); ``num_samples`` must then
        not exceed the number of classes with non-zero weight. Backend-neutral
        as :meth:`categorical`: one seed, the same samples on every backend.

        Examples:
            >>> import unigrad as ug
            >>> ug.random.seed(0)
            >>> sorted(ug.to_numpy(ug.random.multinomial(ug.asarray([0.2, 0.0, 0.5, 0.3]), 3)).tolist())
            [0, 2, 3]
        """
        from .ops import unary
        from .ops.binary import add
        from .ops.conversion import to_numpy
        from .ops.searching import topk

        _count(num_samples, "multinomial")
        if len(probs.shape) not in (1, 2):
            raise ShapeError(f"multinomial: probs must be 1-d or 2-d, got shape {tuple(probs.shape)}")
        work = self._as_float64(probs, "multinomial")
        classes = int(work.shape[-1])
        if not active_backend().in_graph():  # the weights are read (as torch does) only eagerly
            values = to_numpy(work)
            if not np.isfinite(values).all() or (values < 0).any():
                raise ArgumentError("multinomial: probs must be finite and non-negative")
            positive = (values > 0).sum(axis=-1)
            if (positive == 0).any():
                raise ArgumentError("multinomial: every row of probs must have a positive sum")
            if not replacement and num_samples > positive.min():
                raise ArgumentError(
                    f"multinomial: cannot draw {num_samples} samples without replacement from "
                    f"{int(positive.min())} classes of non-zero weight"
                )
        elif not replacement and num_samples > classes:
            raise ArgumentError(
                f"multinomial: cannot draw {num_samples} samples without replacement from {classes} classes"
            )
        if replacement:
            return self._inverse_cdf(work, int(num_samples))
        # Gumbel-top-k: log(p) - log(-log(u)), the num_samples largest, in order
        uniform = self.uniform(tuple(work.shape), dtype=_dtypes.float64, device=_device_of(probs))
        gumbel = unary.negative(unary.log(unary.negative(unary.log(uniform))))
        keys = add(unary.log(work), gumbel)
        return topk(keys, int(num_samples), axis=-1)[1]

    def _as_float64(self, x: Array, name: str) -> Array:
        from .ops.creation import astype

        if len(x.shape) == 0 or x.shape[-1] == 0:
            raise ShapeError(
                f"{name}: needs at least one class (a last axis of size > 0), got shape {tuple(x.shape)}"
            )
        dtype = active_backend().dtype_of(x)
        if dtype.kind != "float":
            raise DTypeError(f"{name}: expected floating-point weights, got {dtype}")
        return astype(x, _dtypes.float64)

    def _inverse_cdf(self, weights: Array, num_samples: int) -> Array:
        """``num_samples`` indices per row of the non-negative float64 ``weights`` (..., classes)."""
        from .ops import manipulation, statistical
        from .ops.binary import less, less_equal, minimum, multiply
        from .ops.creation import astype

        batch = tuple(int(d) for d in weights.shape[:-1])
        classes = int(weights.shape[-1])
        cdf = statistical.cumulative_sum(weights, axis=-1)
        total = cdf[..., classes - 1 :]
        uniform = self.uniform((*batch, num_samples), dtype=_dtypes.float64, device=_device_of(weights))
        # the sample is the number of cumulative weights at or below u * total
        target = manipulation.expand_dims(multiply(uniform, total), axis=-1)
        below = less_equal(manipulation.expand_dims(cdf, axis=-2), target)
        found = statistical.sum(astype(below, _dtypes.int64), axis=-1)
        # u * total may round up to total: then the last class of non-zero weight, not one past it
        last = statistical.sum(astype(less(cdf, total), _dtypes.int64), axis=-1, keepdims=True)
        return minimum(found, last)


def _count(num_samples: int, name: str) -> None:
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) or num_samples <= 0:
        raise ArgumentError(f"{name}: num_samples must be a positive int, got {num_samples!r}")


def _device_of(x: Array) -> str:
    from .ops.conversion import device_of

    return device_of(x)
