"""The transformer-era architectures' builders (ConvNeXt, ViT, Swin), re-exported by ``ug.models``."""

from __future__ import annotations

from .convnext import (
    CNBlock,
    CNBlockConfig,
    ConvNeXt,
    convnext_base,
    convnext_large,
    convnext_small,
    convnext_tiny,
)
from .swin import SwinTransformer, swin_b, swin_s, swin_t, swin_v2_b, swin_v2_s, swin_v2_t
from .vision_transformer import VisionTransformer, vit_b_16, vit_b_32, vit_h_14, vit_l_16, vit_l_32

__all__: list[str] = [
    "ConvNeXt",
    "CNBlock",
    "CNBlockConfig",
    "convnext_tiny",
    "convnext_small",
    "convnext_base",
    "convnext_large",
    "VisionTransformer",
    "vit_b_16",
    "vit_b_32",
    "vit_l_16",
    "vit_l_32",
    "vit_h_14",
    "SwinTransformer",
    "swin_t",
    "swin_s",
    "swin_b",
    "swin_v2_t",
    "swin_v2_s",
    "swin_v2_b",
]
