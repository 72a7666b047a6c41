"""Fonts, images and sounds shipped with the kiosk (read through importlib.resources)."""
