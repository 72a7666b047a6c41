"""A serial QR/barcode scanner on a real pseudo-terminal, behind a symlink the test controls.

"Unplug" removes the symlink and closes the pty, as a USB-serial scanner vanishes from /dev;
"plug" creates a new pty and points the symlink at it again.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import tty
from pathlib import Path

from device_drivers.scanner import ScannedCode


class ScannerEmulator:
    """Types codes into the kiosk's serial port."""

    def __init__(self, link: Path) -> None:
        self.link = link
        self._master: int | None = None
        self._slave: int | None = None
        self.plug()

    def plug(self) -> None:
        """A scanner appears at `link`."""
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        with contextlib.suppress(FileNotFoundError):
            self.link.unlink()
        self.link.symlink_to(os.ttyname(self._slave))

    def scan(self, code: str | bytes, terminator: bytes = b"\r") -> None:
        """Send one code as the scanner does: its characters, then CR (or LF)."""
        assert self._master is not None, "scanner is unplugged"
        data = code.encode("ascii") if isinstance(code, str) else code
        os.write(self._master, data + terminator)

    def unplug(self) -> None:
        """The cable is pulled: the device disappears."""
        with contextlib.suppress(FileNotFoundError):
            self.link.unlink()
        for descriptor in (self._master, self._slave):
            if descriptor is not None:
                with contextlib.suppress(OSError):
                    os.close(descriptor)
        self._master = self._slave = None

    def close(self) -> None:
        """Release the pty."""
        self.unplug()


class CodeSink:
    """Collects what the scanner hands to the app; tests wait on it instead of sleeping."""

    def __init__(self) -> None:
        self.codes: list[ScannedCode] = []
        self._changed = threading.Condition()

    def __call__(self, code: ScannedCode) -> None:
        with self._changed:
            self.codes.append(code)
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ScannedCode]:
        """Wait until `count` codes have arrived; AssertionError with what came otherwise."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.codes) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} codes, got {self.codes}")
                self._changed.wait(remaining)
            return list(self.codes)


def wait_until(condition: object, timeout: float = 5.0) -> None:
    """Poll a zero-argument callable with a deadline (for states with no event to wait on)."""
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)
