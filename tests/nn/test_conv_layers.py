"""The convolutions (Conv1d/2d/3d, ConvTranspose1d/2d/3d, padding modes) against torch.nn, across
backends, and the fast paths against the generic definitions."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from layer_support import check_layer, check_paths

import unigrad as ug
import unigrad.nn.functional as F
from unigrad.nn import reference as nn_reference

rng = np.random.default_rng(0)


def images(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


CONV2D = [
    dict(),
    dict(stride=2, padding=1),
    dict(stride=(2, 1), padding=(0, 2), dilation=(1, 2)),
    dict(padding="same", dilation=2),
    dict(padding="same", kernel_size=(2, 4)),  # even kernels: the extra pad goes at the end
    dict(padding="valid", bias=False),
    dict(groups=2, padding=1),
    dict(groups=4, out_channels=8, stride=2),  # depthwise, channel multiplier 2
    dict(groups=4, out_channels=4, stride=(1, 2), padding=1),  # depthwise, unequal strides
]


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")
@pytest.mark.parametrize(
    "config", CONV2D, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "default"
)
def test_conv2d_matches_torch(config):
    args = dict(in_channels=4, out_channels=6, kernel_size=3) | config
    check_layer(lambda: ug.nn.Conv2d(**args), lambda: torch.nn.Conv2d(**args), [images(2, 4, 7, 6)])


@pytest.mark.parametrize("config", [dict(), dict(stride=2, padding=1, groups=2)], ids=["default", "strided"])
def test_conv2d_channels_last(config):
    args = dict(in_channels=4, out_channels=6, kernel_size=3) | config
    x = images(2, 7, 6, 4)  # NHWC
    check_layer(
        lambda: ug.nn.Conv2d(**args, data_format="channels_last"),
        lambda: torch.nn.Conv2d(**args),
        [x],
        torch_call=lambda m, t: m(t.permute(0, 3, 1, 2)).permute(0, 2, 3, 1),
    )


def test_conv2d_float64_and_unbatched():
    args = dict(in_channels=3, out_channels=2, kernel_size=(3, 2), stride=2, padding=(1, 0), dilation=(2, 1))
    check_layer(
        lambda: ug.nn.Conv2d(**args, dtype=ug.float64),
        lambda: torch.nn.Conv2d(**args),
        [images(2, 3, 9, 8, dtype=np.float64)],
    )
    check_layer(lambda: ug.nn.Conv2d(**args), lambda: torch.nn.Conv2d(**args), [images(3, 9, 8)])


@pytest.mark.parametrize(
    "config",
    [
        dict(),
        dict(stride=2, padding=2, dilation=2),
        dict(padding="same", groups=2),
        dict(data_format="channels_last"),
        dict(unbatched=True),
    ],
    ids=["default", "strided", "same", "nlc", "unbatched"],
)
def test_conv1d_matches_torch(config):
    args = dict(in_channels=4, out_channels=6, kernel_size=3) | config
    last = args.pop("data_format", None)
    x = images(2, 4, 11) if last is None else images(2, 11, 4)
    if args.pop("unbatched", False):
        x = x[0]
    torch_call = None if last is None else (lambda m, t: m(t.transpose(1, 2)).transpose(1, 2))
    check_layer(
        lambda: ug.nn.Conv1d(**args, **({"data_format": last} if last else {})),
        lambda: torch.nn.Conv1d(**args),
        [x],
        torch_call=torch_call,
    )


@pytest.mark.parametrize("last", [False, True], ids=["nchw", "nhwc"])
@pytest.mark.parametrize(
    "public, normalized",
    [
        (dict(padding=1), dict(padding=((1, 1), (1, 1)))),
        (
            dict(padding="same", dilation=(1, 2), groups=2),
            dict(padding=((0, 1), (2, 2)), dilation=(1, 2), groups=2),
        ),
        (dict(stride=2, groups=4), dict(stride=(2, 2), groups=4)),
        (
            dict(stride=(2, 1), padding=(1, 0), groups=4),
            dict(stride=(2, 1), padding=((1, 1), (0, 0)), groups=4),
        ),
    ],
    ids=["plain", "same-asymmetric", "depthwise", "depthwise-unequal-strides"],
)
def test_conv2d_fast_path_matches_generic(public, normalized, last):
    groups = public.get("groups", 1)
    x = images(2, 7, 6, 4) if last else images(2, 4, 7, 6)
    w, b = images(8, 4 // groups, 2, 3), images(8)
    fmt = "channels_last" if last else "channels_first"
    args = dict(stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), groups=1) | normalized
    check_paths(
        lambda x, w, b: F.conv2d(x, w, b, **public, data_format=fmt),
        lambda x, w, b: nn_reference.conv2d(
            x, w, b, args["stride"], args["padding"], args["dilation"], args["groups"], last
        ),
        [x, w, b],
    )


def test_conv_errors_name_the_shapes(ug_backend):
    conv = ug.nn.Conv2d(3, 8, 3)
    with pytest.raises(
        ValueError,
        match=r"expected input with 3 channels, shape \(N, 3, H, W\).*got input of shape \(2, 4, 5, 5\)",
    ):
        conv(ug.ones((2, 4, 5, 5)))
    with pytest.raises(ug.ShapeError, match=r"4-D input \(N, C, H, W\).*got shape \(5, 5\)"):
        conv(ug.ones((5, 5)))
    with pytest.raises(ug.ShapeError, match="smaller than the kernel"):
        conv(ug.ones((1, 3, 2, 2)))
    with pytest.raises(ValueError, match="stride 1"):
        ug.nn.Conv2d(3, 8, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="divide by groups"):
        ug.nn.Conv2d(3, 8, 3, groups=2)
    with pytest.raises(ug.ShapeError, match=r"shape \(N, L, 3\).*got input of shape \(2, 5, 4\)"):
        ug.nn.Conv1d(3, 8, 3, data_format="channels_last")(ug.ones((2, 5, 4)))


def test_small_cnn_matches_torch_across_backends():
    def make():
        return ug.nn.Sequential(
            ug.nn.Conv2d(3, 4, 3, padding=1),
            ug.nn.BatchNorm2d(4),
            ug.nn.ReLU(),
            ug.nn.MaxPool2d(2),
            ug.nn.Conv2d(4, 2, 3, stride=2, groups=2),
            ug.nn.AvgPool2d(2, ceil_mode=True),
            ug.nn.Flatten(),
            ug.nn.Linear(2, 3),
        )

    def make_torch():
        return torch.nn.Sequential(
            torch.nn.Conv2d(3, 4, 3, padding=1),
            torch.nn.BatchNorm2d(4),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(4, 2, 3, stride=2, groups=2),
            torch.nn.AvgPool2d(2, ceil_mode=True),
            torch.nn.Flatten(),
            torch.nn.Linear(2, 3),
        )

    check_layer(make, make_torch, [images(2, 3, 8, 8)])


def test_repr_reads_like_torch():
    assert repr(ug.nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)) == (
        "Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)"
    )


@pytest.mark.backends("tensorflow")
def test_layers_trace_in_tf_function_with_fixed_shapes(ug_backend):
    import tensorflow as tf

    model = ug.nn.Sequential(
        ug.nn.Conv2d(3, 4, 3, padding=1, groups=1),
        ug.nn.BatchNorm2d(4),
        ug.nn.ReLU(),
        ug.nn.MaxPool2d(2),
        ug.nn.AvgPool2d(2),
    ).eval()
    x = ug.asarray(images(2, 3, 8, 8))
    traced = tf.function(model, input_signature=[tf.TensorSpec((2, 3, 8, 8))], autograph=False)
    np.testing.assert_allclose(ug.to_numpy(traced(x)), ug.to_numpy(model(x)), rtol=1e-6, atol=1e-6)
    unknown_batch = tf.function(model, input_signature=[tf.TensorSpec((None, 3, 8, 8))], autograph=False)
    with pytest.raises(ug.ShapeError, match="known shape"):
        unknown_batch(x)


# -- transposed convolutions and padding modes -------------------------------------------------


@pytest.mark.parametrize("last", [False, True], ids=["nchw", "nhwc"])
@pytest.mark.parametrize(
    "options",
    [
        dict(),
        dict(stride=2, padding=1, output_padding=1),
        dict(stride=(1, 2), padding=(2, 0), dilation=(2, 1), groups=2),
        dict(
            dilation=2, output_padding=1
        ),  # output_padding >= stride: TF's fused kernel defers to the reference
    ],
    ids=["plain", "strided", "groups-dilation", "output-padding-under-dilation"],
)
def test_conv_transpose2d_fast_path_matches_generic(options, last):
    groups = options.get("groups", 1)
    x = images(2, 5, 6, 4) if last else images(2, 4, 5, 6)
    w, b = images(4, 6 // groups, 3, 2), images(6)
    fmt = "channels_last" if last else "channels_first"
    args = dict(stride=1, padding=0, output_padding=0, dilation=1, groups=1) | options
    pair = {k: (v, v) if isinstance(v, int) and k != "groups" else v for k, v in args.items()}
    check_paths(
        lambda x, w, b: F.conv_transpose2d(x, w, b, **options, data_format=fmt),
        lambda x, w, b: nn_reference.conv_transpose2d(
            x,
            w,
            b,
            pair["stride"],
            pair["padding"],
            pair["output_padding"],
            pair["dilation"],
            args["groups"],
            last,
        ),
        [x, w, b],
    )


@pytest.mark.parametrize(
    "make, shape",
    [
        (
            lambda nn, **f: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, **f),
            (2, 4, 5, 6),
        ),
        (lambda nn, **f: nn.ConvTranspose1d(4, 2, 4, stride=2, padding=1, **f), (2, 4, 7)),
        (lambda nn, **f: nn.Conv2d(4, 6, 3, padding=(1, 2), padding_mode="reflect", **f), (2, 4, 5, 6)),
        (lambda nn, **f: nn.Conv1d(4, 6, 3, padding=2, padding_mode="circular", **f), (2, 4, 7)),
        (lambda nn, **f: nn.Conv3d(4, 6, 3, padding=1, padding_mode="replicate", **f), (2, 4, 3, 4, 5)),
        (lambda nn, **f: nn.ConvTranspose3d(4, 2, 2, stride=2, **f), (2, 4, 3, 4, 2)),
    ],
    ids=[
        "ConvTranspose2d",
        "ConvTranspose1d",
        "Conv2d-reflect",
        "Conv1d-circular",
        "Conv3d-replicate",
        "ConvTranspose3d",
    ],
)
def test_channels_last_matches_torch(make, shape):
    check_layer(
        lambda: make(ug.nn, data_format="channels_last"),
        lambda: make(torch.nn),
        [np.moveaxis(images(*shape), 1, -1)],
        torch_call=lambda m, x: m(x.movedim(-1, 1)).movedim(1, -1),
    )


def test_conv_transpose_output_size_as_torch(ug_backend):
    layer = ug.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)
    x = ug.ones((1, 4, 5, 5))
    assert tuple(layer(x).shape) == (1, 2, 9, 9)
    assert tuple(layer(x, output_size=(10, 10)).shape) == (1, 2, 10, 10)
    assert tuple(layer(x, output_size=(1, 2, 10, 9)).shape) == (1, 2, 10, 9)
    with pytest.raises(ValueError, match=r"ConvTranspose2d: requested an output size of \(11, 9\)"):
        layer(x, output_size=(11, 9))


def test_conv_transpose_and_padding_mode_errors_name_the_layer(ug_backend):
    up = ug.nn.ConvTranspose2d(3, 8, 3)
    with pytest.raises(
        ug.ShapeError,
        match=r"conv_transpose2d: expected input with 3 channels, shape \(N, 3, H, W\).*got input of shape "
        r"\(2, 4, 5, 5\)",
    ):
        up(ug.ones((2, 4, 5, 5)))
    with pytest.raises(
        ValueError, match=r"ConvTranspose2d: output_padding \(2, 2\) must be smaller than either"
    ):
        ug.nn.ConvTranspose2d(3, 8, 3, stride=2, output_padding=2)
    with pytest.raises(ValueError, match=r"conv_transpose1d: output_padding \(1,\) must be smaller"):
        F.conv_transpose1d(ug.ones((1, 3, 4)), ug.ones((3, 2, 3)), output_padding=1)
    with pytest.raises(ug.ShapeError, match=r"conv_transpose2d: .*gives an empty output"):
        F.conv_transpose2d(ug.ones((1, 3, 1, 1)), ug.ones((3, 2, 1, 1)), padding=1)
    with pytest.raises(ValueError, match="ConvTranspose2d: only padding_mode='zeros'"):
        ug.nn.ConvTranspose2d(3, 8, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match=r"Conv2d: padding_mode must be one of .*got 'mirror'"):
        ug.nn.Conv2d(3, 8, 3, padding_mode="mirror")
    with pytest.raises(
        ug.ShapeError, match=r"Conv2d: padding_mode='reflect' pads at most 2 on an axis of size 3"
    ):
        ug.nn.Conv2d(3, 8, 3, padding=3, padding_mode="reflect")(ug.ones((1, 3, 3, 8)))
    with pytest.raises(
        ug.ShapeError,
        match=r"Conv2d: input of spatial size \(2, 2\) \(padding_mode='replicate'.*smaller than the kernel",
    ):
        ug.nn.Conv2d(3, 8, 5, padding=1, padding_mode="replicate")(ug.ones((1, 3, 2, 2)))
    with pytest.raises(ug.ShapeError, match=r"Conv2d expects a 4-D input"):
        ug.nn.Conv2d(3, 8, 3, padding=1, padding_mode="circular")(ug.ones((3, 3)))
    assert issubclass(ug.ShapeError, ug.UnigradError) and issubclass(ug.ShapeError, ValueError)


def test_conv_transpose_repr_reads_like_torch():
    for args, options in [
        ((4, 4, 3), dict(padding=1, output_padding=1, stride=2, groups=2, dilation=2, bias=False)),
        ((4, 2, 3), {}),
    ]:
        assert repr(ug.nn.ConvTranspose2d(*args, **options)) == repr(
            torch.nn.ConvTranspose2d(*args, **options)
        )
    options = dict(padding=1, groups=2, bias=False, padding_mode="reflect")
    assert repr(ug.nn.Conv2d(4, 4, 3, **options)) == repr(torch.nn.Conv2d(4, 4, 3, **options))


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")
@pytest.mark.parametrize("last", [False, True], ids=["ncdhw", "ndhwc"])
@pytest.mark.parametrize(
    "options, normalized",
    [
        (dict(padding=1), dict(padding=((1, 1),) * 3)),
        (dict(padding="same", groups=2), dict(padding=((0, 1), (1, 1), (0, 1)), groups=2)),
        (dict(stride=(2, 1, 2), dilation=(1, 2, 1)), dict(stride=(2, 1, 2), dilation=(1, 2, 1))),
    ],
    ids=["padded", "same-asymmetric-groups", "strided-dilated"],
)
def test_conv3d_fast_path_matches_generic(options, normalized, last):
    groups = options.get("groups", 1)
    x = images(2, 4, 5, 6, 4) if last else images(2, 4, 4, 5, 6)
    w, b = images(6, 4 // groups, 2, 3, 2), images(6)
    fmt = "channels_last" if last else "channels_first"
    args = dict(stride=(1, 1, 1), padding=((0, 0),) * 3, dilation=(1, 1, 1), groups=1) | normalized
    check_paths(
        lambda x, w, b: F.conv3d(x, w, b, **options, data_format=fmt),
        lambda x, w, b: nn_reference.conv3d(
            x, w, b, args["stride"], args["padding"], args["dilation"], args["groups"], last
        ),
        [x, w, b],
    )


@pytest.mark.parametrize("last", [False, True], ids=["ncdhw", "ndhwc"])
@pytest.mark.parametrize(
    "options",
    [
        dict(stride=2, padding=1, output_padding=1),
        dict(stride=(1, 2, 1), padding=(1, 0, 2), dilation=(2, 1, 1), groups=2),
        dict(
            dilation=2, output_padding=1
        ),  # output_padding >= stride: TF's fused kernel defers to the reference
    ],
    ids=["strided", "groups-dilation", "output-padding-under-dilation"],
)
def test_conv_transpose3d_fast_path_matches_generic(options, last):
    groups = options.get("groups", 1)
    x = images(2, 3, 4, 5, 4) if last else images(2, 4, 3, 4, 5)
    w, b = images(4, 6 // groups, 3, 2, 3), images(6)
    fmt = "channels_last" if last else "channels_first"
    args = dict(stride=1, padding=0, output_padding=0, dilation=1, groups=1) | options
    triple = {k: (v,) * 3 if isinstance(v, int) and k != "groups" else v for k, v in args.items()}
    check_paths(
        lambda x, w, b: F.conv_transpose3d(x, w, b, **options, data_format=fmt),
        lambda x, w, b: nn_reference.conv_transpose3d(
            x,
            w,
            b,
            triple["stride"],
            triple["padding"],
            triple["output_padding"],
            triple["dilation"],
            args["groups"],
            last,
        ),
        [x, w, b],
    )


def test_conv3d_errors_name_the_shapes(ug_backend):
    with pytest.raises(
        ug.ShapeError, match=r"conv3d expects a 5-D input \(N, C, D, H, W\).*got shape \(3, 4\)"
    ):
        ug.nn.Conv3d(3, 8, 3)(ug.ones((3, 4)))
    with pytest.raises(
        ug.ShapeError, match=r"conv3d: expected input with 3 channels, shape \(N, D, H, W, 3\)"
    ):
        ug.nn.Conv3d(3, 8, 3, data_format="channels_last")(ug.ones((1, 4, 4, 4, 2)))
    with pytest.raises(
        ug.ShapeError, match=r"conv3d: input of spatial size \(2, 4, 4\).*smaller than the kernel"
    ):
        ug.nn.Conv3d(3, 8, 3)(ug.ones((1, 3, 2, 4, 4)))
    with pytest.raises(ug.ShapeError, match=r"conv_transpose3d: expected input with 3 channels"):
        ug.nn.ConvTranspose3d(3, 8, 3)(ug.ones((1, 2, 2, 4, 4)))


class _TBC(torch.nn.Module):
    def __init__(self, pad):
        super().__init__()
        self.pad = pad

    def forward(self, x, w, b):
        return torch.conv_tbc(x, w, b, self.pad)


@pytest.mark.parametrize("pad", [0, 1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv_tbc_matches_torch(pad, dtype):
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal(s).astype(dtype) for s in ((7, 2, 3), (3, 3, 4), (4,))]
    check_layer(lambda: lambda x, w, b: F.conv_tbc(x, w, b, pad), lambda: _TBC(pad), inputs)
