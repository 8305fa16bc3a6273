"""MaxPool2d and AvgPool2d against torch.nn, across backends, and the fast paths against the generic definition."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from layer_support import check_layer, check_paths

import unigrad as ug
import unigrad.nn.functional as F
from unigrad.nn import reference as nn_reference

rng = np.random.default_rng(1)


def images(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


MAX = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 0)),
    dict(kernel_size=3, stride=2, ceil_mode=True),
    dict(kernel_size=2, stride=1, dilation=2, padding=1),
]
AVG = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1), ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=2, divisor_override=3),
]


def ids(config):
    return ",".join(f"{k}={v}" for k, v in config.items())


@pytest.mark.parametrize("last", [False, True], ids=["nchw", "nhwc"])
@pytest.mark.parametrize("config", MAX, ids=ids)
def test_max_pool2d_matches_torch(config, last):
    x = images(2, 3, 7, 8)
    fmt = "channels_last" if last else "channels_first"
    call = (lambda m, t: m(ug.permute_dims(t, (0, 2, 3, 1)))) if last else None
    torch_call = (lambda m, t: m(t).permute(0, 2, 3, 1)) if last else None
    check_layer(
        lambda: ug.nn.MaxPool2d(**config, data_format=fmt),
        lambda: torch.nn.MaxPool2d(**config),
        [x],
        call=call,
        torch_call=torch_call,
    )


@pytest.mark.parametrize("last", [False, True], ids=["nchw", "nhwc"])
@pytest.mark.parametrize("config", AVG, ids=ids)
def test_avg_pool2d_matches_torch(config, last):
    x = images(2, 3, 7, 8)
    fmt = "channels_last" if last else "channels_first"
    call = (lambda m, t: m(ug.permute_dims(t, (0, 2, 3, 1)))) if last else None
    torch_call = (lambda m, t: m(t).permute(0, 2, 3, 1)) if last else None
    check_layer(
        lambda: ug.nn.AvgPool2d(**config, data_format=fmt),
        lambda: torch.nn.AvgPool2d(**config),
        [x],
        call=call,
        torch_call=torch_call,
    )


def test_pools_unbatched_and_float64():
    x = images(3, 6, 6, dtype=np.float64)
    check_layer(lambda: ug.nn.MaxPool2d(3, 2, 1), lambda: torch.nn.MaxPool2d(3, 2, 1), [x])
    check_layer(
        lambda: ug.nn.AvgPool2d(3, 2, 1, ceil_mode=True),
        lambda: torch.nn.AvgPool2d(3, 2, 1, ceil_mode=True),
        [x],
    )


@pytest.mark.parametrize("last", [False, True], ids=["nchw", "nhwc"])
@pytest.mark.parametrize("config", [MAX[1], MAX[3], MAX[4]], ids=ids)
def test_max_pool2d_fast_path_matches_generic(config, last):
    x = images(2, 7, 8, 3) if last else images(2, 3, 7, 8)
    pair = lambda v: (v, v) if isinstance(v, int) else v  # noqa: E731
    kernel = pair(config["kernel_size"])
    args = (
        kernel,
        pair(config.get("stride", kernel)),
        pair(config.get("padding", 0)),
        pair(config.get("dilation", 1)),
        config.get("ceil_mode", False),
        last,
    )
    fmt = "channels_last" if last else "channels_first"
    check_paths(
        lambda x: F.max_pool2d(x, **config, data_format=fmt), lambda x: nn_reference.max_pool2d(x, *args), [x]
    )


@pytest.mark.parametrize("last", [False, True], ids=["nchw", "nhwc"])
@pytest.mark.parametrize("config", AVG[1:], ids=ids)
def test_avg_pool2d_fast_path_matches_generic(config, last):
    x = images(2, 7, 8, 3) if last else images(2, 3, 7, 8)
    pair = lambda v: (v, v) if isinstance(v, int) else v  # noqa: E731
    kernel = pair(config["kernel_size"])
    args = (
        kernel,
        pair(config.get("stride", kernel)),
        pair(config.get("padding", 0)),
        config.get("ceil_mode", False),
        config.get("count_include_pad", True),
        config.get("divisor_override"),
        last,
    )
    fmt = "channels_last" if last else "channels_first"
    check_paths(
        lambda x: F.avg_pool2d(x, **config, data_format=fmt), lambda x: nn_reference.avg_pool2d(x, *args), [x]
    )


def test_pool_errors_name_the_shapes(ug_backend):
    with pytest.raises(ug.ShapeError, match=r"4-D input \(N, H, W, C\).*got shape \(4, 4\)"):
        ug.nn.MaxPool2d(2, data_format="channels_last")(ug.ones((4, 4)))
    with pytest.raises(ug.ShapeError, match=r"too small.*\(0, 0\)"):
        ug.nn.AvgPool2d(3)(ug.ones((1, 1, 2, 2)))
    with pytest.raises(ValueError, match="at most half of the kernel"):
        F.max_pool2d(ug.ones((1, 1, 4, 4)), 2, padding=2)
    with pytest.raises(ValueError, match="data_format"):
        ug.nn.AvgPool2d(2, data_format="NHWC")


@pytest.mark.parametrize("shape", [(2, 3, 7, 8), (4, 16, 33, 32)], ids=["small", "large"])
@pytest.mark.parametrize("config", MAX, ids=ids)
def test_max_pool2d_for_inference_is_exact(config, shape, ug_backend):
    # no gradient to come: on large inputs the torch backend takes another route (strided slices) on CPU
    x = images(*shape)
    expected = torch.nn.functional.max_pool2d(torch.as_tensor(x), **config).numpy()
    np.testing.assert_array_equal(ug.to_numpy(F.max_pool2d(ug.asarray(x), **config)), expected)
