"""``Linear``, ``Bilinear``, ``Identity``, ``Flatten`` and ``Unflatten``."""

from __future__ import annotations

import math
from typing import Any

from ..errors import ArgumentTypeError, ShapeError
from ..ops import manipulation
from . import functional as F
from . import init
from .functional.linear import linear_error
from .module import Module
from .parameter import Parameter

__all__ = ["Linear", "Bilinear", "Identity", "Flatten", "Unflatten", "flatten"]


def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Any:
    """``torch.flatten``: the axes ``start_dim..end_dim`` merged into one, a 0-d input made 1-d.

    A size a traced graph leaves unknown (a free batch axis) merges into ``-1``.
    """
    shape = tuple(x.shape)
    if not shape:
        return manipulation.reshape(x, (1,))
    start, end = start_dim % len(shape), end_dim % len(shape)
    if start == end:
        return x
    middle = shape[start : end + 1]
    merged = -1 if None in middle else math.prod(middle)
    rest = tuple(-1 if d is None else d for d in (*shape[:start], *shape[end + 1 :]))
    if merged == -1 and -1 in rest:  # (two unknowns: the merged axis's size is what reshape can't infer)
        raise ShapeError(f"flatten needs the sizes of axes {start}..{end} of a shape {shape}")
    return manipulation.reshape(x, (*rest[:start], merged, *rest[start:]))


class Linear(Module):
    """``y = x @ weight.T + bias``, initialised as PyTorch's ``nn.Linear``.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> layer = ug.nn.Linear(3, 2)
        >>> tuple(layer.weight.shape), tuple(layer(ug.ones((4, 3))).shape)
        ((2, 3), (4, 2))
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(init.kaiming_uniform((out_features, in_features), dtype=dtype))
        bound = 1.0 / math.sqrt(in_features) if in_features else 0.0
        self.bias = Parameter(init.uniform((out_features,), -bound, bound, dtype)) if bias else None

    def forward(self, x: Any) -> Any:
        try:
            return F.linear(x, self.weight, self.bias)
        except Exception as exc:
            found = linear_error("Linear", x, self.weight)  # the layer's name, not the function's
            if found is None:
                raise
            raise found from exc

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
        )


class Bilinear(Module):
    """``y = x1 @ weight @ x2 + bias`` per output feature, initialised as PyTorch's ``nn.Bilinear``.

    ``weight`` is ``(out_features, in1_features, in2_features)`` and ``bias``
    ``(out_features,)``, both drawn from U(-1/sqrt(in1_features), 1/sqrt(in1_features)).

    Examples:
        >>> import unigrad as ug
        >>> layer = ug.nn.Bilinear(3, 4, 2)
        >>> tuple(layer.weight.shape), tuple(layer(ug.ones((5, 3)), ug.ones((5, 4))).shape)
        ((2, 3, 4), (5, 2))
    """

    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        bound = 1.0 / math.sqrt(in1_features) if in1_features else 0.0
        shape = (out_features, in1_features, in2_features)
        self.weight = Parameter(init.uniform(shape, -bound, bound, dtype))
        self.bias = Parameter(init.uniform((out_features,), -bound, bound, dtype)) if bias else None
        if device is not None:
            self.to(device)

    def forward(self, input1: Any, input2: Any) -> Any:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )


class Identity(Module):
    """Returns its input; takes and ignores any constructor arguments, as torch's.

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.nn.Identity(54, unused="x")(ug.ones(2))).tolist()
        [1.0, 1.0]
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x


class Flatten(Module):
    """Flatten the axes ``start_dim..end_dim`` into one (from axis 1 by default, as PyTorch)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Any) -> Any:
        return flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis ``dim`` into the shape ``unflattened_size`` (one entry may be -1), as torch's.

    Examples:
        >>> import unigrad as ug
        >>> tuple(ug.nn.Unflatten(1, (2, 5))(ug.ones((3, 10))).shape)
        (3, 2, 5)
    """

    def __init__(self, dim: int, unflattened_size: tuple[int, ...] | list[int]) -> None:
        super().__init__()
        if not isinstance(dim, int):
            # torch also takes a name here, for its named tensors, which unigrad does not have
            raise ArgumentTypeError(
                f"invalid argument type for dim parameter: expected int, got {type(dim).__name__}"
            )
        if not isinstance(unflattened_size, (tuple, list)):
            raise ArgumentTypeError(
                f"unflattened_size must be a tuple of ints, but found type {type(unflattened_size).__name__}"
            )
        for position, size in enumerate(unflattened_size):
            if not isinstance(size, int):
                raise ArgumentTypeError(
                    "unflattened_size must be tuple of ints, "
                    f"but found element of type {type(size).__name__} at pos {position}"
                )
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input: Any) -> Any:
        shape = tuple(input.shape)
        dim = self.dim % len(shape)
        return manipulation.reshape(input, (*shape[:dim], *self.unflattened_size, *shape[dim + 1 :]))

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
