"""Kivy language files, one per screen plus a theme (read through importlib.resources)."""
