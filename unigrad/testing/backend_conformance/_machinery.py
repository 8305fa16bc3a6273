"""The kit's machinery: checks, resolving a backend, comparing its results with the reference."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ...backends import protocol
from ...dtypes import as_dtype
from ._report import CheckResult

if TYPE_CHECKING:
    from ...backends.base import Backend

# Which flag of run_conformance asks for each optional protocol.
_FLAG_OF: dict[type, str] = {
    protocol.LinalgExtension: "linalg",
    protocol.Autograd: "autograd",
    protocol.NN: "nn",
}


@dataclass(frozen=True)
class _Flags:
    linalg: bool = False
    autograd: bool = False
    nn: bool = False

    def asked(self, group: type) -> bool:
        flag = _FLAG_OF.get(group)
        return flag is not None and bool(getattr(self, flag))


@dataclass(frozen=True)
class _Check:
    group: str
    name: str
    kind: Literal["interface", "behaviour"]
    run: Callable[[Any, _Flags], CheckResult]
    needs: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.group}:{self.name}"


# -- resolving a backend ---------------------------------------------------------


def _resolve(backend: str | Backend | type[Backend]) -> Backend:
    from ...config import backend_instance

    if isinstance(backend, str):
        return backend_instance(backend)
    if isinstance(backend, type):
        return backend()
    return backend


@contextlib.contextmanager
def _active(backend: Backend) -> Iterator[None]:
    """Make ``backend`` the active one where the registry knows it by name (nn checks need that)."""
    from ...config import backend_instance, use_backend

    try:
        registered = type(backend_instance(backend.name)) is type(backend)
    except Exception:  # not registered: the checks that call the backend directly still run
        registered = False
    with use_backend(backend.name) if registered else contextlib.nullcontext():
        yield


def _provided(backend: Any, name: str) -> bool:
    found = getattr(backend, name, None)
    return found is not None and not getattr(found, "_unigrad_missing", False)


# -- behaviour checks: machinery -------------------------------------------------


class _MismatchError(Exception):
    """A behaviour check's finding, worded for the report."""


def _reference_namespace() -> Any:
    """array-api-strict, the standard's own reference, where installed; else NumPy's compat namespace."""
    try:
        return importlib.import_module("array_api_strict")
    except ImportError:
        return importlib.import_module("array_api_compat.numpy")


def _from_reference(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_from_reference(v) for v in value]
    if isinstance(value, np.ndarray):
        return value
    try:
        return np.from_dlpack(value)
    except (TypeError, BufferError, RuntimeError):
        return np.asarray(value)


def _brief(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"{value.dtype}{list(value.shape)}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_brief(v) for v in value) + "]"
    if callable(value):
        return getattr(value, "__name__", "fn")
    return repr(value)


def _show(value: np.ndarray[Any, Any]) -> str:
    text = np.array2string(value, threshold=24, precision=6, separator=", ")
    return " ".join(text.split())


def _call_text(op: str, args: Sequence[Any], kwargs: dict[str, Any]) -> str:
    """``op`` with its inputs written out, for a failure message."""
    parts = [_show(a) if isinstance(a, np.ndarray) else _brief(a) for a in args]
    parts += [f"{k}={_brief(v)}" for k, v in kwargs.items()]
    return f"{op}({', '.join(parts)})"


def _close(got: np.ndarray[Any, Any], want: np.ndarray[Any, Any], rtol: float, atol: float) -> bool:
    if want.dtype.kind in "biu" or got.dtype.kind in "biu":
        return bool(np.array_equal(got, want))
    return bool(np.allclose(got.astype(want.dtype), want, rtol=rtol, atol=atol, equal_nan=True))


