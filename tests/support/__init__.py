"""Shared test helpers (the reference server as a real subprocess)."""
