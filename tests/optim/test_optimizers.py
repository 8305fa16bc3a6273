"""Every optimizer and option against torch.optim, step by step, on every backend and path.

The reference is torch.optim itself (its default single-tensor loop on CPU),
fed the same parameters and the same 20 gradients; one gradient is missing at
one step, so per-parameter step counts are exercised too. ``foreach=False``
runs the generic path written over ``ug`` ops, ``foreach=None`` the backend's
fast path where one exists.
"""

from __future__ import annotations

import copy
import functools

import numpy as np
import pytest
import torch

import unigrad as ug

SHAPES = [(3, 4), (4,), ()]
STEPS = 20
SKIP = (7, 1)  # at step 7, parameter 1 has no gradient

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.05}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "betas": (0.3, 0.9)}),  # 1 - beta1 >= 0.5: lerp's other rounding
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.4, "momentum": 0.5, "centered": True, "eps": 1e-4}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6}),
    ("NAdam", {}),
    ("NAdam", {"lr": 0.01, "betas": (0.8, 0.99), "momentum_decay": 0.05, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.01}),  # rho_t > 5 from step 6 on
    ("RAdam", {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-4, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adamax", {}),
    ("Adamax", {"lr": 0.01, "betas": (0.3, 0.9), "eps": 1e-3, "weight_decay": 0.1}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "eps": 1e-3, "weight_decay": 0.1}),
    ("ASGD", {}),
    ("ASGD", {"lr": 0.05, "lambd": 0.1, "alpha": 0.5, "t0": 4, "weight_decay": 0.1}),  # averaging from step 5
    ("Rprop", {}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (0.01, 0.1)}),
]
FLOAT32_CASES = [3, 4, 9, 11, 15, 17, 20, 21, 23, 26, 28, 30, 32]
IDS = [f"{name}-" + "-".join(f"{k}={v}" for k, v in options.items()) for name, options in CASES]


def data(dtype):
    rng = np.random.default_rng(0)
    initial = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = [[rng.standard_normal(s).astype(dtype) for s in SHAPES] for _ in range(STEPS)]
    grads[SKIP[0]][SKIP[1]] = None
    return initial, grads


@functools.cache
def torch_reference(case, dtype):
    """Parameters after each of the steps, as torch.optim computes them."""
    name, options = CASES[case]
    initial, grads = data(dtype)
    params = [torch.nn.Parameter(torch.tensor(a)) for a in initial]
    optimizer = getattr(torch.optim, name)(params, **options)
    history = []
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else torch.tensor(g)
        optimizer.step()
        history.append([p.detach().numpy().copy() for p in params])
    return history


def unigrad_run(case, dtype, foreach):
    name, options = CASES[case]
    initial, grads = data(dtype)
    params = [ug.nn.Parameter(ug.asarray(a.copy())) for a in initial]
    optimizer = getattr(ug.optim, name)(params, foreach=foreach, **options)
    history = []
    for step_grads in grads:
        optimizer.step([None if g is None else ug.asarray(g) for g in step_grads])
        history.append([np.array(ug.to_numpy(p)) for p in params])
    return history


def assert_histories(actual, expected, rtol, atol):
    for step, (got, want) in enumerate(zip(actual, expected, strict=True)):
        for i, (a, e) in enumerate(zip(got, want, strict=True)):
            np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=f"parameter {i} after step {step}")


