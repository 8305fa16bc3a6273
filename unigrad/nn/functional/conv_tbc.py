"""``conv_tbc``: a 1-d convolution of time-major ``(T, B, C)`` sequences, as ``torch.conv_tbc``.

fairseq's layout: input ``(time, batch, in_channels)``, weight
``(kernel_width, in_channels, out_channels)``, ``pad`` zeros at both ends of
time. It is :func:`conv1d` on the same data seen as channels-last
``(B, T, C)`` with the weight as ``(out, in, kernel_width)``, so each
backend's convolution kernel serves it.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> tuple(F.conv_tbc(ug.ones((7, 2, 3)), ug.ones((3, 3, 4)), ug.zeros((4,)), 1).shape)
    (7, 2, 4)
"""

from __future__ import annotations

from ...errors import ShapeError
from ...ops import manipulation
from ...ops._checks import shape_of
from ...types import Array
from .conv import conv1d

__all__ = ["conv_tbc"]


def conv_tbc(input: Array, weight: Array, bias: Array, pad: int = 0) -> Array:
    """1-d cross-correlation of ``(T, B, C_in)`` input with a ``(k, C_in, C_out)`` weight, as torch's.

    Returns ``(T + 2 * pad - k + 1, B, C_out)``; ``bias`` is ``(C_out,)``.
    """
    where = "ug.nn.functional.conv_tbc"
    input_shape, weight_shape, bias_shape = shape_of(input), shape_of(weight), shape_of(bias)
    if input_shape is None or len(input_shape) != 3:
        raise ShapeError(f"{where}: input must be 3-D (time, batch, in_channels), got shape {input_shape}")
    if weight_shape is None or len(weight_shape) != 3 or weight_shape[1] != input_shape[2]:
        raise ShapeError(
            f"{where}: weight must be 3-D (kernel_width, in_channels={input_shape[2]}, out_channels), "
            f"got shape {weight_shape}"
        )
    if bias_shape is None or len(bias_shape) != 1 or bias_shape[0] != weight_shape[2]:
        raise ShapeError(f"{where}: bias must be ({weight_shape[2]},) (out_channels), got shape {bias_shape}")
    y = conv1d(
        manipulation.permute_dims(input, (1, 0, 2)),
        manipulation.permute_dims(weight, (2, 1, 0)),
        bias,
        padding=int(pad),
        data_format="channels_last",
    )
    return manipulation.permute_dims(y, (1, 0, 2))
