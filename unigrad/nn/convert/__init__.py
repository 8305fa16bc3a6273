"""``ug.nn.convert``: a torch module as a pure unigrad module that runs on every backend.

The torch module is traced with torch.fx (torch.export where fx cannot, as for Hugging Face
models): torch.nn submodules that ug.nn has become their ug.nn twins with their weights
and buffers, and the rest of the code becomes a forward written as Python source over ug
ops (see :mod:`~unigrad.nn.convert.functions` for the table), compiled once. The result has
the torch module's ``state_dict`` keys, trains with ug optimizers, compiles with
``ug.function`` and exports with ``ug.export``.
"""

from __future__ import annotations

from typing import Any

from ...errors import ArgumentTypeError, ConversionError
from .codegen import TRAINING, attribute_path, generate, prune, raise_unmapped
from .graph_module import ConvertedModule
from .modules import TracedModule, build_tree, to_array
from .trace import trace

__all__ = ["convert", "ConvertedModule", "TracedModule"]


def convert(
    module: Any, *example_inputs: Any, concrete_args: dict[str, Any] | None = None
) -> ConvertedModule:
    """A pure unigrad module made from the torch module ``module``, on the active backend.

    Args:
        module: a ``torch.nn.Module``.
        *example_inputs: inputs the model takes (torch tensors). torch.fx does not need them;
            torch.export, the fallback for models fx cannot trace, does.
        concrete_args: arguments of ``forward`` fixed while tracing with fx (``None`` for
            optional inputs that stay unused), as ``torch.fx.symbolic_trace`` takes them.

    Returns:
        A :class:`ConvertedModule` with the torch module's state dict keys and values and
        mode; ``print`` shows its generated forward.

    Raises:
        ConversionError: ops the table cannot map (every one of them, each with its graph node
            and source line), or a model neither tracer can trace.

    Example:
        >>> import torch
        >>> model = convert(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU()))
        >>> sorted(model.state_dict())
        ['0.bias', '0.weight']
    """
    import torch

    if not isinstance(module, torch.nn.Module):
        raise ArgumentTypeError(f"convert takes a torch.nn.Module, got {type(module).__name__}")
    name = type(module).__name__
    mode = module.training
    try:
        graphs = _trace_both(module, concrete_args, stack_traces=False)
    except Exception as error:  # fx cannot trace it (data-dependent control flow, kwargs tricks, ...)
        if not example_inputs:
            raise ConversionError(
                f"torch.fx cannot trace {name} ({type(error).__name__}: {error}); pass example inputs, "
                "ug.nn.convert(module, *inputs), so that torch.export can"
            ) from error
        return _convert_exported(module, example_inputs)
    scope: dict[str, Any] = {}
    evaluation = generate(graphs[False], "forward", scope)
    training = generate(graphs[True], "forward_train", scope)
    if evaluation.unmapped or training.unmapped:  # again, recording where each node comes from
        graphs = _trace_both(module, concrete_args, stack_traces=True)
        evaluation, training = (
            generate(graphs[False], "forward", {}),
            generate(graphs[True], "forward_train", {}),
        )
        raise_unmapped(name, evaluation.unmapped + training.unmapped)
    same = training.source.replace("def forward_train(", "def forward(", 1) == evaluation.source
    converted = ConvertedModule(name, evaluation.source, scope, None if same else training.source)
    build_tree(module, root=converted)
    for graph in graphs.values():
        _add_constants(graph, module, converted)
    converted.train(mode)
    return converted


def _trace_both(module: Any, concrete_args: Any, stack_traces: bool) -> dict[bool, Any]:
    """The fx graphs of ``module`` in eval mode and in train mode, pruned; its mode is kept."""
    mode = module.training
    graphs = {}
    try:
        for training in (False, True):
            module.train(training)
            graphs[training] = trace(module, concrete_args, stack_traces)
            prune(graphs[training])
    finally:
        module.train(mode)
    return graphs


