"""The sd_notify protocol (READY=1, WATCHDOG=1, STOPPING=1) to systemd, in plain Python."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)

READY = "READY=1"
WATCHDOG = "WATCHDOG=1"
STOPPING = "STOPPING=1"


def notify_address(environ: Mapping[str, str]) -> str | bytes | None:
    """Where systemd listens ($NOTIFY_SOCKET), or None outside a Type=notify service.

    A leading '@' names a socket in the abstract namespace: the kernel wants a NUL there.
    """
    address = environ.get("NOTIFY_SOCKET", "")
    if not address:
        return None
    if address.startswith("@"):
        return b"\0" + address[1:].encode()
    if address.startswith("/"):
        return address
    return None  # vsock and other forms: not for a kiosk on one machine


def watchdog_interval_s(environ: Mapping[str, str], pid: int | None = None) -> float | None:
    """Seconds between two WATCHDOG=1 pings: half of $WATCHDOG_USEC, as sd_watchdog_enabled().

    None when the service has no watchdog, or when $WATCHDOG_PID names another process
    (a child that inherited the environment must not ping for its parent).
    """
    usec = environ.get("WATCHDOG_USEC", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    owner = environ.get("WATCHDOG_PID", "")
    if owner and owner != str(os.getpid() if pid is None else pid):
        return None
    return int(usec) / 1_000_000 / 2


class ServiceManager:
    """Tells systemd how the service is; every call is a no-op outside systemd."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        environ = os.environ if environ is None else environ
        self.address = notify_address(environ)
        self.watchdog_interval_s = watchdog_interval_s(environ)

    def notify(self, state: str) -> bool:
        """Send one datagram of `state` lines; True if systemd's socket took it."""
        if self.address is None:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto(state.encode(), self.address)
        except OSError as exc:
            # A lost notification must never stop the kiosk: systemd's timeouts decide.
            log.warning("cannot notify systemd (%s): %s", state.split("=")[0], exc)
            return False
        return True

    def ready(self) -> bool:
        """The service is up: systemd ends `systemctl start` and starts the watchdog."""
        return self.notify(READY)

    def ping(self) -> bool:
        """Still alive: resets systemd's watchdog timer."""
        return self.notify(WATCHDOG)

    def stopping(self) -> bool:
        """The service is shutting down on purpose."""
        return self.notify(STOPPING)
