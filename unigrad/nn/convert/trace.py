"""Tracing a torch module into a torch.fx graph whose leaves are the modules ug.nn has twins of.

torch.fx's symbolic tracer records every call a module's ``forward`` makes. A submodule is
kept whole (one ``call_module`` node) when it is one of torch.nn's own classes that ug.nn
has under the same name; every other module (torchvision's, timm's, a user's) is traced
through, so its code becomes nodes of the graph. Containers (Sequential, ModuleList, ...)
are traced through too: their children are the leaves.
"""

from __future__ import annotations

from typing import Any

__all__ = ["trace", "has_twin"]

# traced through even though ug.nn has them: they only route calls to their children
_CONTAINERS = {"Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "Container"}


def has_twin(module: Any) -> bool:
    """Whether ``module`` is an instance of a torch.nn class (not a subclass) that ug.nn mirrors."""
    from ... import nn

    cls = type(module)
    name = cls.__name__
    return (
        cls.__module__.startswith("torch.nn.modules.")
        and name not in _CONTAINERS
        and isinstance(getattr(nn, name, None), type)
    )


def trace(module: Any, concrete_args: dict[str, Any] | None = None, stack_traces: bool = False) -> Any:
    """``module``'s forward as a ``torch.fx.Graph`` whose ``call_module`` nodes are twin-able leaves.

    With ``stack_traces`` each node records the source line it came from (which makes tracing
    several times slower: it is asked for only to report ops that cannot be mapped).
    """
    import torch.fx

    class Tracer(torch.fx.Tracer):
        def is_leaf_module(self, m: Any, qualname: str) -> bool:
            return has_twin(m)

    tracer = Tracer()
    tracer.record_stack_traces = stack_traces
    return tracer.trace(module, concrete_args=concrete_args)
