"""Interleaved timing shared by the benchmarks: native and unigrad blocks alternate."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

# glibc's malloc hands a large freed block back to the OS (trimming the heap's top, or unmapping it)
# and takes page faults to get it again: how often depends on the heap's history, so the same step
# costs ~8% more or less from one process to the next (a torch ResNet-18 step at batch 8 takes 0 or
# ~5000 page faults, native and unigrad alike, and in one process each side's frees move the other's).
# The workers keep freed memory (as jemalloc or tcmalloc would): both sides alike, steadily.
STEADY_HEAP = "glibc.malloc.trim_threshold=17179869184:glibc.malloc.mmap_threshold=33554432"


def worker_env(default_malloc: bool = False, **extra: str) -> dict[str, str]:
    """The environment of a benchmark's worker process: the heap kept (``STEADY_HEAP``) unless
    ``default_malloc``, TensorFlow's C++ log quiet, and ``extra``."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **extra}
    if not default_malloc:
        env["GLIBC_TUNABLES"] = ":".join(filter(None, [env.get("GLIBC_TUNABLES", ""), STEADY_HEAP]))
    return env


def add_heap_option(parser: Any) -> None:
    """``--default-malloc``: run the workers with glibc's own heap settings (see ``STEADY_HEAP``)."""
    parser.add_argument(
        "--default-malloc", action="store_true", help="glibc's heap defaults in the workers (noisier figures)"
    )


def time_block(function: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls


def interleaved(
    native: Callable[[], Any], ours: Callable[[], Any], *, rounds: int, target_seconds: float = 0.02
) -> tuple[float, float]:
    """Median seconds per call of each, measured in alternating blocks."""
    # warm-up (caches, lazy imports, first-call kernels, thread pools): a few
    # calls each, then until a quarter second has passed
    deadline = time.perf_counter() + 0.25
    for count in range(1_000_000):
        native()
        ours()
        if count >= 3 and time.perf_counter() > deadline:
            break
    per_call = time_block(native, 5)
    calls = max(5, int(target_seconds / max(per_call, 1e-9)))
    native_times, our_times = [], []
    for _ in range(rounds):
        native_times.append(time_block(native, calls))
        our_times.append(time_block(ours, calls))
    return statistics.median(native_times), statistics.median(our_times)


def header(title: str) -> str:
    return (
        f"# {title} ({platform.processor() or platform.machine()}, Python {platform.python_version()})\n\n"
        "| backend | case | native | unigrad | ratio |\n|---|---|---:|---:|---:|"
    )


def row(backend: str, case: str, native_s: float, our_s: float) -> str:
    def fmt(seconds: float) -> str:
        return f"{seconds * 1e6:.2f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.3f} ms"

    return f"| {backend} | {case} | {fmt(native_s)} | {fmt(our_s)} | {our_s / native_s:.3f}x |"
