"""The optional serial scanner as the screens see it: codes in, one listener at a time."""

from __future__ import annotations

import logging
from collections.abc import Callable

from device_drivers.scanner import CodeKind, ScannedCode, Scanner

log = logging.getLogger(__name__)

__all__ = ["CodeKind", "ScannedCode", "ScannerService"]


class ScannerService:
    """Reads codes on the scanner's own thread and hands each to the current listener.

    The listener is called on the scanner's thread: a UI listener hops to its own thread.
    A code that arrives with no listener (nobody is on a screen that reads codes) is dropped.
    """

    def __init__(self, url: str) -> None:
        self._scanner = Scanner(url, self._deliver)
        self._listener: Callable[[ScannedCode], None] | None = None

    def start(self) -> None:
        """Start reading (the scanner reconnects by itself if unplugged)."""
        self._scanner.start()

    def stop(self) -> None:
        """Stop reading."""
        self._scanner.stop()

    def listen(self, listener: Callable[[ScannedCode], None] | None) -> None:
        """Send the codes read from now on to `listener` (None: nobody wants them)."""
        self._listener = listener

    def _deliver(self, code: ScannedCode) -> None:
        listener = self._listener
        if listener is None:
            log.info("scanned %s with no screen listening: dropped", code.kind.value)
            return
        listener(code)
