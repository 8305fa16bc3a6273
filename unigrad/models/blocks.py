"""The building blocks torchvision's models share (``torchvision.ops``), with torchvision's names.

``Conv2dNormActivation`` and ``MLP`` are ``Sequential``s numbered as
torchvision numbers them, so a torchvision state dict loads by name;
``SqueezeExcitation`` has torchvision's ``fc1``/``fc2``; ``StochasticDepth``
draws its mask from ``ug.random``. The convolutional blocks take ``data_format``
(``"channels_last"``: NHWC input) with the same parameters either way.

Examples:
    >>> import unigrad as ug
    >>> from unigrad.models.blocks import Conv2dNormActivation
    >>> block = Conv2dNormActivation(3, 8, kernel_size=3, stride=2)
    >>> [type(layer).__name__ for layer in block]
    ['Conv2d', 'BatchNorm2d', 'ReLU']
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from .. import nn, random
from ..errors import ArgumentError
from ..nn.functional._arguments import channels_last
from ..ops.manipulation import permute_dims

__all__ = [
    "Conv2dNormActivation",
    "SqueezeExcitation",
    "MLP",
    "Permute",
    "StochasticDepth",
    "stochastic_depth",
    "flatten",
    "in_layout",
]

LayerFactory = Callable[..., nn.Module]


def in_layout(factory: LayerFactory, data_format: str, where: str) -> LayerFactory:
    """``factory`` making layers for ``data_format`` input, which ``where`` checks is one of the two names.

    ``"channels_first"`` is every layer's default, so there ``factory`` comes back as it is
    (torchvision-style factories keep working); for ``"channels_last"`` it is bound to
    ``data_format=``, which it then has to take.
    """
    if not channels_last(data_format, where):
        return factory
    parameters = inspect.signature(factory).parameters.values()
    if not any(p.name == "data_format" or p.kind is p.VAR_KEYWORD for p in parameters):
        raise ArgumentError(
            f"{where}: data_format='channels_last' needs layer factories that take data_format, "
            f"got {factory!r}"
        )
    return partial(factory, data_format=data_format)


def flatten(x: Any) -> Any:
    """``torch.flatten(x, 1)``: one row of features per sample, in (C, H, W) order."""
    return nn.linear.flatten(x, 1)


class Conv2dNormActivation(nn.Sequential):
    """Convolution, then normalisation, then activation: ``torchvision.ops.Conv2dNormActivation``.

    ``padding=None`` keeps the size at stride 1 (``(kernel_size - 1) // 2 * dilation``); the
    convolution has a bias only when there is no normalisation layer, unless ``bias`` says.
    ``data_format="channels_last"`` takes NHWC input; ``norm_layer`` then gets ``data_format=``.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int] = 3,
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str | None = None,
        groups: int = 1,
        norm_layer: LayerFactory | None = nn.BatchNorm2d,
        activation_layer: LayerFactory | None = nn.ReLU,
        dilation: int | tuple[int, int] = 1,
        inplace: bool | None = True,
        bias: bool | None = None,
        *,
        data_format: str = "channels_first",
    ) -> None:
        pad: int | tuple[int, ...] | str
        if padding is not None:
            pad = padding
        elif isinstance(kernel_size, int) and isinstance(dilation, int):
            pad = (kernel_size - 1) // 2 * dilation
        else:
            kernels = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
            dilations = (dilation, dilation) if isinstance(dilation, int) else tuple(dilation)
            pad = tuple((k - 1) // 2 * d for k, d in zip(kernels, dilations, strict=True))
        if bias is None:
            bias = norm_layer is None
        layers: list[nn.Module] = [
            nn.Conv2d(
                in_channels,
                out_channels,
                kernel_size,
                stride,
                pad,
                dilation=dilation,
                groups=groups,
                bias=bias,
                data_format=data_format,
            )
        ]
        if norm_layer is not None:
            layers.append(in_layout(norm_layer, data_format, "Conv2dNormActivation")(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(**({} if inplace is None else {"inplace": inplace})))
        super().__init__(*layers)
        self.out_channels = out_channels


class SqueezeExcitation(nn.Module):
    """Squeeze-and-excitation: ``x * sigma(fc2(delta(fc1(avgpool(x)))))``, torchvision's names.

    ``data_format="channels_last"`` takes NHWC input.
    """

    def __init__(
        self,
        input_channels: int,
        squeeze_channels: int,
        activation: LayerFactory = nn.ReLU,
        scale_activation: LayerFactory = nn.Sigmoid,
        *,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1, data_format=data_format)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1, data_format=data_format)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1, data_format=data_format)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def forward(self, input: Any) -> Any:
        scale = self.fc2(self.activation(self.fc1(self.avgpool(input))))
        return self.scale_activation(scale) * input


class MLP(nn.Sequential):
    """Linear layers with (normalisation,) activation and dropout between: ``torchvision.ops.MLP``."""

    def __init__(
        self,
        in_channels: int,
        hidden_channels: Sequence[int],
        norm_layer: LayerFactory | None = None,
        activation_layer: LayerFactory = nn.ReLU,
        inplace: bool | None = None,
        bias: bool = True,
        dropout: float = 0.0,
    ) -> None:
        options = {} if inplace is None else {"inplace": inplace}
        layers: list[nn.Module] = []
        width = in_channels
        for hidden in hidden_channels[:-1]:
            layers.append(nn.Linear(width, hidden, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(hidden))
            layers += [activation_layer(**options), nn.Dropout(dropout, **options)]
            width = hidden
        layers += [nn.Linear(width, hidden_channels[-1], bias=bias), nn.Dropout(dropout, **options)]
        super().__init__(*layers)


class Permute(nn.Module):
    """The input's axes in the order ``dims``: ``torchvision.ops.Permute``."""

    def __init__(self, dims: Sequence[int]) -> None:
        super().__init__()
        self.dims = tuple(dims)

    def forward(self, x: Any) -> Any:
        return permute_dims(x, self.dims)


def stochastic_depth(input: Any, p: float, mode: str, training: bool = True) -> Any:
    """Zero whole residual branches with probability ``p``, per row (``"row"``) or for the batch.

    The survivors are scaled by ``1 / (1 - p)``; the mask is drawn from ``ug.random``, so both
    backends drop the same rows for the same seed.
    """
    if not 0.0 <= p <= 1.0:
        raise ArgumentError(f"stochastic_depth: drop probability has to be between 0 and 1, got {p}")
    if mode not in ("batch", "row"):
        raise ArgumentError(f"stochastic_depth: mode has to be 'batch' or 'row', got {mode!r}")
    if not training or p == 0.0:
        return input
    survival = 1.0 - p
    shape = (input.shape[0],) + (1,) * (input.ndim - 1) if mode == "row" else (1,) * input.ndim
    noise = random.bernoulli(survival, shape, dtype=input.dtype)
    if survival > 0.0:
        noise = noise / survival
    return input * noise


class StochasticDepth(nn.Module):
    """:func:`stochastic_depth` as a layer, active in training mode only."""

    def __init__(self, p: float, mode: str) -> None:
        super().__init__()
        self.p, self.mode = p, mode

    def forward(self, input: Any) -> Any:
        return stochastic_depth(input, self.p, self.mode, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, mode={self.mode}"