def _add_constants(graph: Any, module: Any, converted: ConvertedModule) -> None:
    """Tensors a graph reads that are not parameters or buffers (fx's ``_tensor_constant0``)."""
    for node in graph.nodes:
        if node.op != "get_attr":
            continue
        *path, leaf = node.target.split(".")
        owner = converted.get_submodule(".".join(path)) if path else converted
        if leaf not in owner._parameters and leaf not in owner._buffers and leaf not in owner._modules:
            source = module.get_submodule(".".join(path)) if path else module
            owner.register_buffer(leaf, to_array(getattr(source, leaf)), persistent=False)


def _convert_exported(module: Any, example_inputs: tuple[Any, ...]) -> ConvertedModule:
    """The torch.export path: the eval-mode ATen graph over the module's own parameters.

    torch.export traces once, in eval mode; dropout's flag becomes ``self.training``, so the
    converted model drops out when trained. (Layers that update buffers in train mode, such as
    BatchNorm traced through, keep their eval-mode arithmetic on this path.)
    """
    import torch

    from .aten import aten_lookup

    name = type(module).__name__
    mode = module.training
    module.eval()
    try:
        program = torch.export.export(module, tuple(example_inputs), strict=False)
    except Exception as error:
        raise ConversionError(
            f"neither torch.fx nor torch.export can trace {name}: {type(error).__name__}: {error}"
        ) from error
    finally:
        module.train(mode)
    scope: dict[str, Any] = {}
    constants: dict[str, Any] = {}
    forward = _exported_forward(program, "forward", scope, constants, aten_lookup)
    raise_unmapped(name, forward.unmapped)
    converted = ConvertedModule(name, forward.source, scope)
    build_tree(module, root=converted)
    for target, value in constants.items():
        converted.register_buffer(target, to_array(value), persistent=False)
    converted.train(mode)
    return converted


def _exported_forward(
    program: Any, function: str, scope: dict[str, Any], constants: dict[str, Any], lookup: Any
) -> Any:
    from torch.export.graph_signature import InputKind, OutputKind

    graph = program.graph
    placeholders = [node for node in graph.nodes if node.op == "placeholder"]
    inputs = {}
    for spec, node in zip(program.graph_signature.input_specs, placeholders, strict=True):
        if spec.kind in (InputKind.PARAMETER, InputKind.BUFFER):
            inputs[node] = attribute_path(spec.target)
        elif spec.kind == InputKind.CONSTANT_TENSOR:
            target = "constant_" + spec.target.replace(".", "_")
            constants[target] = program.constants[spec.target]
            inputs[node] = attribute_path(target)
    for node in graph.nodes:
        if str(getattr(node.target, "_overloadpacket", "")) == "aten.dropout":
            node.args = (*node.args[:2], TRAINING)  # traced in eval mode: the flag is read when called
    output = next(node for node in graph.nodes if node.op == "output")
    results = list(output.args[0])
    specs = program.graph_signature.output_specs
    updates = [
        (s.target, r) for s, r in zip(specs, results, strict=True) if s.kind == OutputKind.BUFFER_MUTATION
    ]
    users = [r for s, r in zip(specs, results, strict=True) if s.kind == OutputKind.USER_OUTPUT]
    output.args = (_structure(program.call_spec.out_spec, users),)
    prune(graph)
    return generate(graph, function, scope, inputs, lookup, updates)


def _structure(spec: Any, values: list[Any]) -> Any:
    """The flat outputs in the shape of the model's: a dict for a ``ModelOutput``, a tuple, one value."""
    if spec is None or spec.num_leaves != len(values):
        return tuple(values)
    if spec.num_leaves == 1 and spec.is_leaf():
        return values[0]
    children, start = [], 0
    for child in spec.children() if hasattr(spec, "children") else spec.children_specs:
        children.append(_structure(child, values[start : start + child.num_leaves]))
        start += child.num_leaves
    if isinstance(spec.type, type) and issubclass(spec.type, dict):
        return dict(zip(spec.context, children, strict=True))
    return tuple(children) if spec.type is not list else children
