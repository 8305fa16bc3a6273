"""Swin Transformers (v1: swin_t/s/b, v2: swin_v2_t/s/b) with torchvision's architecture and names.

``features.0`` embeds 4x4 patches (a convolution, a permute to channels-last
and a LayerNorm); ``features.1``, ``features.3``, ... are stages of
:class:`SwinTransformerBlock` units (``norm1``, ``attn``, ``norm2``, ``mlp``),
``features.2``, ``features.4``, ... the :class:`PatchMerging` layers; then
``norm`` and ``head``. A state dict saved from ``torchvision.models.swin_t()``
loads as it is and gives torchvision's outputs, on either backend. Any input
size works: the maps are padded to whole windows, as torchvision pads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from .. import nn
from ..nn import functional as F
from ..ops.manipulation import concat
from .blocks import MLP, LayerFactory, Permute, StochasticDepth
from .swin_attention import ShiftedWindowAttention, ShiftedWindowAttentionV2
from .weights import Weights, load_weights

__all__ = [
    "SwinTransformer",
    "SwinTransformerBlock",
    "SwinTransformerBlockV2",
    "PatchMerging",
    "PatchMergingV2",
    "swin_t",
    "swin_s",
    "swin_b",
    "swin_v2_t",
    "swin_v2_s",
    "swin_v2_b",
]


def _patch_merging_pad(x: Any) -> Any:
    """``(..., H, W, C)`` to ``(..., H/2, W/2, 4C)``: each 2x2 patch's pixels side by side.

    An odd side is padded with zeros first, as torchvision pads it.
    """
    height, width = int(x.shape[-3]), int(x.shape[-2])
    if height % 2 or width % 2:
        x = F.pad(x, (0, 0, 0, width % 2, 0, height % 2))
    parts = [x[..., 0::2, 0::2, :], x[..., 1::2, 0::2, :], x[..., 0::2, 1::2, :], x[..., 1::2, 1::2, :]]
    return concat(parts, axis=-1)


class PatchMerging(nn.Module):
    """Halve the map and double the channels: 2x2 patches, LayerNorm, then a Linear (Swin v1).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> tuple(PatchMerging(4)(ug.ones((1, 5, 6, 4))).shape)
        (1, 3, 3, 8)
    """

    def __init__(self, dim: int, norm_layer: LayerFactory = nn.LayerNorm) -> None:
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(4 * dim)

    def forward(self, x: Any) -> Any:
        """``(..., H, W, C)`` to ``(..., H/2, W/2, 2C)``."""
        return self.reduction(self.norm(_patch_merging_pad(x)))


class PatchMergingV2(nn.Module):
    """Swin v2's patch merging: the Linear first, then a LayerNorm of ``2 * dim``."""

    def __init__(self, dim: int, norm_layer: LayerFactory = nn.LayerNorm) -> None:
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(2 * dim)

    def forward(self, x: Any) -> Any:
        """``(..., H, W, C)`` to ``(..., H/2, W/2, 2C)``."""
        return self.norm(self.reduction(_patch_merging_pad(x)))


class SwinTransformerBlock(nn.Module):
    """Pre-norm (shifted) window attention and MLP, each with stochastic depth and a residual (v1)."""

    def __init__(
        self,
        dim: int,
        num_heads: int,
        window_size: Sequence[int],
        shift_size: Sequence[int],
        mlp_ratio: float = 4.0,
        dropout: float = 0.0,
        attention_dropout: float = 0.0,
        stochastic_depth_prob: float = 0.0,
        norm_layer: LayerFactory = nn.LayerNorm,
        attn_layer: LayerFactory = ShiftedWindowAttention,
    ) -> None:
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = attn_layer(
            dim, window_size, shift_size, num_heads, attention_dropout=attention_dropout, dropout=dropout
        )
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.norm2 = norm_layer(dim)
        self.mlp = MLP(
            dim, [int(dim * mlp_ratio), dim], activation_layer=nn.GELU, inplace=None, dropout=dropout
        )
        for module in self.mlp.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                if module.bias is not None:
                    nn.init.normal_(module.bias, std=1e-6)

    def forward(self, x: Any) -> Any:
        x = x + self.stochastic_depth(self.attn(self.norm1(x)))
        return x + self.stochastic_depth(self.mlp(self.norm2(x)))


