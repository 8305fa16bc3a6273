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

from typing import Any

from . import dtypes as _dtypes
from .errors import DTypeError
from .random_generator import Generator, Shape
from .types import Array, DeviceLike, DTypeLike

__all__ = [
    "Generator",
    "seed",
    "normal",
    "uniform",
    "randint",
    "permutation",
    "bernoulli",
    "categorical",
    "multinomial",
    "get_state",
    "set_state",
    "default_generator",
]

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


def categorical(
    logits: Array, num_samples: int = 1, *, dtype: DTypeLike = None, generator: Generator | None = None
) -> Array:
    """Class indices drawn from ``logits`` by ``generator`` (the default one if None); see
    :meth:`Generator.categorical`. ``dtype``: an integer dtype for the result (int64 by default)."""
    samples = (generator or default_generator).categorical(logits, num_samples)
    return samples if dtype is None else _as_int(samples, dtype)


def multinomial(
    probs: Array, num_samples: int, replacement: bool = False, *, generator: Generator | None = None
) -> Array:
    """Indices drawn from the weights ``probs`` by ``generator`` (the default one if None), as
    ``torch.multinomial``; see :meth:`Generator.multinomial`."""
    return (generator or default_generator).multinomial(probs, num_samples, replacement)


def _as_int(samples: Array, dtype: DTypeLike) -> Array:
    from .ops.creation import astype

    found = _dtypes.as_dtype(dtype)
    if found.kind not in ("signed", "unsigned"):
        raise DTypeError(f"categorical: dtype must be an integer dtype, got {found}")
    return samples if found is _dtypes.int64 else astype(samples, found)
