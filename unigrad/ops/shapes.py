"""Shape functions that need no tensor and no backend: ``ug.broadcast_shapes``."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ShapeError

__all__ = ["broadcast_shapes"]

Shape = tuple[int, ...]


def broadcast_shapes(*shapes: Sequence[int]) -> Shape:
    """The shape that arrays of ``shapes`` broadcast to (Array API ``broadcast_shapes``).

    Examples:
        >>> import unigrad as ug
        >>> ug.broadcast_shapes((2, 1), (3,))
        (2, 3)
    """
    return broadcast_shape("broadcast_shapes", [tuple(s) for s in shapes])


def broadcast_shape(op: str, shapes: Sequence[Shape]) -> Shape:
    """The broadcast shape of ``shapes``, or a :class:`ShapeError` that names ``op``."""
    ndim = max((len(s) for s in shapes), default=0)
    result = []
    for axis in range(-ndim, 0):
        sizes = {s[axis] for s in shapes if len(s) >= -axis}
        sizes.discard(1)
        if len(sizes) > 1:
            raise ShapeError(
                f"{op}: shapes {', '.join(str(tuple(s)) for s in shapes)} cannot be broadcast together: "
                f"axis {axis} has sizes {sorted(sizes)}; each size must match or be 1 "
                "(reshape or expand_dims an operand to line its axes up)"
            )
        result.append(sizes.pop() if sizes else 1)
    return tuple(result)
