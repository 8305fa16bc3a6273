"""``ug.nn.functional``: activations, layers as functions, and losses, as ``torch.nn.functional``.

One module per topic: :mod:`.activation`, :mod:`.linear`, :mod:`.conv`,
:mod:`.pooling`, :mod:`.normalization`, :mod:`.dropout`, :mod:`.sparse`,
:mod:`.loss`, :mod:`.attention`, :mod:`.recurrent`. A function checks and
normalizes its arguments, then runs the active backend's ``nn_<name>``
kernel: the backend's fused one where it has one, else the reference
definition of :mod:`unigrad.nn.reference`. A new function goes into its
topic's module and is exported here.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> probabilities = F.softmax(ug.asarray([[1.0, 1.0]]), axis=1)
    >>> ug.to_numpy(probabilities).tolist()
    [[0.5, 0.5]]
"""

from __future__ import annotations

# (``linear`` and ``dropout`` name both a topic module and its function: the
# imports below bind the function, so ``F.linear`` is the function, as in torch)
from ._boundary import accepts_array_likes
from .activation import (
    celu,
    elu,
    gelu,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    rrelu,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanh,
    tanhshrink,
    threshold,
)
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .conv import conv1d, conv2d, conv3d
from .conv_tbc import conv_tbc
from .conv_transpose import conv_transpose1d, conv_transpose2d, conv_transpose3d
from .distance import cosine_similarity, normalize, pairwise_distance, pdist
from .dropout import alpha_dropout, dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout
from .fold import fold, unfold
from .grid import affine_grid, grid_sample
from .gumbel import gumbel_softmax
from .linear import bilinear, linear
from .loss import (
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from .loss_binary import binary_cross_entropy, binary_cross_entropy_with_logits
from .loss_distribution import gaussian_nll_loss, kl_div, poisson_nll_loss
from .loss_linear import linear_cross_entropy
from .loss_margin import (
    cosine_embedding_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from .loss_sequence import ctc_loss
from .normalization import batch_norm, group_norm, layer_norm, rms_norm
from .normalization_instance import instance_norm, local_response_norm
from .padding import pad
from .pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from .pooling_adaptive import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
)
from .pooling_fractional import (
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
)
from .pooling_indices import (
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d_with_indices,
    max_pool1d_with_indices,
    max_pool2d_with_indices,
    max_pool3d_with_indices,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from .pooling_nd import avg_pool3d, lp_pool1d, lp_pool2d, lp_pool3d, max_pool3d
from .sparse import embedding, embedding_bag, one_hot
from .vision import (
    channel_shuffle,
    interpolate,
    native_channel_shuffle,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)

__all__ = [
    "pad",
    "interpolate",
    "upsample",
    "pixel_shuffle",
    "pixel_unshuffle",
    "channel_shuffle",
    "native_channel_shuffle",
    "fold",
    "unfold",
    "affine_grid",
    "grid_sample",
    "upsample_nearest",
    "upsample_bilinear",
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "celu",
    "gelu",
    "silu",
    "mish",
    "hardswish",
    "hardsigmoid",
    "hardtanh",
    "sigmoid",
    "tanh",
    "softplus",
    "softsign",
    "softshrink",
    "hardshrink",
    "tanhshrink",
    "threshold",
    "prelu",
    "rrelu",
    "glu",
    "logsigmoid",
    "softmax",
    "log_softmax",
    "softmin",
    "linear",
    "bilinear",
    "layer_norm",
    "dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "alpha_dropout",
    "feature_alpha_dropout",
    "embedding",
    "embedding_bag",
    "mse_loss",
    "l1_loss",
    "cross_entropy",
    "linear_cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "smooth_l1_loss",
    "huber_loss",
    "kl_div",
    "poisson_nll_loss",
    "gaussian_nll_loss",
    "ctc_loss",
    "soft_margin_loss",
    "multilabel_soft_margin_loss",
    "multilabel_margin_loss",
    "multi_margin_loss",
    "hinge_embedding_loss",
    "margin_ranking_loss",
    "cosine_embedding_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
    "one_hot",
    "pairwise_distance",
    "cosine_similarity",
    "pdist",
    "normalize",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_tbc",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "max_pool1d",
    "max_pool3d",
    "avg_pool1d",
    "avg_pool3d",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
    "max_pool1d_with_indices",
    "max_pool2d_with_indices",
    "max_pool3d_with_indices",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices",
    "fractional_max_pool2d",
    "fractional_max_pool3d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d_with_indices",
    "gumbel_softmax",
    "max_pool2d",
    "avg_pool2d",
    "batch_norm",
    "group_norm",
    "instance_norm",
    "rms_norm",
    "local_response_norm",
    "scaled_dot_product_attention",
    "multi_head_attention_forward",
]


def _array_likes_at_the_boundary() -> None:
    # every public function takes NumPy arrays, lists and numbers where it takes a tensor (see _boundary)
    namespace = globals()
    for name in __all__:
        namespace[name] = accepts_array_likes(namespace[name])


_array_likes_at_the_boundary()
