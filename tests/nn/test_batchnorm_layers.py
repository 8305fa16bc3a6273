"""The normalization layers against torch.nn: values, gradients, running statistics, modes, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from layer_support import check_layer, check_paths
from support import BACKENDS

import unigrad as ug
import unigrad.nn.functional as F
from unigrad.nn.functional import normalization as functional_normalization
from unigrad.nn.reference.normalization import batch_norm as reference_batch_norm

rng = np.random.default_rng(2)


def data(*shape, dtype=np.float32):
    return (rng.standard_normal(shape) * 2 + 0.5).astype(dtype)


CASES = [
    ("1d-NC", lambda **k: ug.nn.BatchNorm1d(4, **k), lambda **k: torch.nn.BatchNorm1d(4, **k), (6, 4)),
    ("1d-NCL", lambda **k: ug.nn.BatchNorm1d(4, **k), lambda **k: torch.nn.BatchNorm1d(4, **k), (3, 4, 5)),
    ("2d", lambda **k: ug.nn.BatchNorm2d(4, **k), lambda **k: torch.nn.BatchNorm2d(4, **k), (2, 4, 3, 5)),
]
OPTIONS = [dict(), dict(affine=False), dict(track_running_stats=False), dict(momentum=None, eps=1e-3)]


@pytest.mark.parametrize(
    "options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default"
)
@pytest.mark.parametrize("name, make, make_torch, shape", CASES, ids=[c[0] for c in CASES])
def test_training_forward_and_gradients_match_torch(name, make, make_torch, shape, options):
    check_layer(lambda: make(**options), lambda: make_torch(**options), [data(*shape)])


def test_channels_last_and_float64():
    x = data(2, 3, 5, 4)  # NHWC
    check_layer(
        lambda: ug.nn.BatchNorm2d(4, data_format="channels_last"),
        lambda: torch.nn.BatchNorm2d(4),
        [x],
        torch_call=lambda m, t: m(t.permute(0, 3, 1, 2)).permute(0, 2, 3, 1),
    )
    check_layer(
        lambda: ug.nn.BatchNorm2d(4, dtype=ug.float64),
        lambda: torch.nn.BatchNorm2d(4),
        [data(2, 4, 3, 3, dtype=np.float64)],
    )


def _state(module):
    return {
        k: np.array(ug.to_numpy(v) if not isinstance(v, torch.Tensor) else v.detach().numpy())
        for k, v in module.state_dict().items()
    }


@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
@pytest.mark.parametrize("last", [False, True], ids=["nchw", "nhwc"])
def test_running_statistics_follow_torch_over_steps_and_eval_uses_them(momentum, last):
    batches = [data(4, 3, 2, 5) * (i + 1) for i in range(3)]
    reference = torch.nn.BatchNorm2d(3, momentum=momentum)
    for batch in batches:
        reference(torch.as_tensor(batch))
    reference.eval()
    probe = data(2, 3, 2, 5)
    expected_eval = reference(torch.as_tensor(probe)).detach().numpy()
    to_layout = (lambda a: a.transpose(0, 2, 3, 1)) if last else (lambda a: a)
    for backend in BACKENDS:
        with ug.use_backend(backend):
            layer = ug.nn.BatchNorm2d(
                3, momentum=momentum, data_format="channels_last" if last else "channels_first"
            )
            for batch in batches:
                layer(ug.asarray(to_layout(batch)))
            for key, value in _state(reference).items():
                np.testing.assert_allclose(
                    _state(layer)[key], value, rtol=1e-5, atol=1e-6, err_msg=f"{backend}: {key}"
                )
            assert ug.to_numpy(layer.num_batches_tracked).dtype == np.int64
            layer.eval()
            np.testing.assert_allclose(
                ug.to_numpy(layer(ug.asarray(to_layout(probe)))),
                to_layout(expected_eval),
                rtol=1e-5,
                atol=1e-5,
                err_msg=f"{backend}: eval output",
            )
            before = _state(layer)
            layer(ug.asarray(to_layout(probe)))
            assert all((before[k] == v).all() for k, v in _state(layer).items()), (
                "eval must not update statistics"
            )
            layer.train()
            layer(ug.asarray(to_layout(probe)))
            assert int(ug.to_numpy(layer.num_batches_tracked)) == 4


def test_eval_gradients_match_torch():
    def prepare(layer):
        layer.load_state_dict(
            {
                **layer.state_dict(),
                "running_mean": np.array([0.5, -1.0, 2.0], np.float32),
                "running_var": np.array([0.5, 2.0, 4.0], np.float32),
            }
        )
        layer.eval()

    def make_torch():
        return torch.nn.BatchNorm1d(3).eval()

    check_layer(lambda: ug.nn.BatchNorm1d(3), make_torch, [data(5, 3, 4)], prepare=prepare)


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize(
    "shape, last",
    [((6, 4), False), ((3, 4, 5), False), ((2, 4, 3, 5), False), ((2, 3, 5, 4), True), ((3, 5, 4), True)],
    ids=["NC", "NCL", "NCHW", "NHWC", "NLC"],
)
def test_batch_norm_fast_path_matches_generic(shape, last, training):
    x, weight, bias = data(*shape), data(4), data(4)
    stats = (np.abs(data(4)), np.abs(data(4)) + 0.5)
    fmt = "channels_last" if last else "channels_first"

    def fast(x, weight, bias, mean, var):
        return functional_normalization.batch_norm_stats(x, mean, var, weight, bias, training, 0.3, 1e-4, fmt)

    def slow(x, weight, bias, mean, var):
        return reference_batch_norm(x, mean, var, weight, bias, training, 0.3, 1e-4, last)

    check_paths(fast, slow, [x, weight, bias, *stats], rtol=1e-5, atol=2e-5)


def test_functional_batch_norm_updates_in_place_like_torch(ug_backend):
    x = data(5, 3)
    expected_mean, expected_var = torch.zeros(3), torch.ones(3)
    expected = torch.nn.functional.batch_norm(
        torch.as_tensor(x), expected_mean, expected_var, training=True, momentum=0.2
    )
    mean = ug.nn.Parameter(ug.zeros(3), trainable=False)
    var = ug.nn.Parameter(ug.ones(3), trainable=False)
    y = F.batch_norm(ug.asarray(x), mean, var, training=True, momentum=0.2)
    np.testing.assert_allclose(ug.to_numpy(y), expected.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ug.to_numpy(mean), expected_mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ug.to_numpy(var), expected_var.numpy(), rtol=1e-6)
    if ug_backend == "tensorflow":
        with pytest.raises(ug.BackendError, match="in place"):
            F.batch_norm(ug.asarray(x), ug.zeros(3), ug.ones(3), training=True)


def test_batchnorm_errors_name_the_shapes(ug_backend):
    with pytest.raises(
        ValueError, match=r"BatchNorm2d\(3\) expects input of shape \(N, 3, H, W\), got shape \(2, 4, 5, 5\)"
    ):
        ug.nn.BatchNorm2d(3)(ug.ones((2, 4, 5, 5)))
    with pytest.raises(
        ug.ShapeError, match=r"2-D \(N, C\) or 3-D \(N, C, L\) input, got shape \(2, 3, 4, 4\)"
    ):
        ug.nn.BatchNorm1d(3)(ug.ones((2, 3, 4, 4)))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        ug.nn.BatchNorm1d(3)(ug.ones((1, 3)))
    with pytest.raises(
        ug.ShapeError,
        match=r"running_mean of shape \(4,\) expects input of shape \(N, 4, L\), got input of shape \(2, 3, 5\)",
    ):
        F.batch_norm(ug.ones((2, 3, 5)), ug.zeros(4), ug.ones(4))


@pytest.mark.parametrize("last", [False, True], ids=["NCHW", "NHWC"])
def test_group_and_rms_norm_fast_paths_match_generic(last):
    from unigrad.nn import reference

    shape = (2, 3, 5, 6) if last else (2, 6, 3, 5)
    fmt = "channels_last" if last else "channels_first"
    check_paths(
        lambda x, w, b: F.group_norm(x, 3, w, b, 1e-4, fmt),
        lambda x, w, b: reference.group_norm(x, 3, w, b, 1e-4, last),
        [data(*shape), data(6), data(6)],
    )
    check_paths(
        lambda x, w: F.rms_norm(x, (3, 5), w, 1e-6),
        lambda x, w: reference.rms_norm(x, (3, 5), w, 1e-6),
        [data(2, 4, 3, 5), data(3, 5)],
    )


def test_group_and_instance_norm_channels_last_match_torch():
    nchw = lambda m, t: m(t.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)  # noqa: E731
    check_layer(
        lambda: ug.nn.GroupNorm(2, 6, data_format="channels_last"),
        lambda: torch.nn.GroupNorm(2, 6),
        [data(2, 4, 5, 6)],
        torch_call=nchw,
    )
    check_layer(
        lambda: ug.nn.InstanceNorm2d(6, affine=True, track_running_stats=True, data_format="channels_last"),
        lambda: torch.nn.InstanceNorm2d(6, affine=True, track_running_stats=True),
        [data(2, 4, 5, 6)],
        torch_call=nchw,
    )


def test_normalization_functions_take_torchs_arguments(ug_backend):
    x = data(3, 4, 5, 2)
    w, b, mean, var = data(4), data(4), data(4), np.abs(data(4)) + 0.5
    t = {k: torch.as_tensor(v) for k, v in dict(x=x, w=w, b=b, mean=mean, var=var).items()}
    u = {k: ug.asarray(v) for k, v in dict(x=x, w=w, b=b, mean=mean, var=var).items()}
    tf = torch.nn.functional
    pairs = [
        (
            F.group_norm(u["x"], 2, weight=u["w"], bias=u["b"], eps=1e-3),
            tf.group_norm(t["x"], 2, t["w"], t["b"], 1e-3),
        ),
        (
            F.instance_norm(
                u["x"], u["mean"], u["var"], weight=u["w"], bias=u["b"], use_input_stats=False, eps=1e-3
            ),
            tf.instance_norm(t["x"], t["mean"], t["var"], t["w"], t["b"], use_input_stats=False, eps=1e-3),
        ),
        (F.instance_norm(u["x"]), tf.instance_norm(t["x"])),
        (F.rms_norm(u["x"], [5, 2], eps=None), tf.rms_norm(t["x"], [5, 2], eps=None)),
        (
            F.local_response_norm(u["x"], 3, alpha=0.1, beta=0.5, k=2.0),
            tf.local_response_norm(t["x"], 3, 0.1, 0.5, 2.0),
        ),
        (F.layer_norm(u["x"], [5, 2], eps=1e-3), tf.layer_norm(t["x"], [5, 2], eps=1e-3)),
        (
            F.batch_norm(u["x"], u["mean"], u["var"], u["w"], u["b"], False, 0.1, 1e-3),
            tf.batch_norm(t["x"], t["mean"], t["var"], t["w"], t["b"], False, 0.1, 1e-3),
        ),
    ]
    for i, (ours, theirs) in enumerate(pairs):
        np.testing.assert_allclose(ug.to_numpy(ours), theirs.numpy(), rtol=2e-5, atol=2e-5, err_msg=str(i))


def test_functional_instance_norm_updates_in_place_like_torch():
    x = data(4, 3, 5)
    mean, var = torch.zeros(3), torch.ones(3)
    with ug.use_backend("torch"):
        ours_mean, ours_var = torch.zeros(3), torch.ones(3)
        F.instance_norm(torch.as_tensor(x), ours_mean, ours_var, momentum=0.3)
    torch.nn.functional.instance_norm(torch.as_tensor(x), mean, var, momentum=0.3)
    np.testing.assert_allclose(ours_mean.numpy(), mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours_var.numpy(), var.numpy(), rtol=1e-6)


def test_normalization_state_dicts_and_reprs_are_torchs(ug_backend):
    layers: list[tuple[str, tuple[object, ...], dict[str, object]]] = [
        ("LayerNorm", (5,), dict(bias=False)),
        ("LayerNorm", ((4, 5),), dict(elementwise_affine=False, eps=1e-3)),
        ("GroupNorm", (2, 6), dict(affine=False)),
        ("GroupNorm", (3, 6), {}),
        ("RMSNorm", (5,), {}),
        ("RMSNorm", (5,), dict(elementwise_affine=False, eps=1e-4)),
        ("InstanceNorm1d", (4,), {}),
        ("InstanceNorm2d", (4,), dict(affine=True, track_running_stats=True)),
        ("InstanceNorm3d", (4,), dict(track_running_stats=True, momentum=None)),
        ("BatchNorm3d", (4,), {}),
        ("BatchNorm2d", (4,), dict(bias=False)),
        ("GroupNorm", (2, 4), dict(bias=False)),
        ("InstanceNorm1d", (4,), dict(affine=True, bias=False)),
        ("LocalResponseNorm", (3,), dict(alpha=0.1)),
    ]
    for name, args, options in layers:
        ours, theirs = getattr(ug.nn, name)(*args, **options), getattr(torch.nn, name)(*args, **options)
        assert list(ours.state_dict()) == list(theirs.state_dict()), name
        assert repr(ours) == repr(theirs), name


def test_normalization_errors_name_the_layer_alike_on_every_backend():
    with pytest.raises(ug.ShapeError, match=r"GroupNorm: num_channels=6 must be divisible by num_groups=4"):
        ug.nn.GroupNorm(4, 6)
    cases = [
        (
            lambda: ug.nn.GroupNorm(2, 6),
            (2, 4, 3, 3),
            r"GroupNorm\(2, 6\) expects input of shape \(N, 6, \*\)",
        ),
        (
            lambda: ug.nn.InstanceNorm2d(3, affine=True),
            (2, 4, 3, 3),
            r"InstanceNorm2d\(3\) expects input of shape \(N, 3, H, W\)",
        ),
        (lambda: ug.nn.InstanceNorm1d(3), (2, 3, 4, 4), r"InstanceNorm1d\(3\) expects a 3-D input"),
        (lambda: ug.nn.BatchNorm3d(3), (2, 3, 4, 4), r"BatchNorm3d expects a 5-D \(N, C, D, H, W\) input"),
        (
            lambda: ug.nn.LayerNorm((4, 5)),
            (2, 5, 4),
            r"LayerNorm\(\(4, 5\)\): normalized_shape \(4, 5\) expects",
        ),
        (
            lambda: ug.nn.RMSNorm(3),
            (2, 4),
            r"RMSNorm\(\(3,\)\): normalized_shape \(3,\) expects input of shape",
        ),
        (lambda: ug.nn.LocalResponseNorm(2), (2, 4), r"LocalResponseNorm\(2\) expects a 3-D or higher input"),
    ]
    for make, shape, message in cases:
        texts = set()
        for backend in BACKENDS:
            with ug.use_backend(backend), pytest.raises(ug.ShapeError, match=message) as error:
                make()(ug.ones(shape))
            texts.add(str(error.value))
        assert len(texts) == 1, texts
    with pytest.raises(ug.ShapeError, match=r"group_norm: 6 channels .* num_groups=4"):
        F.group_norm(ug.ones((2, 6, 3)), 4)
    with pytest.warns(UserWarning, match=r"InstanceNorm1d\(3\) expects input of shape \(N, 3, L\)"):
        ug.nn.InstanceNorm1d(3)(ug.ones((2, 4, 5)))  # as torch: num_features unused without affine
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        ug.nn.InstanceNorm1d(3)(ug.ones((2, 3, 1)))


def test_convert_sync_batchnorm_keeps_parameters_statistics_and_names(ug_backend):
    ug.random.seed(0)
    model = ug.nn.Sequential(
        ug.nn.Conv2d(3, 4, 3), ug.nn.BatchNorm2d(4), ug.nn.Sequential(ug.nn.BatchNorm1d(2, affine=False))
    ).eval()
    before = {k: ug.to_numpy(v).copy() for k, v in model.state_dict().items()}
    weight = model[1].weight
    converted = ug.nn.SyncBatchNorm.convert_sync_batchnorm(model)
    assert converted is model and isinstance(model[1], ug.nn.SyncBatchNorm)
    assert isinstance(model[2][0], ug.nn.SyncBatchNorm) and model[2][0].weight is None
    assert model[1].weight is weight and not model[1].training
    after = {k: ug.to_numpy(v) for k, v in model.state_dict().items()}
    assert list(after) == list(before)
    for key, value in before.items():
        np.testing.assert_array_equal(after[key], value, err_msg=key)
    assert repr(model[1]) == repr(torch.nn.SyncBatchNorm(4))
