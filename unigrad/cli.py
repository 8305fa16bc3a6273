"""The ``unigrad`` command: ``unigrad info`` and ``unigrad demo``.

``unigrad demo`` trains the seed's two-layer network on every installed
backend and prints the loss curves side by side. ``unigrad info`` prints the
versions of unigrad, Python and each framework, the active backend and the
devices each installed backend sees, so a bug report can start from one paste.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import sys
from collections.abc import Sequence

__all__ = ["main", "info_lines"]


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def info_lines() -> list[str]:
    """What ``unigrad info`` prints, one line per fact."""
    import unigrad as ug
    from unigrad.backends import BUILTIN
    from unigrad.config import backend_instance

    lines = [
        f"unigrad {ug.__version__} (Array API {ug.__array_api_version__})",
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}",
    ]
    frameworks = [(name, entry.distributions) for name, entry in BUILTIN.items()]
    for label, distributions in (*frameworks, ("keras", ("keras",)), ("numpy", ("numpy",))):
        version = next((v for d in distributions if (v := _version(d)) is not None), None)
        lines.append(f"{label:<12}{version or 'not installed'}")
    installed = ug.available_backends()
    try:
        active = ug.get_backend()
    except ug.UnigradError as exc:
        active = f"none ({exc})"
    lines.append(f"backends    {', '.join(installed) or 'none installed'} (active: {active})")
    for name in installed:
        try:
            backend = backend_instance(name)
            devices = ", ".join(backend.devices())
        except Exception as exc:
            devices = f"unavailable: {type(exc).__name__}: {exc}"
        lines.append(f"  {name:<12}devices: {devices}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="unigrad", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("info", help="versions, backends and devices")
    demo = commands.add_parser("demo", help="train the seed's two-layer network on every installed backend")
    demo.add_argument("--steps", type=int, default=500, help="training steps (default 500)")
    demo.add_argument("--every", type=int, default=50, help="print the loss every N steps (default 50)")
    demo.add_argument("--backends", nargs="*", default=None, help="backends to run (default: all installed)")
    demo.add_argument("--plot", default="unigrad-demo.png", help="PNG for the curves ('' for none)")
    arguments = parser.parse_args(argv)
    if arguments.command == "info":
        print("\n".join(info_lines()))
    elif arguments.command == "demo":
        from .demo import run_demo

        if arguments.steps < 1:
            parser.error("--steps must be at least 1")
        for line in run_demo(
            arguments.backends, arguments.steps, max(1, arguments.every), arguments.plot or None
        ):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
