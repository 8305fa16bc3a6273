"""The progress display of :func:`unigrad.fit`: a tqdm bar on a terminal, summary lines elsewhere.

``verbose`` chooses: ``False`` / 0 shows nothing; ``True`` / 1 shows a bar
per epoch with the running loss and metrics when the bar's stream (stderr) is
a terminal, and one line per epoch on stdout when it is not (a CI log, a
file, a notebook cell's capture); 2 always prints the lines. The bar reads
the running values from the device at most every ``refresh_seconds``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from typing import Any, TextIO

from ..errors import ArgumentError
from .callbacks import Callback

__all__ = ["ProgressBar", "format_logs"]


def format_logs(logs: Mapping[str, float]) -> str:
    """``"loss: 0.1234 - accuracy: 0.9"``, four significant digits."""
    return " - ".join(f"{key}: {value:.4g}" for key, value in logs.items())


class ProgressBar(Callback):
    """Shows training progress; :func:`unigrad.fit` adds one unless ``verbose=False``.

    Args:
        verbose: 0 (silent), 1 (a bar on a terminal, else lines) or 2 (lines).
        stream: where the bar goes (default ``sys.stderr``, looked up when
            training starts); it is a terminal if its ``isatty()`` says so.
        lines: where the summary lines go (default ``sys.stdout``).
        refresh_seconds: least time between two reads of the running values.
    """

    def __init__(
        self,
        verbose: bool | int = 1,
        stream: TextIO | None = None,
        lines: TextIO | None = None,
        refresh_seconds: float = 0.1,
    ) -> None:
        if int(verbose) not in (0, 1, 2):
            raise ArgumentError(f"verbose must be False/0, True/1 or 2, got {verbose!r}")
        self.verbose, self.stream, self.lines, self.refresh_seconds = (
            int(verbose),
            stream,
            lines,
            refresh_seconds,
        )
        self.params: dict[str, Any] = {}
        self.mode = "off"
        self._bar: Any = None
        self._shown = 0.0
        self._started = 0.0

    def _stream(self) -> TextIO:
        return self.stream if self.stream is not None else sys.stderr

    def on_train_begin(self, logs: Mapping[str, float] | None = None) -> None:
        stream = self._stream()
        terminal = bool(getattr(stream, "isatty", lambda: False)())
        self.mode = {0: "off", 1: "bar" if terminal else "lines", 2: "lines"}[self.verbose]

    def on_epoch_begin(self, epoch: int, logs: Mapping[str, float] | None = None) -> None:
        self._started = time.perf_counter()
        if self.mode != "bar":
            return
        from tqdm import tqdm

        self._bar = tqdm(
            total=self.params.get("steps"),
            desc=self._title(epoch),
            unit="batch",
            file=self._stream(),
            leave=True,
            dynamic_ncols=True,
            mininterval=self.refresh_seconds,
        )
        self._shown = 0.0

    def on_batch_end(self, batch: int, logs: Mapping[str, float]) -> None:
        if self._bar is None:
            return
        now = time.perf_counter()
        if now - self._shown >= self.refresh_seconds:  # reading the logs syncs with the device
            self._bar.set_postfix_str(format_logs(logs), refresh=False)
            self._shown = now
        self._bar.update(1)

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        seconds = time.perf_counter() - self._started
        if self._bar is not None:
            self._bar.set_postfix_str(format_logs(logs), refresh=False)
            self.close()
        elif self.mode == "lines":
            out = self.lines if self.lines is not None else sys.stdout
            print(f"{self._title(epoch)} - {seconds:.2f}s - {format_logs(logs)}", file=out, flush=True)

    def on_train_end(self, logs: Mapping[str, float] | None = None) -> None:
        self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _title(self, epoch: int) -> str:
        title = self.params.get("title")
        return title if title else f"epoch {epoch + 1}/{self.params.get('epochs', '?')}"
