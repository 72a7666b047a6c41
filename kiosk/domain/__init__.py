"""Plain-Python core of the kiosk: models, catalogue, validation and ticket rules (no I/O)."""
