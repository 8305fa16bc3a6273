"""The reference definitions of the nn kernels: what every backend falls back on.

This package holds the generic definition of each nn kernel over ug ops; a
backend's fused kernel must agree with it (tested). ``ug.nn.functional``
checks and normalizes its arguments, then calls the active backend's
``nn_<name>``: the backend's own fused kernel where it has one, else the
function of the same name here, which :class:`unigrad.backends.base.Backend`
installs as the default. A third-party backend thus gets every kernel for
free from its Array API namespace, and may replace any of them.

The kernels take arguments already checked and normalized by
``ug.nn.functional``: batched inputs, 2-tuples for sizes, convolution padding
as explicit ``((top, bottom), (left, right))`` pairs, and ``channels_last`` as
a bool. One module per topic, named as in ``ug.nn.functional``; a new kernel
goes into its topic's module and into :data:`__all__` below.

Examples:
    >>> import unigrad as ug
    >>> from unigrad.nn import reference
    >>> ug.to_numpy(reference.relu(ug.asarray([-1.0, 2.0]))).tolist()
    [0.0, 2.0]
"""

from __future__ import annotations

from .activation import erf, gelu, leaky_relu, log_softmax, relu, relu6, sigmoid, softmax, tanh
from .attention import multi_head_attention, scaled_dot_product_attention
from .conv import conv2d, conv3d
from .conv_transpose import conv_transpose2d, conv_transpose3d
from .fold import fold, unfold
from .linear import linear
from .loss import sparse_cross_entropy
from .loss_sequence import ctc_loss
from .normalization import (
    batch_norm,
    group_norm,
    instance_norm,
    layer_norm,
    local_response_norm,
    rms_norm,
)
from .padding import pad
from .pooling import avg_pool2d, max_pool2d
from .pooling_indices import (
    adaptive_max_pool_with_indices,
    max_pool2d_with_indices,
    max_pool3d_with_indices,
    max_unpool2d,
)
from .pooling_nd import adaptive_avg_pool, adaptive_max_pool, avg_pool3d, max_pool3d
from .recurrent import (
    gru,
    gru_cell,
    lstm,
    lstm_cell,
    rnn_relu,
    rnn_relu_cell,
    rnn_tanh,
    rnn_tanh_cell,
)
from .sparse import embedding
from .vision import grid_sample, interpolate

# Every name here is a kernel: a backend carries it as ``nn_<name>``.
__all__ = [
    "relu",
    "leaky_relu",
    "relu6",
    "gelu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "erf",
    "linear",
    "conv2d",
    "conv3d",
    "conv_transpose2d",
    "conv_transpose3d",
    "max_pool2d",
    "avg_pool2d",
    "max_pool3d",
    "avg_pool3d",
    "adaptive_avg_pool",
    "adaptive_max_pool",
    "max_pool2d_with_indices",
    "max_pool3d_with_indices",
    "adaptive_max_pool_with_indices",
    "max_unpool2d",
    "layer_norm",
    "batch_norm",
    "group_norm",
    "instance_norm",
    "rms_norm",
    "local_response_norm",
    "embedding",
    "sparse_cross_entropy",
    "ctc_loss",
    "multi_head_attention",
    "scaled_dot_product_attention",
    "rnn_tanh",
    "rnn_relu",
    "gru",
    "lstm",
    "rnn_tanh_cell",
    "rnn_relu_cell",
    "gru_cell",
    "lstm_cell",
    "pad",
    "interpolate",
    "grid_sample",
    "unfold",
    "fold",
]
