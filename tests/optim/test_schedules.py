"""Learning-rate schedules against torch.optim.lr_scheduler over 30 steps."""

from __future__ import annotations

import math

import pytest
import torch

import unigrad as ug
from unigrad.optim import OptimizerError, schedules

# the reference schedules step without a training loop around them
pytestmark = pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step\\(\\)`:UserWarning")
STEPS = 30
LRS = (0.1, 0.03)

CASES = [
    ("StepLR", "StepLR", {"step_size": 7}),
    ("StepLR", "StepLR", {"step_size": 3, "gamma": 0.5}),
    ("ExponentialLR", "ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", "CosineAnnealingLR", {"T_max": 10}),  # past T_max: back up, as torch
    ("CosineAnnealingLR", "CosineAnnealingLR", {"T_max": 25, "eta_min": 0.001}),
    ("LinearLR", "LinearLR", {}),
    ("LinearLR", "LinearLR", {"start_factor": 0.25, "end_factor": 0.5, "total_iters": 12}),
    ("LambdaLR", "LambdaLR", {"lr_lambda": lambda step: 1 / (1 + step) ** 0.5}),
    (
        "LambdaLR",
        "LambdaLR",
        {"lr_lambda": [lambda step: 0.95**step, lambda step: min(1.0, (step + 1) / 10)]},
    ),
    ("LinearWarmup", "LinearLR", {"warmup_steps": 8, "start_factor": 0.1}),
]


def torch_options(name, options):
    if name == "LinearWarmup":
        return {"start_factor": options["start_factor"], "total_iters": options["warmup_steps"]}
    return options


def two_groups(module, make_param):
    params = [make_param(), make_param()]
    return module.SGD([{"params": [params[0]], "lr": LRS[0]}, {"params": [params[1]], "lr": LRS[1]}], lr=1.0)


def lr_history(scheduler, optimizer, steps):
    """The groups' lrs at each step, flat; the first read before any step()."""
    history = []
    for _ in range(steps):
        history += [g["lr"] for g in optimizer.param_groups]
        assert scheduler.get_last_lr() == history[-2:]
        scheduler.step()
    return history


@pytest.mark.parametrize("name, torch_name, options", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_matches_torch_lr_scheduler(ug_backend, name, torch_name, options):
    torch_opt = two_groups(torch.optim, lambda: torch.nn.Parameter(torch.zeros(1)))
    reference = getattr(torch.optim.lr_scheduler, torch_name)(torch_opt, **torch_options(name, options))
    optimizer = two_groups(ug.optim, lambda: ug.nn.Parameter(ug.zeros(1)))
    scheduler = getattr(schedules, name)(optimizer, **options)
    expected = lr_history(reference, torch_opt, STEPS)
    assert lr_history(scheduler, optimizer, STEPS) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_state_dict_resumes_a_schedule(ug_backend):
    optimizer = two_groups(ug.optim, lambda: ug.nn.Parameter(ug.zeros(1)))
    scheduler = schedules.CosineAnnealingLR(optimizer, T_max=20, eta_min=0.01)
    straight = lr_history(scheduler, optimizer, 20)
    optimizer = two_groups(ug.optim, lambda: ug.nn.Parameter(ug.zeros(1)))
    first = schedules.CosineAnnealingLR(optimizer, T_max=20, eta_min=0.01)
    lr_history(first, optimizer, 8)
    saved_optimizer, saved_schedule = optimizer.state_dict(), first.state_dict()
    assert saved_schedule["last_epoch"] == 8 and saved_schedule["base_lrs"] == list(LRS)
    assert saved_optimizer["param_groups"][0]["initial_lr"] == LRS[0]

    optimizer = two_groups(ug.optim, lambda: ug.nn.Parameter(ug.zeros(1)))
    optimizer.load_state_dict(saved_optimizer)
    second = schedules.CosineAnnealingLR(optimizer, T_max=20, eta_min=0.01, last_epoch=7)
    assert lr_history(second, optimizer, 12) == pytest.approx(straight[16:], rel=1e-12)
    third = schedules.CosineAnnealingLR(optimizer, T_max=5)
    third.load_state_dict(saved_schedule)
    assert (third.T_max, third.last_epoch) == (20, 8)


def test_loads_torch_scheduler_state_dict(ug_backend):
    torch_opt = two_groups(torch.optim, lambda: torch.nn.Parameter(torch.zeros(1)))
    reference = torch.optim.lr_scheduler.StepLR(torch_opt, step_size=4, gamma=0.5)
    lr_history(reference, torch_opt, 6)
    optimizer = two_groups(ug.optim, lambda: ug.nn.Parameter(ug.zeros(1)))
    scheduler = schedules.StepLR(optimizer, step_size=1)
    scheduler.load_state_dict(reference.state_dict())  # torch's private keys are ignored
    assert not hasattr(scheduler, "_step_count") and scheduler.last_epoch == 6
    scheduler.step()
    reference.step()
    assert lr_history(scheduler, optimizer, 10) == pytest.approx(
        lr_history(reference, torch_opt, 10), rel=1e-12
    )


def test_pure_functions_of_the_step():
    assert schedules.step_decay(7, 1.0, step_size=3, gamma=0.5) == 0.25
    assert schedules.exponential_decay(2, 2.0, gamma=0.5) == 0.5
    assert schedules.cosine_decay(10, 1.0, T_max=20) == pytest.approx(0.5)
    assert schedules.cosine_decay(30, 1.0, T_max=20) == pytest.approx(0.5)
    assert schedules.linear_schedule(3, 1.0, 0.0, 1.0, total_iters=6) == 0.5
    assert schedules.linear_schedule(60, 1.0, 0.0, 1.0, total_iters=6) == 1.0
    assert math.isclose(schedules.cosine_decay(0, 0.3, T_max=5, eta_min=0.1), 0.3)


def test_schedule_errors(ug_backend):
    optimizer = two_groups(ug.optim, lambda: ug.nn.Parameter(ug.zeros(1)))
    with pytest.raises(TypeError, match="a schedule needs an optimizer with param_groups, got list"):
        schedules.StepLR([], step_size=2)
    with pytest.raises(OptimizerError, match="step_size must be a positive int, got 0"):
        schedules.StepLR(optimizer, step_size=0)
    with pytest.raises(OptimizerError, match="T_max must be a positive int, got -1"):
        schedules.CosineAnnealingLR(optimizer, T_max=-1)
    with pytest.raises(OptimizerError, match=r"start_factor must be in \[0, 1\], got 2"):
        schedules.LinearLR(optimizer, start_factor=2)
    with pytest.raises(OptimizerError, match="total_iters must be a positive int"):
        schedules.LinearWarmup(optimizer, warmup_steps=0)
    with pytest.raises(OptimizerError, match="expected 2 lr_lambdas, one per parameter group, got 1"):
        schedules.LambdaLR(optimizer, [lambda step: 1.0])
    with pytest.raises(
        OptimizerError, match=r"param_groups\[0\] has no 'initial_lr' to resume a schedule from"
    ):
        schedules.ExponentialLR(optimizer, gamma=0.9, last_epoch=4)
    scheduler = schedules.ExponentialLR(optimizer, gamma=0.9)
    optimizer.add_param_group({"params": [ug.nn.Parameter(ug.zeros(1))]})
    with pytest.raises(OptimizerError, match="the optimizer has 3 parameter groups, the schedule 2 base lrs"):
        scheduler.step()
    assert scheduler.last_epoch == 0
