"""Installs a kiosk on a Debian 12 or Raspberry Pi OS box from a clone: `python3 -m kiosk.deploy`.

Standard library only: it runs with the system's python3 before any dependency exists.
"""
