"""A parameter group: the dict of options that a user, a schedule or a backend may change."""

from __future__ import annotations

from typing import Any

__all__ = ["ParamGroup"]


class ParamGroup(dict[str, Any]):
    """A parameter group: a dict that tells its optimizer when the learning rate changes.

    A backend that keeps optimizer state in variables, so that a compiled step
    reads it (see ``Backend.optim_state_in_variables``), keeps the learning rate
    in ``lr_variable`` too; setting ``group["lr"]`` then assigns it, so a
    schedule reaches a graph that was traced with the old value.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lr_variable: Any = None

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        if key == "lr" and self.lr_variable is not None:
            self.lr_variable.assign(float(value))

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value
