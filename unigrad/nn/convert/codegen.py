"""Python source for a converted model's forward, written from a torch.fx graph.

Every node becomes one line: ``conv1 = self.conv1(x)``, ``add = layer1 + x``,
``flatten = flatten(avgpool, 1)``. The unigrad function a node calls is looked up once,
here, and bound to a name of the generated code's globals, so a call runs the compiled
function with no table look-up and no interpretation. Each node the table cannot map is
written down (op, node, source line) and all of them are reported at once.
"""

from __future__ import annotations

import keyword
import math
import operator
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...errors import ConversionError
from .functions import METHODS, attribute, function_table

__all__ = ["Forward", "TRAINING", "generate", "source_line"]

# the operator functions fx records for Python syntax, written back as that syntax: native
# tensors of every backend implement the operators
OPERATORS: dict[Callable[..., Any], str] = {
    operator.add: "{} + {}",
    operator.iadd: "{} + {}",
    operator.sub: "{} - {}",
    operator.isub: "{} - {}",
    operator.mul: "{} * {}",
    operator.imul: "{} * {}",
    operator.truediv: "{} / {}",
    operator.itruediv: "{} / {}",
    operator.floordiv: "{} // {}",
    operator.mod: "{} % {}",
    operator.pow: "{} ** {}",
    operator.matmul: "{} @ {}",
    operator.neg: "-{}",
    operator.pos: "+{}",
    operator.invert: "~{}",
    operator.eq: "{} == {}",
    operator.ne: "{} != {}",
    operator.lt: "{} < {}",
    operator.le: "{} <= {}",
    operator.gt: "{} > {}",
    operator.ge: "{} >= {}",
    operator.and_: "{} & {}",
    operator.or_: "{} | {}",
    operator.getitem: "{}[{}]",
}


