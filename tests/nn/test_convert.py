"""``ug.nn.convert``: torch modules as pure unigrad modules, checked against torch on every backend.

Each converted model runs on the active backend with no torch op, and is compared with the
torch model it came from (eval mode): outputs, ``state_dict`` keys, a training step with a ug
optimizer, ``ug.function``, and on TensorFlow a SavedModel written by ``ug.export``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from support import BACKENDS
from torch import nn

import unigrad as ug
from unigrad.errors import ConversionError, UnigradError
from unigrad.testing import import_torchvision

os.environ.setdefault("HF_HUB_OFFLINE", "1")
tv = import_torchvision()
timm = pytest.importorskip("timm")


class Mixer(nn.Module):
    """A custom module (no ug.nn twin): its code is traced through, its parameter kept."""

    def __init__(self, features: int) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.linspace(0.5, 1.5, features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return TF.gelu(x) * self.scale + x.mean(dim=-1, keepdim=True)


class Net(nn.Module):
    """Functional calls, reshapes, residuals, a root parameter and buffer, an LSTM and attention."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.class_token = nn.Parameter(torch.randn(1, 1, 8))
        self.register_buffer("offset", torch.arange(8.0) / 8)
        self.blocks = nn.Sequential(Mixer(8), nn.LayerNorm(8))
        self.attention = nn.MultiheadAttention(8, 2, batch_first=True)
        self.lstm = nn.LSTM(8, 6, batch_first=True)
        self.head = nn.Linear(6 + 8, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = TF.relu(self.bn(self.conv(x)))
        y = TF.avg_pool2d(y + TF.max_pool2d(y, 3, stride=1, padding=1), 8)  # a residual; 4x4 tokens
        n, c = y.size(0), y.shape[1]
        tokens = y.view(n, c, -1).transpose(1, 2) + self.offset
        tokens = torch.cat([self.class_token.expand(n, -1, -1), tokens], dim=1)
        tokens = self.blocks(tokens)
        attended, _ = self.attention(tokens, tokens, tokens)
        tokens = TF.dropout(tokens + attended, 0.1, training=self.training)
        first, second = tokens.chunk(2, dim=1)
        _, (hidden, _) = self.lstm(second.contiguous())
        pooled = torch.flatten(first.permute(0, 2, 1).mean(-1, keepdim=True), 1)
        return TF.log_softmax(self.head(torch.cat([hidden[0], pooled], dim=-1)), dim=-1)


def _vit() -> Any:
    return timm.create_model("vit_tiny_patch16_224", pretrained=False, num_classes=10, img_size=32, depth=2)


ZOO: dict[str, Callable[[], Any]] = {
    "torchvision-resnet18": lambda: tv.models.resnet18(num_classes=10),
    "torchvision-mobilenet_v3_small": lambda: tv.models.mobilenet_v3_small(num_classes=10),
    "torchvision-vit": lambda: tv.models.VisionTransformer(
        image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=24, num_classes=10
    ),
    "timm-vit_tiny_patch16_224": _vit,
    "timm-resnet10t": lambda: timm.create_model("resnet10t", pretrained=False, num_classes=10),
    # timm's small test configurations of its EfficientNet and ConvNeXt classes (efficientnet_b0 and
    # convnext_atto convert too, in seconds more each: same blocks, more of them)
    "timm-test_efficientnet": lambda: timm.create_model(
        "test_efficientnet", pretrained=False, num_classes=10
    ),
    "timm-test_convnext": lambda: timm.create_model("test_convnext", pretrained=False, num_classes=10),
}


def _randomized(model: Any) -> Any:
    """``model`` in eval mode with every parameter and float buffer drawn afresh, so that no
    zero-initialized head hides the body's output."""
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if tensor.is_floating_point():
                noise = torch.randn(tensor.shape, generator=generator) * 0.2
                tensor.copy_(noise.abs() + 0.5 if name.endswith("running_var") else noise)
    return model.eval()


def _assert_close(actual: Any, expected: torch.Tensor) -> None:
    expected_np = expected.detach().numpy()
    assert np.abs(expected_np).max() > 1e-3  # a real signal, not zeros against zeros
    np.testing.assert_allclose(
        ug.to_numpy(actual), expected_np, rtol=1e-4, atol=1e-4 * np.abs(expected_np).max()
    )


def _image(batch: int = 2) -> torch.Tensor:
    return torch.randn(batch, 3, 32, 32, generator=torch.Generator().manual_seed(1))


@pytest.mark.parametrize("backend", BACKENDS)
def test_handwritten_module_matches_torch(backend: str) -> None:
    torch.manual_seed(0)
    model, x = _randomized(Net()), _image()
    with ug.use_backend(backend):
        converted = ug.nn.convert(model, x)
        assert list(converted.state_dict()) == list(model.state_dict())
        _assert_close(converted(ug.asarray(x.numpy())), model(x))
        text = repr(converted)
        assert (
            "def forward(self, x):" in text and "def forward_train(self, x):" in text
        )  # dropout's two paths
        assert "(blocks): Sequential(" in text and "(0): Mixer(" in text
        # an activation is let go after its last reader, as torch.fx's code does (else every one
        # stays alive until forward returns: a converted ResNet-50 ran 1.4x its hand-written twin)
        assert re.search(r"^    \w+( = \w+)* = None$", text, re.MULTILINE), text


class Layers(nn.Module):
    """torch.nn layers whose constructor arguments torch keeps under other names or in children."""

    def __init__(self) -> None:
        super().__init__()
        self.up = nn.Sequential(nn.ConvTranspose2d(3, 4, 3, stride=2, output_padding=1), nn.GroupNorm(2, 4))
        self.act = nn.PReLU(4)
        self.resize = nn.Upsample(size=(4, 4), mode="bilinear", align_corners=False)
        layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, activation="gelu", norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(4), enable_nested_tensor=False)
        self.gru = nn.GRU(4, 5, num_layers=2, bidirectional=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.resize(self.act(self.up(x)))  # (N, 4, 4, 4)
        sequence = y.flatten(2).permute(2, 0, 1)  # (16, N, 4)
        out, _ = self.gru(self.encoder(sequence))
        return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_layers_built_from_torch_attributes(backend: str) -> None:
    torch.manual_seed(0)
    model, x = _randomized(Layers()), torch.randn(2, 3, 5, 5)
    with ug.use_backend(backend):
        converted = ug.nn.convert(model)
        assert type(converted.encoder) is ug.nn.TransformerEncoder and type(converted.gru) is ug.nn.GRU
        _assert_close(converted(ug.asarray(x.numpy())), model(x))


@pytest.mark.parametrize("name", list(ZOO))
@pytest.mark.parametrize("backend", BACKENDS)
def test_zoo_model_matches_torch(backend: str, name: str) -> None:
    torch.manual_seed(0)
    model, x = _randomized(ZOO[name]()), _image()
    with ug.use_backend(backend):
        converted = ug.nn.convert(model)
        assert list(converted.state_dict()) == list(model.state_dict())
        _assert_close(converted(ug.asarray(x.numpy())), model(x))


@pytest.mark.parametrize("backend", BACKENDS)
def test_bert_matches_torch(backend: str) -> None:
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    config = BertConfig(
        hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=37, vocab_size=99
    )
    model = BertModel(config).eval()
    ids = torch.randint(0, 99, (2, 7), generator=torch.Generator().manual_seed(2))
    mask = torch.ones(2, 7, dtype=torch.int64)
    mask[1, 5:] = 0
    with ug.use_backend(backend):
        converted = ug.nn.convert(model, ids, mask)  # transformers 5 has no fx tracer: torch.export
        assert list(converted.state_dict()) == list(model.state_dict())
        outputs = converted(ug.asarray(ids.numpy()), ug.asarray(mask.numpy()))
        expected = model(ids, mask)
        _assert_close(outputs["last_hidden_state"], expected.last_hidden_state)
        _assert_close(outputs["pooler_output"], expected.pooler_output)


@pytest.mark.parametrize("backend", BACKENDS)
def test_converted_model_trains(backend: str) -> None:
    torch.manual_seed(0)
    model, x = _randomized(Net()), _image(4)
    with ug.use_backend(backend):
        converted = ug.nn.convert(model).train()
        inputs, labels = ug.asarray(x.numpy()), ug.asarray(np.arange(4) % 10)
        parameters = converted.parameters()
        optimizer = ug.optim.SGD(parameters, lr=0.05)
        losses = []
        for _ in range(3):
            with ug.GradientTape() as tape:
                loss = ug.nn.functional.cross_entropy(converted(inputs), labels)
            grads = tape.gradient(loss, parameters)
            assert all(g is not None for g in grads)
            optimizer.step(grads)
            losses.append(float(ug.to_numpy(loss)))
        assert losses[-1] < losses[0]
        # BatchNorm twins updated their running statistics in train mode
        assert not np.allclose(ug.to_numpy(converted.bn.running_mean), model.bn.running_mean.numpy())


@pytest.mark.parametrize("backend", BACKENDS)
def test_converted_model_compiles(backend: str) -> None:
    torch.manual_seed(0)
    model, x = (
        _randomized(nn.Sequential(nn.Conv2d(3, 4, 3), Mixer(30), nn.Flatten(), nn.Linear(4 * 30 * 30, 3))),
        _image(),
    )
    with ug.use_backend(backend):
        converted = ug.nn.convert(model)
        # (inductor's C++ build takes minutes on two cores; dynamo tracing the generated code is the check)
        compiled = ug.function(converted, **({"backend": "eager"} if backend == "torch" else {}))
        _assert_close(compiled(ug.asarray(x.numpy())), model(x))


@pytest.mark.skipif("tensorflow" not in BACKENDS, reason="SavedModel needs TensorFlow")
def test_export_to_saved_model(tmp_path: Any) -> None:
    import tensorflow as tf

    torch.manual_seed(0)
    model, x = _randomized(_vit()), _image()
    with ug.use_backend("tensorflow"):
        converted = ug.nn.convert(model)
        path = ug.export(converted, x.numpy(), str(tmp_path / "vit"), dynamic_batch=False)
        restored = tf.saved_model.load(path)
        _assert_close(restored(tf.constant(x.numpy())), model(x))


class Unmappable(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.special.erfcx(self.linear(x))  # no unigrad op
        return y.cumprod(dim=0).sum()  # nor this one


def test_unmapped_ops_are_all_listed() -> None:
    with pytest.raises(ConversionError) as raised:
        ug.nn.convert(Unmappable())
    message = str(raised.value)
    assert isinstance(raised.value, UnigradError) and isinstance(raised.value, ValueError)
    assert "2 op(s)" in message
    assert "torch.special.special_erfcx" in message or "erfcx" in message
    assert "Tensor.cumprod at node 'cumprod'" in message
    assert "test_convert.py" in message and "y.cumprod(dim=0).sum()" in message


def test_convert_refuses_what_is_not_a_torch_module() -> None:
    with pytest.raises(ug.ArgumentTypeError, match=r"torch\.nn\.Module"):
        ug.nn.convert(ug.nn.Linear(2, 2))
