"""Per-op overhead of unigrad's dispatch against the native call.

For ``add``, ``matmul`` and ``sum`` on 64x64 float32, time blocks of calls of
the native function and of the unigrad function, interleaved (native, ug,
native, ug, ...) so that both see the same machine state, and report the
ratio of the medians: 1.00 means unigrad adds nothing.

Run:  python benchmarks/dispatch.py [--backends torch tensorflow] [--rounds 30]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np
from _timing import header, interleaved, row

import unigrad as ug


def cases(backend: str) -> list[tuple[str, Callable[[], Any], Callable[[], Any]]]:
    rng = np.random.default_rng(0)
    a_np = rng.standard_normal((64, 64), dtype=np.float32)
    b_np = rng.standard_normal((64, 64), dtype=np.float32)
    with ug.use_backend(backend):
        a, b = ug.asarray(a_np), ug.asarray(b_np)
    if backend == "torch":
        import torch

        native = {
            "add": lambda: torch.add(a, b),
            "matmul": lambda: torch.matmul(a, b),
            "sum": lambda: torch.sum(a),
        }
    else:
        import tensorflow as tf

        native = {
            "add": lambda: tf.add(a, b),
            "matmul": lambda: tf.matmul(a, b),
            "sum": lambda: tf.reduce_sum(a),
        }
    ours = {"add": lambda: ug.add(a, b), "matmul": lambda: ug.matmul(a, b), "sum": lambda: ug.sum(a)}
    return [(name, native[name], ours[name]) for name in ("add", "matmul", "sum")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="*", default=ug.available_backends())
    parser.add_argument("--rounds", type=int, default=30)
    arguments = parser.parse_args()
    print(header("dispatch overhead, 64x64 float32"))
    for backend in arguments.backends:
        with ug.use_backend(backend):
            for name, native, ours in cases(backend):
                print(row(backend, name, *interleaved(native, ours, rounds=arguments.rounds)), flush=True)


if __name__ == "__main__":
    main()
