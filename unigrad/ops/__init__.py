"""The tensor namespace: Array API functions dispatched to the active backend.

One module per topic of the standard (``creation``, ``unary``, ``binary``,
``manipulation``, ``statistical``, ``searching``, ``products``), each a list of
stubs (signature, type hints, docstring) that :mod:`unigrad.ops._dispatch`
turns into the op; ``promotion`` and ``shapes`` hold the rules that need no
backend.
"""

from __future__ import annotations
