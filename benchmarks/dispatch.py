"""Per-op overhead of unigrad's dispatch against the native call.

For ``add``, ``matmul`` and ``sum`` on 64x64 float32, time blocks of calls of
the native function and of the unigrad function, interleaved (native, ug,
native, ug, ...) so that both see the same machine state, and report the
ratio of the medians: 1.00 means unigrad adds nothing.

Run:  python benchmarks/dispatch.py [--backends torch tensorflow] [--rounds 30]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import unigrad as ug


def time_block(function: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls


def interleaved(
    native: Callable[[], Any], ours: Callable[[], Any], *, rounds: int, target_seconds: float = 0.02
) -> tuple[float, float]:
    """Median seconds per call of each, measured in alternating blocks."""
    for _ in range(3):  # warm-up: caches, lazy imports, first-call kernels
        native()
        ours()
    per_call = time_block(native, 20)
    calls = max(10, int(target_seconds / max(per_call, 1e-9)))
    native_times, our_times = [], []
    for _ in range(rounds):
        native_times.append(time_block(native, calls))
        our_times.append(time_block(ours, calls))
    return statistics.median(native_times), statistics.median(our_times)


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
    print(
        f"# dispatch overhead, 64x64 float32 ({platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()})\n"
    )
    print("| backend | op | native | unigrad | ratio |")
    print("|---|---|---:|---:|---:|")
    for backend in arguments.backends:
        with ug.use_backend(backend):
            for name, native, ours in cases(backend):
                native_s, our_s = interleaved(native, ours, rounds=arguments.rounds)
                print(
                    f"| {backend} | {name} | {native_s * 1e6:.2f} µs | {our_s * 1e6:.2f} µs | "
                    f"{our_s / native_s:.3f}x |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
