"""systemd from the UI loop: READY=1 once home is drawn, then WATCHDOG=1 from the Kivy clock."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.services.systemd_notify import ServiceManager


def report_to_systemd(manager: ServiceManager | None = None) -> None:
    """Call once home is built; outside a systemd service (no $NOTIFY_SOCKET) nothing happens.

    READY=1 goes after the next frame reaches the screen (Window's on_flip), so `systemctl
    start kiosk` returns when a citizen can see home. The pings run on the Kivy clock, in the
    UI thread: a UI loop that stops turning stops them, and systemd's watchdog restarts the
    kiosk, however alive its other threads are.
    """
    manager = manager or ServiceManager()
    if manager.address is None:
        return

    def first_frame(*_args: Any) -> None:
        Window.unbind(on_flip=first_frame)
        manager.ready()
        interval = manager.watchdog_interval_s
        if interval is not None:
            Clock.schedule_interval(lambda _dt: manager.ping(), interval)

    Window.bind(on_flip=first_frame)
