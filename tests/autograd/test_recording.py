"""Which tapes record where: per thread and task, and inside a traced (compiled) function.

A gradient taken while another tape of this thread or task records is itself
recorded (higher order); on PyTorch that is ``create_graph``, which shows as a
gradient that requires grad. Tapes of other threads and tasks do not count.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import numpy as np
import pytest

import unigrad as ug


def values(x):
    return np.asarray(ug.to_numpy(x)).tolist()


def first_gradient(x):
    with ug.GradientTape() as tape:
        tape.watch(x)
        y = ug.sum(x * x * x)
    return tape.gradient(y, x)


@pytest.mark.backends("torch")
def test_a_tape_of_another_thread_is_not_an_outer_tape(ug_backend):
    x = ug.asarray([1.0, 2.0])
    entered, done = threading.Event(), threading.Event()

    def hold_a_tape():
        with ug.use_backend(ug_backend), ug.GradientTape():
            entered.set()
            done.wait(10)

    other = threading.Thread(target=hold_a_tape)
    other.start()
    try:
        assert entered.wait(10)
        assert not first_gradient(x).requires_grad
        with ug.GradientTape() as outer:
            outer.watch(x)
            assert first_gradient(x).requires_grad
    finally:
        done.set()
        other.join()
    assert not first_gradient(x).requires_grad


@pytest.mark.backends("torch")
def test_a_tape_of_another_task_is_not_an_outer_tape(ug_backend):
    x = ug.asarray([1.0, 2.0])

    async def main():
        entered, done = asyncio.Event(), asyncio.Event()

        async def hold_a_tape():
            with ug.GradientTape():
                entered.set()
                await done.wait()

        holder = asyncio.create_task(hold_a_tape())
        await entered.wait()
        here = first_gradient(x).requires_grad
        done.set()
        await holder
        return here

    assert asyncio.run(main()) is False


def test_a_tape_left_by_an_exception_stops_recording(ug_backend):
    x = ug.asarray(2.0)
    with pytest.raises(KeyError), ug.GradientTape():
        raise KeyError("inside")
    # no tape records now: a first derivative, and a second through nested tapes
    assert values(first_gradient(x)) == 12.0
    with ug.GradientTape() as outer:
        outer.watch(x)
        dy = first_gradient(x)
    assert values(outer.gradient(dy, x)) == 12.0


def second_derivative_and_no_grad(x):
    with ug.GradientTape() as outer:
        outer.watch(x)
        with ug.GradientTape() as inner:
            inner.watch(x)
            y = ug.sum(x * x * x)
        dy = inner.gradient(y, x)  # recorded by the outer tape, which records here
        with ug.no_grad():
            hidden = dy * x
        total = ug.sum(dy) + ug.sum(hidden)
    return outer.gradient(total, x)  # d/dx 3x^2 = 6x; nothing through hidden


@pytest.mark.backends("tensorflow")
def test_tapes_entered_while_tracing_nest(ug_backend):
    x = ug.asarray([1.0, 2.0])
    assert values(ug.function(second_derivative_and_no_grad)(x)) == [6.0, 12.0]
    assert values(second_derivative_and_no_grad(x)) == [6.0, 12.0]


@pytest.fixture
def torch_by_default() -> Iterator[None]:
    """PyTorch as the default backend, no ``use_backend`` block open (the way a script runs)."""
    torch = pytest.importorskip("torch")
    previous = ug.get_backend()
    ug.set_backend("torch")
    torch._dynamo.reset()
    try:
        yield
    finally:
        ug.set_backend(previous)


def test_torch_compiled_step_breaks_its_graph_only_for_the_gradient(torch_by_default):
    """The tape, ``ug.no_grad`` and the optimizer step trace: the one graph break of the step is
    ``torch.autograd.grad``, as a native compiled step breaks at ``loss.backward()``."""
    from torch._dynamo.utils import counters

    def train(compiled):
        ug.random.seed(0)
        model = ug.nn.Sequential(ug.nn.Linear(6, 5), ug.nn.ReLU(), ug.nn.Linear(5, 2))
        params = model.parameters()
        optimizer = ug.optim.Adam(params, lr=0.01)
        x, y = ug.random.normal((4, 6)), ug.random.normal((4, 2))

        def step():
            with ug.GradientTape() as tape:
                loss = ug.nn.functional.mse_loss(model(x), y)
            optimizer.step(tape.gradient(loss, params))
            return loss

        run = ug.function(step) if compiled else step
        losses = [float(ug.to_numpy(run())) for _ in range(3)]
        return losses, [ug.to_numpy(p) for p in params]

    eager_losses, eager_params = train(compiled=False)
    counters.clear()
    losses, params = train(compiled=True)
    reasons = list(counters["graph_break"])
    assert reasons and all("torch.autograd.grad" in reason for reason in reasons), reasons
    # (as tests/train/test_function.py: inductor's fused kernels round Adam a few ulps apart)
    np.testing.assert_allclose(losses, eager_losses, rtol=1e-5)
    for p, expected in zip(params, eager_params, strict=True):
        np.testing.assert_allclose(p, expected, rtol=1e-4, atol=1e-6)


def test_torch_compiled_nested_tapes_and_no_grad(torch_by_default):
    x = ug.asarray([1.0, 2.0])
    assert values(ug.function(second_derivative_and_no_grad)(x)) == [6.0, 12.0]
    with ug.GradientTape() as outer:  # an eager outer tape around a compiled gradient
        outer.watch(x)
        dy = ug.function(first_gradient)(x)
    assert values(outer.gradient(ug.sum(dy), x)) == [6.0, 12.0]
