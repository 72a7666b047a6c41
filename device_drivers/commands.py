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


def raster_image(width_bytes: int, height: int, data: bytes, quadruple: bool = False) -> bytes:
    """GS v 0 m xL xH yL yH d...: a raster bit image, normal density or each dot 2 x 2."""
    mode = b"\x03" if quadruple else b"\x00"
    size = width_bytes.to_bytes(2, "little") + height.to_bytes(2, "little")
    return GS + b"v0" + mode + size + data


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


# Downloaded characters (font A, 12 x 24 dots): shaped scripts as text, one byte a cell.
USER_CHARS_ON = ESC + b"%\x01"
USER_CHARS_OFF = ESC + b"%\x00"
# ESC 3 24: rows of cells 24 dots apart, so a two-row Arabic line prints as one.
CELL_LINE_SPACING = ESC + b"3\x18"
DEFAULT_LINE_SPACING = ESC + b"2"


def define_user_chars(first_code: int, glyphs: list[tuple[int, bytes]]) -> bytes:
    """ESC & 3 c1 c2 [x d1..d(3x)]...: glyphs for consecutive codes from `first_code`.

    Each glyph is its width in dots (at most 12) and its columns, three bytes each.
    """
    body = b"".join(bytes([width]) + columns for width, columns in glyphs)
    return ESC + b"&\x03" + bytes([first_code, first_code + len(glyphs) - 1]) + body


def status_request(kind: int) -> bytes:
    """DLE EOT n: real-time status (1 printer, 2 offline cause, 3 error cause, 4 paper)."""
    return DLE + EOT + bytes([kind])


# Real-time requests: a printer acts on them the moment they arrive, even while it holds a
# job it cannot print. They must go between two commands: inside one (a raster's data) the
# printer would act on them and then also take their bytes as that command's data.

#: DLE DC4 fn=8 d1..d7 (Epson "clear buffer(s)"): drop the receive and print buffers.
CLEAR_BUFFERS = DLE + b"\x14\x08\x01\x03\x14\x01\x06\x02\x08"
#: The printer's answer once its buffers are empty (header 37h, identifier 25h, NUL).
CLEAR_RESPONSE = b"\x37\x25\x00"

# Parameter bytes after ESC x, for each fixed-length ESC command a job may hold.
_ESC_PARAMETERS = {ord(command): 0 for command in "@2"} | {ord(command): 1 for command in "taEdJ%3"}


def _user_chars_length(job: bytes, start: int) -> int | None:
    """ESC & y c1 c2 [x d1..d(y*x)] for each code c1..c2."""
    if start + 5 > len(job):
        return None
    rows, first, last = job[start + 2], job[start + 3], job[start + 4]
    position = start + 5
    for _ in range(first, last + 1):
        if position >= len(job):
            return None
        position += 1 + rows * job[position]
    return position - start


def _command_length(job: bytes, start: int) -> int | None:
    """Length of the command at `start`, or None for a byte this module does not write."""
    head = job[start]
    if head == LF[0]:
        return 1
    if head >= 0x20:  # text, up to its LF or the next command
        end = start
        while end < len(job) and job[end] >= 0x20:
            end += 1
        return end - start + (1 if job[end : end + 1] == LF else 0)
    if start + 1 >= len(job):
        return None
    second = job[start + 1]
    if head == ESC[0]:
        if second == ord("&"):
            return _user_chars_length(job, start)
        extra = _ESC_PARAMETERS.get(second)
        return None if extra is None else 2 + extra
    if head == DLE[0] and second == EOT[0]:
        return 3
    if head != GS[0]:
        return None
    if second == ord("!"):
        return 3
    if second == ord("V"):
        return 4 if job[start + 2 : start + 3] in (b"A", b"B") else 3
    if second == ord("v") and start + 8 <= len(job):
        width, height = job[start + 4] | job[start + 5] << 8, job[start + 6] | job[start + 7] << 8
        return 8 + width * height
    if second == ord("(") and start + 5 <= len(job):
        return 5 + (job[start + 3] | job[start + 4] << 8)
    return None


def command_ends(job: bytes) -> list[int]:
    """Offsets just after each command of a job written with this module, in order.

    A real-time request may go at any of them. The list stops at the first byte this module
    does not write, so the rest of such a job is never cut inside a command.
    """
    ends: list[int] = []
    position = 0
    while position < len(job):
        length = _command_length(job, position)
        if length is None or position + length > len(job):
            break
        position += length
        ends.append(position)
    return ends
