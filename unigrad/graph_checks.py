"""Checks that run inside compiled graphs, and the unigrad errors they become.

While ``ug.function`` traces (``tf.function``, ``torch.compile``) there are no
values to check on the host: a bad label, say, can only be caught by an
assertion inside the graph, which fails later as the framework's own error
(TensorFlow's ``InvalidArgumentError`` naming an ``Assert`` node, torch's
``RuntimeError``). :func:`message` tags the assertion's text with the unigrad
error it stands for; ``ug.function`` recognises the tag with :func:`error_from`
and reruns the call eagerly, where the host check raises that error with its
full text (the offending value included), the same text an eager run gives.
"""

from __future__ import annotations

import re

from . import errors
from .errors import UnigradError

__all__ = ["message", "error_from"]

_TAG = re.compile(r"\[unigrad (\w+)\] (.*?)(?: \[/unigrad\]|$)", re.DOTALL)


def message(error: type[UnigradError], text: str) -> str:
    """``text`` tagged as an ``error`` for a graph assertion."""
    return f"[unigrad {error.__name__}] {text} [/unigrad]"


def error_from(exc: BaseException) -> UnigradError | None:
    """The unigrad error the tagged graph assertion that raised ``exc`` stands for (with the
    assertion's text), or None where ``exc`` is no such framework error."""
    if isinstance(exc, UnigradError):
        return None
    text = str(exc)
    found = _TAG.search(text) if "[unigrad " in text else None
    if found is None:
        return None
    cls = getattr(errors, found.group(1), UnigradError)
    if not (isinstance(cls, type) and issubclass(cls, UnigradError)):
        cls = UnigradError
    return cls(found.group(2))
