"""Vision Transformers (ViT-B/16, B/32, L/16, L/32, H/14) with torchvision's architecture and names.

``conv_proj`` (the patch embedding), ``class_token``, ``encoder.pos_embedding``,
``encoder.layers.encoder_layer_N`` (``ln_1``, ``self_attention`` a
``MultiheadAttention``, ``ln_2``, ``mlp.0``/``mlp.3``), ``encoder.ln`` and
``heads.head``: a state dict saved from ``torchvision.models.vit_b_16()``
loads as it is and gives torchvision's outputs, on either backend.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping
from functools import partial
from typing import Any, NamedTuple

from .. import nn
from ..errors import ArgumentError, ShapeError
from ..ops.creation import zeros
from ..ops.manipulation import broadcast_to, concat, permute_dims, reshape
from .blocks import MLP, Conv2dNormActivation, LayerFactory
from .weights import Weights, load_weights, read_state_dict

__all__ = [
    "VisionTransformer",
    "ConvStemConfig",
    "vit_b_16",
    "vit_b_32",
    "vit_l_16",
    "vit_l_32",
    "vit_h_14",
]

_LAYER_NORM: LayerFactory = partial(nn.LayerNorm, eps=1e-6)  # torchvision's default norm_layer


class ConvStemConfig(NamedTuple):
    """One convolution of the optional convolutional stem (Xiao et al., 2021), as torchvision's."""

    out_channels: int
    kernel_size: int
    stride: int
    norm_layer: LayerFactory = nn.BatchNorm2d
    activation_layer: LayerFactory = nn.ReLU


class MLPBlock(MLP):
    """The encoder's MLP: Linear, GELU, Dropout, Linear, Dropout (keys ``0.*`` and ``3.*``)."""

    def __init__(self, in_dim: int, mlp_dim: int, dropout: float) -> None:
        super().__init__(in_dim, [mlp_dim, in_dim], activation_layer=nn.GELU, inplace=None, dropout=dropout)
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                if module.bias is not None:
                    nn.init.normal_(module.bias, std=1e-6)


class EncoderBlock(nn.Module):
    """Pre-norm self-attention and MLP, each with a residual connection."""

    def __init__(
        self,
        num_heads: int,
        hidden_dim: int,
        mlp_dim: int,
        dropout: float,
        attention_dropout: float,
        norm_layer: LayerFactory = _LAYER_NORM,
    ) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.ln_1 = norm_layer(hidden_dim)
        self.self_attention = nn.MultiheadAttention(
            hidden_dim, num_heads, dropout=attention_dropout, batch_first=True
        )
        self.dropout = nn.Dropout(dropout)
        self.ln_2 = norm_layer(hidden_dim)
        self.mlp = MLPBlock(hidden_dim, mlp_dim, dropout)

    def forward(self, input: Any) -> Any:
        if input.ndim != 3:
            raise ShapeError(f"EncoderBlock expects (batch_size, seq_length, hidden_dim), got {input.shape}")
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x) + input
        return x + self.mlp(self.ln_2(x))


class Encoder(nn.Module):
    """Learned position embedding, then ``num_layers`` :class:`EncoderBlock` s and a final LayerNorm."""

    def __init__(
        self,
        seq_length: int,
        num_layers: int,
        num_heads: int,
        hidden_dim: int,
        mlp_dim: int,
        dropout: float,
        attention_dropout: float,
        norm_layer: LayerFactory = _LAYER_NORM,
    ) -> None:
        super().__init__()
        self.pos_embedding = nn.Parameter(nn.init.normal((1, seq_length, hidden_dim), std=0.02))  # as BERT
        self.dropout = nn.Dropout(dropout)
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        for i in range(num_layers):
            layers[f"encoder_layer_{i}"] = EncoderBlock(
                num_heads, hidden_dim, mlp_dim, dropout, attention_dropout, norm_layer
            )
        self.layers = nn.Sequential(layers)
        self.ln = norm_layer(hidden_dim)

    def forward(self, input: Any) -> Any:
        if input.ndim != 3:
            raise ShapeError(f"Encoder expects (batch_size, seq_length, hidden_dim), got {input.shape}")
        return self.ln(self.layers(self.dropout(input + self.pos_embedding)))


