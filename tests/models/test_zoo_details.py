"""What ug.models do beyond the zoo table's rows (test_zoo.py): GoogLeNet's and Inception v3's
training-mode auxiliary outputs, DenseNet and ViT files in torchvision's old key names, and the
options torchvision fixes per builder."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from support import BACKENDS
from torch_reference import randomize_batchnorm
from zoo_support import THOROUGH

import unigrad as ug
from unigrad.models.vision_transformer import _vision_transformer
from unigrad.testing import import_torchvision


@pytest.mark.parametrize(
    ("name", "input_shape", "options"),
    [
        ("googlenet", (2, 3, 64, 64), {"dropout": 0.0, "dropout_aux": 0.0}),
        pytest.param(
            "inception_v3",
            (2, 3, 299, 299),  # AuxLogits' smallest input
            {"dropout": 0.0},
            marks=pytest.mark.skipif(not THOROUGH, reason="large: HYPOTHESIS_PROFILE=thorough"),
        ),
    ],
)
def test_training_mode_returns_torchvision_s_named_tuple_of_logits_and_aux_logits(name, input_shape, options):
    tv = import_torchvision()
    torch.manual_seed(0)
    options = {"num_classes": 5, "init_weights": False, **options}
    reference = randomize_batchnorm(getattr(tv.models, name)(weights=None, **options))
    state = {key: value.detach().clone() for key, value in reference.state_dict().items()}
    x = np.random.default_rng(0).standard_normal(input_shape).astype(np.float32)
    with torch.no_grad():
        want = reference.train()(torch.from_numpy(x))  # BatchNorm on the batch: deterministic
    for backend in BACKENDS:
        with ug.use_backend(backend):
            model = getattr(ug.models, name)(weights=state, **options).train()
            got = model(ug.asarray(x))
            assert type(got).__name__ == type(want).__name__ and got._fields == want._fields, backend
            for field, expected in zip(want._fields, want, strict=True):
                # (Inception's AuxLogits normalises 1x1 maps over a batch of two: a variance of two
                # values, which magnifies float rounding; hence the wider tolerance)
                np.testing.assert_allclose(
                    ug.to_numpy(getattr(got, field)),
                    expected.numpy(),
                    rtol=1e-3,
                    atol=1e-3,
                    err_msg=f"{name}.{field} on {backend}",
                )
            model.eval()  # eval mode: the logits alone, as torchvision
            assert tuple(model(ug.asarray(x)).shape) == (input_shape[0], 5)


def test_training_mode_without_aux_logits_returns_the_logits_alone():
    ug.random.seed(0)
    model = ug.models.googlenet(num_classes=3, aux_logits=False, init_weights=False).train()
    assert model.aux1 is None and not any(key.startswith("aux") for key in model.state_dict())
    assert tuple(model(ug.zeros((2, 3, 32, 32))).shape) == (2, 3)


def test_inception_v3_says_what_input_size_it_needs():
    ug.random.seed(0)
    model = ug.models.inception_v3(num_classes=3, init_weights=False)
    with pytest.raises(ug.ShapeError, match="at least 75x75, got input of shape"):
        model.eval()(ug.zeros((1, 3, 74, 80)))
    with pytest.raises(ug.ShapeError, match="at least 299x299 in training mode with aux_logits"):
        model.train()(ug.zeros((2, 3, 298, 299)))


def test_densenet_loads_torchvision_s_old_key_names():
    tv = import_torchvision()
    torch.manual_seed(0)
    reference = tv.models.densenet121(weights=None, num_classes=4)
    state = {key: value.detach().clone() for key, value in reference.state_dict().items()}
    # the files of torchvision's download links: "norm.1" where the modules now say "norm1",
    # and no num_batches_tracked (saved before PyTorch 0.4 counted batches)
    old = {
        key.replace("norm1", "norm.1").replace("conv2", "conv.2") if ".denselayer" in key else key: value
        for key, value in state.items()
        if not key.endswith("num_batches_tracked")
    }
    assert "features.denseblock1.denselayer1.norm.1.weight" in old
    for backend in BACKENDS:
        with ug.use_backend(backend):
            loaded = ug.models.densenet121(weights=old, num_classes=4).state_dict()
            assert list(loaded) == list(state), backend
            key = "features.denseblock4.denselayer16.conv2.weight"
            np.testing.assert_array_equal(ug.to_numpy(loaded[key]), state[key].numpy())


@pytest.mark.parametrize(
    ("builder", "options"),
    [("resnext50_32x4d", {"groups": 8}), ("wide_resnet50_2", {"width_per_group": 64})],
)
def test_widths_that_a_builder_fixes_are_not_overridden(builder, options):
    name = next(iter(options))
    with pytest.raises(ug.ArgumentError, match=name):
        getattr(ug.models, builder)(**options)


def test_old_checkpoints_mlp_names_load_as_torchvision_loads_them():
    """torchvision < 0.13 saved the encoder MLP as ``mlp.linear_1``/``mlp.linear_2``; both load."""
    ug.random.seed(0)
    source = ug.models.VisionTransformer(8, 4, num_layers=1, num_heads=2, hidden_dim=8, mlp_dim=16)
    state = {
        key.replace(".mlp.0.", ".mlp.linear_1.").replace(".mlp.3.", ".mlp.linear_2."): value
        for key, value in source.state_dict().items()
    }
    assert any(".mlp.linear_1." in key for key in state)
    model = _vision_transformer(4, 1, 2, 8, 16, state, {"image_size": 8})  # what vit_b_16 & co. call
    for key, value in source.state_dict().items():
        np.testing.assert_array_equal(ug.to_numpy(model.state_dict()[key]), ug.to_numpy(value), err_msg=key)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("name", "input_shape"),
    [
        ("mobilenet_v2", (2, 3, 64, 64)),
        ("mobilenet_v3_small", (2, 3, 64, 64)),
        ("mobilenet_v3_large", (2, 3, 64, 64)),
        ("efficientnet_b0", (2, 3, 64, 64)),
        ("efficientnet_v2_s", (2, 3, 32, 32)),
    ],
)
def test_mobile_models_take_nhwc_input_with_the_same_state_dict_and_logits(name, input_shape, backend):
    tv = import_torchvision()
    torch.manual_seed(0)
    reference = randomize_batchnorm(getattr(tv.models, name)(weights=None, num_classes=5))
    state = {key: value.detach().clone() for key, value in reference.state_dict().items()}
    x = np.random.default_rng(0).standard_normal(input_shape).astype(np.float32)
    builder = getattr(ug.models, name)
    with ug.use_backend(backend):
        first = builder(weights=state, num_classes=5).eval()
        first_state = first.state_dict()
        last = builder(weights=first_state, num_classes=5, data_format="channels_last").eval()
        last_state = last.state_dict()
        assert [(key, tuple(value.shape)) for key, value in last_state.items()] == [
            (key, tuple(value.shape)) for key, value in first_state.items()
        ]
        for key, value in first_state.items():
            np.testing.assert_array_equal(ug.to_numpy(last_state[key]), ug.to_numpy(value), err_msg=key)
        want = ug.to_numpy(first(ug.asarray(x)))
        got = ug.to_numpy(last(ug.asarray(x.transpose(0, 2, 3, 1))))
        assert got.shape == (input_shape[0], 5) and np.abs(want).max() > 1e-3
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=f"{name} on {backend}")
        with pytest.raises(ug.ArgumentError, match=r"data_format must be .* got 'NCHW'"):
            builder(num_classes=5, data_format="NCHW")
