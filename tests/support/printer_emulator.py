"""An ESC/POS printer on a real pseudo-terminal (or a loopback TCP port) for integration tests.

It answers DLE EOT 1-4 like a real printer, in real time, from its current state, and
records every byte it receives. Tests switch it out of paper, open its cover, put it in
error, make it mute or slow, and unplug it.

It also models the paper: what it receives goes to the paper while it can print, and is
held in its buffer while it cannot (paper out, cover open, error). The roll can run out
after a given number of bytes, in the middle of a job; the held rest then prints when the
paper is replaced, unless a DLE DC4 fn=8 clear request dropped it first, as on an Epson.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
import tty
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from tests.support.escpos_decoder import Decoded, DecodeError, decode


@dataclass
class PrinterState:
    """What the printer would report; change it while the emulator runs."""

    paper_out: bool = False
    paper_near_end: bool = False
    cover_open: bool = False
    error: bool = False
    mute: bool = False  # answers nothing, like a printer switched off
    answer_delay_s: float = 0.0  # a slow printer
    #: Bytes the roll still takes; None: it never runs out. At 0 the next byte is paper out.
    paper_left_bytes: int | None = None
    #: Whether DLE DC4 fn=8 clears the buffer (False: a printer that does not know it).
    obeys_clear: bool = True

    @property
    def stopped(self) -> bool:
        """Whether the printer holds what it receives instead of printing it."""
        return self.paper_out or self.cover_open or self.error

    def answer(self, kind: int) -> int:
        """The status byte for DLE EOT `kind`."""
        offline = self.paper_out or self.cover_open or self.error
        if kind == 1:
            return 0x16 | (0x08 if offline else 0)
        if kind == 2:
            value = 0x12
            value |= 0x04 if self.cover_open else 0
            value |= 0x20 if self.paper_out else 0
            value |= 0x40 if self.error else 0
            return value
        if kind == 3:
            return 0x12 | (0x20 if self.error else 0)
        value = 0x12
        value |= 0x0C if self.paper_near_end else 0
        value |= 0x60 if self.paper_out else 0
        return value


_STATUS_REQUEST = b"\x10\x04"
_CLEAR_REQUEST = b"\x10\x14\x08\x01\x03\x14\x01\x06\x02\x08"
_CLEAR_RESPONSE = b"\x37\x25\x00"


class PrinterEmulator:
    """Base: parse the incoming stream, answer real-time requests, print or hold the bytes."""

    def __init__(self) -> None:
        self.state = PrinterState()
        self._received = bytearray()
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pending = b""
        self._paper = bytearray()
        self._held = bytearray()
        self._new_roll_at = 0
        #: Clear requests obeyed.
        self.clears = 0
        #: When each chunk arrived (perf_counter), for the benchmark's first-byte latency.
        self.arrivals: list[tuple[float, bytes]] = []

    # -- what tests look at -------------------------------------------------------------
    @property
    def received(self) -> bytes:
        with self._changed:
            return bytes(self._received)

    def decoded(self) -> Decoded:
        """Everything received so far, decoded."""
        return decode(self.received)

    @property
    def paper(self) -> bytes:
        """What reached the paper: received bytes less those held or cleared, less requests
        other than DLE EOT (which the decoder reads)."""
        with self._changed:
            return bytes(self._paper)

    @property
    def held(self) -> bytes:
        """What the printer holds, waiting for its fault to be cleared."""
        with self._changed:
            return bytes(self._held)

    @property
    def printed_on_new_roll(self) -> bytes:
        """What reached the paper since the last replace_paper()."""
        with self._changed:
            return bytes(self._paper[self._new_roll_at :])

    def replace_paper(self) -> None:
        """A new roll goes in: the printer goes back online and prints what it held."""
        with self._changed:
            self.state.paper_out = False
            self.state.paper_left_bytes = None
            self._new_roll_at = len(self._paper)
            held, self._held = bytes(self._held), bytearray()
        self._print(held)

    def wait_for(self, condition: Callable[[Decoded], bool], timeout: float = 5.0) -> Decoded:
        """Wait until the received bytes satisfy `condition`; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                try:
                    decoded = decode(bytes(self._received))
                except DecodeError:
                    decoded = None  # a job still arriving: its last command is cut short
                if decoded is not None and condition(decoded):
                    return decoded
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"printer emulator: condition not met: {decoded}")
                self._changed.wait(remaining)

    def clear(self) -> None:
        """Forget what was received (e.g. after a fault, before the next job)."""
        with self._changed:
            self._received.clear()
            self.arrivals.clear()
            self._paper.clear()
            self._held.clear()
            self._new_roll_at = 0

    # -- the printer's side -------------------------------------------------------------
    def _feed(self, chunk: bytes, reply: Callable[[bytes], object]) -> None:
        with self._changed:
            self._received += chunk
            self.arrivals.append((time.perf_counter(), chunk))
            self._changed.notify_all()
        # Real-time requests are acted on as they arrive, even in the middle of a job, and
        # after the bytes before them have printed (or run the paper out).
        stream = self._pending + chunk
        self._pending = b""
        start = index = 0
        while True:
            found = stream.find(b"\x10", index)
            if found < 0:
                break
            rest = stream[found : found + len(_CLEAR_REQUEST)]
            if rest.startswith(_STATUS_REQUEST) and len(rest) >= 3:
                index = found + 3
                if 1 <= rest[2] <= 4 and not self.state.mute:
                    self._print(stream[start:found])
                    if not self.state.stopped:  # kept for the decoder; held, it would do nothing
                        self._print(rest[:3])
                    start = index
                    if self.state.answer_delay_s:
                        time.sleep(self.state.answer_delay_s)
                    reply(bytes([self.state.answer(rest[2])]))
            elif rest == _CLEAR_REQUEST:
                self._print(stream[start:found])
                start = index = found + len(_CLEAR_REQUEST)
                # A printer that does not know it skips its bytes as undefined codes.
                if self.state.obeys_clear:
                    with self._changed:
                        self._held.clear()
                        self.clears += 1
                    if not self.state.mute:
                        reply(_CLEAR_RESPONSE)
            elif len(rest) < len(_CLEAR_REQUEST) and (
                _CLEAR_REQUEST.startswith(rest) or rest == _STATUS_REQUEST
            ):
                # A request cut in two by the link: decide when the rest arrives.
                self._pending = stream[found:]
                stream = stream[:found]
                break
            else:
                index = found + 1
        self._print(stream[start:])

    def _print(self, data: bytes) -> None:
        """Print `data`, or hold it (from where the paper runs out) while the printer is stopped."""
        if not data:
            return
        with self._changed:
            if self.state.stopped:
                self._held += data
            else:
                room = self.state.paper_left_bytes
                if room is not None and len(data) > room:
                    self._paper += data[:room]
                    self._held += data[room:]
                    self.state.paper_left_bytes = 0
                    self.state.paper_out = True
                else:
                    self._paper += data
                    if room is not None:
                        self.state.paper_left_bytes = room - len(data)
            self._changed.notify_all()

    def stop(self) -> None:
        """Stop the reader thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
            self._thread = None


class SerialPrinterEmulator(PrinterEmulator):
    """The printer at the slave end of a pty: the kiosk opens serial:/dev/pts/N."""

    def __init__(self, baudrate: int = 115200) -> None:
        super().__init__()
        self._master, self._slave = os.openpty()
        # Raw mode: no echo, no newline translation; the kiosk's pyserial sets it too.
        tty.setraw(self._slave)
        self.device = os.ttyname(self._slave)
        self.uri = f"serial:{self.device}?baudrate={baudrate}"
        self._thread = threading.Thread(target=self._run, name="printer emulator", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            readable, _, _ = select.select([self._master], [], [], 0.05)
            if not readable:
                continue
            try:
                chunk = os.read(self._master, 4096)
            except OSError:
                return  # closed: unplugged
            self._feed(chunk, lambda data: os.write(self._master, data))

    def settle(self, timeout: float = 5.0) -> None:
        """Return once the emulator has read every byte written to the port before this call.

        A check that "nothing was sent" must not look before the printer has read what the
        kiosk wrote. A marker written into the same tty after the kiosk's writes arrives after
        them; once it is seen it is removed again, so decoding sees only what the kiosk sent.
        (A status round trip would do too, but a muted printer never answers one.)
        """
        marker = b"\x00settle-" + uuid.uuid4().hex.encode() + b"\x00"
        os.write(self._slave, marker)
        deadline = time.monotonic() + timeout
        with self._changed:
            while marker not in self._received:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError("printer emulator: the port did not drain in time")
                self._changed.wait(remaining)
            for kept in (self._received, self._paper, self._held):
                kept[:] = bytes(kept).replace(marker, b"")

    def unplug(self) -> None:
        """The cable is pulled: the device node goes away."""
        self.stop()
        for descriptor in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(descriptor)

    def close(self) -> None:
        """Release the pty."""
        self.unplug()


class NetworkPrinterEmulator(PrinterEmulator):
    """The printer on a loopback TCP port: the kiosk opens tcp://127.0.0.1:PORT."""

    def __init__(self) -> None:
        super().__init__()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.05)
        self.uri = f"tcp://127.0.0.1:{self._server.getsockname()[1]}"
        self._thread = threading.Thread(target=self._run, name="tcp printer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(0.05)
                self._pending = b""
                while not self._stop.is_set():
                    try:
                        chunk = connection.recv(4096)
                    except TimeoutError:
                        continue
                    if not chunk:
                        break
                    self._feed(chunk, connection.sendall)

    def settle(self, timeout: float = 5.0) -> None:
        """Return once every earlier connection has been read to its end.

        Connections are served one after another, so a status round trip on a new one is
        only answered when the kiosk's own connection is closed and fully read.
        """
        with socket.create_connection(self._server.getsockname(), timeout=timeout) as probe:
            probe.sendall(b"\x10\x04\x01")
            if not probe.recv(1):
                raise AssertionError("printer emulator: no status answer")

    def close(self) -> None:
        """Stop listening."""
        self.stop()
        self._server.close()