# where torch's builtins live, as a user imports them
_PUBLIC_HOME = {"torch._C._nn": "torch.nn.functional", "torch._C._VariableFunctions": "torch"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ModeFlag:
    """An argument the code reads from the module at call time: ``self.training``."""

    def __repr__(self) -> str:
        return "self.training"


TRAINING = ModeFlag()


@dataclass
class Forward:
    """The generated ``forward``'s source, the globals it runs with, and what could not be mapped."""

    name: str
    lines: list[str] = field(default_factory=list)
    scope: dict[str, Any] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return "\n".join(self.lines) + "\n"

    def bind(self, value: Any, name: str) -> str:
        """The global name ``value`` is reachable by in the code (one name per object)."""
        for known, bound in self.scope.items():
            if bound is value:
                return known
        # (the prefix keeps globals apart from the nodes' local names: ``flatten = ug_flatten(x, 1)``)
        base = "ug_" + re.sub(r"\W", "_", name)
        unique, suffix = base, 1
        while unique in self.scope:
            unique, suffix = f"{base}_{suffix}", suffix + 1
        self.scope[unique] = value
        return unique


def source_line(node: Any) -> str:
    """Where in the model's source ``node`` was recorded: ``file:line: code`` (or ``unknown``)."""
    trace = node.meta.get("stack_trace") or getattr(node, "stack_trace", None)
    if not trace:
        return "source line unknown"
    frames: list[tuple[str, str]] = []  # (file:line, code), innermost last
    for line in trace.splitlines():
        match = re.match(r'\s*File "([^"]+)", line (\d+)', line)
        if match:
            frames.append((f"{match.group(1)}:{match.group(2)}", ""))
        elif frames and line.strip() and not frames[-1][1]:
            frames[-1] = (frames[-1][0], line.strip())
    # the model's own frame: the innermost one outside torch's tracing machinery
    own = [frame for frame in frames if f"{os.sep}torch{os.sep}" not in frame[0]] or frames
    if not own:
        return "source line unknown"
    place, code = own[-1]
    return f"{place}: {code}" if code else place


def attribute_path(target: str) -> str:
    """``self.layer1[0].conv`` as code: ``getattr`` for a name that is not an identifier."""
    text = "self"
    for part in target.split("."):
        text += (
            f".{part}" if _IDENTIFIER.match(part) and not keyword.iskeyword(part) else f"._modules[{part!r}]"
        )
    return text


class Writer:
    """Writes one graph's nodes as lines of ``forward``; ``lookup`` maps a call node to its function."""

    def __init__(
        self, forward: Forward, lookup: Callable[[Any], tuple[str, Callable[..., Any]] | None]
    ) -> None:
        self.forward = forward
        self.lookup = lookup
        self.names: dict[Any, str] = {}

    # -- arguments -------------------------------------------------------------------------

    def value(self, arg: Any) -> str:
        import torch

        if arg.__class__.__name__ == "Node":
            return self.names[arg]
        if arg is TRAINING:
            return "self.training"
        if isinstance(arg, torch.Size):
            return repr(tuple(arg))
        if isinstance(arg, tuple):
            return "(" + "".join(f"{self.value(a)}, " for a in arg).rstrip(" ") + ")"
        if isinstance(arg, list):
            return "[" + ", ".join(self.value(a) for a in arg) + "]"
        if isinstance(arg, dict):
            return "{" + ", ".join(f"{k!r}: {self.value(v)}" for k, v in arg.items()) + "}"
        if isinstance(arg, slice):
            return f"slice({self.value(arg.start)}, {self.value(arg.stop)}, {self.value(arg.step)})"
        if isinstance(arg, float) and not math.isfinite(arg):
            return f"float({str(arg)!r})"
        if arg is None or arg is Ellipsis or isinstance(arg, (bool, int, float, str)):
            return "..." if arg is Ellipsis else repr(arg)
        if isinstance(arg, torch.dtype):
            from ... import dtypes

            name = str(arg).removeprefix("torch.")
            return self.forward.bind(getattr(dtypes, name), name)
        if isinstance(arg, (torch.device, torch.memory_format, torch.layout)):
            return "None"  # placement and layout: the backend's own
        return self.forward.bind(arg, f"constant_{type(arg).__name__}")

    def index(self, arg: Any) -> str:
        """An index as Python writes it: ``x[:, 0]``, ``x[..., None]``."""
        if isinstance(arg, tuple) and arg:
            return ", ".join(self.index(a) for a in arg)
        if isinstance(arg, slice):
            parts = ["" if p is None else self.value(p) for p in (arg.start, arg.stop, arg.step)]
            return ":".join(parts[:2]) + (f":{parts[2]}" if parts[2] else "")
        return self.value(arg)

    def call(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        rendered = [self.value(a) for a in args] + [f"{k}={self.value(v)}" for k, v in kwargs.items()]
        return f"{function}({', '.join(rendered)})"

    # -- nodes -----------------------------------------------------------------------------

    def expression(self, node: Any) -> str | None:
        """The right-hand side of ``node``'s line; ``None`` where ``node`` could not be mapped."""
        if node.op == "get_attr":
            return attribute_path(node.target)
        if node.op == "call_module":
            return self.call(attribute_path(node.target), node.args, node.kwargs)
        if node.op == "call_function" and node.target in OPERATORS:
            template = OPERATORS[node.target]
            # a negative number in parentheses, as an operand: ``(-2) ** x``
            args = [f"({a!r})" if isinstance(a, (int, float)) and a < 0 else self.value(a) for a in node.args]
            if template == "{}[{}]":
                args[1] = self.index(node.args[1])
            return template.format(*args)
        found = self.lookup(node)
        if found is None:
            return None
        name, function = found
        if function is attribute and isinstance(node.args[1], str) and node.args[1] == "shape":
            return f"{self.forward.bind(METHODS['size'], 'size')}({self.value(node.args[0])})"
        return self.call(self.forward.bind(function, name), node.args, node.kwargs)

    def write(self, graph: Any, inputs: dict[Any, str] | None = None, updates: Any = ()) -> None:
        """Append ``graph``'s nodes to ``forward``; ``inputs`` names placeholders given another way,
        ``updates`` are ``(attribute path, node)`` assignments made before returning (buffers)."""
        inputs = inputs or {}
        arguments: list[str] = []
        body: list[str] = []
        # each value's last reader: after it, the local is cleared (as torch.fx's own code does), so
        # that an activation is freed when no later node reads it, not kept until forward returns
        last_reader: dict[Any, Any] = {}
        for node in graph.nodes:
            for used in node.all_input_nodes:
                last_reader[used] = node
        for _, value in updates:
            last_reader[value] = None  # read by the return's assignments
        for node in graph.nodes:
            if node in inputs:
                self.names[node] = inputs[node]
            elif node.op == "placeholder":
                name = node.target.lstrip("*")
                self.names[node] = name
                star = "*" * (len(node.target) - len(name))
                default = f"={self.value(node.args[0])}" if node.args else ""
                arguments.append(f"{star}{name}{default}")
            elif node.op == "output":
                body += [f"    {attribute_path(path)} = {self.names[value]}" for path, value in updates]
                body.append(f"    return {self.value(node.args[0])}")
            else:
                self.names[node] = node.name
                text = self.expression(node)
                if text is None:
                    self.forward.unmapped.append(
                        f"{describe(node)} at node {node.name!r} ({source_line(node)})"
                    )
                    text = "None"
                body.append(f"    {node.name} = {text}")
                done = [
                    self.names[used]
                    for used in dict.fromkeys(node.all_input_nodes)
                    if last_reader.get(used) is node and used not in inputs and used in self.names
                ]
                if done:
                    body.append(f"    {' = '.join(done)} = None")
        self.forward.lines += [f"def {self.forward.name}(self, {', '.join(arguments)}):".replace(", )", ")")]
        self.forward.lines += body


def describe(node: Any) -> str:
    """The op a node calls, as a torch user writes it: ``torch.erf``, ``Tensor.cumsum``, ..."""
    if node.op == "call_method":
        return f"Tensor.{node.target}"
    target = node.target
    module = getattr(target, "__module__", None) or ""
    name = getattr(target, "__name__", None) or str(target)
    module = _PUBLIC_HOME.get(module, module)
    return f"{module}.{name}" if module and not str(target).startswith("aten.") else str(target)


def fx_lookup() -> Callable[[Any], tuple[str, Callable[..., Any]] | None]:
    """The lookup of call nodes of a torch.fx graph: torch functions and Tensor methods."""
    table = function_table()

    def lookup(node: Any) -> tuple[str, Callable[..., Any]] | None:
        if node.op == "call_method":
            function = METHODS.get(node.target)
            return None if function is None else (node.target, function)
        try:
            function = table.get(node.target)
        except TypeError:  # an unhashable target
            function = None
        if function is None:
            return None
        return getattr(node.target, "__name__", function.__name__), function

    return lookup


def prune(graph: Any) -> None:
    """Drop ``torch._assert`` checks (the traced shapes pass them) and the values only they used.

    A call whose result is unused goes too, unless it may change a tensor in place (``add_``,
    ``x[i] = v``): those stay, so that the table reports them.
    """
    import torch

    for node in reversed(list(graph.nodes)):
        in_place = node.op == "call_method" and str(node.target).endswith("_")
        in_place = in_place or node.target is operator.setitem
        unused = node.op in ("call_function", "call_method", "call_module", "get_attr") and not node.users
        if unused and (not in_place or node.target is torch._assert):
            graph.erase_node(node)


def generate(
    graph: Any,
    name: str,
    scope: dict[str, Any],
    inputs: dict[Any, str] | None = None,
    lookup: Any = None,
    updates: Any = (),
) -> Forward:
    """``graph`` as the source of a function ``name(self, ...)`` whose globals go into ``scope``;
    ``lookup`` defaults to torch.fx's."""
    forward = Forward(name, scope=scope)
    Writer(forward, lookup or fx_lookup()).write(graph, inputs, updates)
    return forward


def raise_unmapped(model: str, unmapped: list[str]) -> None:
    """One :class:`ConversionError` that lists every op the table could not map."""
    if unmapped:
        listing = "\n".join(f"  - {line}" for line in dict.fromkeys(unmapped))
        raise ConversionError(
            f"cannot convert {model}: {len(dict.fromkeys(unmapped))} op(s) have no unigrad mapping:\n"
            f"{listing}\nwrite the model with ops unigrad has, or add the op to "
            "unigrad/nn/convert/functions.py"
        )
