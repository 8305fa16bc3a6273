"""The results of the conformance kit: one :class:`CheckResult` per check, gathered in a report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CheckResult", "ConformanceError", "ConformanceReport", "Status"]

Status = Literal["passed", "failed", "not provided", "skipped"]


class ConformanceError(AssertionError):
    """Raised by :meth:`ConformanceReport.raise_for_failures`; its message lists every failure."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check."""

    group: str
    """The protocol or area checked: ``"core"``, ``"elementwise"``, ``"autograd"``, ..."""
    name: str
    """The member (``"add"``) or behaviour (``"add(int8 tensor, 1)"``) checked."""
    kind: Literal["interface", "behaviour"]
    status: Status
    detail: str = ""
    """What went wrong (the op, its inputs, what came back and what was expected), or why skipped."""

    def __str__(self) -> str:
        text = f"{self.status.upper()} [{self.kind} {self.group}] {self.name}"
        return f"{text}: {self.detail}" if self.detail else text


@dataclass(frozen=True)
class ConformanceReport:
    """Every check's result for one backend; ``ok`` when none failed."""

    backend: str
    results: tuple[CheckResult, ...]

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        """The checks that failed."""
        return tuple(r for r in self.results if r.status == "failed")

    @property
    def not_provided(self) -> tuple[CheckResult, ...]:
        """The optional members the backend leaves out."""
        return tuple(r for r in self.results if r.status == "not provided")

    @property
    def ok(self) -> bool:
        """Whether no check failed."""
        return not self.failures

    def named(self, name: str) -> tuple[CheckResult, ...]:
        """The results about ``name``: its interface check and the behaviour checks of that op."""
        return tuple(r for r in self.results if r.name == name or r.name.startswith(f"{name}("))

    def summary(self) -> str:
        """One line: how many checks passed, failed, were not provided or skipped."""
        counts = {s: sum(r.status == s for r in self.results) for s in ("passed", "failed", "not provided")}
        counts["skipped"] = len(self.results) - sum(counts.values())
        groups = sorted({r.group for r in self.not_provided})
        line = f"backend {self.backend!r}: " + ", ".join(f"{n} {s}" for s, n in counts.items())
        return line + (f" (not provided: {', '.join(groups)})" if groups else "")

    def __str__(self) -> str:
        return "\n".join([self.summary(), *(str(r) for r in self.failures)])

    def raise_for_failures(self) -> None:
        """Raise :class:`ConformanceError` listing every failure, if any check failed."""
        if self.failures:
            raise ConformanceError(str(self))
