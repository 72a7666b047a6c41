"""Byte transports to a printer, one class per kind of link, all behind one small interface."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import serial

from device_drivers.errors import PrinterOffline, PrinterUnavailable, PrinterUriError

STATUS_TIMEOUT_S = 0.5


class Transport(ABC):
    """Opened for one job, then closed: nothing is buffered between jobs."""

    #: Whether DLE EOT answers can be read back over this link.
    can_read = True
    #: Bytes a second the link carries, where it has a fixed rate (a serial line).
    bytes_per_second: float | None = None

    def __init__(self, description: str) -> None:
        self.description = description

    @abstractmethod
    def open(self) -> None:
        """Connect; raise PrinterUnavailable naming the device and what to check."""

    @abstractmethod
    def write(self, data: bytes) -> None:
        """Send bytes and wait until they have left the kiosk."""

    def exchange(self, request: bytes, answer_size: int, timeout: float) -> bytes:
        """Send a real-time request; return up to `answer_size` answer bytes (b"": no answer)."""
        return b""

    def query(self, request: bytes, timeout: float = STATUS_TIMEOUT_S) -> int | None:
        """Send a real-time request and return the one-byte answer, None if none came."""
        answer = self.exchange(request, 1, timeout)
        return answer[0] if answer else None

    def discard_pending(self) -> None:  # noqa: B027 - most links hold nothing to discard
        """Drop bytes not yet sent, so a failed job can never print later."""

    @abstractmethod
    def close(self) -> None:
        """Release the device."""


class SerialTransport(Transport):
    """A serial printer (or a pty, or pyserial's loop://) through pyserial."""

    def __init__(self, port: str, baudrate: int = 9600) -> None:
        super().__init__(f"serial port {port} at {baudrate} baud")
        self.port_name = port
        self.baudrate = baudrate
        self.bytes_per_second = baudrate / 10  # 8N1: ten bits a byte
        self._port: Any = None

    def open(self) -> None:
        try:
            self._port = serial.serial_for_url(
                self.port_name, baudrate=self.baudrate, timeout=STATUS_TIMEOUT_S, write_timeout=5
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PrinterUnavailable(
                f"{self.description} cannot be opened ({exc}): check the cable and the "
                "printer's power, and that the kiosk user is in the 'dialout' group"
            ) from exc

    def write(self, data: bytes) -> None:
        # A long job at 9600 baud takes seconds: allow twice the wire time, plus slack.
        self._port.write_timeout = 2 + len(data) * 20 / self.baudrate
        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialTimeoutException, serial.SerialException, OSError) as exc:
            self.discard_pending()
            raise PrinterOffline(f"{self.description} stopped taking data mid-job ({exc})") from exc

    def exchange(self, request: bytes, answer_size: int, timeout: float) -> bytes:
        try:
            # An answer left over from an earlier request must not be read as this one.
            self._port.reset_input_buffer()
            self._port.timeout = timeout
            self._port.write(request)
            return bytes(self._port.read(answer_size))
        except (serial.SerialException, OSError) as exc:
            raise PrinterUnavailable(f"{self.description}: {exc}") from exc

    def discard_pending(self) -> None:
        # If the port is gone, nothing pending can reach the printer either.
        with contextlib.suppress(serial.SerialException, OSError):
            self._port.reset_output_buffer()

    def close(self) -> None:
        if self._port is not None:
            self._port.close()
            self._port = None


class NetworkTransport(Transport):
    """A network printer on a raw TCP port (9100, "JetDirect")."""

    def __init__(self, host: str, port: int = 9100, connect_timeout: float = 2.0) -> None:
        super().__init__(f"network printer {host}:{port}")
        self.address = (host, port)
        self.connect_timeout = connect_timeout
        self._socket: socket.socket | None = None

    def open(self) -> None:
        try:
            self._socket = socket.create_connection(self.address, timeout=self.connect_timeout)
        except OSError as exc:
            raise PrinterUnavailable(
                f"{self.description} is not reachable ({exc}): check its network cable, "
                "power and IP address"
            ) from exc

    def _connected(self) -> socket.socket:
        if self._socket is None:
            raise PrinterUnavailable(f"{self.description} is not open")
        return self._socket

    def write(self, data: bytes) -> None:
        link = self._connected()
        try:
            link.settimeout(5 + len(data) / 10_000)
            link.sendall(data)
        except OSError as exc:
            raise PrinterOffline(f"{self.description} stopped taking data mid-job ({exc})") from exc

    def exchange(self, request: bytes, answer_size: int, timeout: float) -> bytes:
        link = self._connected()
        answer = b""
        try:
            _drop_unread(link)
            link.settimeout(timeout)
            link.sendall(request)
            while len(answer) < answer_size:
                more = link.recv(answer_size - len(answer))
                if not more:
                    break
                answer += more
        except TimeoutError:
            return answer
        except OSError as exc:
            raise PrinterUnavailable(f"{self.description}: {exc}") from exc
        return answer

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def _drop_unread(link: socket.socket) -> None:
    """Drop answers already waiting (to status bytes that happened to be in raster data)."""
    link.setblocking(False)
    try:
        while link.recv(4096):
            pass
    except (BlockingIOError, InterruptedError):
        pass
    finally:
        link.setblocking(True)


class FileTransport(Transport):
    """A printer device file, e.g. /dev/usb/lp0 of the kernel's usblp driver (write only)."""

    can_read = False

    def __init__(self, path: str) -> None:
        super().__init__(f"printer device {path}")
        self.path = path
        self._handle: Any = None

    def open(self) -> None:
        try:
            self._handle = open(self.path, "ab", buffering=0)  # noqa: SIM115 - closed in close()
        except PermissionError as exc:
            raise PrinterUnavailable(
                f"{self.description}: permission denied; add the kiosk user to the 'lp' group"
            ) from exc
        except OSError as exc:
            raise PrinterUnavailable(
                f"{self.description} cannot be opened ({exc.strerror}): check the USB cable "
                "and the printer's power"
            ) from exc

    def write(self, data: bytes) -> None:
        try:
            self._handle.write(data)
        except OSError as exc:
            raise PrinterOffline(f"{self.description}: write failed ({exc.strerror})") from exc

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


_JOB_NAME = re.compile(r"job-(\d{6})")


class CaptureTransport(Transport):
    """Each job's bytes to a new numbered file in a directory (demo, tests, previews)."""

    can_read = False

    def __init__(self, directory: str) -> None:
        super().__init__(f"capture directory {directory}")
        self.directory = Path(directory)
        self.path: Path | None = None
        self._chunks: list[bytes] = []

    def open(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PrinterUnavailable(f"{self.description} cannot be created ({exc})") from exc
        self._chunks = []

    def write(self, data: bytes) -> None:
        self._chunks.append(data)

    def close(self) -> None:
        if not self._chunks:
            return
        # job-000001-<UTC time>.escpos: the counter gives the order even within one second.
        while True:
            taken = [
                int(m.group(1)) for p in self.directory.iterdir() if (m := _JOB_NAME.match(p.name))
            ]
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
            path = self.directory / f"job-{max(taken, default=0) + 1:06d}-{stamp}.escpos"
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue  # another process took this number: take the next one
            except OSError as exc:
                raise PrinterUnavailable(f"{self.description}: cannot write ({exc})") from exc
            try:
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(b"".join(self._chunks))
            except OSError as exc:  # a full disk: no half job left for a reader to take
                path.unlink(missing_ok=True)
                raise PrinterUnavailable(f"{self.description}: cannot write ({exc})") from exc
            self.path = path
            self._chunks = []
            return


class UsbTransport(Transport):
    """A USB printer through python-escpos (needs pyusb and libusb, and a udev rule)."""

    def __init__(self, vendor_id: int, product_id: int) -> None:
        super().__init__(f"USB printer {vendor_id:04x}:{product_id:04x}")
        self.ids = (vendor_id, product_id)
        self._device: Any = None

    def open(self) -> None:
        from escpos.printer import Usb

        try:
            device = Usb(self.ids[0], self.ids[1])
            device.open(raise_not_found=True)
        except (
            Exception
        ) as exc:  # escpos raises several unrelated types (RuntimeError, USBError, ...)
            raise PrinterUnavailable(
                f"{self.description} cannot be opened ({exc}): check the USB cable, the "
                "printer's power, that pyusb and libusb-1.0 are installed, and a udev rule "
                "giving the kiosk user access to the device"
            ) from exc
        self._device = device

    def write(self, data: bytes) -> None:
        try:
            self._device._raw(data)
        except Exception as exc:  # pyusb's USBError and timeouts
            raise PrinterOffline(f"{self.description}: write failed ({exc})") from exc

    def exchange(self, request: bytes, answer_size: int, timeout: float) -> bytes:
        try:
            self._device._raw(request)
            answer = bytes(self._device._read())
        except Exception:  # a USB read timeout means no answer
            return b""
        return answer[:answer_size]

    def close(self) -> None:
        if self._device is not None:
            self._device.close()
            self._device = None


class DummyTransport(Transport):
    """Records jobs in memory and answers status with fixed bytes (a test double)."""

    def __init__(self, answers: dict[int, int] | None = None) -> None:
        super().__init__("dummy printer")
        self.answers = answers if answers is not None else {1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12}
        self.can_read = bool(self.answers)
        self.jobs: list[bytes] = []
        self._current: list[bytes] | None = None

    def open(self) -> None:
        self._current = []

    def write(self, data: bytes) -> None:
        if self._current is not None:
            self._current.append(data)

    def exchange(self, request: bytes, answer_size: int, timeout: float) -> bytes:
        # Status requests only: this double holds nothing a clear request could drop.
        answer = self.answers.get(request[-1]) if request[:2] == b"\x10\x04" else None
        return b"" if answer is None else bytes([answer])

    def close(self) -> None:
        if self._current:
            self.jobs.append(b"".join(self._current))
        self._current = None


def transport_for(uri: str) -> Transport:
    """The transport a printer URI names (see docs/printing.md)."""
    if uri.startswith("serial:"):
        parts = urlsplit(uri[len("serial:") :])
        query = parse_qs(parts.query)
        # "serial:loop://" keeps pyserial's own URL; "serial:/dev/ttyUSB0?baudrate=..." is a path.
        port = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else parts.path
        return SerialTransport(port, int(query.get("baudrate", ["9600"])[0]))
    if uri.startswith("tcp://"):
        parts = urlsplit(uri)
        if not parts.hostname:
            raise PrinterUriError(f"{uri!r}: expected tcp://HOST:9100")
        return NetworkTransport(parts.hostname, parts.port or 9100)
    if uri.startswith("file:"):
        return FileTransport(uri[len("file:") :])
    if uri.startswith("capture:"):
        return CaptureTransport(uri[len("capture:") :])
    if uri.startswith("usb:"):
        try:
            vendor, product = (int(part, 16) for part in uri[len("usb:") :].split(":"))
        except ValueError:
            raise PrinterUriError(f"{uri!r}: expected usb:VID:PID in hexadecimal") from None
        return UsbTransport(vendor, product)
    raise PrinterUriError(
        f"{uri!r}: expected usb:VID:PID, serial:/dev/ttyUSB0?baudrate=115200, tcp://HOST:9100, "
        "file:/dev/usb/lp0 or capture:DIR"
    )
