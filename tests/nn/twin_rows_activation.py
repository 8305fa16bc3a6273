"""Twin rows: the activations."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from twin_support import Row, inplace, on_a_copy, random_weight, twin

import unigrad as ug


def _at_bounds(rng: np.random.Generator, dtype: Any, low: float, high: float) -> np.ndarray:
    """Values around ``[low, high]``, a third of them exactly ``low`` or ``high``."""
    x = rng.uniform(low - 2.0, high + 2.0, (2, 3, 4, 5))
    x.flat[::3] = low
    x.flat[1::6] = high
    return x.astype(dtype)


ROWS = [
    twin("ReLU"),
    Row("ReLU-inplace-positional", lambda: ug.nn.ReLU(True), lambda: torch.nn.ReLU(True), call=on_a_copy),
    twin("ReLU6", low=-2.0, high=8.0),
    inplace("ReLU6", low=-2.0, high=8.0),
    # at the bounds themselves: the gradient is 0 there (torch's hardtanh; TensorFlow's Relu6 kernel)
    twin("ReLU6", id="ReLU6-at-0-and-6", data=lambda rng, dtype: ([_at_bounds(rng, dtype, 0.0, 6.0)], [])),
    twin(
        "Hardtanh",
        0.0,
        6.0,
        id="Hardtanh-(0,6)-at-the-bounds",
        data=lambda rng, dtype: ([_at_bounds(rng, dtype, 0.0, 6.0)], []),
    ),
    twin("LeakyReLU"),
    inplace("LeakyReLU", 0.2),
    inplace("ELU", 0.5),
    inplace("Hardtanh", -2.0, 2.0),
    inplace("Threshold", 0.1, 2.0),
    inplace("RReLU", modes=("eval",)),
    twin("ELU"),
    twin("ELU", alpha=0.5, id="ELU-0.5"),
    twin("ELU", low=-5.0, high=60.0, id="ELU-large"),  # exp would overflow in the unused branch
    twin("SELU"),
    twin("CELU"),
    twin("CELU", alpha=2.0, id="CELU-2"),
    twin("GELU", dtypes=(np.float32,)),
    twin("GELU", approximate="tanh", id="GELU-tanh", dtypes=(np.float32,)),
    # the backends' float64 GELU kernels agree with torch to ~1e-7 (an erf accurate to 1.2e-7)
    twin("GELU", id="GELU-float64", dtypes=(np.float64,), rtol=1e-6, atol=1e-8),
    twin("GELU", approximate="tanh", id="GELU-tanh-float64", dtypes=(np.float64,), rtol=1e-6, atol=1e-8),
    twin("SiLU"),
    twin("Mish"),
    twin("Hardswish", low=-5.0, high=5.0),
    twin("Hardsigmoid", low=-5.0, high=5.0, dtypes=(np.float32,)),
    # torch's float64 hardsigmoid backward multiplies by 1/6 rounded to float32
    twin("Hardsigmoid", id="Hardsigmoid-float64", dtypes=(np.float64,), rtol=1e-7, low=-5.0, high=5.0),
    twin("Hardtanh"),
    twin("Hardtanh", -2.0, 0.5, id="Hardtanh-(-2,0.5)"),
    twin("Sigmoid"),
    twin("Tanh"),
    twin("Softplus"),
    twin("Softplus", beta=2.0, threshold=5.0, id="Softplus-beta2-threshold5"),
    twin("Softplus", low=-60.0, high=60.0, id="Softplus-large"),
    twin("Softsign"),
    twin("Softshrink", low=-2.0, high=2.0),
    twin("Softshrink", 1.0, id="Softshrink-1"),
    twin("Hardshrink", low=-2.0, high=2.0),
    twin("Hardshrink", 1.5, id="Hardshrink-1.5"),
    twin("Tanhshrink"),
    twin("Threshold", 0.5, -3.0),
    twin("PReLU", layer_dtype=True),
    twin("PReLU", 3, init=0.1, id="PReLU-3-channels", layer_dtype=True, prepare=random_weight),
    twin("PReLU", 3, id="PReLU-3-channels-2d", shapes=((4, 3),), layer_dtype=True, prepare=random_weight),
    twin("RReLU", modes=("eval",)),
    twin("RReLU", 0.2, 0.4, id="RReLU-0.2-0.4", modes=("eval",)),
    twin("GLU", shapes=((2, 3, 4, 6),)),
    twin("GLU", 1, id="GLU-dim1", shapes=((2, 6, 3),)),
    twin("LogSigmoid", low=-120.0, high=120.0),
    twin("Softmax", 1),
    twin("Softmax", -1, id="Softmax-last"),
    twin("LogSoftmax", 1),
    twin("Softmin", 2),
    twin("Softmax2d"),
    twin("Softmax2d", id="Softmax2d-unbatched", shapes=((3, 4, 5),)),
]
