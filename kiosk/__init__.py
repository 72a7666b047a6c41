"""GAU Kiosk: the touchscreen kiosk of a Moroccan digital administrative annex."""

__version__ = "0.1.0"
