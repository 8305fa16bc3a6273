"""``ug.nn.functional`` convolution, pooling and batch normalization, with PyTorch's arguments.

Each function checks its input here, once, in Python over shapes (so both
backends raise the same :class:`unigrad.ShapeError`, a ``ValueError``), turns
PyTorch's loose arguments (ints or tuples, ``padding="same"``) into the
normalized form of ``_generic_layers.py``, and calls the active backend's
``nn_<name>``: a fused kernel where the backend has one, else the generic
definition. Images are NCHW unless ``data_format="channels_last"`` (NHWC).

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> x, w = ug.ones((1, 2, 5, 5)), ug.ones((3, 2, 3, 3))
    >>> tuple(F.conv2d(x, w, padding="same").shape)
    (1, 3, 5, 5)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..errors import BackendError, ShapeError
from ..ops import manipulation
from ..ops._checks import shape_of
from ..ops._dispatch import _scoped_get, _state, failed
from ..types import Array
from ._generic_layers import Pads, Pair, pool_output_size

__all__ = [
    "conv1d",
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "batch_norm",
    "batch_norm_stats",
    "lstm",
    "multi_head_attention",
    "channels_last",
]

Size = int | Sequence[int]
_LAYOUTS = {
    (1, False): "(N, C, L)",
    (1, True): "(N, L, C)",
    (2, False): "(N, C, H, W)",
    (2, True): "(N, H, W, C)",
}


def _backend() -> Any:
    return (_scoped_get() or _state.default) if _state.scopes else _state.default


def channels_last(data_format: str, where: str) -> bool:
    """``data_format`` as a bool, refusing anything but the two names."""
    if data_format == "channels_first":
        return False
    if data_format == "channels_last":
        return True
    raise ValueError(f"{where}: data_format must be 'channels_first' or 'channels_last', got {data_format!r}")


def as_tuple(value: Size, dims: int, what: str, where: str) -> tuple[int, ...]:
    """An int or ints as ``dims`` ints, or a ValueError naming ``what``."""
    values = (value,) * dims if isinstance(value, int) else tuple(int(v) for v in value)
    if len(values) != dims:
        raise ValueError(f"{where}: {what} must be an int or {dims} ints, got {value!r}")
    return values


def _to_2d(values: tuple[int, ...], fill: int) -> Pair:
    """A 1-d size as the 2-d one of a height-1 image."""
    return (fill, values[0]) if len(values) == 1 else (values[0], values[1])


def static_shape(x: Array, where: str) -> tuple[int, ...] | None:
    """``x``'s shape as ints; a graph tensor of unknown dimensions is refused with the fix.

    ``None`` for something that has no shape (the caller's rank check reports it).
    """
    shape = shape_of(x)
    if shape is None and getattr(x, "shape", None) is not None:
        raise ShapeError(
            f"{where} needs an input of known shape, got {x.shape}; trace the function with fixed "
            "shapes (for tf.function, an input_signature without None dimensions)"
        )
    return shape


def _batched(x: Array, dims: int, last: bool, where: str) -> tuple[tuple[int, ...], bool]:
    """The input's shape with a batch axis, and whether the caller gave none."""
    shape = static_shape(x, where)
    if shape is None or len(shape) not in (dims + 1, dims + 2):
        layout = _LAYOUTS[(dims, last)]
        raise ShapeError(
            f"{where} expects a {dims + 2}-D input {layout} (or {dims + 1}-D without the batch axis), "
            f"got shape {shape}"
        )
    return ((1, *shape) if len(shape) == dims + 1 else shape), len(shape) == dims + 1


def _channels_of(shape: tuple[int, ...], last: bool) -> int:
    return shape[-1] if last else shape[1]


def _spatial(shape: tuple[int, ...], last: bool) -> tuple[int, ...]:
    return shape[1:-1] if last else shape[2:]


def _expected(shape: tuple[int, ...], channels: int | str, last: bool) -> str:
    """The shape an input should have, spelled with letters: ``(N, 3, H, W)``."""
    spatial = {1: ["L"], 2: ["H", "W"]}.get(len(shape) - 2, ["..."] * (len(shape) - 2))
    return "(" + ", ".join(map(str, ["N", *spatial, channels] if last else ["N", channels, *spatial])) + ")"


def _layout(x: Array, unbatched: bool, dims: int, last: bool) -> Array:
    """``x`` as a batched 4-D tensor (a height-1 image for 1-d input)."""
    if unbatched:
        x = manipulation.expand_dims(x, axis=0)
    if dims == 1:
        x = manipulation.expand_dims(x, axis=1 if last else 2)
    return x


def _unlayout(y: Array, unbatched: bool, dims: int, last: bool) -> Array:
    if dims == 1:
        y = manipulation.squeeze(y, axis=1 if last else 2)
    return manipulation.squeeze(y, axis=0) if unbatched else y


# -- convolution ---------------------------------------------------------------


def conv_padding(
    padding: str | Size,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    where: str,
) -> tuple[Pair, ...]:
    """PyTorch's padding argument as ``(before, after)`` per spatial axis."""
    if padding == "valid":
        return tuple((0, 0) for _ in kernel)
    if padding == "same":
        if any(s != 1 for s in stride):
            raise ValueError(f"{where}: padding='same' needs stride 1 (as PyTorch), got stride {stride}")
        # an odd total goes to the end, as PyTorch pads it
        totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
        return tuple((t // 2, t - t // 2) for t in totals)
    if isinstance(padding, str):
        raise ValueError(f"{where}: padding must be 'same', 'valid', an int or ints, got {padding!r}")
    return tuple((p, p) for p in as_tuple(padding, len(kernel), "padding", where))


def _conv(
    x: Array,
    weight: Array,
    bias: Array | None,
    stride: Size,
    padding: str | Size,
    dilation: Size,
    groups: int,
    data_format: str,
    dims: int,
    where: str,
) -> Array:
    last = channels_last(data_format, where)
    shape, unbatched = _batched(x, dims, last, where)
    w_shape = shape_of(weight) or ()
    if len(w_shape) != dims + 2:
        raise ShapeError(
            f"{where} expects a {dims + 2}-D weight (out_channels, in_channels/groups, *kernel), "
            f"got shape {w_shape}"
        )
    if groups < 1 or w_shape[0] % groups:
        raise ValueError(
            f"{where}: out_channels {w_shape[0]} (weight shape {w_shape}) must divide by groups={groups}"
        )
    in_channels = w_shape[1] * groups
    if _channels_of(shape, last) != in_channels:
        raise ShapeError(
            f"{where}: expected input with {in_channels} channels, shape "
            f"{_expected(shape, in_channels, last)} (weight shape {w_shape}, groups={groups}), "
            f"got input of shape {shape_of(x)}"
        )
    if bias is not None and shape_of(bias) != (w_shape[0],):
        raise ShapeError(f"{where}: expected a bias of shape ({w_shape[0]},), got {shape_of(bias)}")
    kernel = w_shape[2:]
    strides = as_tuple(stride, dims, "stride", where)
    dilations = as_tuple(dilation, dims, "dilation", where)
    pads = conv_padding(padding, kernel, strides, dilations, where)
    spatial = _spatial(shape, last)
    if any(n + sum(p) < d * (k - 1) + 1 for n, p, k, d in zip(spatial, pads, kernel, dilations, strict=True)):
        raise ShapeError(
            f"{where}: input of spatial size {spatial} (padding {pads}) is smaller than the "
            f"kernel {kernel} (dilation {dilations}); pad the input or use a smaller kernel"
        )
    x4 = _layout(x, unbatched, dims, last)
    w4 = manipulation.expand_dims(weight, axis=2) if dims == 1 else weight
    stride2, dilation2 = _to_2d(strides, 1), _to_2d(dilations, 1)
    pads2: Pads = ((0, 0), pads[0]) if dims == 1 else (pads[0], pads[1])
    try:
        y = _backend().nn_conv2d(x4, w4, bias, stride2, pads2, dilation2, groups, last)
    except Exception as exc:
        y = failed(exc, "nn_conv2d", x4, w4, bias, stride2, pads2, dilation2, groups, last)
    return _unlayout(y, unbatched, dims, last)


def conv1d(
    input: Array,
    weight: Array,
    bias: Array | None = None,
    stride: Size = 1,
    padding: str | Size = 0,
    dilation: Size = 1,
    groups: int = 1,
    data_format: str = "channels_first",
) -> Array:
    """1-d cross-correlation as ``torch.nn.functional.conv1d``; ``weight`` is ``(out, in/groups, k)``."""
    return _conv(
        input, weight, bias, stride, padding, dilation, groups, data_format, 1, "ug.nn.functional.conv1d"
    )


def conv2d(
    input: Array,
    weight: Array,
    bias: Array | None = None,
    stride: Size = 1,
    padding: str | Size = 0,
    dilation: Size = 1,
    groups: int = 1,
    data_format: str = "channels_first",
) -> Array:
    """2-d cross-correlation as ``torch.nn.functional.conv2d``; ``weight`` is ``(out, in/groups, kH, kW)``.

    ``padding`` is an int, two ints, ``"valid"`` or ``"same"`` (stride 1; an odd
    total padding puts the extra row and column at the end, as PyTorch).
    """
    return _conv(
        input, weight, bias, stride, padding, dilation, groups, data_format, 2, "ug.nn.functional.conv2d"
    )


# -- pooling -------------------------------------------------------------------


def _pool_args(
    x: Array,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    dilation: Size,
    ceil_mode: bool,
    data_format: str,
    where: str,
) -> tuple[Any, ...]:
    last = channels_last(data_format, where)
    shape, unbatched = _batched(x, 2, last, where)
    kernel = _to_2d(as_tuple(kernel_size, 2, "kernel_size", where), 1)
    strides = kernel if stride is None or stride == () else _to_2d(as_tuple(stride, 2, "stride", where), 1)
    pads = _to_2d(as_tuple(padding, 2, "padding", where), 0)
    dilations = _to_2d(as_tuple(dilation, 2, "dilation", where), 1)
    for k, p, d in zip(kernel, pads, dilations, strict=True):
        if p * 2 > d * (k - 1) + 1:
            raise ValueError(
                f"{where}: padding {pads} must be at most half of the kernel {kernel} "
                f"(dilation {dilations}), as PyTorch requires"
            )
    spatial = _spatial(shape, last)
    outs = [
        pool_output_size(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip(spatial, kernel, strides, pads, dilations, strict=True)
    ]
    if min(outs) < 1:
        raise ShapeError(
            f"{where}: input of spatial size {spatial} is too small for the kernel {kernel} "
            f"(padding {pads}, dilation {dilations}); the output would be {tuple(outs)}"
        )
    x4 = manipulation.expand_dims(x, axis=0) if unbatched else x
    return x4, unbatched, kernel, strides, pads, dilations, last


def max_pool2d(
    input: Array,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
    data_format: str = "channels_first",
) -> Array:
    """Maximum over windows, as ``torch.nn.functional.max_pool2d`` (``stride`` defaults to the kernel).

    ``return_indices=True`` is not supported (the indices are framework-specific).
    """
    where = "ug.nn.functional.max_pool2d"
    if return_indices:
        raise NotImplementedError(f"{where}: return_indices=True is not supported")
    x, unbatched, kernel, strides, pads, dilations, last = _pool_args(
        input, kernel_size, stride, padding, dilation, ceil_mode, data_format, where
    )
    try:
        y = _backend().nn_max_pool2d(x, kernel, strides, pads, dilations, ceil_mode, last)
    except Exception as exc:
        y = failed(exc, "nn_max_pool2d", x, kernel, strides, pads, dilations, ceil_mode, last)
    return manipulation.squeeze(y, axis=0) if unbatched else y


def avg_pool2d(
    input: Array,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
    data_format: str = "channels_first",
) -> Array:
    """Mean over windows, as ``torch.nn.functional.avg_pool2d``, padding counted by default."""
    where = "ug.nn.functional.avg_pool2d"
    x, unbatched, kernel, strides, pads, _, last = _pool_args(
        input, kernel_size, stride, padding, 1, ceil_mode, data_format, where
    )
    try:
        y = _backend().nn_avg_pool2d(
            x, kernel, strides, pads, ceil_mode, count_include_pad, divisor_override, last
        )
    except Exception as exc:
        y = failed(
            exc,
            "nn_avg_pool2d",
            x,
            kernel,
            strides,
            pads,
            ceil_mode,
            count_include_pad,
            divisor_override,
            last,
        )
    return manipulation.squeeze(y, axis=0) if unbatched else y


# -- normalization -------------------------------------------------------------


def batch_norm_stats(
    input: Array,
    running_mean: Array | None,
    running_var: Array | None,
    weight: Array | None = None,
    bias: Array | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
    data_format: str = "channels_first",
) -> tuple[Array, Array | None, Array | None]:
    """:func:`batch_norm` that returns ``(y, new_running_mean, new_running_var)`` instead of updating.

    The layers use it: their running statistics are plain tensors, which
    TensorFlow cannot update in place, so they are replaced.
    """
    where = "ug.nn.functional.batch_norm"
    last = channels_last(data_format, where)
    shape = static_shape(input, where)
    if shape is None or len(shape) < 2:
        raise ShapeError(f"{where} expects an input with a batch and a channel axis, got shape {shape}")
    channels = _channels_of(shape, last)
    named = (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias))
    for name, value in named:
        found = shape_of(value) if value is not None else (channels,)
        if found != (channels,):
            want = found[0] if found and len(found) == 1 else "C"
            raise ShapeError(
                f"{where}: {name} of shape {found} expects input of shape "
                f"{_expected(shape, want, last)}, got input of shape {shape}"
            )
    if training and math.prod(shape) // channels <= 1:
        raise ValueError(
            f"{where}: expected more than 1 value per channel when training, got input of shape {shape}"
        )
    if not training and (running_mean is None or running_var is None):
        raise ValueError(f"{where}: evaluation (training=False) needs running_mean and running_var")
    try:
        return _backend().nn_batch_norm(
            input, running_mean, running_var, weight, bias, training, momentum, eps, last
        )
    except Exception as exc:
        return failed(
            exc,
            "nn_batch_norm",
            input,
            running_mean,
            running_var,
            weight,
            bias,
            training,
            momentum,
            eps,
            last,
        )


def batch_norm(
    input: Array,
    running_mean: Array | None,
    running_var: Array | None,
    weight: Array | None = None,
    bias: Array | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
    data_format: str = "channels_first",
) -> Array:
    """Batch normalization as ``torch.nn.functional.batch_norm``; channels on axis 1 (or last).

    In training the running statistics are updated in place, as PyTorch does:
    they must then be mutable (torch tensors, or variables such as
    ``ug.nn.Parameter(x, trainable=False)`` on TensorFlow). The BatchNorm
    layers keep their statistics for you.
    """
    if training and running_mean is not None:
        for stat in (running_mean, running_var):
            if not (hasattr(stat, "assign") or hasattr(stat, "copy_")):
                raise BackendError(
                    f"ug.nn.functional.batch_norm cannot update a {type(stat).__name__} in place; pass "
                    "variables (ug.nn.Parameter(x, trainable=False)), or None to use batch statistics "
                    "only, or use ug.nn.BatchNorm1d/BatchNorm2d, or batch_norm_stats(), which returns them"
                )
    y, new_mean, new_var = batch_norm_stats(
        input, running_mean, running_var, weight, bias, training, momentum, eps, data_format
    )
    for stat, new in ((running_mean, new_mean), (running_var, new_var)):
        if new is not None and stat is not None:
            if hasattr(stat, "assign"):
                stat.assign(new)
            else:
                stat.copy_(new)
    return y


# -- recurrent and attention (the layers' kernels) ------------------------------


def lstm(
    input: Array,
    hx: tuple[Array, Array],
    weights: Sequence[Array],
    has_biases: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
) -> tuple[Array, Array, Array]:
    """The LSTM kernel of :class:`ug.nn.LSTM`, as ``torch._VF.lstm``: ``(output, h_n, c_n)``."""
    try:
        return _backend().nn_lstm(
            input, hx, weights, has_biases, num_layers, dropout, training, bidirectional, batch_first
        )
    except Exception as exc:
        return failed(
            exc,
            "nn_lstm",
            input,
            hx,
            weights,
            has_biases,
            num_layers,
            dropout,
            training,
            bidirectional,
            batch_first,
        )


def multi_head_attention(
    query: Array,
    key: Array,
    value: Array,
    num_heads: int,
    in_proj_weight: Array | None,
    in_proj_bias: Array | None,
    separate_weights: tuple[Array, Array, Array] | None,
    out_proj_weight: Array,
    out_proj_bias: Array | None,
    key_padding_mask: Array | None,
    need_weights: bool,
    attn_mask: Array | None,
    average_attn_weights: bool,
    dropout_p: float,
    training: bool,
    batch_first: bool,
) -> tuple[Array, Array | None]:
    """The kernel of :class:`ug.nn.MultiheadAttention`, as ``multi_head_attention_forward``."""
    args = (
        query,
        key,
        value,
        num_heads,
        in_proj_weight,
        in_proj_bias,
        separate_weights,
        out_proj_weight,
        out_proj_bias,
        key_padding_mask,
        need_weights,
        attn_mask,
        average_attn_weights,
        dropout_p,
        training,
        batch_first,
    )
    try:
        return _backend().nn_multi_head_attention(*args)
    except Exception as exc:
        return failed(exc, "nn_multi_head_attention", *args)
