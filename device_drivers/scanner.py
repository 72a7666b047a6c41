"""A serial QR/barcode scanner: reads lines on a worker thread, debounces, classifies, reconnects.

Formats the kiosk recognises (see docs/printing.md):
  CAU card QR        CAU:<CIN>          e.g. CAU:AB123456  (1-2 letters, 1-6 digits)
  passport dossier   PP-<year>-<6 digits>  e.g. PP-2026-000123
  firearm licence    PA-<year>-<6 digits>  e.g. PA-2026-000045 (permis de port d'armes,
                     the central server's own numbering)
Any other printable line is delivered as "unknown"; unprintable or overlong lines are dropped.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import serial

log = logging.getLogger(__name__)

MAX_CODE_LENGTH = 128
DEBOUNCE_S = 1.5
_READ_TIMEOUT_S = 0.1  # how long a read blocks: bounds how fast stop() returns
_RETRY_FIRST_S = 0.2
_RETRY_MAX_S = 2.0
_PRINTABLE = re.compile(r"[\x20-\x7e]+")
_PATTERNS = (
    ("cau_card", re.compile(r"CAU:([A-Z]{1,2}[0-9]{1,6})")),
    ("passport_dossier", re.compile(r"(PP-20[0-9]{2}-[0-9]{6})")),
    ("firearm_dossier", re.compile(r"(PA-20[0-9]{2}-[0-9]{6})")),
)


class CodeKind(StrEnum):
    """What a scanned code is."""

    CAU_CARD = "cau_card"
    PASSPORT_DOSSIER = "passport_dossier"
    FIREARM_DOSSIER = "firearm_dossier"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ScannedCode:
    """A code as read, its kind, and the value the app needs (the CIN, the dossier number)."""

    raw: str
    kind: CodeKind
    value: str


def classify(raw: str) -> ScannedCode:
    """Recognise a scanned line (already stripped of its terminator)."""
    code = raw.strip()
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(code.upper())
        if match:
            return ScannedCode(code, CodeKind(kind), match.group(1))
    return ScannedCode(code, CodeKind.UNKNOWN, code)


def _decode_line(line: bytes) -> str | None:
    """The printable text of a line, or None for garbage (noise, binary, overlong)."""
    text = line.decode("ascii", errors="replace").strip()
    if not text or len(text) > MAX_CODE_LENGTH or not _PRINTABLE.fullmatch(text):
        return None
    return text


class Scanner:
    """Reads codes from `url` (a device path, a pty, or any pyserial URL) until stop()."""

    def __init__(
        self,
        url: str,
        on_code: Callable[[ScannedCode], None],
        baudrate: int = 9600,
        debounce_s: float = DEBOUNCE_S,
        clock: Callable[[], float] = time.monotonic,
        on_connection: Callable[[bool], None] | None = None,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self._on_code = on_code
        self._on_connection = on_connection
        self._debounce_s = debounce_s
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_seen: dict[str, float] = {}
        self.connected = threading.Event()

    def start(self) -> None:
        """Start the worker thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"scanner {self.url}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop reading and wait for the worker to finish."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        delay = _RETRY_FIRST_S
        while not self._stop.is_set():
            port = self._open()
            if port is None:
                # Unplugged: try again, a little less often each time, until it comes back.
                self._stop.wait(delay)
                delay = min(delay * 2, _RETRY_MAX_S)
                continue
            delay = _RETRY_FIRST_S
            self._set_connected(True)
            try:
                self._read_lines(port)
            finally:
                port.close()
                self._set_connected(False)

    def _open(self) -> Any:
        try:
            return serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=_READ_TIMEOUT_S)
        except (serial.SerialException, OSError, ValueError) as exc:
            log.debug("scanner %s not available: %s", self.url, exc)
            return None

    def _read_lines(self, port: Any) -> None:
        pending = b""
        while not self._stop.is_set():
            try:
                chunk = port.read(256)
            except (serial.SerialException, OSError) as exc:
                log.info("scanner %s disconnected: %s", self.url, exc)
                return
            pending += chunk
            *lines, pending = re.split(rb"[\r\n]", pending)
            for line in lines:
                self._handle(line)
            if len(pending) > MAX_CODE_LENGTH * 4:
                pending = b""  # a stream with no line ends is noise, not a code

    def _handle(self, line: bytes) -> None:
        text = _decode_line(line)
        if text is None:
            if line.strip():
                log.info("scanner %s: ignored %d unreadable bytes", self.url, len(line))
            return
        now = self._clock()
        last = self._last_seen.get(text)
        self._last_seen[text] = now
        if last is not None and now - last < self._debounce_s:
            return  # the same code again while it is still under the scanner
        try:
            self._on_code(classify(text))
        except Exception:  # the app's callback must never kill the reading thread
            log.exception("scanner callback failed")

    def _set_connected(self, connected: bool) -> None:
        if connected:
            self.connected.set()
        else:
            self.connected.clear()
        if self._on_connection is not None:
            try:
                self._on_connection(connected)
            except Exception:  # see _handle
                log.exception("scanner connection callback failed")


def probe(url: str, baudrate: int = 9600) -> str | None:
    """Open and close the scanner's port once; None if it opens, else what to check."""
    try:
        serial.serial_for_url(url, baudrate=baudrate, timeout=0).close()
    except (serial.SerialException, OSError, ValueError) as exc:
        return (
            f"scanner port {url} cannot be opened ({exc}): check the cable, and that the "
            "kiosk user is in the 'dialout' group"
        )
    return None
