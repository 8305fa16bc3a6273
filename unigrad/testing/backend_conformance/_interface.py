"""Interface checks: the backend has each protocol member, callable as the protocol allows."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from ...backends import protocol
from ._machinery import _Check, _Flags, _provided
from ._report import CheckResult, Status


def _placeholder(parameter: inspect.Parameter) -> Any:
    return f"<{parameter.name}>"


def _calls(expected: inspect.Signature) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every form of call the protocol allows, as (args, kwargs): fewest, all positional, all keyword."""
    params = list(expected.parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    keyword_only = [p for p in params if p.kind is p.KEYWORD_ONLY]
    var_args = any(p.kind is p.VAR_POSITIONAL for p in params)
    extra = ("<*1>", "<*2>") if var_args else ()
    required_kw = {p.name: _placeholder(p) for p in keyword_only if p.default is p.empty}
    all_kw = {p.name: _placeholder(p) for p in keyword_only}
    fewest = tuple(_placeholder(p) for p in positional if p.default is p.empty)
    as_positional = (*(_placeholder(p) for p in positional), *extra)
    as_keyword = tuple(_placeholder(p) for p in positional if p.kind is p.POSITIONAL_ONLY)
    by_name = {p.name: _placeholder(p) for p in positional if p.kind is p.POSITIONAL_OR_KEYWORD}
    calls = [(fewest, required_kw), (as_positional, all_kw)]
    if by_name and not var_args:  # after *args, a parameter can only be given by position
        calls.append((as_keyword, {**by_name, **all_kw}))
    return calls


def _render(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    parts = [str(a) for a in args] + [f"{k}={v}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def signature_problems(name: str, expected: inspect.Signature, implementation: Any) -> list[str]:
    """How ``implementation`` fails to accept the calls that ``expected`` allows (empty if none).

    ``expected`` is a protocol member's signature without ``self``. Names of
    positional-only parameters do not matter; every other parameter must be
    accepted under its name. An implementation whose signature Python cannot
    read (a C function) has no problems found.

    Examples:
        >>> import inspect
        >>> def protocol_sum(x, /, *, axis=None, keepdims=False): ...
        >>> def backend_sum(x, axis=None, keepdim=False): ...
        >>> signature_problems("sum", inspect.signature(protocol_sum), backend_sum)  # doctest: +ELLIPSIS
        ["cannot be called as sum(<x>, axis=<axis>, keepdims=<keepdims>): got an unexpected keyword ..."]
    """
    try:
        found = inspect.signature(implementation)
    except (TypeError, ValueError):  # builtins and C extensions often have no readable signature
        return []
    problems = []
    for args, kwargs in _calls(expected):
        try:
            found.bind(*args, **kwargs)
        except TypeError as exc:
            problems.append(f"cannot be called as {_render(name, args, kwargs)}: {exc}")
    return list(dict.fromkeys(problems))


def _interface_check(proto: type, name: str) -> _Check:
    group = _group_name(proto)
    expected = inspect.signature(protocol.members(proto)[name])
    expected = expected.replace(parameters=list(expected.parameters.values())[1:])  # no self
    required = proto in protocol.REQUIRED and not protocol.is_optional_member(name)

    def run(backend: Any, flags: _Flags) -> CheckResult:
        def result(status: Status, detail: str = "") -> CheckResult:
            return CheckResult(group, name, "interface", status, detail)

        if not _provided(backend, name):
            if required or flags.asked(proto):
                return result("failed", f"the backend has no {name!r} (a {proto.__name__} member)")
            return result("not provided")
        if _is_base_default(backend, name):
            return result("not provided", "uses the default of unigrad.backends.base.Backend")
        if proto is protocol.NN and _is_reference(backend, name):
            detail = f"falls back on unigrad.nn.reference.{name[3:]}"
            return result("not provided", detail)  # the default is right by definition
        implementation = getattr(backend, name)
        if not _readable(implementation):
            return result("passed", "present; its signature is not readable (a C function)")
        problems = signature_problems(name, expected, implementation)
        return result("failed", "; ".join(problems)) if problems else result("passed")

    return _Check(group, name, "interface", run)


def _readable(implementation: Any) -> bool:
    try:
        inspect.signature(implementation)
    except (TypeError, ValueError):
        return False
    return True


def _is_base_default(backend: Any, name: str) -> bool:
    """Whether ``name`` is the base class's own default, not overridden by the backend."""
    from ...backends.base import Backend

    if name in vars(backend):
        return False
    found = inspect.getattr_static(type(backend), name, None)
    return found is not None and found is inspect.getattr_static(Backend, name, None)


def _group_name(proto: type) -> str:
    return {"LinalgExtension": "linalg_extension", "NN": "nn"}.get(proto.__name__, proto.__name__.lower())


def _reference(name: str) -> Any:
    """The reference definition of nn kernel ``nn_<name>``, or None."""
    try:
        module = importlib.import_module("unigrad.nn.reference")
    except ImportError:
        return None
    return getattr(module, name.removeprefix("nn_"), None)


def _is_reference(backend: Any, name: str) -> bool:
    return getattr(backend, name) is _reference(name)
