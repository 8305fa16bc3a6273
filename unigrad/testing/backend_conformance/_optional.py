"""Behaviour checks of the core members (dtypes, conversion, devices) and of the optional groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...dtypes import as_dtype, numpy_dtype
from ._interface import _reference
from ._machinery import (
    _ANY,
    _ROW,
    _X,
    _behaviour,
    _Check,
    _compare,
    _f32,
    _i,
    _MismatchError,
    _op,
    _show,
    _to_backend,
)


def _core_checks() -> list[_Check]:
    dtype_names = ("bool", "int8", "int16", "int32", "int64", "uint8", "float32", "float64", "complex64")

    def roundtrip(name: str) -> Callable[[Any], None]:
        def body(backend: Any) -> None:
            array = np.asarray([0, 1, 1, 0]).astype(numpy_dtype(name))
            tensor = backend.from_numpy(array.copy())
            if backend.dtype_of(tensor) != name:
                raise _MismatchError(f"dtype_of(from_numpy({name} array)) is {backend.dtype_of(tensor)}")
            back = np.asarray(backend.to_numpy(tensor))
            if back.dtype != array.dtype or not np.array_equal(back, array):
                raise _MismatchError(f"to_numpy(from_numpy({_show(array)})) is {_show(back)} ({back.dtype})")
            if backend.native_dtype(name) is None:
                raise _MismatchError(f"native_dtype({name!r}) is None")

        return body

    def recognises(backend: Any) -> None:
        tensor = backend.from_numpy(_X.copy())
        if not backend.is_tensor(tensor):
            raise _MismatchError("is_tensor(from_numpy(...)) is False")
        for other in (1.5, [1.0, 2.0], "x", None):
            if backend.is_tensor(other):
                raise _MismatchError(f"is_tensor({other!r}) is True")
        if backend.native_dtype(None) is not None:
            raise _MismatchError("native_dtype(None) is not None")

    def dlpack(backend: Any) -> None:
        tensor = backend.from_numpy(_X.copy())
        _compare(
            backend,
            "import_dlpack(export_dlpack(x))",
            backend.import_dlpack(backend.export_dlpack(tensor)),
            _X,
        )
        _compare(backend, "import_dlpack(numpy array)", backend.import_dlpack(_X.copy()), _X)

    def graph_hooks(backend: Any) -> None:
        if backend.in_graph():
            raise _MismatchError("in_graph() is True outside any graph")
        compiled = backend.compile_function(lambda a: a, False, {})
        if not callable(compiled):
            raise _MismatchError(f"compile_function(fn, False, {{}}) returned {compiled!r}, not a callable")
        drawn = backend.from_host(_ROW.copy, (3,), as_dtype("float32"))
        _compare(backend, "from_host(lambda: [0.5, -2, 4], (3,), float32)", drawn, _ROW)
        condition = backend.from_numpy(np.asarray(True))
        _compare(
            backend,
            "graph_checked(x, True, ...)",
            backend.graph_checked(backend.from_numpy(_X.copy()), condition, "x"),
            _X,
        )

    checks = [
        _behaviour(
            "core", f"dtype_of/to_numpy({name})", ("from_numpy", "to_numpy", "dtype_of"), roundtrip(name)
        )
        for name in dtype_names
    ]
    checks += [
        _behaviour("core", "is_tensor/native_dtype", ("is_tensor", "native_dtype", "from_numpy"), recognises),
        _behaviour("core", "export_dlpack/import_dlpack", ("export_dlpack", "import_dlpack"), dlpack),
        _behaviour(
            "core",
            "in_graph/compile_function/from_host/graph_checked",
            ("in_graph", "compile_function", "from_host", "graph_checked"),
            graph_hooks,
        ),
    ]

    def places(backend: Any) -> None:
        found, default = backend.devices(), backend.default_device()
        if not found or not all(isinstance(d, str) for d in found) or "cpu:0" not in found:
            raise _MismatchError(f"devices() is {found!r}; expected unigrad names, 'cpu:0' among them")
        if default not in found:
            raise _MismatchError(f"default_device() is {default!r}, not one of devices() {found!r}")
        tensor = backend.from_numpy(_X.copy())
        if backend.device_of(tensor) != default:
            raise _MismatchError(f"device_of(new tensor) is {backend.device_of(tensor)!r}, not {default!r}")
        for device in found:  # every device it lists, GPUs included where there are some
            moved = backend.to_device(tensor, device)
            _compare(backend, f"to_device(x, {device!r})", moved, _X)
            if backend.device_of(moved) != device:
                raise _MismatchError(f"device_of(to_device(x, {device!r})) is {backend.device_of(moved)!r}")

    checks.append(
        _behaviour(
            "device",
            "devices/device_of/to_device",
            ("devices", "default_device", "device_of", "to_device"),
            places,
        )
    )
    return checks


def _linalg_extension_checks() -> list[_Check]:
    spd = _f32([[4.0, 1.0], [1.0, 3.0]])
    vectors = _f32([[1.0, 0.0, 2.0], [0.5, -1.0, 3.0]])

    def ext(op: str, *args: Any, **kwargs: Any) -> _Check:
        return _op("linalg_extension", f"linalg_{op}", *args, flag="linalg", rtol=1e-4, atol=1e-5, **kwargs)

    checks = [ext(op, spd) for op in ("inv", "det", "cholesky", "eigvalsh", "svdvals", "pinv", "slogdet")]
    checks += [
        ext("solve", spd, _f32([[1.0], [2.0]])),
        ext("trace", spd),
        ext("diagonal", _X),
        ext("matrix_power", spd, 3),
        ext("matrix_rank", spd),
        ext("matrix_norm", spd),
        ext("vector_norm", _X, axis=1),
        ext("outer", _ROW, _f32([1.0, 2.0])),
        ext("cross", vectors[:1], vectors[1:]),
    ]

    def factors_rebuild(backend: Any) -> None:
        for op, rebuild in (
            ("qr", lambda q, r: q @ r),
            ("svd", lambda u, s, vh: (u[:, : len(s)] * s) @ vh[: len(s)]),
            ("eigh", lambda w, v: (v * w) @ v.T),
        ):
            factors = getattr(backend, f"linalg_{op}")(backend.from_numpy(spd.copy()))
            rebuilt = rebuild(*(np.asarray(backend.to_numpy(f)) for f in factors))
            if not np.allclose(rebuilt, spd, atol=1e-4):
                raise _MismatchError(f"linalg_{op}({_show(spd)}): its factors rebuild {_show(rebuilt)}")

    needs = ("linalg_qr", "linalg_svd", "linalg_eigh")
    checks.append(_behaviour("linalg_extension", "qr/svd/eigh(rebuild)", needs, factors_rebuild, "linalg"))
    return checks


def _autograd_checks() -> list[_Check]:
    def gradient(backend: Any, loss: Callable[[Any], Any], x: np.ndarray[Any, Any]) -> Any:
        tape = backend.Tape(False)
        with tape:
            source = backend.watchable(backend.from_numpy(x.copy()))
            tape.watch(source)
            target = loss(source)
        (found,) = tape.gradient([target], [source], None, False)
        tape.release()
        return found

    def square(backend: Any) -> None:
        found = gradient(backend, lambda s: backend.sum(backend.multiply(s, s)), _X)
        _compare(backend, "gradient of sum(x * x)", found, 2 * _X)

    def stopped(backend: Any) -> None:
        found = gradient(backend, lambda s: backend.sum(backend.multiply(backend.stop_gradient(s), s)), _X)
        _compare(backend, "gradient of sum(stop_gradient(x) * x)", found, _X)

    def custom(backend: Any) -> None:
        def f(a: Any) -> Any:
            return backend.multiply(a, a), lambda upstream: backend.multiply(
                upstream, backend.full_like(a, 3.0)
            )

        found = gradient(backend, lambda s: backend.sum(backend.custom_gradient(f)(s)), _X)
        _compare(backend, "gradient of custom_gradient(x * x, grad=3)", found, np.full_like(_X, 3.0))

    def parameters(backend: Any) -> None:
        p = backend.parameter(backend.from_numpy(_X.copy()), True)
        if not backend.is_parameter(p) or not backend.is_trainable(p):
            raise _MismatchError("parameter(x, True) is not is_parameter / is_trainable")
        if backend.is_parameter(backend.from_numpy(_X.copy())):
            raise _MismatchError("is_parameter(plain tensor) is True")
        p.assign_add(backend.from_numpy(np.ones_like(_X)))
        _compare(backend, "parameter(x).assign_add(1)", backend.stop_gradient(p), _X + 1)
        with backend.no_grad([]):
            pass

    needs = ("Tape", "watchable", "sum", "multiply")
    return [
        _behaviour("autograd", "Tape.gradient(sum(x * x))", needs, square, "autograd"),
        _behaviour("autograd", "stop_gradient", (*needs, "stop_gradient"), stopped, "autograd"),
        _behaviour(
            "autograd", "custom_gradient", (*needs, "custom_gradient", "full_like"), custom, "autograd"
        ),
        _behaviour(
            "autograd",
            "parameter/assign_add/no_grad",
            ("parameter", "is_parameter", "no_grad"),
            parameters,
            "autograd",
        ),
    ]


def _nn_inputs() -> dict[str, tuple[Any, ...]]:
    """Arguments of each nn kernel checked against its reference (already normalized, as ug.nn gives them)."""
    rng = np.random.default_rng(0)

    def r(*shape: int) -> np.ndarray[Any, Any]:
        return rng.standard_normal(shape).astype(np.float32)

    pool = ((2, 2), (2, 2), (0, 0))
    sequence = r(3, 2, 4)
    lstm_weights = [r(20, 4), r(20, 5), r(20), r(20)]
    projections = (r(12, 4), r(12), None, r(4, 4), r(4))
    no_mask = (None, True, 0.0, False, False)  # attn_mask, average weights, no dropout, eval, (L, N, E)
    frames = r(4, 2, 3)
    return {
        "nn_relu": (_ANY,),
        "nn_leaky_relu": (_ANY, 0.2),
        "nn_relu6": (_ANY,),
        "nn_gelu": (_ANY,),
        "nn_sigmoid": (_ANY,),
        "nn_tanh": (_ANY,),
        "nn_erf": (_ANY,),
        "nn_softmax": (_X, -1),
        "nn_log_softmax": (_X, 0),
        "nn_linear": (_X, r(4, 3), r(4)),
        "nn_layer_norm": (_X, (3,), r(3), r(3), 1e-5),
        "nn_embedding": (_i([[0, 2], [1, 1]], "int64"), r(3, 2)),
        "nn_conv2d": (r(1, 2, 5, 5), r(3, 2, 3, 3), r(3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1, False),
        "nn_max_pool2d": (r(1, 2, 4, 4), *pool, (1, 1), False, False),
        "nn_avg_pool2d": (r(1, 2, 4, 4), *pool, False, True, None, False),
        "nn_max_pool3d_with_indices": (r(1, 2, 4, 5, 4), (2, 3, 2), (2, 2, 2), (1, 1, 0), (1, 1, 1), False),
        "nn_adaptive_max_pool_with_indices": (r(1, 2, 5, 7), (2, 3)),
        "nn_batch_norm": (r(2, 3, 2, 2), r(3), np.abs(r(3)) + 0.5, r(3), r(3), False, 0.1, 1e-5, False),
        "nn_sparse_cross_entropy": (r(3, 4), _i([0, 3, 1], "int64"), -100, "mean", False),
        # 4 frames of log-probabilities over blank + 2 labels, 2 sequences
        "nn_ctc_loss": (
            frames - np.log(np.exp(frames).sum(axis=-1, keepdims=True)),
            _i([[1, 2], [2, 0]], "int64"),
            _i([4, 3], "int64"),
            _i([2, 1], "int64"),
            0,
            False,
        ),
        # sequences of length 3, batch 2: one LSTM layer of hidden size 5 ...
        "nn_lstm": (sequence, (r(1, 2, 5), r(1, 2, 5)), lstm_weights, True, 1, 0.0, False, False, False),
        # ... both directions of a tanh RNN of hidden size 3, a batch-first GRU, and packed
        # sequences of lengths 3 and 2 (batch sizes 2, 2, 1) through a ReLU RNN without biases
        "nn_rnn_tanh": (
            sequence,
            r(2, 2, 3),
            [r(3, 4), r(3, 3), r(3), r(3)] * 2,
            True,
            1,
            0.0,
            False,
            True,
            False,
        ),
        "nn_gru": (sequence, r(1, 3, 3), [r(9, 4), r(9, 3), r(9), r(9)], True, 1, 0.0, False, False, True),
        "nn_rnn_relu": (
            r(5, 4),
            r(1, 2, 3),
            [r(3, 4), r(3, 3)],
            False,
            1,
            0.0,
            False,
            False,
            False,
            _i([2, 2, 1], "int64"),
        ),
        "nn_rnn_tanh_cell": (r(2, 4), r(2, 3), r(3, 4), r(3, 3), r(3), r(3)),
        "nn_rnn_relu_cell": (r(2, 4), r(2, 3), r(3, 4), r(3, 3), None, None),
        "nn_gru_cell": (r(2, 4), r(2, 3), r(9, 4), r(9, 3), r(9), r(9)),
        "nn_lstm_cell": (r(2, 4), (r(2, 5), r(2, 5)), *lstm_weights),
        # ... and self-attention of width 4 with 2 heads
        "nn_multi_head_attention": (sequence, sequence, sequence, 2, *projections, None, True, *no_mask),
        # ... and attention of 2 heads, 3 queries over 5 keys, causal
        "nn_scaled_dot_product_attention": (
            *(r(2, 2, length, 4) for length in (3, 5, 5)),
            None,
            0.0,
            True,
            0.5,
            False,
        ),
    }


def _nn_checks() -> list[_Check]:
    checks = []
    for name, args in _nn_inputs().items():

        def body(backend: Any, name: str = name, args: tuple[Any, ...] = args) -> None:
            reference = _reference(name)
            if getattr(backend, name) is reference:
                return  # the backend uses the reference itself
            inputs = [_to_backend(backend, a) for a in args]
            got = getattr(backend, name)(*inputs)
            want = reference(*[_to_backend(backend, a) for a in args])
            host = _tree_to_numpy(backend, want)
            _compare(backend, f"{name} against unigrad.nn.reference", got, host, rtol=1e-4, atol=1e-5)

        checks.append(_behaviour("nn", f"{name}(vs reference)", (name,), body, "nn"))
    return checks


def _tree_to_numpy(backend: Any, value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [None if v is None else _tree_to_numpy(backend, v) for v in value]
    return np.asarray(backend.to_numpy(value))
