"""Tools for testing code across unigrad's backends."""
