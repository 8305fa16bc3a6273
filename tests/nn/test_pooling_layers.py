"""MaxPool2d and AvgPool2d against torch.nn, across backends, and the fast paths against the generic definition."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from layer_support import check_layer, check_paths
from support import BACKENDS

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


# -- 1-d, 3-d, adaptive and power-average pools ---------------------------------------------

NEW_POOLS = [
    ("MaxPool1d", (3, 2, 1), (2, 3, 10)),
    ("AvgPool1d", (3, 2, 1), (2, 3, 10)),
    ("MaxPool3d", (3, 2, 1), (2, 2, 5, 6, 7)),
    ("AvgPool3d", (3, 2, 1), (2, 2, 5, 6, 7)),
    ("AdaptiveAvgPool1d", (3,), (2, 3, 10)),
    ("AdaptiveAvgPool2d", ((3, 5),), (2, 3, 7, 9)),
    ("AdaptiveMaxPool2d", ((3, 5),), (2, 3, 7, 9)),
    ("AdaptiveAvgPool3d", ((2, 3, 1),), (2, 2, 5, 6, 7)),
    ("AdaptiveMaxPool3d", ((2, 3, 1),), (2, 2, 5, 6, 7)),
    ("LPPool1d", (2, 3), (2, 3, 10)),
    ("LPPool2d", (2, 2), (2, 3, 7, 9)),
    ("LPPool3d", (2, 2), (2, 2, 5, 6, 7)),
]


@pytest.mark.parametrize("name, args, shape", NEW_POOLS, ids=[p[0] for p in NEW_POOLS])
def test_new_pools_take_channels_last_input(name, args, shape):
    to_last = (0, *range(2, len(shape)), 1)
    check_layer(
        lambda: getattr(ug.nn, name)(*args, data_format="channels_last"),
        lambda: getattr(torch.nn, name)(*args),
        [images(*shape)],
        call=lambda m, t: m(ug.permute_dims(t, to_last)),
        torch_call=lambda m, t: m(t).permute(*to_last),
    )


POOL3D = [
    ("max_pool3d", dict(kernel_size=3, stride=2, padding=1), ((3,) * 3, (2,) * 3, (1,) * 3, (1,) * 3, False)),
    (
        "max_pool3d",
        dict(kernel_size=3, stride=2, ceil_mode=True),
        ((3,) * 3, (2,) * 3, (0,) * 3, (1,) * 3, True),
    ),
    ("max_pool3d", dict(kernel_size=2, dilation=2), ((2,) * 3, (2,) * 3, (0,) * 3, (2,) * 3, False)),
    (
        "avg_pool3d",
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        ((3,) * 3, (2,) * 3, (1,) * 3, True, False, None),
    ),
    ("avg_pool3d", dict(kernel_size=2, divisor_override=3), ((2,) * 3, (2,) * 3, (0,) * 3, False, True, 3)),
]


@pytest.mark.parametrize("name, config, args", POOL3D, ids=[f"{p[0]}-{ids(p[1])}" for p in POOL3D])
def test_pool3d_fast_path_matches_generic(name, config, args):
    check_paths(
        lambda x: getattr(F, name)(x, **config),
        lambda x: getattr(nn_reference, name)(x, *args),
        [images(2, 2, 5, 6, 7)],
    )


@pytest.mark.parametrize("kind", ["avg", "max"])
@pytest.mark.parametrize("out", [(1, 1), (2, 3), (3, 5), (9, 11)], ids=str)
def test_adaptive_fast_path_matches_generic(kind, out):
    check_paths(
        lambda x: getattr(F, f"adaptive_{kind}_pool2d")(x, out),
        lambda x: getattr(nn_reference, f"adaptive_{kind}_pool")(x, out),
        [images(2, 3, 6, 9)],
    )


@pytest.mark.parametrize("kind", ["avg", "max"])
@pytest.mark.parametrize(("dims", "out"), [(1, 1), (2, 1), (2, (1, None)), (2, (2, 3)), (3, 1)], ids=str)
def test_adaptive_pools_of_channels_last_input_are_the_channels_first_ones_transposed(kind, dims, out):
    # (a global average of NHWC input takes its own path: one mean over the image axes)
    spatial = (5, 6, 7)[:dims]
    function = getattr(F, f"adaptive_{kind}_pool{dims}d")
    moved = (0, *range(2, dims + 2), 1)
    check_paths(
        lambda x: function(x, out, data_format="channels_last"),
        lambda x: ug.permute_dims(
            function(ug.permute_dims(x, (0, dims + 1, *range(1, dims + 1))), out), moved
        ),
        [images(2, *spatial, 3)],
    )


def test_adaptive_bounds_are_torchs():
    from unigrad.nn.reference.pooling_nd import adaptive_bounds

    assert adaptive_bounds(7, 3) == [(0, 3), (2, 5), (4, 7)]
    assert adaptive_bounds(3, 5) == [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]


def _message(call):
    with pytest.raises(ug.UnigradError) as info:
        call()
    assert isinstance(info.value, ValueError)
    return str(info.value)


def test_new_pool_errors_name_the_function_and_read_alike_on_every_backend():
    cases = [
        (lambda: ug.nn.MaxPool1d(5)(ug.ones((1, 2, 3))), r"max_pool1d: .*too small for the kernel \(5,\)"),
        (lambda: ug.nn.AvgPool3d(3)(ug.ones((1, 1, 2, 4, 4))), r"avg_pool3d: .*too small for the kernel"),
        (lambda: ug.nn.MaxPool3d(2, padding=2)(ug.ones((1, 1, 4, 4, 4))), r"max_pool3d: padding .* half"),
        (lambda: ug.nn.AvgPool1d(2, padding=2)(ug.ones((1, 1, 4))), r"avg_pool1d: padding .* half"),
        (
            lambda: ug.nn.AdaptiveAvgPool2d((1, 2, 3))(ug.ones((1, 1, 4, 4))),
            r"adaptive_avg_pool2d: output_size",
        ),
        (lambda: ug.nn.AdaptiveMaxPool3d(2)(ug.ones((4, 4))), r"adaptive_max_pool3d expects a 5-D input"),
        (lambda: ug.nn.MaxPool3d(2)(ug.ones((4, 4))), r"max_pool3d expects a 5-D input \(N, C, D, H, W\)"),
    ]
    for call, pattern in cases:
        messages = set()
        for backend in ("torch", "tensorflow"):
            with ug.use_backend(backend):
                messages.add(_message(call))
        assert len(messages) == 1, messages
        assert re.search(pattern, messages.pop())


def test_new_pool_reprs_read_like_torch():
    for name, args in [
        ("MaxPool1d", (3, 2, 1)),
        ("MaxPool3d", (2,)),
        ("AvgPool1d", (3,)),
        ("AvgPool3d", (3, 2, 1)),
        ("AdaptiveAvgPool2d", ((1, 1),)),
        ("AdaptiveMaxPool1d", (3,)),
        ("LPPool2d", (2, 3)),
    ]:
        assert repr(getattr(ug.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))


# -- indices and unpooling ------------------------------------------------------------------

UNPOOL = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("config", UNPOOL, ids=ids)
def test_max_unpool2d_of_max_pool2d_matches_torch(config, dtype):
    def make(nn):
        return nn.ModuleList([nn.MaxPool2d(**config, return_indices=True), nn.MaxUnpool2d(**config)])

    check_layer(
        lambda: make(ug.nn),
        lambda: make(torch.nn),
        [images(2, 3, 7, 8, dtype=dtype)],
        call=lambda m, x: m[1](*m[0](x), output_size=(7, 8)),
        torch_call=lambda m, x: m[1](*m[0](x), output_size=(7, 8)),
    )


def test_max_unpool2d_channels_last_and_unbatched():
    config = dict(kernel_size=3, stride=2, padding=1)
    make = lambda nn, **fmt: nn.ModuleList(  # noqa: E731
        [nn.MaxPool2d(**config, return_indices=True, **fmt), nn.MaxUnpool2d(**config, **fmt)]
    )
    check_layer(
        lambda: make(ug.nn, data_format="channels_last"),
        lambda: make(torch.nn),
        [images(2, 3, 7, 8)],
        call=lambda m, x: m[1](*m[0](ug.permute_dims(x, (0, 2, 3, 1))), output_size=(7, 8)),
        torch_call=lambda m, x: m[1](*m[0](x), output_size=(7, 8)).permute(0, 2, 3, 1),
    )
    check_layer(
        lambda: make(ug.nn), lambda: make(torch.nn), [images(3, 5, 5)], call=lambda m, x: m[1](*m[0](x))
    )


@pytest.mark.parametrize("config", [*MAX, dict(kernel_size=2, stride=1, padding=1)], ids=ids)
def test_max_pool_indices_are_torchs(config, ug_backend):
    x = images(2, 3, 7, 8)
    _, expected = torch.nn.functional.max_pool2d(torch.as_tensor(x), **config, return_indices=True)
    _, index = F.max_pool2d(ug.asarray(x), **config, return_indices=True)
    np.testing.assert_array_equal(ug.to_numpy(index), expected.numpy())
    _, expected = torch.nn.functional.max_pool1d(torch.as_tensor(x[:, :, 0]), 3, 2, 1, return_indices=True)
    _, index = ug.nn.MaxPool1d(3, 2, 1, return_indices=True)(ug.asarray(x[:, :, 0]))
    np.testing.assert_array_equal(ug.to_numpy(index), expected.numpy())


@pytest.mark.parametrize("config", [UNPOOL[0], dict(kernel_size=(3, 2), stride=(3, 2))], ids=ids)
def test_unpool_fast_paths_match_generic(config):
    # windows that do not overlap: no index repeats, where the generic unpool's gradient is shared
    kernel = config["kernel_size"] if isinstance(config["kernel_size"], tuple) else (2, 2)
    args = (kernel, config.get("stride", kernel), (0, 0), (1, 1), False, False)

    def generic(x):
        y, index = nn_reference.max_pool2d_with_indices(x, *args)
        return nn_reference.max_unpool2d(y, index, (6, 8))

    check_paths(
        lambda x: F.max_unpool2d(*F.max_pool2d(x, **config, return_indices=True), **config),
        generic,
        [images(2, 3, 6, 8)],
    )


def test_max_unpool2d_errors_read_alike_on_every_backend():
    y, index = F.max_pool2d(ug.ones((1, 1, 4, 4)), 2, return_indices=True)
    cases = [
        (lambda: F.max_unpool2d(y, index[..., :1], 2), r"max_unpool2d: indices must have the input's shape"),
        (lambda: F.max_unpool2d(y, index, 2, output_size=(9, 9)), r"max_unpool2d: output_size \(9, 9\)"),
        (
            lambda: F.max_unpool2d(y, index, 2, output_size=(1, 4, 4)),
            r"must be 2 sizes \(or 4 with N and C\)",
        ),
    ]
    for call, pattern in cases:
        messages = set()
        for backend in ("torch", "tensorflow"):
            with ug.use_backend(backend):
                messages.add(_message(call))
        assert len(messages) == 1, messages
        assert re.search(pattern, messages.pop())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("config", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1)], ids=ids)
def test_max_unpool1d_of_max_pool1d_matches_torch(config, dtype):
    def make(nn):
        return nn.ModuleList([nn.MaxPool1d(**config, return_indices=True), nn.MaxUnpool1d(**config)])

    def call(m, x):
        return m[1](*m[0](x), output_size=(2, 3, 9))

    check_layer(
        lambda: make(ug.nn),
        lambda: make(torch.nn),
        [images(2, 3, 9, dtype=dtype)],
        call=call,
        torch_call=call,
    )
    for name, args in [("MaxUnpool1d", (3, 2, 1)), ("MaxUnpool2d", (2,))]:
        assert repr(getattr(ug.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))


VOLUME_POOLS = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(2, 3, 2), stride=(1, 2, 2), padding=(1, 0, 1)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("config", VOLUME_POOLS, ids=ids)
def test_max_unpool3d_of_max_pool3d_matches_torch(config, dtype):
    def make(nn):
        return nn.ModuleList([nn.MaxPool3d(**config, return_indices=True), nn.MaxUnpool3d(**config)])

    def call(m, x):
        return m[1](*m[0](x), output_size=(5, 6, 7))

    check_layer(
        lambda: make(ug.nn),
        lambda: make(torch.nn),
        [images(2, 3, 5, 6, 7, dtype=dtype)],
        call=call,
        torch_call=call,
    )
    assert repr(ug.nn.MaxUnpool3d(2)) == repr(torch.nn.MaxUnpool3d(2))


@pytest.mark.parametrize(
    "config", [*VOLUME_POOLS, dict(kernel_size=(2, 3, 2), dilation=(2, 1, 1), ceil_mode=True)], ids=ids
)
def test_max_pool3d_indices_are_torchs(config, ug_backend):
    x = images(2, 3, 5, 6, 7)
    x[0, 0, :2, :2, :2] = 1.0  # a window of ties: the first in row-major order, as torch
    value, index = F.max_pool3d(ug.asarray(x), **config, return_indices=True)
    expected_value, expected = torch.nn.functional.max_pool3d(
        torch.as_tensor(x), **config, return_indices=True
    )
    np.testing.assert_array_equal(ug.to_numpy(index), expected.numpy())
    np.testing.assert_array_equal(ug.to_numpy(value), expected_value.numpy())


@pytest.mark.parametrize("output_size", [1, 3, (4, None, 5)], ids=str)
@pytest.mark.parametrize("dims", [1, 2, 3])
def test_adaptive_max_pool_indices_are_torchs(dims, output_size, ug_backend):
    x = images(2, 3, *(5, 6, 7)[3 - dims :])
    x[0, 0, ...] = 1.0  # all ties: the first of each window
    size = output_size if isinstance(output_size, int) else output_size[3 - dims :]
    layer = getattr(ug.nn, f"AdaptiveMaxPool{dims}d")(size, return_indices=True)
    value, index = layer(ug.asarray(x))
    twin = getattr(torch.nn, f"AdaptiveMaxPool{dims}d")(size, return_indices=True)
    expected_value, expected = twin(torch.as_tensor(x))
    np.testing.assert_array_equal(ug.to_numpy(index), expected.numpy())
    np.testing.assert_array_equal(ug.to_numpy(value), expected_value.numpy())


@pytest.mark.parametrize(
    "name, shape, args",
    [
        ("max_pool1d_with_indices", (2, 3, 9), (3, 2, 1)),
        ("max_pool2d_with_indices", (2, 3, 7, 8), (3, 2, 1)),
        ("max_pool3d_with_indices", (2, 3, 5, 6, 7), (2,)),
        ("adaptive_max_pool1d_with_indices", (2, 3, 9), (4,)),
        ("adaptive_max_pool2d_with_indices", (2, 3, 7, 8), ((3, 5),)),
        ("adaptive_max_pool3d_with_indices", (2, 3, 5, 6, 7), (2,)),
    ],
)
def test_with_indices_functions_are_torchs(name, shape, args, ug_backend):
    x = images(*shape)
    value, index = getattr(F, name)(ug.asarray(x), *args)
    expected_value, expected = getattr(torch.nn.functional, name)(torch.as_tensor(x), *args)
    np.testing.assert_array_equal(ug.to_numpy(index), expected.numpy())
    np.testing.assert_array_equal(ug.to_numpy(value), expected_value.numpy())


# -- fractional max pools: what the twin rows cannot show -------------------------------------

FRACTIONAL = [
    ("fractional_max_pool2d", (2, 3, 11, 9), dict(kernel_size=(3, 2), output_size=(5, 6))),
    ("fractional_max_pool2d", (3, 50, 40), dict(kernel_size=2, output_ratio=(0.5, 0.3))),
    ("fractional_max_pool3d", (2, 2, 7, 8, 9), dict(kernel_size=(2, 3, 2), output_size=(4, 5, 3))),
]


@pytest.mark.parametrize("name, shape, config", FRACTIONAL, ids=[f"{f[0]}-{f[1]}" for f in FRACTIONAL])
def test_fractional_max_pool_indices_are_torchs(name, shape, config, ug_backend):
    dims = int(name[-2])
    x = images(*shape, dtype=np.float64)
    batch = shape[0] if len(shape) == dims + 2 else 1
    samples = rng.uniform(size=(batch, shape[-dims - 1], dims))
    ours = getattr(F, f"{name}_with_indices")(ug.asarray(x), **config, _random_samples=ug.asarray(samples))
    theirs = getattr(torch.nn.functional, name)(
        torch.as_tensor(x), **config, return_indices=True, _random_samples=torch.as_tensor(samples)
    )
    assert isinstance(ours, tuple) and len(ours) == 2
    np.testing.assert_array_equal(ug.to_numpy(ours[0]), theirs[0].numpy())
    assert ug.to_numpy(ours[1]).dtype == np.int64
    np.testing.assert_array_equal(ug.to_numpy(ours[1]), theirs[1].numpy())


def test_fractional_max_pool_draws_its_samples_from_ug_random():
    x = images(2, 3, 10, 12)
    outputs = {}
    for backend in BACKENDS:
        with ug.use_backend(backend):
            ug.random.seed(4)
            samples = np.array(ug.to_numpy(ug.random.uniform((2, 3, 2), dtype=ug.float32)))
            ug.random.seed(4)
            pool = ug.nn.FractionalMaxPool2d(3, output_ratio=(0.5, 0.6), return_indices=True)
            assert list(pool.state_dict()) == list(
                torch.nn.FractionalMaxPool2d(3, output_ratio=0.5).state_dict()
            )
            y, index = pool(ug.asarray(x))
            outputs[backend] = ug.to_numpy(y)
            expected = torch.nn.FractionalMaxPool2d(
                3, output_ratio=(0.5, 0.6), return_indices=True, _random_samples=torch.as_tensor(samples)
            )(torch.as_tensor(x))
            np.testing.assert_array_equal(outputs[backend], expected[0].numpy())
            np.testing.assert_array_equal(ug.to_numpy(index), expected[1].numpy())
            # a new call, new samples (the windows move)
            assert not np.array_equal(ug.to_numpy(pool(ug.asarray(x))[1]), ug.to_numpy(index))
    for backend in BACKENDS[1:]:
        np.testing.assert_array_equal(outputs[backend], outputs[BACKENDS[0]])


def test_fractional_max_pool_state_repr_and_errors_are_torchs(ug_backend):
    samples = np.full((1, 2, 3), 0.5, np.float32)
    ours = ug.nn.FractionalMaxPool3d(2, output_size=3, _random_samples=ug.asarray(samples))
    theirs = torch.nn.FractionalMaxPool3d(2, output_size=3, _random_samples=torch.as_tensor(samples))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["_random_samples"]
    assert repr(ours) == repr(theirs) == "FractionalMaxPool3d()"
    assert ours.kernel_size == theirs.kernel_size and ours.output_size == theirs.output_size
    with pytest.raises(ug.ArgumentError, match="either an output size, or a pooling ratio"):
        ug.nn.FractionalMaxPool2d(2)
    with pytest.raises(ug.ArgumentError, match="only one of output_size and output_ratio"):
        ug.nn.FractionalMaxPool2d(2, output_size=3, output_ratio=0.5)
    with pytest.raises(ug.ArgumentError, match=r"output_ratio must be between 0 and 1 \(got 1.5\)"):
        ug.nn.FractionalMaxPool2d(2, output_ratio=1.5)
    with pytest.raises(ug.ArgumentError, match="kernel_size must be greater than 0"):
        ug.nn.FractionalMaxPool3d(0, output_size=2)
    with pytest.raises(
        ug.ShapeError,
        match=r"fractional_max_pool2d: 7 outputs of a 4-wide pool need an input height of at least 10",
    ):
        F.fractional_max_pool2d(ug.ones((1, 1, 8, 8)), 4, output_size=7)
    with pytest.raises(ug.ShapeError, match=r"_random_samples must have shape \(1, 2, 2\).*got \(1, 2, 3\)"):
        F.fractional_max_pool2d(ug.ones((1, 2, 8, 8)), 2, output_size=4, _random_samples=ug.ones((1, 2, 3)))
    with pytest.raises(ug.ShapeError, match=r"expects a 5-D input \(N, C, D, H, W\).*got shape \(2, 8, 8\)"):
        F.fractional_max_pool3d(ug.ones((2, 8, 8)), 2, output_size=4)
