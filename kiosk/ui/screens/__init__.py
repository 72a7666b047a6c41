"""The screens of the kiosk, one module each; the registry the app builds them from."""

from __future__ import annotations

from kiosk.ui.screens.account import AccountScreen
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.certificate import CertificateScreen
from kiosk.ui.screens.guide import GuideScreen
from kiosk.ui.screens.history import HistoryScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.prerequest import PreRequestScreen
from kiosk.ui.screens.status import StatusScreen
from kiosk.ui.screens.technician import TechnicianScreen
from kiosk.ui.screens.ticket import TicketScreen

# name -> screen class; each name has its kv/<name>.kv.
SCREENS: dict[str, type[KioskScreen]] = {
    "home": HomeScreen,
    "ticket": TicketScreen,
    "status": StatusScreen,
    "guide": GuideScreen,
    "technician": TechnicianScreen,
    "account": AccountScreen,
    "certificate": CertificateScreen,
    "history": HistoryScreen,
    "prerequest": PreRequestScreen,
}
