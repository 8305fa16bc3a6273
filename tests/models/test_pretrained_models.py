"""ug.models against plain PyTorch: torchvision-format state dicts load by name and give the same outputs.

Each reference is built in PyTorch with random weights (nothing downloaded),
saved to a local file, loaded into the ug model on every backend, and the
outputs compared in eval mode (BatchNorm on its running statistics).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch_reference as reference
from support import BACKENDS

import unigrad as ug

rng = np.random.default_rng(0)


def _save(model, path, fmt):
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    if fmt == "safetensors":
        from safetensors.torch import save_file

        save_file(state, str(path))
    else:
        torch.save(state, str(path))


def _compare(make, ref, x, path, atol, data_format=None):
    want = ref.eval()(torch.from_numpy(x)).detach().numpy()
    results = {}
    for backend in BACKENDS:
        with ug.use_backend(backend):
            model = make(path).eval()
            inputs = x if data_format is None else x.transpose(0, 2, 3, 1)
            got = ug.to_numpy(model(ug.asarray(inputs)))
        results[backend] = got
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=atol, err_msg=backend)
    return results


@pytest.mark.parametrize("name", ["resnet18", "resnet34", "resnet50"])
def test_resnet_loads_a_torchvision_state_dict(tmp_path, name):
    torch.manual_seed(0)
    ref = reference.randomize_batchnorm(reference.resnet(name, num_classes=10))
    path = tmp_path / f"{name}.pth"
    _save(ref, path, "pth")
    x = rng.standard_normal((2, 3, 32, 32)).astype(np.float32)
    results = _compare(lambda p: getattr(ug.models, name)(weights=p, num_classes=10), ref, x, path, atol=1e-5)
    assert max(abs(r).max() for r in results.values()) > 0.05  # (a real signal, not zeros)


def test_resnet_channels_last_has_the_same_weights_and_outputs(tmp_path):
    torch.manual_seed(1)
    ref = reference.randomize_batchnorm(reference.resnet("resnet18", num_classes=4))
    path = tmp_path / "r18.safetensors"
    _save(ref, path, "safetensors")
    x = rng.standard_normal((1, 3, 32, 32)).astype(np.float32)
    _compare(
        lambda p: ug.models.resnet18(weights=p, num_classes=4, data_format="channels_last"),
        ref,
        x,
        path,
        atol=1e-5,
        data_format="channels_last",
    )


def test_resnet_names_and_sizes_are_torchvision_s():
    ug.random.seed(0)
    ours = ug.models.resnet50()
    theirs = reference.resnet("resnet50")
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for key, value in theirs.state_dict().items():
        assert tuple(ours.state_dict()[key].shape) == tuple(value.shape), key
    assert sum(int(np.prod(p.shape)) for p in ours.parameters()) == 25_557_032


def test_mlp_and_lenet_load_pytorch_state_dicts(tmp_path):
    torch.manual_seed(2)
    mlp = reference.mlp([5, 16, 8, 3])
    _save(mlp, tmp_path / "mlp.pt", "pt")
    x = rng.standard_normal((4, 5)).astype(np.float32)
    for backend in BACKENDS:
        with ug.use_backend(backend):
            model = ug.models.MLP(5, [16, 8], 3)
            ug.models.load_weights(model, tmp_path / "mlp.pt")
            got = ug.to_numpy(model(ug.asarray(x)))
        np.testing.assert_allclose(got, mlp(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-6)

    lenet = reference.LeNet()
    _save(lenet, tmp_path / "lenet.safetensors", "safetensors")
    images = rng.standard_normal((3, 1, 28, 28)).astype(np.float32)
    want = lenet(torch.from_numpy(images)).detach().numpy()
    for backend in BACKENDS:
        with ug.use_backend(backend):
            for data_format, inputs in (
                ("channels_first", images),
                ("channels_last", images.transpose(0, 2, 3, 1)),
            ):
                model = ug.models.LeNet(data_format=data_format)
                ug.models.load_weights(model, tmp_path / "lenet.safetensors")
                got = ug.to_numpy(model(ug.asarray(inputs)))
                np.testing.assert_allclose(
                    got, want, rtol=1e-5, atol=1e-5, err_msg=f"{backend} {data_format}"
                )


def test_same_seed_same_initial_weights_on_every_backend():
    states = {}
    for backend in BACKENDS:
        with ug.use_backend(backend):
            ug.random.seed(3)
            states[backend] = {
                k: np.array(ug.to_numpy(v)) for k, v in ug.models.resnet18(num_classes=3).state_dict().items()
            }
    first, *others = BACKENDS
    for backend in others:
        for key, value in states[first].items():
            np.testing.assert_array_equal(states[backend][key], value, err_msg=key)


def test_checkpoint_formats_and_errors(tmp_path):
    torch.manual_seed(4)
    mlp = reference.mlp([3, 2])
    torch.save(
        {"epoch": 3, "state_dict": {f"module.{k}": v for k, v in mlp.state_dict().items()}},
        tmp_path / "ckpt.pth",
    )
    assert sorted(ug.models.read_state_dict(tmp_path / "ckpt.pth")) == ["0.bias", "0.weight"]
    ug.save(ug.models.MLP(3, [], 2).state_dict(), tmp_path / "ug.safetensors")
    assert sorted(ug.models.read_state_dict(tmp_path / "ug.safetensors")) == ["0.bias", "0.weight"]
    with pytest.raises(FileNotFoundError, match="downloads nothing"):
        ug.models.resnet18(weights=tmp_path / "missing.pth")
    with pytest.raises(ug.StateDictError, match="missing keys"):
        ug.models.load_weights(ug.models.MLP(3, [4], 2), tmp_path / "ckpt.pth")
    (tmp_path / "x.weights.h5").write_bytes(b"")
    with pytest.raises(ug.StateDictError, match="load_keras_weights"):
        ug.models.read_state_dict(tmp_path / "x.weights.h5")
