"""The screens of the kiosk, one module each; the registry the app builds them from."""

from __future__ import annotations

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.guide import GuideScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.status import StatusScreen
from kiosk.ui.screens.technician import TechnicianScreen
from kiosk.ui.screens.ticket import TicketScreen

# name -> screen class; each name has its kv/<name>.kv. Part 2 adds its screens here.
SCREENS: dict[str, type[KioskScreen]] = {
    "home": HomeScreen,
    "ticket": TicketScreen,
    "status": StatusScreen,
    "guide": GuideScreen,
    "technician": TechnicianScreen,
}
