"""ug.optim.lr_scheduler against torch.optim.lr_scheduler: the same recipe on twin optimizers.

Each case builds its schedulers on a ug optimizer and on a torch one with the
same two parameter groups, steps both 30 times, and compares ``get_last_lr()``
(and the groups' lrs and momenta) at every step. Half way through, each side
resumes as PyTorch documents it: a fresh optimizer loads the saved optimizer
state, fresh schedulers are made on it and load the saved scheduler states.
"""

from __future__ import annotations

import math

import pytest
import torch

import unigrad as ug
from unigrad.optim import OptimizerError
from unigrad.optim import lr_scheduler as ug_lr_scheduler

# the reference schedulers step without optimizer steps around them
pytestmark = pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step\\(\\)`:UserWarning")
STEPS = 30
RESUME_AT = 15
LRS = (0.1, 0.03)


class Scale:
    """A callable object: its attributes go into LambdaLR's state dict."""

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, epoch):
        return self.rate**epoch


def single(name, **options):
    return lambda S, opt: [getattr(S, name)(opt, **options)]


CASES = {
    "LambdaLR": single("LambdaLR", lr_lambda=lambda epoch: 1 / (1 + epoch) ** 0.5),
    "LambdaLR-per-group": single("LambdaLR", lr_lambda=[Scale(0.9), lambda e: min(1.0, (e + 1) / 10)]),
    "MultiplicativeLR": single("MultiplicativeLR", lr_lambda=lambda epoch: 0.95),
    "StepLR": single("StepLR", step_size=7),
    "StepLR-gamma": single("StepLR", step_size=3, gamma=0.5),
    "MultiStepLR": single("MultiStepLR", milestones=[4, 9, 9, 20], gamma=0.5),
    "ExponentialLR": single("ExponentialLR", gamma=0.9),
    "ConstantLR": single("ConstantLR", factor=0.25, total_iters=8),
    "LinearLR": single("LinearLR"),
    "LinearLR-long": single("LinearLR", start_factor=0.25, end_factor=0.5, total_iters=20),
    "PolynomialLR": single("PolynomialLR", total_iters=20, power=2.0),
    "CosineAnnealingLR": single("CosineAnnealingLR", T_max=10),  # past T_max: back up, as torch
    "CosineAnnealingLR-eta_min": single("CosineAnnealingLR", T_max=25, eta_min=0.001),
    "CosineAnnealingWarmRestarts": single("CosineAnnealingWarmRestarts", T_0=4, T_mult=2, eta_min=0.002),
    "CosineAnnealingWarmRestarts-1": single("CosineAnnealingWarmRestarts", T_0=6),
    "OneCycleLR": single("OneCycleLR", max_lr=[1.0, 0.5], total_steps=STEPS),
    "OneCycleLR-linear-three_phase": single(
        "OneCycleLR", max_lr=0.8, epochs=5, steps_per_epoch=6, anneal_strategy="linear", three_phase=True
    ),
    "OneCycleLR-no-momentum": single(
        "OneCycleLR", max_lr=0.8, total_steps=STEPS, cycle_momentum=False, pct_start=0.5
    ),
    # two schedulers stepped one after the other: their factors multiply
    "chained-by-hand": lambda S, opt: [
        S.LinearLR(opt, start_factor=0.2, total_iters=6),
        S.CosineAnnealingLR(opt, T_max=12, eta_min=0.001),
    ],
    "ChainedScheduler": lambda S, opt: [
        S.ChainedScheduler([S.ConstantLR(opt, factor=0.5, total_iters=4), S.ExponentialLR(opt, gamma=0.9)])
    ],
    "SequentialLR": lambda S, opt: [
        S.SequentialLR(
            opt,
            [S.LinearLR(opt, start_factor=0.1, total_iters=5), S.StepLR(opt, step_size=4, gamma=0.5)],
            milestones=[5],
        )
    ],
    "SequentialLR-three": lambda S, opt: [
        S.SequentialLR(
            opt,
            [
                S.ConstantLR(opt, factor=0.5, total_iters=3),
                S.CosineAnnealingLR(opt, T_max=8),
                S.ExponentialLR(opt, gamma=0.8),
            ],
            milestones=[3, 12],
        )
    ],
}


def make_optimizer(module, make_param, name):
    params = [make_param(), make_param()]
    groups = [{"params": [params[0]], "lr": LRS[0]}, {"params": [params[1]], "lr": LRS[1]}]
    if name == "Adam":
        return module.Adam(groups, lr=1.0)
    return module.SGD(groups, lr=1.0, momentum=0.9)


def history(module, scheduler_module, make_param, make, optimizer_name):
    """The lrs and momenta seen at each step, resuming from state dicts half way."""
    optimizer = make_optimizer(module, make_param, optimizer_name)
    schedulers = make(scheduler_module, optimizer)
    seen = []
    for step in range(STEPS):
        if step == RESUME_AT:
            saved_optimizer = optimizer.state_dict()
            saved = [s.state_dict() for s in schedulers]
            optimizer = make_optimizer(module, make_param, optimizer_name)
            optimizer.load_state_dict(saved_optimizer)
            schedulers = make(scheduler_module, optimizer)
            for scheduler, state in zip(schedulers, saved):
                scheduler.load_state_dict(state)
        groups = optimizer.param_groups
        seen.append(
            (
                list(schedulers[-1].get_last_lr()),
                [g["lr"] for g in groups],
                [g["betas"][0] if optimizer_name == "Adam" else g["momentum"] for g in groups],
            )
        )
        for scheduler in schedulers:
            scheduler.step()
    return seen


def assert_same_history(actual, expected):
    for step, (got, want) in enumerate(zip(actual, expected, strict=True)):
        for a, e in zip(got, want, strict=True):
            assert a == pytest.approx(e, rel=1e-12, abs=1e-15), f"step {step}: {got} != {want}"


# (the optimizer matters only to OneCycleLR, which cycles SGD's momentum or Adam's betas[0])
TWINS = [(case, "SGD") for case in CASES] + [(case, "Adam") for case in CASES if case.startswith("OneCycle")]


@pytest.mark.parametrize("case, optimizer_name", TWINS, ids=[f"{c}-{o}" for c, o in TWINS])
def test_matches_torch_lr_scheduler(ug_backend, case, optimizer_name):
    make = CASES[case]
    expected = history(
        torch.optim,
        torch.optim.lr_scheduler,
        lambda: torch.nn.Parameter(torch.zeros(1)),
        make,
        optimizer_name,
    )
    actual = history(ug.optim, ug_lr_scheduler, lambda: ug.nn.Parameter(ug.zeros(1)), make, optimizer_name)
    assert_same_history(actual, expected)


METRICS = [5.0, 4.0, 4.0, 3.9999, 4.1, 4.2, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.5, 2.5, 2.5, 2.5, 2.5]
METRICS += [2.4, 2.4, 2.4, 2.4, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9, 0.9]
PLATEAU_CASES = [
    {"patience": 2},
    {"patience": 1, "factor": 0.5, "cooldown": 2, "min_lr": [0.01, 0.02]},
    {"mode": "max", "patience": 1, "threshold_mode": "abs", "threshold": 0.05, "factor": 0.3},
    {"patience": 0, "threshold": 0.1, "eps": 0.02, "min_lr": 0.005},
]


@pytest.mark.parametrize("options", PLATEAU_CASES, ids=[str(i) for i in range(len(PLATEAU_CASES))])
def test_reduce_lr_on_plateau_matches_torch(ug_backend, options):
    metrics = METRICS if options.get("mode") != "max" else [-m for m in METRICS]

    def run(module, S, make_param):
        optimizer = make_optimizer(module, make_param, "SGD")
        scheduler = S.ReduceLROnPlateau(optimizer, **options)
        seen = []
        for step, metric in enumerate(metrics):
            if step == RESUME_AT:
                saved_optimizer, saved = optimizer.state_dict(), scheduler.state_dict()
                optimizer = make_optimizer(module, make_param, "SGD")
                optimizer.load_state_dict(saved_optimizer)
                scheduler = S.ReduceLROnPlateau(optimizer, **options)
                scheduler.load_state_dict(saved)
            scheduler.step(metric)
            seen.append((list(scheduler.get_last_lr()), [g["lr"] for g in optimizer.param_groups]))
        return seen

    expected = run(torch.optim, torch.optim.lr_scheduler, lambda: torch.nn.Parameter(torch.zeros(1)))
    actual = run(ug.optim, ug_lr_scheduler, lambda: ug.nn.Parameter(ug.zeros(1)))
    assert_same_history(actual, expected)
    assert len({tuple(lrs) for lrs, _ in expected}) > 1  # the lr did fall


def test_reduce_lr_on_plateau_takes_a_tensor_metric(ug_backend):
    optimizer = make_optimizer(ug.optim, lambda: ug.nn.Parameter(ug.zeros(1)), "SGD")
    scheduler = ug_lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, factor=0.5)
    for value in (1.0, 2.0):
        scheduler.step(ug.asarray(value))
    assert scheduler.get_last_lr() == [LRS[0] / 2, LRS[1] / 2]


def test_lr_changed_by_hand_carries_on_as_in_torch(ug_backend):
    def run(module, S, make_param):
        optimizer = make_optimizer(module, make_param, "SGD")
        scheduler = S.ExponentialLR(optimizer, gamma=0.5)
        scheduler.step()
        optimizer.param_groups[0]["lr"] = 1.0
        scheduler.step()
        return [g["lr"] for g in optimizer.param_groups]

    expected = run(torch.optim, torch.optim.lr_scheduler, lambda: torch.nn.Parameter(torch.zeros(1)))
    assert run(ug.optim, ug_lr_scheduler, lambda: ug.nn.Parameter(ug.zeros(1))) == expected == [0.5, 0.0075]


@pytest.mark.parametrize("case", ["StepLR-gamma", "CosineAnnealingLR", "SequentialLR", "LambdaLR-per-group"])
def test_state_dicts_cross_between_torch_and_unigrad(ug_backend, case):
    """PyTorch's resume recipe, with the state dicts of the other library: the same lrs follow."""
    make = CASES[case]
    torch_opt = make_optimizer(torch.optim, lambda: torch.nn.Parameter(torch.zeros(1)), "SGD")
    first = make(torch.optim.lr_scheduler, torch_opt)
    for _ in range(9):
        for scheduler in first:
            scheduler.step()

    def resume(module, scheduler_module, make_param, saved):
        optimizer = make_optimizer(module, make_param, "SGD")
        optimizer.load_state_dict(torch_opt.state_dict())
        schedulers = make(scheduler_module, optimizer)
        for scheduler, state in zip(schedulers, saved):
            scheduler.load_state_dict(state)
        return schedulers

    torch_param = lambda: torch.nn.Parameter(torch.zeros(1))  # noqa: E731
    reference = resume(torch.optim, torch.optim.lr_scheduler, torch_param, [s.state_dict() for s in first])
    ours = resume(
        ug.optim, ug_lr_scheduler, lambda: ug.nn.Parameter(ug.zeros(1)), [s.state_dict() for s in first]
    )
    twins = resume(torch.optim, torch.optim.lr_scheduler, torch_param, [s.state_dict() for s in ours])
    for _ in range(12):
        for schedulers in (reference, ours, twins):
            for scheduler in schedulers:
                scheduler.step()
        want = reference[-1].get_last_lr()
        assert ours[-1].get_last_lr() == pytest.approx(want, rel=1e-12)
        assert twins[-1].get_last_lr() == pytest.approx(want, rel=1e-12)


def test_state_dict_contents(ug_backend):
    optimizer = make_optimizer(ug.optim, lambda: ug.nn.Parameter(ug.zeros(1)), "SGD")
    scheduler = ug_lr_scheduler.LambdaLR(optimizer, [Scale(0.9), lambda e: 1.0])
    scheduler.step()
    state = scheduler.state_dict()
    assert state["last_epoch"] == 1 and state["base_lrs"] == list(LRS) and state["_step_count"] == 2
    assert state["lr_lambdas"] == [{"rate": 0.9}, None] and "optimizer" not in state
    state["lr_lambdas"][0]["rate"] = 0.5
    scheduler.load_state_dict(state)
    assert scheduler.lr_lambdas[0].rate == 0.5


def test_scheduler_errors(ug_backend):
    optimizer = make_optimizer(ug.optim, lambda: ug.nn.Parameter(ug.zeros(1)), "SGD")
    S = ug_lr_scheduler
    with pytest.raises(TypeError, match=r"needs an optimizer .* got list"):
        S.StepLR([], step_size=2)
    with pytest.raises(OptimizerError, match="step_size must be a positive int, got 0"):
        S.StepLR(optimizer, step_size=0)
    with pytest.raises(OptimizerError, match=r"start_factor must be in \(0.0, 1.0\], got 0"):
        S.LinearLR(optimizer, start_factor=0)
    with pytest.raises(OptimizerError, match=r"factor must be in \[0.0, 1.0\], got 2"):
        S.ConstantLR(optimizer, factor=2)
    with pytest.raises(OptimizerError, match="expected 2 lr_lambda values, one per parameter group, got 1"):
        S.LambdaLR(optimizer, [lambda e: 1.0])
    with pytest.raises(OptimizerError, match=r"param_groups\[0\] has no 'initial_lr' to resume"):
        S.ExponentialLR(optimizer, gamma=0.9, last_epoch=4)
    with pytest.raises(OptimizerError, match="T_mult must be an int >= 1, got 0"):
        S.CosineAnnealingWarmRestarts(optimizer, T_0=3, T_mult=0)
    with pytest.raises(OptimizerError, match="needs total_steps, or epochs and steps_per_epoch"):
        S.OneCycleLR(optimizer, max_lr=1.0)
    with pytest.raises(OptimizerError, match="cycle_momentum needs an optimizer with momentum or betas"):
        S.OneCycleLR(ug.optim.Adagrad([ug.nn.Parameter(ug.zeros(1))]), max_lr=1.0, total_steps=5)
    with pytest.raises(OptimizerError, match="mode must be 'min' or 'max', got 'up'"):
        S.ReduceLROnPlateau(optimizer, mode="up")
    plateau = S.ReduceLROnPlateau(optimizer)
    with pytest.raises(OptimizerError, match="cannot take ReduceLROnPlateau"):
        S.ChainedScheduler([plateau])
    other = make_optimizer(ug.optim, lambda: ug.nn.Parameter(ug.zeros(1)), "SGD")
    with pytest.raises(OptimizerError, match="belongs to another optimizer"):
        S.SequentialLR(optimizer, [S.StepLR(optimizer, 2), S.StepLR(other, 2)], milestones=[3])
    with pytest.raises(OptimizerError, match="one milestone fewer than schedulers: got 2 schedulers and 2"):
        S.SequentialLR(optimizer, [S.StepLR(optimizer, 2), S.StepLR(optimizer, 3)], milestones=[3, 4])
    cycle = S.OneCycleLR(optimizer, max_lr=1.0, total_steps=3)
    for _ in range(3):
        cycle.step()
    with pytest.raises(OptimizerError, match="OneCycleLR stepped 4 times; it was made for total_steps=3"):
        cycle.step()
    scheduler = S.ExponentialLR(optimizer, gamma=0.9)
    optimizer.add_param_group({"params": [ug.nn.Parameter(ug.zeros(1))]})
    with pytest.raises(
        OptimizerError, match="the optimizer has 3 parameter groups, the scheduler 2 base lrs"
    ):
        scheduler.step()


def test_scheduled_lr_reaches_the_step(ug_backend):
    """The scheduler's lr reaches the parameters: SGD without momentum moves by lr * grad."""
    w = ug.nn.Parameter(ug.zeros(1))
    optimizer = ug.optim.SGD([w], lr=1.0)
    scheduler = ug_lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    for _ in range(3):
        optimizer.step([ug.ones(1)])
        scheduler.step()
    assert math.isclose(float(ug.to_numpy(w)[0]), -(1.0 + 0.5 + 0.25))


@pytest.mark.filterwarnings("ignore:The epoch parameter:UserWarning")
def test_warm_restarts_take_fractional_epochs_as_torch(ug_backend):
    epochs = [0.5, 1.25, 3.0, 4.75, 9.5, 13.0, 2.0, 30.2]

    def run(module, S, make_param):
        optimizer = make_optimizer(module, make_param, "SGD")
        scheduler = S.CosineAnnealingWarmRestarts(optimizer, T_0=3, T_mult=2, eta_min=0.001)
        seen = []
        for epoch in epochs:
            scheduler.step(epoch)
            seen.append(
                (list(scheduler.get_last_lr()), [scheduler.T_i, scheduler.T_cur, scheduler.last_epoch])
            )
        return seen

    expected = run(torch.optim, torch.optim.lr_scheduler, lambda: torch.nn.Parameter(torch.zeros(1)))
    assert_same_history(run(ug.optim, ug_lr_scheduler, lambda: ug.nn.Parameter(ug.zeros(1))), expected)
    optimizer = make_optimizer(ug.optim, lambda: ug.nn.Parameter(ug.zeros(1)), "SGD")
    with pytest.raises(OptimizerError, match="epoch must be >= 0, got -1"):
        ug_lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=3).step(-1)
