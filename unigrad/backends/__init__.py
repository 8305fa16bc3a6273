"""unigrad's backends, one sub-package per framework (installed as ``unigrad.backends``)."""
