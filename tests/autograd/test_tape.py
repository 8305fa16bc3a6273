"""ug.GradientTape: structures, persistence, unconnected sources, errors, higher order."""

from __future__ import annotations

import numpy as np
import pytest

import unigrad as ug


def values(x):
    return np.asarray(ug.to_numpy(x)).tolist()


def test_the_seeds_computational_graph(ug_backend):
    # a = x * y; b = a + z; c = sum(b): dc/dx = y, dc/dy = x, dc/dz = 1
    rng = np.random.default_rng(0)
    x_np, y_np, z_np = (rng.standard_normal((3, 4)) for _ in range(3))
    x, y, z = ug.asarray(x_np), ug.asarray(y_np), ug.asarray(z_np)
    with ug.GradientTape() as tape:
        tape.watch([x, y, z])
        c = ug.sum(x * y + z)
    grad_x, grad_y, grad_z = tape.gradient(c, [x, y, z])
    np.testing.assert_allclose(ug.to_numpy(grad_x), y_np)
    np.testing.assert_allclose(ug.to_numpy(grad_y), x_np)
    np.testing.assert_allclose(ug.to_numpy(grad_z), np.ones((3, 4)))


def test_sources_in_any_structure(ug_backend):
    a, b, c = ug.asarray([1.0, 2.0]), ug.asarray(3.0), ug.asarray([[4.0]])
    with ug.GradientTape(persistent=True) as tape:
        tape.watch({"a": a, "rest": (b, [c])})
        loss = ug.sum(a * b) + ug.sum(c) * b
    assert values(tape.gradient(loss, a)) == [3.0, 3.0]
    grads = tape.gradient(loss, {"a": a, "rest": (b, [c])})
    assert (
        set(grads) == {"a", "rest"}
        and isinstance(grads["rest"], tuple)
        and isinstance(grads["rest"][1], list)
    )
    assert values(grads["a"]) == [3.0, 3.0]
    assert values(grads["rest"][0]) == 7.0
    assert values(grads["rest"][1][0]) == [[3.0]]
    assert [values(g) for g in tape.gradient(loss, (a, b))] == [[3.0, 3.0], 7.0]


def test_unconnected_sources_get_none_or_zeros(ug_backend):
    x, unused = ug.asarray([1.0, 2.0]), ug.asarray([5.0, 6.0, 7.0])
    with ug.GradientTape(persistent=True) as tape:
        tape.watch([x, unused])
        y = ug.sum(x * x)
    assert tape.gradient(y, [x, unused])[1] is None
    zeros = tape.gradient(y, [x, unused], unconnected_gradients="zero")[1]
    assert values(zeros) == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="unconnected_gradients must be 'none' or 'zero'"):
        tape.gradient(y, x, unconnected_gradients="zeros")


def test_plain_tensors_need_watch_and_parameters_do_not(ug_backend):
    plain = ug.asarray([1.0, 2.0])
    weight = ug.nn.Parameter([3.0, 4.0])
    with ug.GradientTape() as tape:
        loss = ug.sum(plain * weight)
    grad_plain, grad_weight = tape.gradient(loss, [plain, weight])
    assert grad_plain is None
    assert values(grad_weight) == [1.0, 2.0]


def test_non_persistent_tape_gives_one_set_of_gradients(ug_backend):
    x = ug.asarray(2.0)
    with ug.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert values(tape.gradient(y, x)) == 4.0
    with pytest.raises(RuntimeError, match="a non-persistent GradientTape gives one set of gradients"):
        tape.gradient(y, x)


def test_persistent_tape_gives_many(ug_backend):
    x = ug.asarray(3.0)
    with ug.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * x
    assert values(tape.gradient(y, x)) == 6.0
    assert values(tape.gradient(z, x)) == 27.0
    assert values(tape.gradient(z, x)) == 27.0


def test_output_gradients_seed_a_non_scalar_target(ug_backend):
    x = ug.asarray([1.0, 2.0, 3.0])
    with ug.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    assert values(tape.gradient(y, x)) == [2.0, 4.0, 6.0]  # seeded with ones, as TensorFlow does
    seeded = tape.gradient(y, x, output_gradients=ug.asarray([1.0, 0.0, -1.0]))
    assert values(seeded) == [2.0, 0.0, -6.0]
    with pytest.raises(ValueError, match="output_gradients has 2 tensors for 1 targets"):
        tape.gradient(y, x, output_gradients=[ug.ones(3), ug.ones(3)])


def test_several_targets_add_up(ug_backend):
    x = ug.asarray(2.0)
    with ug.GradientTape() as tape:
        tape.watch(x)
        targets = [x * x, 3.0 * x]
    assert values(tape.gradient(targets, x)) == 7.0


def test_nested_tapes_give_higher_order_gradients(ug_backend):
    x = ug.asarray(2.0)
    with ug.GradientTape() as outer:
        outer.watch(x)
        with ug.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    assert values(dy) == 12.0
    assert values(d2y) == 12.0


def test_third_order(ug_backend):
    third = ug.grad(ug.grad(ug.grad(lambda x: x**4)))
    assert values(third(ug.asarray(2.0))) == 48.0
    with pytest.raises(ValueError, match=r"ug.grad needs f to return a scalar, got shape \(2,\)"):
        ug.grad(ug.grad(lambda x: ug.sum(x**4)))(ug.asarray([1.0, 2.0]))


def test_stop_recording(ug_backend):
    x = ug.asarray(2.0)
    with ug.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        with tape.stop_recording():
            z = y * x  # not recorded
        total = y + ug.stop_gradient(z)
    assert values(tape.gradient(total, x)) == 4.0


def test_no_grad_context_and_decorator(ug_backend):
    x = ug.asarray(2.0)

    @ug.no_grad()
    def cube(v):
        return v * v * v

    with ug.GradientTape() as tape:
        tape.watch(x)
        with ug.no_grad():
            hidden = x * x
        y = x * 3.0 + hidden + cube(x)
    assert values(tape.gradient(y, x)) == 3.0


def test_stop_gradient(ug_backend):
    x = ug.asarray([1.0, 2.0])
    with ug.GradientTape() as tape:
        tape.watch(x)
        y = ug.sum(x * ug.stop_gradient(x))
    assert values(tape.gradient(y, x)) == [1.0, 2.0]


def test_errors(ug_backend):
    tape = ug.GradientTape()
    with pytest.raises(RuntimeError, match="needs the tape to have been entered"):
        tape.watch(ug.ones(2))
    with (
        ug.GradientTape() as tape,
        pytest.raises(TypeError, match=r"GradientTape\.watch needs tensors, got float"),
    ):
        tape.watch([[1.0]])


@pytest.mark.backends("torch")
def test_watch_does_not_leave_torch_tensors_requiring_grad(ug_backend):
    x = ug.ones(3)
    with ug.GradientTape() as tape:
        tape.watch(x)
        y = ug.sum(x * 2.0)
    assert x.requires_grad
    tape.gradient(y, x)
    assert not x.requires_grad