@pytest.mark.parametrize("foreach", [False, None], ids=["generic", "fast"])
@pytest.mark.parametrize("case", range(len(CASES)), ids=IDS)
def test_matches_torch_optim_float64(ug_backend, case, foreach):
    expected = torch_reference(case, np.float64)
    assert_histories(unigrad_run(case, np.float64, foreach), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("foreach", [False, None], ids=["generic", "fast"])
@pytest.mark.parametrize("case", FLOAT32_CASES, ids=[IDS[i] for i in FLOAT32_CASES])
def test_matches_torch_optim_float32(ug_backend, case, foreach):
    expected = torch_reference(case, np.float32)
    assert_histories(unigrad_run(case, np.float32, foreach), expected, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("case", range(len(CASES)), ids=IDS)
def test_fast_path_agrees_with_generic_path(ug_backend, case):
    name, options = CASES[case]
    if getattr(ug.optim, name).fast_path is None:
        pytest.skip(f"{name} has no fast path")
    if ug_backend == "tensorflow" and (name == "RMSprop" or options.get("dampening")):
        pytest.skip(
            "no TensorFlow fused op computes this (see test_foreach_true_where_there_is_no_fast_path)"
        )
    generic = unigrad_run(case, np.float64, foreach=False)
    assert_histories(unigrad_run(case, np.float64, foreach=True), generic, rtol=1e-12, atol=1e-14)


def without_optimizer_kernels(backend):
    """The backend as one that has none of the optimizer capabilities: the base class's defaults."""
    from unigrad.backends.base import Backend

    stub = copy.copy(backend)
    for name in vars(Backend):
        if name.startswith("optim_"):
            stub.__dict__.pop(name, None)  # what backends/<name>/optim.py gave it
    return stub


@pytest.mark.parametrize("case", range(len(CASES)), ids=IDS)
def test_backend_without_fast_paths_takes_the_generic_path(ug_backend, case):
    name, options = CASES[case]
    initial, grads = data(np.float64)
    params = [ug.nn.Parameter(ug.asarray(a.copy())) for a in initial]
    optimizer = getattr(ug.optim, name)(params, **options)
    backend = optimizer._backend
    optimizer._backend = without_optimizer_kernels(backend)
    history = []
    for step_grads in grads:
        optimizer.step([None if g is None else ug.asarray(g) for g in step_grads])
        history.append([np.array(ug.to_numpy(p)) for p in params])
    assert_histories(history, unigrad_run(case, np.float64, foreach=False), rtol=0, atol=0)
    # state in plain tensors, replaced each step (TensorFlow's fused ops would have made variables)
    assert not any(backend.optim_is_state_variable(v) for s in optimizer._state.values() for v in s.values())
    optimizer.param_groups[0]["foreach"] = True
    with pytest.raises(ug.optim.OptimizerError, match=r"foreach=True\) has no fast path"):
        optimizer.step([ug.asarray(g) for g in grads[0]])


@pytest.mark.backends("tensorflow")
def test_foreach_true_where_there_is_no_fast_path(ug_backend):
    w = ug.nn.Parameter(ug.zeros(2))
    for optimizer in (
        ug.optim.RMSprop([w], foreach=True),
        ug.optim.SGD([w], lr=0.1, momentum=0.9, dampening=0.5, foreach=True),
    ):
        with pytest.raises(ug.optim.OptimizerError, match=r"foreach=True\) has no fast path on 'tensorflow'"):
            optimizer.step([ug.ones(2)])
    assert ug.to_numpy(w).tolist() == [0.0, 0.0]


@pytest.mark.backends("tensorflow")
def test_tensorflow_fast_path_keeps_state_in_variables(ug_backend):
    import tensorflow as tf

    w = ug.nn.Parameter(ug.zeros(3))
    optimizer = ug.optim.Adam([w], amsgrad=True)
    optimizer.step([ug.ones(3)])
    state = optimizer._state[id(w)]
    assert all(isinstance(state[k], tf.Variable) for k in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"))
    saved = optimizer.state_dict()["state"][0]["exp_avg"]  # a snapshot, not the live slot
    optimizer.step([ug.ones(3)])
    assert not isinstance(saved, tf.Variable) and np.allclose(ug.to_numpy(saved), 0.1)


def test_tape_gradients_of_a_quadratic_loss(ug_backend):
    """Gradients that depend on the parameters, from ug.GradientTape, against torch.autograd + torch.optim."""
    rng = np.random.default_rng(1)
    a, b, w0 = rng.standard_normal((5, 3)), rng.standard_normal(5), rng.standard_normal(3)
    reference = torch.nn.Parameter(torch.tensor(w0))
    torch_opt = torch.optim.Adam([reference], lr=0.05, amsgrad=True, weight_decay=0.01)
    w = ug.nn.Parameter(ug.asarray(w0.copy()))
    optimizer = ug.optim.Adam([w], lr=0.05, amsgrad=True, weight_decay=0.01)
    A, B = ug.asarray(a), ug.asarray(b)
    for _ in range(STEPS):
        torch_opt.zero_grad()
        torch.sum((torch.tensor(a) @ reference - torch.tensor(b)) ** 2).backward()
        torch_opt.step()
        with ug.GradientTape() as tape:
            loss = ug.sum(ug.square(ug.matmul(A, w) - B))
        optimizer.step(tape.gradient(loss, [w]))
        np.testing.assert_allclose(ug.to_numpy(w), reference.detach().numpy(), rtol=1e-10, atol=1e-12)


# -- LBFGS: a closure that gives the loss and the gradients, several evaluations a step --------

LBFGS_CASES = [
    {},
    {"line_search_fn": "strong_wolfe"},
    {"lr": 0.5, "max_iter": 7, "history_size": 3},
    {"line_search_fn": "strong_wolfe", "max_iter": 4, "max_eval": 9, "history_size": 2},
    {"lr": 0.8, "tolerance_grad": 1e-3, "tolerance_change": 1e-4},
]


def torch_objective(w0, w1, w2):
    return torch.sum((w0**2 - 0.5) ** 2) + torch.sum(torch.exp(0.3 * w1) - w1) + 3 * (w2 - 2.0) ** 2


def ug_objective(w0, w1, w2):
    return ug.sum(ug.square(ug.square(w0) - 0.5)) + ug.sum(ug.exp(w1 * 0.3) - w1) + 3 * ug.square(w2 - 2.0)


def torch_lbfgs_history(options, steps=3):
    initial, _ = data(np.float64)
    params = [torch.nn.Parameter(torch.tensor(a)) for a in initial]
    optimizer = torch.optim.LBFGS(params, **options)

    def closure():
        optimizer.zero_grad()
        loss = torch_objective(*params)
        loss.backward()
        return loss

    history = []
    for _ in range(steps):
        loss = optimizer.step(closure).item()
        history.append((loss, [p.detach().numpy().copy() for p in params]))
    return history, optimizer


def ug_closure(params):
    def closure():
        with ug.GradientTape() as tape:
            loss = ug_objective(*params)
        return loss, tape.gradient(loss, params)

    return closure


@pytest.mark.parametrize("options", LBFGS_CASES, ids=[str(i) for i in range(len(LBFGS_CASES))])
def test_lbfgs_matches_torch(ug_backend, options):
    expected, reference = torch_lbfgs_history(options)
    initial, _ = data(np.float64)
    params = [ug.nn.Parameter(ug.asarray(a.copy())) for a in initial]
    optimizer = ug.optim.LBFGS(params, **options)
    closure = ug_closure(params)
    for step, (loss, want) in enumerate(expected):
        got = float(ug.to_numpy(optimizer.step(closure)))
        assert got == pytest.approx(loss, rel=1e-9), f"loss at step {step}"
        assert_histories([[np.array(ug.to_numpy(p)) for p in params]], [want], rtol=1e-8, atol=1e-10)
    ours, theirs = optimizer.state_dict()["state"][0], reference.state_dict()["state"][0]
    assert ours.keys() == theirs.keys()
    assert (ours["func_evals"], ours["n_iter"]) == (theirs["func_evals"], theirs["n_iter"])
    assert len(ours["old_dirs"]) == len(theirs["old_dirs"])


def test_lbfgs_resumes_from_torch_state_dict(ug_backend):
    options = {"history_size": 4, "max_iter": 5}
    expected, _ = torch_lbfgs_history(options, steps=4)
    _, reference = torch_lbfgs_history(options, steps=2)
    params = [ug.nn.Parameter(ug.asarray(a.copy())) for a in expected[1][1]]
    optimizer = ug.optim.LBFGS(params, **options)
    optimizer.load_state_dict(reference.state_dict())
    closure = ug_closure(params)
    for _, want in expected[2:]:
        optimizer.step(closure)
        assert_histories([[np.array(ug.to_numpy(p)) for p in params]], [want], rtol=1e-8, atol=1e-10)


@pytest.mark.backends("torch")
def test_lbfgs_takes_a_pytorch_closure(ug_backend):
    """loss.backward() and return loss: the gradients are read from the parameters' .grad."""
    expected, _ = torch_lbfgs_history({})
    initial, _ = data(np.float64)
    params = [ug.nn.Parameter(ug.asarray(a.copy())) for a in initial]
    optimizer = ug.optim.LBFGS(params)

    def closure():
        for p in params:
            p.grad = None
        loss = torch_objective(*params)
        loss.backward()
        return loss

    for _, want in expected:
        optimizer.step(closure)
        assert_histories([[np.array(ug.to_numpy(p)) for p in params]], [want], rtol=1e-8, atol=1e-10)


def test_lbfgs_errors(ug_backend):
    w = ug.nn.Parameter(ug.ones(2))
    with pytest.raises(
        ug.optim.OptimizerError, match="line_search_fn must be None or 'strong_wolfe', got 'armijo'"
    ):
        ug.optim.LBFGS([w], line_search_fn="armijo")
    with pytest.raises(ug.optim.OptimizerError, match=r"LBFGS takes one parameter group \(as PyTorch's\)"):
        ug.optim.LBFGS([{"params": [w]}, {"params": [ug.nn.Parameter(ug.ones(1))]}])
    optimizer = ug.optim.LBFGS([w])
    with pytest.raises(TypeError, match="takes a closure that returns \\(loss, grads\\), got list"):
        optimizer.step([ug.ones(2)])
    if ug_backend != "torch":  # (torch parameters have .grad: a bare loss is a PyTorch closure there)
        with pytest.raises(ug.optim.OptimizerError, match=r"closure returned a .*; return \(loss, grads\)"):
            optimizer.step(lambda: ug.sum(w))
    with pytest.raises(ug.optim.OptimizerError, match="returned 2 gradients for 1 parameters"):
        optimizer.step(lambda: (ug.sum(w), [ug.ones(2), ug.ones(2)]))
