"""ug.grad, ug.value_and_grad, ug.jacobian, ug.hessian, custom gradients, Parameters."""

from __future__ import annotations

import numpy as np
import pytest

import unigrad as ug


def values(x):
    return np.asarray(ug.to_numpy(x)).tolist()


def test_grad_and_argnums(ug_backend):
    def f(x, y):
        return ug.sum(x * x * y)

    x, y = ug.asarray([1.0, 2.0]), ug.asarray([3.0, 4.0])
    assert values(ug.grad(f)(x, y)) == [6.0, 16.0]
    assert values(ug.grad(f, argnums=1)(x, y)) == [1.0, 4.0]
    gx, gy = ug.grad(f, argnums=(0, 1))(x, y)
    assert values(gx) == [6.0, 16.0] and values(gy) == [1.0, 4.0]
    (gy_only,) = ug.grad(f, argnums=(-1,))(x, y)
    assert values(gy_only) == [1.0, 4.0]
    with pytest.raises(ValueError, match="argnums 2 names argument 2, but the function got 2 arguments"):
        ug.grad(f, argnums=2)(x, y)


def test_value_and_grad_with_aux_and_parameter_dicts(ug_backend):
    params = {"w": ug.asarray([[1.0], [2.0]]), "b": ug.asarray([0.5])}

    def loss(params, inputs):
        prediction = ug.matmul(inputs, params["w"]) + params["b"]
        return ug.sum(prediction**2), prediction

    inputs = ug.asarray([[1.0, 1.0]])
    (value, prediction), grads = ug.value_and_grad(loss, has_aux=True)(params, inputs)
    assert values(value) == 12.25 and values(prediction) == [[3.5]]
    assert list(grads) == ["w", "b"]
    assert values(grads["w"]) == [[7.0], [7.0]] and values(grads["b"]) == [7.0]
    grads_only, aux = ug.grad(loss, has_aux=True)(params, inputs)
    assert values(grads_only["b"]) == [7.0] and values(aux) == [[3.5]]


def test_grad_does_not_change_its_inputs(ug_backend):
    x = ug.asarray([1.0, 2.0])
    ug.grad(lambda v: ug.sum(v * v))(x)
    if ug_backend == "torch":
        assert not x.requires_grad


def test_grad_differentiates_numpy_arrays_and_numbers_as_the_tensors_they_convert_to(ug_backend):
    # (they were read as constants: a silent zero gradient)
    square_sum = ug.grad(lambda a, b: ug.sum(a * a) * b, argnums=(0, 1))
    da, db = square_sum(np.array([1.0, -2.0], np.float32), 3.0)
    np.testing.assert_allclose(values(da), [6.0, -12.0])
    np.testing.assert_allclose(values(db), 5.0)


def test_grad_gives_zeros_for_unused_arguments(ug_backend):
    g = ug.grad(lambda x, y: ug.sum(x), argnums=1)(ug.ones(2), ug.ones(3))
    assert values(g) == [0.0, 0.0, 0.0]


def test_grad_needs_a_scalar(ug_backend):
    with pytest.raises(ValueError, match=r"ug\.grad needs f to return a scalar"):
        ug.grad(lambda x: x * 2.0)(ug.ones(3))
    with pytest.raises(TypeError, match=r"with has_aux=True, f must return a \(value, aux\) pair"):
        ug.grad(lambda x: ug.sum(x), has_aux=True)(ug.ones(3))


def test_jacobian_and_hessian(ug_backend):
    x = ug.asarray([1.0, 2.0, 3.0])
    jac = ug.to_numpy(ug.jacobian(lambda v: ug.stack([v[0] * v[1], ug.sum(v**2)]))(x))
    np.testing.assert_allclose(jac, [[2.0, 1.0, 0.0], [2.0, 4.0, 6.0]])
    hess = ug.to_numpy(ug.hessian(lambda v: v[0] * v[1] * v[2] + ug.sum(v**3))(x))
    np.testing.assert_allclose(hess, [[6.0, 3.0, 2.0], [3.0, 12.0, 1.0], [2.0, 1.0, 18.0]])
    matrix = ug.to_numpy(ug.jacobian(lambda m: ug.matmul(m, m))(ug.eye(2)))
    assert matrix.shape == (2, 2, 2, 2)


