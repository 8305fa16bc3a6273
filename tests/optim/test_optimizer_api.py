"""Parameter groups, changing options, state dicts (across backends too), and every error."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.optim import OptimizerError

rng = np.random.default_rng(2)
INITIAL = [rng.standard_normal((2, 3)), rng.standard_normal(3), rng.standard_normal(4)]
GRADS = [[rng.standard_normal(a.shape) for a in INITIAL] for _ in range(10)]


def ug_params():
    return [ug.nn.Parameter(ug.asarray(a.copy())) for a in INITIAL]


def torch_params():
    return [torch.nn.Parameter(torch.tensor(a)) for a in INITIAL]


def ug_steps(optimizer, params, grads):
    for step_grads in grads:
        optimizer.step([ug.asarray(g) for g in step_grads])
    return [np.array(ug.to_numpy(p)) for p in params]


def torch_steps(optimizer, params, grads, on_step=None):
    for i, step_grads in enumerate(grads):
        for p, g in zip(params, step_grads):
            p.grad = torch.tensor(g)
        optimizer.step()
        if on_step is not None:
            on_step(i)
    return [p.detach().numpy() for p in params]


def assert_all_close(actual, expected, rtol=1e-10):
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_allclose(a, e, rtol=rtol, atol=1e-12)


def groups(params, first=None, second=None):
    return [{"params": params[:2], **(first or {})}, {"params": params[2:], **(second or {})}]


@pytest.mark.parametrize("foreach", [False, None], ids=["generic", "fast"])
def test_per_group_options_and_lr_changed_between_steps(ug_backend, foreach):
    first, second = {"lr": 0.05, "momentum": 0.9, "nesterov": True}, {"weight_decay": 0.1}
    reference = torch_params()
    torch_opt = torch.optim.SGD(groups(reference, first, second), lr=0.2)

    def schedule(opt):
        return lambda i: opt.param_groups[1].__setitem__("lr", 0.2 / (i + 2))

    expected = torch_steps(torch_opt, reference, GRADS, schedule(torch_opt))
    params = ug_params()
    optimizer = ug.optim.SGD(groups(params, first, second), lr=0.2, foreach=foreach)
    for i, step_grads in enumerate(GRADS):
        optimizer.step([ug.asarray(g) for g in step_grads])
        schedule(optimizer)(i)
    assert [g["lr"] for g in optimizer.param_groups] == [0.05, 0.2 / 11]
    assert optimizer.param_groups[0]["momentum"] == 0.9 and optimizer.param_groups[1]["momentum"] == 0.0
    assert_all_close([ug.to_numpy(p) for p in params], expected)


def test_none_gradient_leaves_parameter_and_state_alone(ug_backend):
    params = ug_params()
    optimizer = ug.optim.Adam(params, lr=0.1)
    optimizer.step([ug.asarray(GRADS[0][0]), None, ug.asarray(GRADS[0][2])])
    np.testing.assert_array_equal(ug.to_numpy(params[1]), INITIAL[1])
    assert sorted(optimizer.state_dict()["state"]) == [0, 2]


@pytest.mark.parametrize(
    "name, options",
    [
        ("SGD", {"lr": 0.1, "momentum": 0.9}),
        ("Adam", {"lr": 0.01, "amsgrad": True}),
        ("AdamW", {"lr": 0.01}),
        ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
        ("Adagrad", {"lr": 0.1, "lr_decay": 0.01}),
        ("NAdam", {"lr": 0.01, "decoupled_weight_decay": True, "weight_decay": 0.1}),
        ("RAdam", {"lr": 0.01}),
        ("Adamax", {"lr": 0.01}),
        ("Adadelta", {"rho": 0.8}),
        ("ASGD", {"lr": 0.05, "t0": 1}),
        ("Rprop", {"lr": 0.05}),
    ],
)
def test_state_dict_has_torch_layout(ug_backend, name, options):
    params, reference = ug_params(), torch_params()
    optimizer = getattr(ug.optim, name)(params, **options)
    torch_opt = getattr(torch.optim, name)(reference, **options)
    ug_steps(optimizer, params, GRADS[:2])
    torch_steps(torch_opt, reference, GRADS[:2])
    ours, theirs = optimizer.state_dict(), torch_opt.state_dict()
    assert ours["state"].keys() == theirs["state"].keys()
    for index, entries in ours["state"].items():
        assert entries.keys() == theirs["state"][index].keys()
        assert entries.get("step", 2) == 2 and type(entries.get("step", 2)) is int
        for key, value in entries.items():
            if not hasattr(value, "shape"):  # a scalar that torch keeps in a 0-d tensor
                assert key == "step" or float(value) == pytest.approx(
                    float(theirs["state"][index][key]), rel=1e-12
                )
            else:
                np.testing.assert_allclose(
                    ug.to_numpy(value), theirs["state"][index][key].numpy(), rtol=1e-10
                )
    options_of = [{k: v for k, v in g.items() if k != "params"} for g in ours["param_groups"]]
    assert options_of[0].items() <= {**theirs["param_groups"][0], "foreach": None}.items()
    assert [g["params"] for g in ours["param_groups"]] == [[0, 1, 2]]


def test_sgd_without_momentum_has_no_state_like_torch(ug_backend):
    params = ug_params()
    optimizer = ug.optim.SGD(params, lr=0.1)
    ug_steps(optimizer, params, GRADS[:1])
    assert optimizer.state_dict()["state"] == {}


def resume(backend_before, backend_after, name, options, convert):
    """10 steps in one go, and 5 + save + load into a fresh optimizer + 5: the same parameters."""
    with ug.use_backend(backend_before):
        straight = ug_params()
        expected = ug_steps(getattr(ug.optim, name)(groups(straight), **options), straight, GRADS)
        params = ug_params()
        first = getattr(ug.optim, name)(groups(params), **options)
        halfway = ug_steps(first, params, GRADS[:5])
        saved = convert(first.state_dict())
    with ug.use_backend(backend_after):
        params = [ug.nn.Parameter(ug.asarray(a)) for a in halfway]
        second = getattr(ug.optim, name)(groups(params), lr=123.0)  # options come from the state dict
        second.load_state_dict(saved)
        assert second.param_groups[0]["lr"] == options["lr"]
        assert_all_close(ug_steps(second, params, GRADS[5:]), expected)


RESUMABLE = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("NAdam", {"lr": 0.01, "momentum_decay": 0.01}),
    ("RAdam", {"lr": 0.01, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.01}),
    ("Adadelta", {"lr": 0.5}),
    ("ASGD", {"lr": 0.05, "t0": 2}),
    ("Rprop", {"lr": 0.05}),
]


@pytest.mark.parametrize("name, options", RESUMABLE, ids=[n for n, _ in RESUMABLE])
def test_state_dict_round_trip(ug_backend, name, options):
    resume(ug_backend, ug_backend, name, options, convert=lambda s: s)


def to_numpy_state(state):
    return {
        "state": {
            i: {k: ug.to_numpy(v) if hasattr(v, "shape") else v for k, v in e.items()}
            for i, e in state["state"].items()
        },
        "param_groups": state["param_groups"],
    }


@pytest.mark.parametrize("name, options", RESUMABLE, ids=[n for n, _ in RESUMABLE])
def test_state_dict_moves_across_backends_and_through_numpy(name, options):
    backends = ug.available_backends()
    for before in backends:
        for after in backends:
            resume(before, after, name, options, convert=lambda s: s)
    resume(backends[0], backends[-1], name, options, convert=to_numpy_state)


def test_loads_torch_optim_state_dict(ug_backend):
    reference = torch_params()
    torch_opt = torch.optim.Adam(reference, lr=0.01, amsgrad=True)
    torch_steps(torch_opt, reference, GRADS[:5])
    params = [ug.nn.Parameter(ug.asarray(p.detach().numpy().copy())) for p in reference]
    optimizer = ug.optim.Adam(params, lr=0.5)
    optimizer.load_state_dict(torch_opt.state_dict())  # tensor steps, torch tensors, extra option keys
    assert optimizer.state_dict()["state"][0]["step"] == 5
    assert_all_close(ug_steps(optimizer, params, GRADS[5:]), torch_steps(torch_opt, reference, GRADS[5:]))


@pytest.mark.parametrize("name, options", [("NAdam", {"lr": 0.01}), ("ASGD", {"lr": 0.05, "t0": 2})])
def test_loads_torch_optim_scalar_state(ug_backend, name, options):
    """NAdam's mu_product and ASGD's eta and mu: 0-d tensors in torch, numbers here."""
    reference = torch_params()
    torch_opt = getattr(torch.optim, name)(reference, **options)
    torch_steps(torch_opt, reference, GRADS[:5])
    params = [ug.nn.Parameter(ug.asarray(p.detach().numpy().copy())) for p in reference]
    optimizer = getattr(ug.optim, name)(params, lr=0.5)
    optimizer.load_state_dict(torch_opt.state_dict())
    assert_all_close(ug_steps(optimizer, params, GRADS[5:]), torch_steps(torch_opt, reference, GRADS[5:]))


def test_load_state_dict_errors_name_the_mismatch(ug_backend):
    params = ug_params()
    optimizer = ug.optim.Adam(groups(params), lr=0.01)
    ug_steps(optimizer, params, GRADS[:1])
    good = optimizer.state_dict()
    with pytest.raises(OptimizerError, match="needs the keys 'state' and 'param_groups'"):
        optimizer.load_state_dict({"state": {}})
    with pytest.raises(OptimizerError, match="the state dict has 1 parameter groups, this Adam 2"):
        optimizer.load_state_dict({"state": {}, "param_groups": good["param_groups"][:1]})
    fewer = [{**good["param_groups"][0], "params": [0]}, good["param_groups"][1]]
    with pytest.raises(
        OptimizerError, match="parameter group 0 has 1 parameters in the state dict, 2 in this Adam"
    ):
        optimizer.load_state_dict({"state": {}, "param_groups": fewer})
    wrong_shape = {**good["state"][1], "exp_avg": ug.zeros(5, dtype=ug.float64)}
    with pytest.raises(
        OptimizerError, match=r"'exp_avg' for parameter 1 has shape \(5,\), the parameter \(3,\)"
    ):
        optimizer.load_state_dict({**good, "state": {**good["state"], 1: wrong_shape}})
    with pytest.raises(OptimizerError, match="state for parameter 7, which no group has"):
        optimizer.load_state_dict({**good, "state": {7: good["state"][0]}})
    negative = [{**good["param_groups"][0], "lr": -1.0}, good["param_groups"][1]]
    with pytest.raises(OptimizerError, match=r"lr must be a number >= 0, got -1\.0"):
        optimizer.load_state_dict({**good, "param_groups": negative})
    assert optimizer.state_dict()["state"][0]["step"] == 1  # nothing changed by the failed loads


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: ug.optim.SGD(p, lr=-0.1), "lr must be a number >= 0, got -0.1"),
        (lambda p: ug.optim.Adam(p, lr=-1), "lr must be a number >= 0, got -1"),
        (lambda p: ug.optim.Adam(p, betas=(1.0, 0.999)), r"betas\[0\] must be in \[0, 1\), got 1.0"),
        (lambda p: ug.optim.AdamW(p, betas=(0.9, -0.1)), r"betas\[1\] must be in \[0, 1\), got -0.1"),
        (lambda p: ug.optim.Adam(p, eps=-1e-8), "eps must be a number >= 0"),
        (lambda p: ug.optim.SGD(p, lr=0.1, momentum=-0.5), "momentum must be a number >= 0"),
        (lambda p: ug.optim.SGD(p, lr=0.1, nesterov=True), "Nesterov momentum needs momentum > 0"),
        (lambda p: ug.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "and dampening == 0"),
        (lambda p: ug.optim.RMSprop(p, alpha=-0.9), "alpha must be a number >= 0"),
        (lambda p: ug.optim.Adagrad(p, lr_decay=-1), "lr_decay must be a number >= 0"),
        (lambda p: ug.optim.Adagrad(p, initial_accumulator_value=-1), "initial_accumulator_value must be"),
        (lambda p: ug.optim.SGD(p, lr="0.1"), "lr must be a number >= 0, got '0.1'"),
        (lambda p: ug.optim.SGD([], lr=0.1), "SGD got an empty parameter list"),
        (lambda p: ug.optim.SGD([{"params": []}], lr=0.1), "SGD got a parameter group with no parameters"),
        (
            lambda p: ug.optim.SGD([p[0], p[1], p[0]], lr=0.1),
            r"a parameter of shape \(2, 3\) is given to SGD twice",
        ),
        (lambda p: ug.optim.SGD([{"params": p[:2]}, {"params": p[1:]}], lr=0.1), "given to SGD twice"),
    ],
)
def test_invalid_options_and_parameter_lists(ug_backend, make, message):
    with pytest.raises(OptimizerError, match=message):
        make(ug_params())


def test_parameters_that_cannot_be_optimized(ug_backend):
    with pytest.raises(TypeError, match="params must be an iterable of parameters or of param-group dicts"):
        ug.optim.SGD(ug_params()[0], lr=0.1)
    with pytest.raises(TypeError, match="a param group must be a dict with a 'params' entry"):
        ug.optim.SGD([{"params": ug_params()}, {"lr": 0.1}], lr=0.1)
    with pytest.raises(ug.DTypeError, match="SGD updates real floating-point parameters, got int64"):
        ug.optim.SGD([ug.asarray([1, 2])], lr=0.1)
    with pytest.raises(ug.BackendMismatchError, match="expected a tensor of an installed backend"):
        ug.optim.SGD([[1.0, 2.0]], lr=0.1)


def test_parameters_of_two_backends():
    if len(ug.available_backends()) < 2:
        pytest.skip("needs two backends")
    with ug.use_backend("torch"):
        w = ug.nn.Parameter(ug.zeros(2))
    with ug.use_backend("tensorflow"):
        v = ug.nn.Parameter(ug.zeros(2))
    with pytest.raises(ug.BackendMismatchError, match="got parameters of 'torch' and of 'tensorflow'"):
        ug.optim.SGD([w, v], lr=0.1)


def test_step_errors_change_nothing(ug_backend):
    params = ug_params()
    optimizer = ug.optim.SGD(params, lr=0.1)
    ones = [ug.ones(a.shape, dtype=ug.float64) for a in INITIAL]
    with pytest.raises(OptimizerError, match=r"SGD\.step got 2 gradients for 3 parameters"):
        optimizer.step(ones[:2])
    with pytest.raises(
        ug.ShapeError, match=r"the gradient for parameter 2 has shape \(3,\), the parameter \(4,\)"
    ):
        optimizer.step([ones[0], ones[1], ones[1]])
    with pytest.raises(
        ug.DTypeError, match="the gradient for parameter 1 has dtype float32, the parameter float64"
    ):
        optimizer.step([ones[0], ug.ones(3), ones[2]])
    with pytest.raises(ug.BackendMismatchError, match=r"the gradient for parameter 0 is a numpy\.ndarray"):
        optimizer.step([np.ones((2, 3)), ones[1], ones[2]])
    for p, a in zip(params, INITIAL):
        np.testing.assert_array_equal(ug.to_numpy(p), a)


def test_steps_on_the_parameters_backend_whichever_is_active():
    backends = ug.available_backends()
    with ug.use_backend(backends[0]):
        w = ug.nn.Parameter(ug.asarray([1.0, 2.0]))
        optimizer = ug.optim.Adam([w], lr=0.1)
        grad = ug.asarray([1.0, 1.0])
    with ug.use_backend(backends[-1]):
        optimizer.step([grad])
        optimizer.state_dict()
    np.testing.assert_allclose(ug.to_numpy(w), [0.9, 1.9], rtol=1e-6)


def test_step_inside_a_tape_is_not_recorded(ug_backend):
    w = ug.nn.Parameter(ug.asarray([1.0, 2.0]))
    optimizer = ug.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.1, foreach=False)
    with ug.GradientTape() as tape:
        loss = ug.sum(ug.square(w))
        optimizer.step([ug.ones(2)])
    assert isinstance(w, ug.nn.Parameter)
    np.testing.assert_allclose(ug.to_numpy(w), [0.89, 1.88], rtol=1e-6)
    if ug_backend == "torch":
        assert w.is_leaf and w.grad_fn is None and w.requires_grad
    del tape, loss


def test_add_param_group_and_repr(ug_backend):
    params = ug_params()
    optimizer = ug.optim.RMSprop(params[:2], lr=0.01)
    optimizer.add_param_group({"params": params[2], "lr": 0.5})
    assert [len(g["params"]) for g in optimizer.param_groups] == [2, 1]
    assert optimizer.param_groups[1]["alpha"] == 0.99
    text = repr(optimizer)
    assert text.startswith("RMSprop (") and "Parameter Group 1" in text and "lr: 0.5" in text


def test_gradients_in_a_structure_are_flattened(ug_backend):
    params = ug_params()
    optimizer = ug.optim.SGD(groups(params), lr=0.1)
    optimizer.step([[ug.asarray(GRADS[0][0]), None], {"last": ug.asarray(GRADS[0][2])}])
    expected = [INITIAL[0] - 0.1 * GRADS[0][0], INITIAL[1], INITIAL[2] - 0.1 * GRADS[0][2]]
    assert_all_close([ug.to_numpy(p) for p in params], expected)


SCHEDULED = [
    ("SGD", {"momentum": 0.9}),
    ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("Adam", {"amsgrad": True}),
    ("AdamW", {}),
    ("RMSprop", {"momentum": 0.5}),
    ("Adagrad", {"lr_decay": 0.01}),
    ("NAdam", {}),
    ("RAdam", {}),
    ("Adamax", {}),
    ("Adadelta", {}),
    ("ASGD", {"t0": 3}),
]


@pytest.mark.parametrize("foreach", [False, None], ids=["generic", "fast"])
@pytest.mark.parametrize("name, options", SCHEDULED, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULED)])
def test_group_lrs_set_between_steps_reach_every_path(ug_backend, name, options, foreach):
    """Per-group lr and weight decay, and lrs changed between steps (by a scheduler and by hand)."""
    first, second = {"lr": 0.05, "weight_decay": 0.1}, {"lr": 0.02}

    def run(module, params, step, **extra):
        optimizer = getattr(module, name)(groups(params, first, second), **options, **extra)
        scheduler = module.lr_scheduler.ExponentialLR(optimizer, gamma=0.8)
        for i, step_grads in enumerate(GRADS):
            step(optimizer, params, step_grads)
            scheduler.step()
            if i == 4:
                optimizer.param_groups[1]["lr"] = 0.3
        return params

    def torch_step(optimizer, params, step_grads):
        torch_steps(optimizer, params, [step_grads])

    def ug_step(optimizer, params, step_grads):
        ug_steps(optimizer, params, [step_grads])

    expected = [p.detach().numpy() for p in run(torch.optim, torch_params(), torch_step)]
    actual = run(ug.optim, ug_params(), ug_step, foreach=foreach)
    assert_all_close([ug.to_numpy(p) for p in actual], expected)


@pytest.mark.backends("tensorflow")
@pytest.mark.parametrize("name, options", SCHEDULED, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULED)])
def test_group_lrs_reach_a_compiled_step(ug_backend, name, options):
    """In a traced step the lrs are variables the graph reads: a scheduler's changes reach it."""
    first, second = {"lr": 0.05, "weight_decay": 0.1}, {"lr": 0.02}
    reference = torch_params()
    torch_opt = getattr(torch.optim, name)(groups(reference, first, second), **options)
    torch_scheduler = torch.optim.lr_scheduler.StepLR(torch_opt, step_size=2, gamma=0.5)
    params = ug_params()
    optimizer = getattr(ug.optim, name)(groups(params, first, second), **options)
    scheduler = ug.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    compiled = ug.function(lambda grads: optimizer.step(grads))
    for step_grads in GRADS:
        torch_steps(torch_opt, reference, [step_grads])
        torch_scheduler.step()
        compiled([ug.asarray(g) for g in step_grads])
        scheduler.step()
    assert_all_close([ug.to_numpy(p) for p in params], [p.detach().numpy() for p in reference], rtol=1e-9)
    saved = optimizer.state_dict()["state"][0]  # scalars as numbers, though the graph kept them in variables
    assert all(isinstance(saved[k], float) for k in optimizer.scalar_state)
    assert isinstance(saved.get("step", 0), int)  # (SGD counts no steps)
