"""The converted model: a unigrad module tree and the forward generated for it.

:class:`ConvertedModule` holds the torch module's children (as ug.nn twins or
:class:`~unigrad.nn.convert.modules.TracedModule` containers), parameters and buffers
under their torch names, and runs a forward written as Python source from the traced
graph and compiled once. Where the traced code depends on the mode (``F.dropout(x,
training=self.training)``, timm's ``BatchNormAct2d``) the model was traced in both modes
and ``forward`` runs the one that fits ``self.training``.
"""

from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable
from typing import Any

from .modules import TracedModule

__all__ = ["ConvertedModule", "compile_forward"]

_counter = itertools.count(1)


def compile_forward(source: str, scope: dict[str, Any], name: str, title: str) -> Callable[..., Any]:
    """The function ``name`` defined by ``source``; tracebacks show its lines (linecache)."""
    filename = f"<ug.nn.convert {title} #{next(_counter)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace = dict(scope)
    exec(compile(source, filename, "exec"), namespace)
    function: Callable[..., Any] = namespace[name]
    return function


class ConvertedModule(TracedModule):
    """A torch module converted by :func:`unigrad.nn.convert`: pure unigrad, on every backend.

    ``print(model)`` shows the module tree and then the generated forward; ``model.code``
    is that forward's source.

    Example:
        >>> model = ConvertedModule("Net", "def forward(self, x):\\n    return x\\n", {})
        >>> model(3)
        3
    """

    def __init__(
        self, source_class: str, eval_code: str, scope: dict[str, Any], train_code: str | None = None
    ) -> None:
        super().__init__(source_class)
        self.code = eval_code if train_code is None else f"{eval_code}\n{train_code}"
        self._eval_forward = compile_forward(eval_code, scope, "forward", source_class)
        self._train_forward = (
            self._eval_forward
            if train_code is None
            else compile_forward(train_code, scope, "forward_train", source_class)
        )

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return (self._train_forward if self.training else self._eval_forward)(self, *args, **kwargs)

    def __repr__(self) -> str:
        return f"{super().__repr__()}\n\n{self.code}"