class VisionTransformer(nn.Module):
    """Vision Transformer (Dosovitskiy et al., 2020) as ``torchvision.models.VisionTransformer``.

    Args:
        image_size: the side of the square input images, a multiple of ``patch_size``.
        patch_size: the side of the square patches embedded as tokens.
        num_layers, num_heads, hidden_dim, mlp_dim: the encoder's size.
        dropout, attention_dropout: dropout rates, active in training mode.
        num_classes: outputs of ``heads.head``.
        representation_size: a ``pre_logits`` Linear and Tanh of this width before the head.
        norm_layer: the encoder's norm (LayerNorm, eps 1e-6).
        conv_stem_configs: a convolutional stem instead of the patchify convolution.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = VisionTransformer(16, 8, num_layers=1, num_heads=2, hidden_dim=8, mlp_dim=16, num_classes=3)
        >>> tuple(net.eval()(ug.zeros((2, 3, 16, 16))).shape), list(net.state_dict())[:3]
        ((2, 3), ['class_token', 'conv_proj.weight', 'conv_proj.bias'])
    """

    def __init__(
        self,
        image_size: int,
        patch_size: int,
        num_layers: int,
        num_heads: int,
        hidden_dim: int,
        mlp_dim: int,
        dropout: float = 0.0,
        attention_dropout: float = 0.0,
        num_classes: int = 1000,
        representation_size: int | None = None,
        norm_layer: LayerFactory = _LAYER_NORM,
        conv_stem_configs: list[ConvStemConfig] | None = None,
    ) -> None:
        super().__init__()
        if image_size % patch_size:
            raise ArgumentError(
                f"VisionTransformer: image_size ({image_size}) has to be a multiple of patch_size "
                f"({patch_size})"
            )
        self.image_size, self.patch_size = image_size, patch_size
        self.hidden_dim, self.mlp_dim = hidden_dim, mlp_dim
        self.attention_dropout, self.dropout = attention_dropout, dropout
        self.num_classes, self.representation_size = num_classes, representation_size
        self.norm_layer = norm_layer
        self.conv_proj: nn.Module
        if conv_stem_configs is not None:
            stem = nn.Sequential()
            channels = 3
            for i, config in enumerate(conv_stem_configs):
                stem.add_module(
                    f"conv_bn_relu_{i}",
                    Conv2dNormActivation(
                        in_channels=channels,
                        out_channels=config.out_channels,
                        kernel_size=config.kernel_size,
                        stride=config.stride,
                        norm_layer=config.norm_layer,
                        activation_layer=config.activation_layer,
                    ),
                )
                channels = config.out_channels
            stem.add_module("conv_last", nn.Conv2d(channels, hidden_dim, kernel_size=1))
            self.conv_proj = stem
        else:
            self.conv_proj = nn.Conv2d(3, hidden_dim, kernel_size=patch_size, stride=patch_size)
        seq_length = (image_size // patch_size) ** 2 + 1  # and the class token
        self.class_token = nn.Parameter(zeros((1, 1, hidden_dim)))
        self.encoder = Encoder(
            seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout, norm_layer
        )
        self.seq_length = seq_length
        heads: OrderedDict[str, nn.Module] = OrderedDict()
        if representation_size is not None:
            heads["pre_logits"] = nn.Linear(hidden_dim, representation_size)
            heads["act"] = nn.Tanh()
        head = heads["head"] = nn.Linear(representation_size or hidden_dim, num_classes)
        self.heads = nn.Sequential(heads)
        self._init_weights(head)

    def _init_weights(self, head: nn.Linear) -> None:
        """torchvision's: a fan-in truncated normal stem (or a He-normal last stem conv), and a zero head."""
        if isinstance(self.conv_proj, nn.Conv2d):
            fan_in = self.conv_proj.in_channels * self.patch_size * self.patch_size
            nn.init.trunc_normal_(self.conv_proj.weight, std=math.sqrt(1 / fan_in))
            if self.conv_proj.bias is not None:
                nn.init.zeros_(self.conv_proj.bias)
        else:
            last = list(self.conv_proj.children())[-1]  # the stem's conv_last
            if isinstance(last, nn.Conv2d):
                nn.init.normal_(last.weight, mean=0.0, std=math.sqrt(2.0 / last.out_channels))
                if last.bias is not None:
                    nn.init.zeros_(last.bias)
        pre_logits = getattr(self.heads, "pre_logits", None)
        if isinstance(pre_logits, nn.Linear):
            nn.init.trunc_normal_(pre_logits.weight, std=math.sqrt(1 / pre_logits.in_features))
            nn.init.zeros_(pre_logits.bias)
        nn.init.zeros_(head.weight)
        nn.init.zeros_(head.bias)

    def _process_input(self, x: Any) -> Any:
        """``(n, c, h, w)`` images as ``(n, (h / p) * (w / p), hidden_dim)`` patch embeddings."""
        n, _, h, w = x.shape
        if h != self.image_size or w != self.image_size:
            raise ShapeError(
                f"VisionTransformer was built for {self.image_size}x{self.image_size} images "
                f"(image_size={self.image_size}), got {h}x{w}"
            )
        patches = (h // self.patch_size) * (w // self.patch_size)
        x = reshape(self.conv_proj(x), (n, self.hidden_dim, patches))
        return permute_dims(x, (0, 2, 1))

    def forward(self, x: Any) -> Any:
        x = self._process_input(x)
        class_token = broadcast_to(self.class_token, (x.shape[0], 1, self.hidden_dim))
        x = self.encoder(concat([class_token, x], axis=1))
        return self.heads(x[:, 0])


def _upgrade_mlp_keys(state: Mapping[str, Any]) -> dict[str, Any]:
    """Old torchvision checkpoints' ``mlp.linear_1``/``mlp.linear_2`` as today's ``mlp.0``/``mlp.3``.

    torchvision remaps them in ``MLPBlock._load_from_state_dict``; unigrad's
    modules have no such hook, so the builder does it.
    """
    renames = {".mlp.linear_1.": ".mlp.0.", ".mlp.linear_2.": ".mlp.3."}
    upgraded: dict[str, Any] = {}
    for key, value in state.items():
        name = key
        for old, new in renames.items():
            name = name.replace(old, new)
        upgraded[name] = value
    return upgraded


def _vision_transformer(
    patch_size: int,
    num_layers: int,
    num_heads: int,
    hidden_dim: int,
    mlp_dim: int,
    weights: Weights,
    options: Any,
) -> VisionTransformer:
    image_size = options.pop("image_size", 224)
    model = VisionTransformer(
        image_size=image_size,
        patch_size=patch_size,
        num_layers=num_layers,
        num_heads=num_heads,
        hidden_dim=hidden_dim,
        mlp_dim=mlp_dim,
        **options,
    )
    if weights is not None:
        state = weights if isinstance(weights, Mapping) else read_state_dict(weights)
        load_weights(model, _upgrade_mlp_keys(state))
    return model


def vit_b_16(weights: Weights = None, **options: Any) -> VisionTransformer:
    """ViT-B/16; ``weights``: a local torchvision-format state dict (``.pth``, ``.safetensors``) or a dict.

    Nothing is downloaded: to use torchvision's ImageNet weights, save
    ``torchvision.models.vit_b_16(weights="DEFAULT").state_dict()`` once, then pass the file.
    ``options`` are :class:`VisionTransformer`'s (``image_size`` (224), ``num_classes``,
    ``dropout``, ``attention_dropout``, ...).

    For example (not run as a doctest: 86M parameters)::

        net = ug.models.vit_b_16("vit_b_16.pth").eval()
        logits = net(images)  # (N, 3, 224, 224) -> (N, 1000)
    """
    return _vision_transformer(16, 12, 12, 768, 3072, weights, options)


def vit_b_32(weights: Weights = None, **options: Any) -> VisionTransformer:
    """ViT-B/32; arguments as :func:`vit_b_16`."""
    return _vision_transformer(32, 12, 12, 768, 3072, weights, options)


def vit_l_16(weights: Weights = None, **options: Any) -> VisionTransformer:
    """ViT-L/16; arguments as :func:`vit_b_16`."""
    return _vision_transformer(16, 24, 16, 1024, 4096, weights, options)


def vit_l_32(weights: Weights = None, **options: Any) -> VisionTransformer:
    """ViT-L/32; arguments as :func:`vit_b_16`."""
    return _vision_transformer(32, 24, 16, 1024, 4096, weights, options)


def vit_h_14(weights: Weights = None, **options: Any) -> VisionTransformer:
    """ViT-H/14; arguments as :func:`vit_b_16` (``image_size`` a multiple of 14: 518 for the SWAG weights)."""
    return _vision_transformer(14, 32, 16, 1280, 5120, weights, options)
