"""ESC/POS command bytes used by the kiosk (Epson TM-T20/T88 and compatible clones)."""

from __future__ import annotations

ESC = b"\x1b"
GS = b"\x1d"
DLE = b"\x10"
EOT = b"\x04"
LF = b"\n"

INITIALIZE = ESC + b"@"
ALIGN = {"left": ESC + b"a\x00", "center": ESC + b"a\x01", "right": ESC + b"a\x02"}
BOLD_ON = ESC + b"E\x01"
BOLD_OFF = ESC + b"E\x00"
# GS V 66 n: feed to the cutting position (plus n dots) and cut, leaving a hinge.
CUT = GS + b"VB\x00"


def select_codepage(number: int) -> bytes:
    """ESC t n: the character table for bytes 0x80-0xFF."""
    return ESC + b"t" + bytes([number])


def character_size(width_mult: int, height_mult: int) -> bytes:
    """GS ! n: character width and height multipliers (1..8)."""
    return GS + b"!" + bytes([((width_mult - 1) << 4) | (height_mult - 1)])


def feed_lines(lines: int) -> bytes:
    """ESC d n: print and feed n lines."""
    return ESC + b"d" + bytes([max(0, min(lines, 255))])


def feed_dots(dots: int) -> bytes:
    """ESC J n: print and feed n dots."""
    return ESC + b"J" + bytes([max(0, min(dots, 255))])


def raster_image(width_bytes: int, height: int, data: bytes) -> bytes:
    """GS v 0 m xL xH yL yH d...: a raster bit image, normal density."""
    return GS + b"v0\x00" + width_bytes.to_bytes(2, "little") + height.to_bytes(2, "little") + data


def _qr_function(function: int, parameters: bytes) -> bytes:
    # GS ( k pL pH cn fn [parameters], with cn = 49 (QR Code).
    body = bytes([49, function]) + parameters
    return GS + b"(k" + len(body).to_bytes(2, "little") + body


def native_qr(payload: bytes, module_dots: int) -> bytes:
    """The GS ( k sequence that stores and prints a model 2 QR code, error correction M."""
    return (
        _qr_function(65, b"\x32\x00")  # model 2
        + _qr_function(67, bytes([module_dots]))  # module size in dots
        + _qr_function(69, b"\x31")  # error correction level M
        + _qr_function(80, b"\x30" + payload)  # store the data
        + _qr_function(81, b"\x30")  # print it
    )


def status_request(kind: int) -> bytes:
    """DLE EOT n: real-time status (1 printer, 2 offline cause, 3 error cause, 4 paper)."""
    return DLE + EOT + bytes([kind])
