"""Seeded random numbers that are bit-identical on every backend.

Values are drawn on the host from one backend-independent generator (NumPy's
PCG64) and then handed to the active backend, so ``ug.random.seed(0)`` followed
by the same calls gives the same bits under PyTorch and TensorFlow. That is
what makes initial weights agree across backends. The price is a host-to-device
copy per draw; code that draws inside a hot loop on a GPU (dropout masks) may
use the framework's own stream instead, and says so where it does.

Examples:
    >>> import unigrad as ug
    >>> ug.random.seed(0)
    >>> a = ug.to_numpy(ug.random.normal((2,)))
    >>> ug.random.seed(0)
    >>> bool((a == ug.to_numpy(ug.random.normal((2,)))).all())
    True
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import dtypes as _dtypes
from .config import active_backend
from .errors import DTypeError
from .ops.creation import asarray
from .types import Array, DeviceLike, DTypeLike

__all__ = [
    "Generator",
    "seed",
    "normal",
    "uniform",
    "randint",
    "permutation",
    "bernoulli",
    "get_state",
    "set_state",
    "default_generator",
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
            raise ValueError(f"randint needs low < high, got low={low}, high={high}")
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
                raise ValueError(f"bernoulli needs probabilities in [0, 1], got {p}")
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


def _device_of(x: Array) -> str:
    from .ops.conversion import device_of

    return device_of(x)


default_generator = Generator()


def seed(seed: int) -> None:
    """Seed the default generator; the same seed gives the same values on every backend."""
    default_generator.seed(seed)


def get_state() -> dict[str, Any]:
    """State of the default generator, for checkpoints."""
    return default_generator.get_state()


def set_state(state: dict[str, Any]) -> None:
    """Restore the default generator from :func:`get_state`."""
    default_generator.set_state(state)


def normal(
    shape: Shape, mean: float = 0.0, std: float = 1.0, *, dtype: DTypeLike = None, device: DeviceLike = None
) -> Array:
    """Normal samples from the default generator (see :meth:`Generator.normal`)."""
    return default_generator.normal(shape, mean, std, dtype=dtype, device=device)


def uniform(
    shape: Shape, low: float = 0.0, high: float = 1.0, *, dtype: DTypeLike = None, device: DeviceLike = None
) -> Array:
    """Uniform samples on ``[low, high)`` from the default generator."""
    return default_generator.uniform(shape, low, high, dtype=dtype, device=device)


def randint(
    low: int,
    high: int | None = None,
    shape: Shape = (),
    *,
    dtype: DTypeLike = None,
    device: DeviceLike = None,
) -> Array:
    """Random integers in ``[low, high)`` from the default generator."""
    return default_generator.randint(low, high, shape, dtype=dtype, device=device)


def permutation(x: int | Array, *, device: DeviceLike = None) -> Array:
    """A random permutation from the default generator (see :meth:`Generator.permutation`)."""
    return default_generator.permutation(x, device=device)


def bernoulli(
    p: float | Array, shape: Shape | None = None, *, dtype: DTypeLike = None, device: DeviceLike = None
) -> Array:
    """Bernoulli samples from the default generator."""
    return default_generator.bernoulli(p, shape, dtype=dtype, device=device)
