"""How much of ``torch.nn`` ``ug.nn`` has: ``python -m unigrad.nn.coverage``.

Lists ``torch.nn``'s module classes and ``torch.nn.functional``'s public
functions (found by introspection of the installed torch, so the figure
follows torch's releases), and which of them ``ug.nn`` / ``ug.nn.functional``
have under the same name. Out of scope, as the design says: the ``Lazy*``
modules, the ``DataParallel`` wrappers and the quantized modules (these live in
``torch.ao.nn``/``torch.nn.quantized``, not in ``torch.nn``'s namespace), and
torch's mutate-only functions (``relu_``, ``elu_``, ...), since unigrad
tensors may be immutable: their out-of-place forms take ``inplace=True``.
Also out of scope: the grouped and scaled GEMMs (``grouped_mm``,
``scaled_mm``, ``scaled_grouped_mm``), CUDA kernels for bfloat16/FP8 inputs
with fixed memory layouts and scaling recipes (mixture-of-experts and
low-precision training), not layer functions, which torch itself runs only on
SM >= 80 GPUs; and ``assert_int_or_pair``, an argument check of torch's own
that its namespace exposes.

Examples:
    >>> from unigrad.nn.coverage import coverage
    >>> found = coverage()  # doctest: +SKIP
    >>> print(found.summary())  # doctest: +SKIP
    ug.nn: 61 of 161 module classes in scope ...
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Coverage", "coverage", "torch_module_classes", "torch_functions", "main"]

# where torch.nn.functional's public functions are defined (the rest are its imports)
_FUNCTION_HOMES = ("torch.nn.functional", "torch", "torch._C._nn", "torch._C")
_DATA_PARALLEL = ("DataParallel", "DistributedDataParallel")
_GEMM_KERNELS = ("grouped_mm", "scaled_mm", "scaled_grouped_mm")
_ARGUMENT_CHECKS = ("assert_int_or_pair",)


@dataclass
class Part:
    """One namespace's figure: what torch has in scope, what unigrad has, and what was left out."""

    name: str
    kind: str
    in_scope: list[str]
    have: list[str]
    excluded: dict[str, list[str]] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [n for n in self.in_scope if n not in self.have]

    def line(self) -> str:
        return f"{self.name}: {len(self.have)} of {len(self.in_scope)} {self.kind} in scope"


@dataclass
class Coverage:
    modules: Part
    functions: Part

    def summary(self, verbose: bool = False) -> str:
        lines = []
        for part in (self.modules, self.functions):
            lines.append(part.line())
            for reason, names in part.excluded.items():
                listed = f": {len(names)} ({' '.join(names)})" if names else ""
                lines.append(f"  excluded, {reason}{listed}")
            if verbose:
                lines.append(f"  have: {' '.join(part.have)}")
                lines.append(f"  missing: {' '.join(part.missing)}")
        return "\n".join(lines)


def torch_module_classes() -> tuple[list[str], dict[str, list[str]]]:
    """``torch.nn``'s module classes in scope, and the excluded ones by reason."""
    import torch

    classes = sorted(
        name
        for name in dir(torch.nn)
        if not name.startswith("_")
        and inspect.isclass(getattr(torch.nn, name))
        and issubclass(getattr(torch.nn, name), torch.nn.Module)
    )
    lazy = [n for n in classes if n.startswith("Lazy")]
    parallel = [n for n in classes if n in _DATA_PARALLEL]
    excluded = {
        "Lazy* modules": lazy,
        "DataParallel wrappers": parallel,
        "quantized modules: none in torch.nn's namespace (they live in torch.ao.nn)": [],
    }
    return [n for n in classes if n not in lazy and n not in parallel], excluded


def torch_functions() -> tuple[list[str], dict[str, list[str]]]:
    """``torch.nn.functional``'s public functions in scope, and the excluded ones by reason."""
    import torch.nn.functional as torch_functional

    functions = sorted(
        name
        for name in dir(torch_functional)
        if not name.startswith(("_", "has_torch_function"))
        and callable(getattr(torch_functional, name))
        and not inspect.isclass(getattr(torch_functional, name))
        and getattr(getattr(torch_functional, name), "__module__", None) in _FUNCTION_HOMES
    )
    mutating = [n for n in functions if n.endswith("_") and n[:-1] in functions]
    kernels = [n for n in functions if n in _GEMM_KERNELS]
    checks = [n for n in functions if n in _ARGUMENT_CHECKS]
    excluded = {
        "mutate-only forms (use inplace=True, computed out of place)": mutating,
        "grouped/scaled GEMM kernels (bfloat16/FP8 CUDA kernels for MoE and low-precision training)": kernels,
        "torch's own argument checks": checks,
    }
    left_out = {*mutating, *kernels, *checks}
    return [n for n in functions if n not in left_out], excluded


def coverage() -> Coverage:
    """The figures for the installed torch and this unigrad."""
    from .. import nn
    from . import functional

    classes, classes_excluded = torch_module_classes()
    functions, functions_excluded = torch_functions()
    have_classes = [n for n in classes if inspect.isclass(getattr(nn, n, None))]
    have_functions = [n for n in functions if callable(getattr(functional, n, None))]
    return Coverage(
        Part("ug.nn", "module classes", classes, have_classes, classes_excluded),
        Part("ug.nn.functional", "functions", functions, have_functions, functions_excluded),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m unigrad.nn.coverage", description="How much of torch.nn ug.nn has."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list what is there and what is missing")
    args = parser.parse_args(argv)
    try:
        found = coverage()
    except ImportError as exc:
        print(f"the coverage is measured against torch, which is not installed ({exc}): pip install torch")
        return 1
    print(found.summary(args.verbose))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
