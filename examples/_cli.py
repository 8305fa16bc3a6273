"""What the examples share: ``--backend`` and ``--steps`` on the command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import unigrad as ug


def arguments(
    description: str, argv: Sequence[str] | None, *, steps: int, **options: int
) -> argparse.Namespace:
    """Parse ``--backend torch|tf`` (default: unigrad's default), ``--steps`` and ``--<option>`` for
    each of ``options`` (integers, with their defaults); activate the backend."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--backend", default=None, help="torch (pytorch) or tf (tensorflow)")
    parser.add_argument("--steps", type=int, default=steps, help=f"training steps (default {steps})")
    for name, default in options.items():
        parser.add_argument(f"--{name}", type=int, default=default, help=f"(default {default})")
    args = parser.parse_args(argv)
    if args.backend is not None:
        ug.set_backend(args.backend)
    args.backend = ug.get_backend()
    return args
