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
from .conv import conv1d, conv2d
from .dropout import dropout
from .linear import linear
from .loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    l1_loss,
    mse_loss,
    nll_loss,
)
from .normalization import batch_norm, layer_norm
from .pooling import avg_pool2d, max_pool2d
from .sparse import embedding

__all__ = [
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
    "layer_norm",
    "dropout",
    "embedding",
    "mse_loss",
    "l1_loss",
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv1d",
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "batch_norm",
]