class SwinTransformerBlockV2(SwinTransformerBlock):
    """Swin v2's block: the norms come after the attention and the MLP (res-post-norm)."""

    def __init__(
        self,
        dim: int,
        num_heads: int,
        window_size: Sequence[int],
        shift_size: Sequence[int],
        mlp_ratio: float = 4.0,
        dropout: float = 0.0,
        attention_dropout: float = 0.0,
        stochastic_depth_prob: float = 0.0,
        norm_layer: LayerFactory = nn.LayerNorm,
        attn_layer: LayerFactory = ShiftedWindowAttentionV2,
    ) -> None:
        super().__init__(
            dim,
            num_heads,
            window_size,
            shift_size,
            mlp_ratio=mlp_ratio,
            dropout=dropout,
            attention_dropout=attention_dropout,
            stochastic_depth_prob=stochastic_depth_prob,
            norm_layer=norm_layer,
            attn_layer=attn_layer,
        )

    def forward(self, x: Any) -> Any:
        x = x + self.stochastic_depth(self.norm1(self.attn(x)))
        return x + self.stochastic_depth(self.norm2(self.mlp(x)))


class SwinTransformer(nn.Module):
    """Swin Transformer (Liu et al., 2021; v2 2022) as ``torchvision.models.SwinTransformer``.

    Args:
        patch_size: ``[h, w]`` of the embedded patches.
        embed_dim: channels after the patch embedding; each stage doubles them.
        depths: blocks per stage.
        num_heads: attention heads per stage.
        window_size: ``[h, w]`` of the attention windows; odd blocks shift them by half.
        mlp_ratio: the MLP's hidden width over its input's.
        dropout, attention_dropout: dropout rates, active in training mode.
        stochastic_depth_prob: the drop probability of the last block; it grows linearly from 0.
        num_classes: outputs of ``head``.
        norm_layer: LayerNorm (eps 1e-5) by default.
        block: :class:`SwinTransformerBlock` (v1) or :class:`SwinTransformerBlockV2`.
        downsample_layer: :class:`PatchMerging` (v1) or :class:`PatchMergingV2`.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = SwinTransformer([4, 4], 8, [1, 1], [1, 2], [2, 2], num_classes=3)
        >>> tuple(net.eval()(ug.zeros((1, 3, 16, 16))).shape), list(net.state_dict())[:2]
        ((1, 3), ['features.0.0.weight', 'features.0.0.bias'])
    """

    def __init__(
        self,
        patch_size: Sequence[int],
        embed_dim: int,
        depths: Sequence[int],
        num_heads: Sequence[int],
        window_size: Sequence[int],
        mlp_ratio: float = 4.0,
        dropout: float = 0.0,
        attention_dropout: float = 0.0,
        stochastic_depth_prob: float = 0.1,
        num_classes: int = 1000,
        norm_layer: LayerFactory | None = None,
        block: LayerFactory | None = None,
        downsample_layer: LayerFactory = PatchMerging,
    ) -> None:
        super().__init__()
        self.num_classes = num_classes
        if block is None:
            block = SwinTransformerBlock
        if norm_layer is None:
            norm_layer = partial(nn.LayerNorm, eps=1e-5)
        patch = (patch_size[0], patch_size[1])
        layers: list[nn.Module] = [
            nn.Sequential(
                nn.Conv2d(3, embed_dim, kernel_size=patch, stride=patch),
                Permute([0, 2, 3, 1]),
                norm_layer(embed_dim),
            )
        ]
        total_stage_blocks = sum(depths)
        stage_block_id = 0
        for i_stage, depth in enumerate(depths):
            stage: list[nn.Module] = []
            dim = embed_dim * 2**i_stage
            for i_layer in range(depth):
                sd_prob = stochastic_depth_prob * float(stage_block_id) / (total_stage_blocks - 1)
                stage.append(
                    block(
                        dim,
                        num_heads[i_stage],
                        window_size=window_size,
                        shift_size=[0 if i_layer % 2 == 0 else w // 2 for w in window_size],
                        mlp_ratio=mlp_ratio,
                        dropout=dropout,
                        attention_dropout=attention_dropout,
                        stochastic_depth_prob=sd_prob,
                        norm_layer=norm_layer,
                    )
                )
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
            if i_stage < len(depths) - 1:
                layers.append(downsample_layer(dim, norm_layer))
        self.features = nn.Sequential(*layers)
        num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(num_features)
        self.permute = Permute([0, 3, 1, 2])  # B H W C -> B C H W
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)
        self.head = nn.Linear(num_features, num_classes)
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.trunc_normal_(module.weight, std=0.02)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)

    def forward(self, x: Any) -> Any:
        x = self.permute(self.norm(self.features(x)))
        return self.head(self.flatten(self.avgpool(x)))


