"""The app's context, built by kiosk.services (the UI never reads the configuration file)."""

from __future__ import annotations

from kiosk.services.front_desk import AppContext, FrontDesk

__all__ = ["AppContext", "FrontDesk"]
