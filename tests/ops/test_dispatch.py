"""The generated public ops: each keeps its stub's face and calls the backend once."""

from __future__ import annotations

import inspect
import traceback

import pytest

import unigrad as ug
from unigrad import config
from unigrad.ops import _dispatch, binary, statistical
from unigrad.ops.shapes import broadcast_shapes

OPS = [getattr(ug, name) for name in ("add", "sum", "zeros", "meshgrid", "where", "clip", "einsum")]


@pytest.mark.parametrize("op", [*OPS, ug.linalg.solve], ids=lambda f: f.__name__)
def test_an_op_keeps_its_stubs_name_doc_and_signature(op):
    stub = op.__wrapped__
    assert op is not stub
    assert (op.__name__, op.__qualname__, op.__module__, op.__doc__) == (
        stub.__name__,
        stub.__qualname__,
        stub.__module__,
        stub.__doc__,
    )
    assert op.__annotations__ == stub.__annotations__
    assert inspect.signature(op) == inspect.signature(stub)
    assert op.__defaults__ == stub.__defaults__ and op.__kwdefaults__ == stub.__kwdefaults__
    assert op.__doc__  # the API reference and help() read it


def test_an_op_calls_the_backend_by_attribute():
    # one attribute load on the backend per call, not getattr(backend, name)
    assert "add" in binary.add.__code__.co_names
    assert "getattr" not in binary.add.__code__.co_names
    assert {"sum_all", "sum"} <= set(statistical.sum.__code__.co_names)


class _Recorder:
    """A stand-in backend that records what each op hands it."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: (name, args, kwargs)


@pytest.fixture
def recorder(monkeypatch):
    monkeypatch.setattr(config._state, "default", _Recorder())
    monkeypatch.setattr(config._state, "scopes", 0)


def test_arguments_reach_the_backend_as_the_standard_names_them(recorder):
    # after a '/', by name; with none, in place (zeros(shape, *, ...)); keywords by name
    assert ug.broadcast_to("x", (2, 3)) == ("broadcast_to", ("x",), {"shape": (2, 3)})
    assert ug.full((2,), 1.0) == ("full", ((2,), 1.0), {"dtype": None, "device": None})
    assert ug.einsum("ij->", "a", "b") == ("einsum", ("ij->", "a", "b"), {})
    assert ug.meshgrid("a", "b") == ("meshgrid", ("a", "b"), {"indexing": "xy"})
    assert ug.linalg.det("x") == ("linalg_det", ("x",), {})


def test_whole_tensor_reductions_take_the_one_argument_form(recorder):
    assert ug.sum("x") == ("sum_all", ("x",), {})
    assert ug.max("x") == ("max", ("x",), {})
    assert ug.sum("x", axis=0) == ("sum", ("x",), {"axis": 0, "dtype": None, "keepdims": False})
    assert ug.mean("x", keepdims=True) == ("mean", ("x",), {"axis": None, "keepdims": True})


def test_a_traceback_shows_the_generated_lines(ug_backend):
    with pytest.raises(ug.ShapeError) as caught:
        ug.add(ug.ones(2), ug.ones(3))
    text = "".join(traceback.format_exception(caught.value))
    assert "<unigrad op unigrad.ops.binary.add>" in text
    assert "return backend.add(x1, x2)" in text


def test_a_stub_may_not_shadow_the_body():
    def bad(backend, /):
        """Shadows the body's local."""

    with pytest.raises(TypeError, match=r"shadow names of the generated body"):
        _dispatch.op(bad)

    def unnamed(a, b, /):
        """Has no x1 and x2 to promote."""

    with pytest.raises(TypeError, match=r"parameters named x1 and x2"):
        _dispatch.binary_op(unnamed)


def test_broadcast_shapes_is_public_and_still_in_checks():
    from unigrad.ops._checks import broadcast_shapes as old_home

    assert ug.broadcast_shapes is broadcast_shapes is old_home
    assert ug.broadcast_shapes((2, 1), (3,), ()) == (2, 3)
    with pytest.raises(ug.ShapeError, match="broadcast_shapes: shapes"):
        ug.broadcast_shapes((2,), (3,))
