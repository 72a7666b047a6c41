"""The requests-based client of the central API, its typed replies and its errors."""

from kiosk.central.client import CentralClient, load_device_token
from kiosk.central.errors import (
    BadResponse,
    CentralError,
    DeviceTokenError,
    InvalidCredentials,
    InvalidDevice,
    Locked,
    NotFound,
    Offline,
    Rejected,
    ServerFault,
    SessionExpired,
)

__all__ = [
    "BadResponse",
    "CentralClient",
    "CentralError",
    "DeviceTokenError",
    "InvalidCredentials",
    "InvalidDevice",
    "Locked",
    "NotFound",
    "Offline",
    "Rejected",
    "ServerFault",
    "SessionExpired",
    "load_device_token",
]
