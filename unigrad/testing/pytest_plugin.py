"""pytest plugin (entry point ``pytest11``): run a test on every installed backend."""