def _swin_transformer(
    patch_size: list[int],
    embed_dim: int,
    depths: list[int],
    num_heads: list[int],
    window_size: list[int],
    stochastic_depth_prob: float,
    weights: Weights,
    options: Any,
) -> SwinTransformer:
    stochastic_depth_prob = options.pop("stochastic_depth_prob", stochastic_depth_prob)
    model = SwinTransformer(
        patch_size=patch_size,
        embed_dim=embed_dim,
        depths=depths,
        num_heads=num_heads,
        window_size=window_size,
        stochastic_depth_prob=stochastic_depth_prob,
        **options,
    )
    if weights is not None:
        load_weights(model, weights)
    return model


def _v2(options: Any) -> Any:
    return {"block": SwinTransformerBlockV2, "downsample_layer": PatchMergingV2, **options}


def swin_t(weights: Weights = None, **options: Any) -> SwinTransformer:
    """Swin-T; ``weights``: a local torchvision-format state dict (``.pth``, ``.safetensors``) or a dict.

    Nothing is downloaded: to use torchvision's ImageNet weights, save
    ``torchvision.models.swin_t(weights="DEFAULT").state_dict()`` once, then pass the file.
    ``options`` are :class:`SwinTransformer`'s (``num_classes``, ``stochastic_depth_prob`` (0.2), ...).

    For example (not run as a doctest: 28M parameters)::

        net = ug.models.swin_t("swin_t.pth").eval()
        logits = net(images)  # (N, 3, H, W) -> (N, 1000)
    """
    return _swin_transformer([4, 4], 96, [2, 2, 6, 2], [3, 6, 12, 24], [7, 7], 0.2, weights, options)


def swin_s(weights: Weights = None, **options: Any) -> SwinTransformer:
    """Swin-S (``stochastic_depth_prob`` 0.3); arguments as :func:`swin_t`."""
    return _swin_transformer([4, 4], 96, [2, 2, 18, 2], [3, 6, 12, 24], [7, 7], 0.3, weights, options)


def swin_b(weights: Weights = None, **options: Any) -> SwinTransformer:
    """Swin-B (``stochastic_depth_prob`` 0.5); arguments as :func:`swin_t`."""
    return _swin_transformer([4, 4], 128, [2, 2, 18, 2], [4, 8, 16, 32], [7, 7], 0.5, weights, options)


def swin_v2_t(weights: Weights = None, **options: Any) -> SwinTransformer:
    """Swin-V2-T (8x8 windows, ``stochastic_depth_prob`` 0.2); arguments as :func:`swin_t`."""
    return _swin_transformer([4, 4], 96, [2, 2, 6, 2], [3, 6, 12, 24], [8, 8], 0.2, weights, _v2(options))


def swin_v2_s(weights: Weights = None, **options: Any) -> SwinTransformer:
    """Swin-V2-S (8x8 windows, ``stochastic_depth_prob`` 0.3); arguments as :func:`swin_t`."""
    return _swin_transformer([4, 4], 96, [2, 2, 18, 2], [3, 6, 12, 24], [8, 8], 0.3, weights, _v2(options))


def swin_v2_b(weights: Weights = None, **options: Any) -> SwinTransformer:
    """Swin-V2-B (8x8 windows, ``stochastic_depth_prob`` 0.5); arguments as :func:`swin_t`."""
    return _swin_transformer([4, 4], 128, [2, 2, 18, 2], [4, 8, 16, 32], [8, 8], 0.5, weights, _v2(options))
