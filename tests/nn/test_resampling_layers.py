"""Padding, resampling and dropout: what a twin row cannot show.

Outputs and gradients are twin rows (``twin_rows_resampling.py``); here: dropout
in training (statistics, whole-channel masks, the same mask on every backend for
one seed), torch's reprs, the error messages, the fused kernels against the
reference definitions, and ``affine_grid`` / ``grid_sample``, which torch.nn has
no module for (so no twin row): their outputs and gradients against torch's.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from layer_support import check_layer, check_paths
from support import BACKENDS

import unigrad as ug
import unigrad.nn.functional as F
from unigrad.nn import reference as nn_reference

# (layer, input shape, the shape a channel's mask has: 1 where one draw covers the dimension)
CHANNEL_DROPOUTS = [
    ("Dropout1d", (8, 64, 5), (8, 64, 1)),
    ("Dropout1d", (64, 5), (64, 1)),
    ("Dropout2d", (8, 64, 3, 4), (8, 64, 1, 1)),
    ("Dropout3d", (8, 64, 2, 3, 2), (8, 64, 1, 1, 1)),
    ("Dropout3d", (64, 2, 3, 2), (64, 1, 1, 1)),
]


def train_output(name: str, x: np.ndarray, p: float, seed: int = 0) -> np.ndarray:
    ug.random.seed(seed)
    return ug.to_numpy(getattr(ug.nn, name)(p).train()(ug.asarray(x)))


@pytest.mark.parametrize("name, shape, mask_shape", CHANNEL_DROPOUTS)
def test_channel_dropout_drops_whole_channels_at_rate_p_and_scales_the_rest(
    ug_backend: str, name: str, shape: tuple[int, ...], mask_shape: tuple[int, ...]
) -> None:
    x = np.random.default_rng(0).uniform(1.0, 2.0, shape).astype(np.float32)
    y = train_output(name, x, 0.3)
    kept = y != 0
    # one draw per channel: every element of a channel is kept or dropped together
    axes = tuple(i for i, n in enumerate(mask_shape) if n == 1)
    assert np.all(kept.all(axis=axes) | ~kept.any(axis=axes))
    np.testing.assert_allclose(y[kept], x[kept] / 0.7, rtol=1e-6)
    rate = 1.0 - kept.all(axis=axes).mean()
    assert abs(rate - 0.3) < 0.1, rate


def test_dropout_masks_follow_the_seed_alike_on_every_backend() -> None:
    x = np.random.default_rng(1).uniform(1.0, 2.0, (4, 16, 3, 3)).astype(np.float32)
    for name in ("Dropout", "Dropout2d", "AlphaDropout", "FeatureAlphaDropout"):
        outputs = []
        for backend in BACKENDS:
            with ug.use_backend(backend):
                outputs.append(train_output(name, x, 0.4, seed=7))
                assert not np.array_equal(outputs[-1], train_output(name, x, 0.4, seed=8)), name
        for other in outputs[1:]:
            np.testing.assert_allclose(other, outputs[0], rtol=1e-6, err_msg=name)


@pytest.mark.parametrize("name", ["AlphaDropout", "FeatureAlphaDropout"])
def test_alpha_dropout_keeps_zero_mean_and_unit_variance(ug_backend: str, name: str) -> None:
    x = np.random.default_rng(2).standard_normal((64, 256, 8)).astype(np.float32)
    y = train_output(name, x, 0.2)
    assert abs(y.mean()) < 0.05 and abs(y.std() - 1.0) < 0.05, (y.mean(), y.std())
    # a dropped element becomes a * -alpha + b = a * alpha * (p - 1), with torch's a and b
    alpha = 1.7580993408473766
    dropped_value = alpha * (0.2 - 1.0) / np.sqrt((alpha * alpha * 0.2 + 1.0) * 0.8)
    keep = np.abs(y - dropped_value) > 1e-5
    assert abs((~keep).mean() - 0.2) < 0.02
    a = 1.0 / np.sqrt((alpha * alpha * 0.2 + 1.0) * 0.8)
    np.testing.assert_allclose(y[keep], a * x[keep] + alpha * a * 0.2, rtol=1e-5, atol=1e-6)
    if name == "FeatureAlphaDropout":
        assert np.all(keep.all(axis=2) | ~keep.any(axis=2))


def test_dropout_probability_one_zeroes_and_eval_is_the_identity(ug_backend: str) -> None:
    x = np.ones((2, 3, 4, 4), np.float32)
    for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d"):
        shape = {"Dropout1d": (2, 3, 4), "Dropout3d": (2, 3, 2, 2, 4)}.get(name, x.shape)
        ones = np.ones(shape, np.float32)
        assert not train_output(name, ones, 1.0).any(), name
        np.testing.assert_array_equal(ug.to_numpy(getattr(ug.nn, name)(0.9).eval()(ug.asarray(ones))), ones)


def test_reprs_and_defaults_read_like_torch() -> None:
    layers: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
        ("ZeroPad1d", (2,), {}),
        ("ZeroPad2d", ((1, 0, 2, 3),), {}),
        ("ZeroPad3d", (1,), {}),
        ("ConstantPad1d", (2, 3.5), {}),
        ("ConstantPad2d", ((1, 2, 3, 4),), {"value": -1.0}),
        ("ConstantPad3d", (1, 0.0), {}),
        ("ReflectionPad1d", (2,), {}),
        ("ReflectionPad2d", ((1, 0, 2, 3),), {}),
        ("ReflectionPad3d", (1,), {}),
        ("ReplicationPad1d", ((3, 1),), {}),
        ("ReplicationPad2d", (2,), {}),
        ("ReplicationPad3d", (1,), {}),
        ("CircularPad1d", (2,), {}),
        ("CircularPad2d", ((1, 2, 3, 4),), {}),
        ("CircularPad3d", (1,), {}),
        ("Upsample", (), {"scale_factor": 2}),
        ("Upsample", (), {"size": (3, 4), "mode": "bilinear", "align_corners": True}),
        ("Upsample", (), {"scale_factor": (2, 3)}),
        ("UpsamplingNearest2d", (), {"scale_factor": 2}),
        ("UpsamplingBilinear2d", ((4, 5),), {}),
        ("PixelShuffle", (3,), {}),
        ("PixelUnshuffle", (2,), {}),
        ("ChannelShuffle", (4,), {}),
        ("Fold", ((4, 5), 2), {"stride": (1, 2)}),
        ("Unfold", ((2, 3),), {"padding": 1, "dilation": 2}),
        ("Dropout", (), {}),
        ("Dropout1d", (0.2,), {}),
        ("Dropout2d", (), {"inplace": True}),
        ("Dropout3d", (0.1,), {}),
        ("AlphaDropout", (0.3,), {}),
        ("FeatureAlphaDropout", (), {}),
    ]
    for name, args, kwargs in layers:
        ours, theirs = getattr(ug.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
        assert repr(ours) == repr(theirs), name
        assert list(ours.state_dict()) == [], name
    upsample = ug.nn.Upsample(scale_factor=2, mode="bilinear")
    assert (upsample.scale_factor, upsample.align_corners, upsample.recompute_scale_factor) == (
        2.0,
        None,
        None,
    )


def test_functional_resampling_matches_torch_for_the_unet_paths(ug_backend: str) -> None:
    x = np.random.default_rng(3).standard_normal((2, 4, 6, 5)).astype(np.float32)
    for kwargs in (
        {"scale_factor": 2, "mode": "nearest"},
        {"scale_factor": 2, "mode": "bilinear", "align_corners": False},
        {"scale_factor": 2, "mode": "bilinear", "align_corners": True},
        {"size": (11, 7), "mode": "bilinear"},
        {"scale_factor": 0.5, "mode": "area"},
    ):
        ours = ug.to_numpy(F.interpolate(ug.asarray(x), **kwargs))
        theirs = torch.nn.functional.interpolate(torch.as_tensor(x), **kwargs).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6, err_msg=str(kwargs))
    for mode, pad in (("constant", (1, 2, 0, 3)), ("reflect", (2, 1, 1, 2)), ("replicate", (1, 1, 2, 0))):
        ours = ug.to_numpy(F.pad(ug.asarray(x), pad, mode=mode))
        np.testing.assert_array_equal(
            ours, torch.nn.functional.pad(torch.as_tensor(x), pad, mode=mode).numpy()
        )
    np.testing.assert_array_equal(
        ug.to_numpy(F.pad(ug.asarray(x), (1, 1), value=2.5)),
        torch.nn.functional.pad(torch.as_tensor(x), (1, 1), value=2.5).numpy(),
    )


PADS = [
    ("constant", (1, 2, 0, 3), 0.0),
    ("constant", (2, -1, -1, 1), 1.5),
    ("reflect", (2, 1, 1, 3), 0.0),
    ("replicate", (3, 0, 1, 2), 0.0),
    ("circular", (1, 4, 2, -1), 0.0),
]


@pytest.mark.parametrize("mode, pad, value", PADS, ids=[f"{m}{p}" for m, p, _ in PADS])
def test_pad_fast_paths_match_the_reference(mode: str, pad: tuple[int, ...], value: float) -> None:
    x = np.random.default_rng(4).standard_normal((2, 3, 4, 5))
    check_paths(lambda t: F.pad(t, pad, mode, value), lambda t: nn_reference.pad(t, pad, mode, value), [x])


RESIZES = [
    ((2, 3, 5, 7), (10, 14), (2.0, 2.0), "nearest", False),
    ((2, 3, 5, 7), (3, 11), None, "nearest-exact", False),
    ((2, 3, 5, 7), (10, 14), (2.0, 2.0), "bilinear", False),
    ((2, 3, 5, 7), (10, 14), None, "bilinear", True),
    ((2, 3, 5, 7), (6, 9), (1.3, 1.3), "bilinear", False),
    ((2, 3, 5, 7), (8, 4), None, "bicubic", False),
    ((2, 3, 7), (13,), None, "linear", True),
    ((1, 2, 3, 4, 5), (6, 6, 2), (2.0, 1.5, 0.5), "trilinear", False),
    ((2, 3, 6, 7), (3, 4), None, "area", False),
]


@pytest.mark.parametrize("shape, size, scales, mode, corners", RESIZES, ids=[r[3] for r in RESIZES])
def test_interpolate_fast_paths_match_the_reference(
    shape: tuple[int, ...], size: tuple[int, ...], scales: tuple[float, ...] | None, mode: str, corners: bool
) -> None:
    x = np.random.default_rng(5).standard_normal(shape).astype(np.float32)
    given: dict[str, Any] = {"scale_factor": scales} if scales is not None else {"size": size}
    if mode in ("linear", "bilinear", "bicubic", "trilinear"):
        given["align_corners"] = corners
    check_paths(
        lambda t: F.interpolate(t, mode=mode, **given),
        lambda t: nn_reference.interpolate(t, size, scales, mode, corners),
        [x],
        rtol=1e-5,
        atol=1e-5,
    )


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("corners", [False, True])
def test_grid_sample_fast_paths_match_the_reference(mode: str, padding_mode: str, corners: bool) -> None:
    rng = np.random.default_rng(7)
    x, grid = rng.standard_normal((2, 3, 5, 6)), rng.uniform(-1.8, 1.8, (2, 4, 3, 2))
    check_paths(
        lambda t, g: F.grid_sample(t, g, mode, padding_mode, corners),
        lambda t, g: nn_reference.grid_sample(t, g, mode, padding_mode, corners),
        [x, grid],
    )


BLOCKS = [
    ((2, 2), (1, 1), (0, 0), (1, 1)),
    ((2, 3), (1, 1), (1, 1), (2, 2)),
    ((3, 3), (2, 1), (2, 1), (1, 2)),
]


@pytest.mark.parametrize("kernel, dilation, padding, stride", BLOCKS)
def test_unfold_and_fold_fast_paths_match_the_reference(
    kernel: tuple[int, int], dilation: tuple[int, int], padding: tuple[int, int], stride: tuple[int, int]
) -> None:
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 3, 7, 8))
    check_paths(
        lambda t: F.unfold(t, kernel, dilation, padding, stride),
        lambda t: nn_reference.unfold(t, kernel, dilation, padding, stride),
        [x],
    )
    blocks = torch.nn.functional.unfold(torch.as_tensor(x), kernel, dilation, padding, stride).numpy()
    check_paths(
        lambda t: F.fold(t, (7, 8), kernel, dilation, padding, stride),
        lambda t: nn_reference.fold(t, (7, 8), kernel, dilation, padding, stride),
        [rng.standard_normal(blocks.shape)],
    )


def function_like_torch(name: str, inputs: list[np.ndarray], **kwargs: Any) -> None:
    """``F.<name>`` on every backend against ``torch.nn.functional.<name>``: output and input gradients."""
    check_layer(
        lambda: getattr(F, name),
        torch.nn.Module,
        inputs,
        call=lambda function, *xs: function(*xs, **kwargs),
        torch_call=lambda _, *xs: getattr(torch.nn.functional, name)(*xs, **kwargs),
    )


@pytest.mark.filterwarnings("ignore:.*Since version 1.3.0, affine_grid behavior has changed for unit-size")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_affine_grid_and_its_gradient_match_torch(dtype: Any) -> None:
    rng = np.random.default_rng(9)
    for size, corners in (((2, 3, 4, 5), False), ((2, 1, 2, 3, 4), True), ((1, 1, 1, 3), True)):
        dims = len(size) - 2
        theta = rng.uniform(-2.0, 2.0, (size[0], dims, dims + 1)).astype(dtype)
        function_like_torch("affine_grid", [theta], size=size, align_corners=corners)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("corners", [False, True])
def test_grid_sample_and_its_gradients_match_torch(
    dtype: Any, mode: str, padding_mode: str, corners: bool
) -> None:
    rng = np.random.default_rng(10)
    x, grid = (
        rng.uniform(-2.0, 2.0, (2, 3, 5, 6)).astype(dtype),
        rng.uniform(-2.0, 2.0, (2, 4, 3, 2)).astype(dtype),
    )
    function_like_torch("grid_sample", [x, grid], mode=mode, padding_mode=padding_mode, align_corners=corners)


def resampling_errors() -> list[tuple[Callable[[], Any], type[Exception], str]]:
    """Calls that must fail, the error, and the message: the function, what was given, what it expects."""
    x = ug.ones((2, 3, 4, 5))
    return [
        (lambda: F.pad(x, (1, 1), mode="symmetric"), ValueError, r"pad: unknown padding mode 'symmetric'"),
        (
            lambda: F.pad(x, (1, 1, 2)),
            ug.ShapeError,
            r"pad: the pad tuple must have an even length .*\(1, 1, 2\)",
        ),
        (
            lambda: F.pad(ug.ones((3,)), (1, 1, 1, 1)),
            ug.ShapeError,
            r"pad: pad \(1, 1, 1, 1\) pads 2 dimensions, but the input has shape \(3,\); give at most 2",
        ),
        (
            lambda: ug.nn.ReflectionPad2d(4)(x),
            ug.ShapeError,
            r"pad: reflect padding \(4, 4\) must be smaller than the dimension it pads, size 4 of input shape "
            r"\(2, 3, 4, 5\)",
        ),
        (
            lambda: ug.nn.ReplicationPad3d(1)(x[0]),
            ug.ShapeError,
            r"pad: replicate padding of 3 dimension\(s\) expects a 4-D or 5-D input, got shape \(3, 4, 5\)",
        ),
        (lambda: ug.nn.ZeroPad2d((1, 2, 3)), ValueError, r"ZeroPad2d: padding must be an int or 4 ints"),
        (
            lambda: F.interpolate(x, scale_factor=2, mode="cubic"),
            ValueError,
            r"interpolate: unknown mode 'cubic'",
        ),
        (
            lambda: F.interpolate(x, size=3, scale_factor=2),
            ValueError,
            r"interpolate: give exactly one of size and scale_factor, got size=3 and scale_factor=2",
        ),
        (lambda: ug.nn.Upsample()(x), ValueError, r"interpolate: give exactly one of size and scale_factor"),
        (
            lambda: F.interpolate(x, scale_factor=2, mode="trilinear"),
            ug.ShapeError,
            r"interpolate: mode 'trilinear' expects a 5-D input, got shape \(2, 3, 4, 5\); use 'bilinear' or "
            r"'bicubic' for a 4-D input",
        ),
        (
            lambda: F.interpolate(x, scale_factor=2, align_corners=True),
            ValueError,
            r"interpolate: align_corners can only be set with the interpolating modes",
        ),
        (
            lambda: F.interpolate(x, size=(2, 3, 4)),
            ug.ShapeError,
            r"interpolate: size \(2, 3, 4\) has 3 values, but the input has 2 spatial dimension\(s\)",
        ),
        (
            lambda: F.pixel_shuffle(x, 2),
            ug.ShapeError,
            r"pixel_shuffle: .*divide by upscale_factor\*\*2 = 4, got shape \(2, 3, 4, 5\)",
        ),
        (lambda: F.pixel_unshuffle(x, 2), ug.ShapeError, r"pixel_unshuffle: .*downscale_factor = 2"),
        (lambda: ug.nn.ChannelShuffle(2)(x), ug.ShapeError, r"channel_shuffle: .*groups = 2, got shape"),
        (
            lambda: ug.nn.Dropout2d(1.5),
            ValueError,
            r"Dropout2d: dropout probability must be in \[0, 1\], got 1.5",
        ),
        (
            lambda: F.alpha_dropout(x, -0.1),
            ValueError,
            r"alpha_dropout: dropout probability must be in \[0, 1\]",
        ),
        (
            lambda: F.dropout1d(x, 0.5),
            ug.ShapeError,
            r"dropout1d: expects a 2-D \(C, L\) or 3-D \(N, C, L\) input, got shape \(2, 3, 4, 5\)",
        ),
    ]


def test_bad_arguments_name_the_function_alike_on_every_backend() -> None:
    messages: dict[str, list[str]] = {}
    for backend in BACKENDS:
        with ug.use_backend(backend):
            for call, error, pattern in resampling_errors():
                with pytest.raises(error, match=pattern) as info:
                    call()
                messages.setdefault(backend, []).append(str(info.value))
    for backend in BACKENDS[1:]:
        assert messages[backend] == messages[BACKENDS[0]]


def test_dropout2d_warns_as_torch_for_a_3d_input(ug_backend: str) -> None:
    with pytest.warns(UserWarning, match="dropout2d: Received a 3D input"):
        F.dropout2d(ug.ones((2, 3, 4)), 0.5, training=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.dropout2d(ug.ones((2, 3, 4, 4)), 0.5)


def test_deprecated_upsample_functions_warn_and_match_torch(ug_backend: str) -> None:
    x = np.random.default_rng(6).standard_normal((1, 2, 3, 4)).astype(np.float32)
    for name in ("upsample_nearest", "upsample_bilinear"):
        with pytest.warns(UserWarning, match=f"nn.functional.{name}` is deprecated"):
            ours = ug.to_numpy(getattr(F, name)(ug.asarray(x), scale_factor=2))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = getattr(torch.nn.functional, name)(torch.as_tensor(x), scale_factor=2).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6, err_msg=name)
    np.testing.assert_array_equal(
        ug.to_numpy(F.native_channel_shuffle(ug.asarray(x), 2)),
        torch.nn.functional.native_channel_shuffle(torch.as_tensor(x), 2).numpy(),
    )


def test_sampling_grids_warn_of_the_align_corners_default_as_torch(ug_backend: str) -> None:
    theta = ug.asarray(np.array([[[1.0, 0.2, 0.1], [0.0, 0.9, -0.1]]], np.float32))
    with pytest.warns(UserWarning, match="affine_grid: the default is align_corners=False"):
        grid = F.affine_grid(theta, (1, 2, 3, 4))
    with pytest.warns(UserWarning, match="grid_sample: the default is align_corners=False"):
        F.grid_sample(ug.ones((1, 2, 3, 4)), grid)
    with pytest.warns(UserWarning, match="affine_grid: Since version 1.3.0.*unit-size grids"):
        F.affine_grid(theta, (1, 2, 1, 4), align_corners=True)
    with pytest.raises(NotImplementedError, match="grid_sample: mode='bicubic' is not supported"):
        F.grid_sample(ug.ones((1, 2, 3, 4)), grid, mode="bicubic", align_corners=False)
