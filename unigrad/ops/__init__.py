"""The tensor namespace: Array API functions dispatched to the active backend."""