def _compare(backend: Any, call: str, got: Any, want: Any, *, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Raise :class:`_MismatchError` unless ``got`` (backend) matches ``want`` (NumPy) in every way."""
    if isinstance(want, (list, tuple)):
        if not isinstance(got, (list, tuple)) or len(got) != len(want):
            raise _MismatchError(
                f"{call} returned {type(got).__name__}, expected a sequence of {len(want)} arrays"
            )
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _compare(backend, f"{call}[{i}]", g, w, rtol=rtol, atol=atol)
        return
    if want is None or got is None:
        if want is not got:
            raise _MismatchError(f"{call} returned {_brief(got)}, expected {_brief(want)}")
        return
    if not backend.is_tensor(got):
        raise _MismatchError(f"{call} returned {type(got).__name__} {got!r}, not a tensor of the backend")
    want = np.asarray(want)
    dtype, values = backend.dtype_of(got), np.asarray(backend.to_numpy(got))
    expected = as_dtype(want.dtype)
    for problem, wrong in (
        ("dtype", dtype != expected),
        ("shape", values.shape != want.shape),
        ("values", values.shape == want.shape and not _close(values, want, rtol, atol)),
    ):
        if wrong:
            raise _MismatchError(
                f"{call}: wrong {problem}: returned {_show(values)} ({dtype}, shape {values.shape}), "
                f"expected {_show(want)} ({expected}, shape {want.shape})"
            )


def _to_backend(backend: Any, value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return backend.from_numpy(value.copy())
    if isinstance(value, (list, tuple)):
        return type(value)(_to_backend(backend, v) for v in value)
    return value


def _to_reference(xs: Any, value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return xs.asarray(value)
    if isinstance(value, list):
        return [_to_reference(xs, v) for v in value]
    return value


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (bool, int, float, complex))


def _promoted(backend: Any, x1: Any, x2: Any) -> tuple[Any, Any]:
    """The operands as unigrad's binary functions hand them over: promoted unless of one dtype."""
    if not _is_scalar(x1) and not _is_scalar(x2) and backend.dtype_of(x1) == backend.dtype_of(x2):
        return x1, x2
    return backend.promote(x1, x2)


def _behaviour(
    group: str, name: str, needs: Sequence[str], body: Callable[[Any], None], flag: str | None = None
) -> _Check:
    """A behaviour check: ``body(backend)`` raises :class:`_MismatchError` (or anything) when wrong."""

    def run(backend: Any, flags: _Flags) -> CheckResult:
        if flag is not None and not getattr(flags, flag):
            return CheckResult(group, name, "behaviour", "skipped", f"run with {flag}=True to check it")
        missing = [n for n in needs if not _provided(backend, n)]
        if missing:  # a required group, or an optional one that was asked for
            return CheckResult(group, name, "behaviour", "failed", f"the backend has no {', '.join(missing)}")
        try:
            with _active(backend):
                body(backend)
        except _MismatchError as exc:
            return CheckResult(group, name, "behaviour", "failed", str(exc))
        except Exception as exc:
            return CheckResult(group, name, "behaviour", "failed", f"raised {type(exc).__name__}: {exc}")
        return CheckResult(group, name, "behaviour", "passed")

    return _Check(group, name, "behaviour", run, tuple(needs))


def _op(
    group: str,
    op: str,
    *args: Any,
    ref: Callable[..., Any] | None = None,
    binary: bool = False,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    flag: str | None = None,
    **kwargs: Any,
) -> _Check:
    """A check that ``backend.<op>(*args, **kwargs)`` equals the reference's.

    ``args`` are NumPy arrays (converted with ``from_numpy``), lists of them
    or Python values. The reference is ``ref(*args, **kwargs)`` on the NumPy
    arguments, or else the reference namespace's function of the same name.
    ``binary`` ops get their operands through ``promote`` first.
    """
    name = (
        f"{op}({', '.join([*(_brief(a) for a in args), *(f'{k}={_brief(v)}' for k, v in kwargs.items())])})"
    )

    def body(backend: Any) -> None:
        inputs = [_to_backend(backend, a) for a in args]
        if binary:
            inputs[0], inputs[1] = _promoted(backend, inputs[0], inputs[1])
        got = getattr(backend, op)(*inputs, **kwargs)
        if ref is not None:
            want = ref(*args, **kwargs)
        else:
            xs = _reference_namespace()
            ref_kwargs = {k: getattr(xs, str(v)) if k == "dtype" else v for k, v in kwargs.items()}
            function = getattr(xs.linalg, op[7:]) if op.startswith("linalg_") else getattr(xs, op)
            want = _from_reference(function(*(_to_reference(xs, a) for a in args), **ref_kwargs))
        _compare(backend, _call_text(op, args, kwargs), got, want, rtol=rtol, atol=atol)

    return _behaviour(group, name, (op,), body, flag)


# -- behaviour checks: the inputs ------------------------------------------------


def _f32(values: Any) -> np.ndarray[Any, Any]:
    return np.asarray(values, dtype=np.float32)


def _i(values: Any, dtype: str = "int32") -> np.ndarray[Any, Any]:
    return np.asarray(values, dtype=dtype)


_X = _f32([[-1.5, 0.25, 2.0], [3.0, -0.5, 1.0]])  # the (2, 3) matrix most checks use
_ROW = _f32([0.5, -2.0, 4.0])  # broadcasts against _X
_ANY = _f32([-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5])  # halves: rounding ties to even
_POSITIVE = _f32([0.5, 1.0, 2.0, 4.0])
_UNIT = _f32([-0.75, -0.25, 0.0, 0.5])
_ABOVE_ONE = _f32([1.0, 1.5, 2.0, 4.0])
_SPECIAL = _f32([1.0, np.inf, -np.inf, np.nan])
_INTS, _INTS2 = _i([7, -3, 12, 5]), _i([2, 5, -4, 3])
_SHIFTS, _BY = _i([1, 2, 3, 4]), _i([1, 0, 2, 3])
_BOOLS, _BOOLS2 = np.array([True, False, True, False]), np.array([True, True, False, False])
_COMPLEX = np.asarray([1 + 2j, -3.5j, 2.0], dtype=np.complex64)