class MyReLU(ug.autograd.Function):
    """The seed's custom Function, written with unigrad ops."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ug.clip(x, min=0.0)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return ug.where(x < 0, 0.0, grad_output)


class ScaledSquare(ug.autograd.Function):
    """Non-tensor arguments, ctx attributes, needs_input_grad, two outputs."""

    @staticmethod
    def forward(ctx, x, scale):
        ctx.scale = scale
        ctx.seen = ctx.needs_input_grad
        ctx.save_for_backward(x)
        return x * x * scale, x + 1.0

    @staticmethod
    def backward(ctx, grad_square, grad_shifted):
        (x,) = ctx.saved_tensors
        return 2.0 * ctx.scale * x * grad_square + grad_shifted, None


def test_function_my_relu(ug_backend):
    x = ug.asarray([-2.0, -0.5, 0.5, 3.0])
    with ug.GradientTape() as tape:
        tape.watch(x)
        y = MyReLU.apply(x)
        loss = ug.sum(y * ug.asarray([1.0, 2.0, 3.0, 4.0]))
    assert values(y) == [0.0, 0.0, 0.5, 3.0]
    assert values(tape.gradient(loss, x)) == [0.0, 0.0, 3.0, 4.0]


def test_function_with_constants_and_two_outputs(ug_backend):
    x = ug.asarray([1.0, 2.0])
    with ug.GradientTape() as tape:
        tape.watch(x)
        square, shifted = ScaledSquare.apply(x, 3.0)
        loss = ug.sum(square) + ug.sum(shifted * 2.0)
    assert values(tape.gradient(loss, x)) == [8.0, 14.0]


def test_function_backward_count_is_checked(ug_backend):
    class Wrong(ug.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g, g, g

    x = ug.asarray([1.0])
    with ug.GradientTape() as tape:
        tape.watch(x)
        y = ug.sum(Wrong.apply(x, x))
    with pytest.raises(ValueError, match="the gradient function returned 3 gradients for 2 inputs"):
        tape.gradient(y, x)


@ug.custom_gradient
def clip_gradient_norm(x):
    """Identity forward; the gradient clipped to [-1, 1] (the seed's custom-gradient clip)."""

    def grad_fn(dy):
        return ug.clip(dy, min=-1.0, max=1.0)

    return x * 1.0, grad_fn


def test_custom_gradient_clip(ug_backend):
    x = ug.asarray([1.0, 2.0, 3.0])
    with ug.GradientTape() as tape:
        tape.watch(x)
        y = ug.sum(clip_gradient_norm(x) * ug.asarray([0.5, 5.0, -5.0]))
    assert values(tape.gradient(y, x)) == [0.5, 1.0, -1.0]


def test_custom_gradient_is_differentiable_again(ug_backend):
    @ug.custom_gradient
    def cube(x):
        return x * x * x, lambda dy: dy * 3.0 * x * x

    second = ug.grad(ug.grad(lambda x: cube(x)))
    assert values(second(ug.asarray(2.0))) == 12.0


def test_custom_gradient_with_parameters_inside(ug_backend):
    w = ug.nn.Parameter([2.0])

    @ug.custom_gradient
    def scaled(x):
        return x * w, lambda dy: dy * w

    x = ug.asarray([3.0])
    with ug.GradientTape() as tape:
        tape.watch(x)
        y = ug.sum(scaled(x))
    assert values(tape.gradient(y, x)) == [2.0]


def test_parameter(ug_backend):
    p = ug.nn.Parameter(np.array([1.0, 2.0], dtype=np.float32))
    assert isinstance(p, ug.nn.Parameter)
    assert not isinstance(ug.ones(2), ug.nn.Parameter) and not isinstance(3.0, ug.nn.Parameter)
    p.assign(ug.asarray([5.0, 6.0]))
    p.assign_add(ug.ones(2))
    p.assign_sub(ug.asarray([0.5, 0.5]))
    assert values(p) == [5.5, 6.5]
    assert values(ug.add(p, 1.0)) == [6.5, 7.5]
    assert ug.as_dtype(p.dtype) is ug.float32
    frozen = ug.nn.Parameter(ug.ones(2), trainable=False)
    with ug.GradientTape() as tape:
        loss = ug.sum(frozen * p)
    assert tape.gradient(loss, frozen) is None
    with pytest.raises(TypeError, match="a trainable parameter needs a floating-point dtype, got int64"):
        ug.nn.Parameter([1, 2])


def test_gradient_descent_updates_in_place(ug_backend):
    p = ug.nn.Parameter([1.0])
    for _ in range(3):
        with ug.GradientTape() as tape:
            loss = ug.sum(p * p)
        (g,) = tape.gradient(loss, [p])
        p.assign_sub(0.25 * g)  # not recorded: p stays a leaf parameter
    assert values(p) == [0.125]
    assert isinstance(p, ug.nn.Parameter)
