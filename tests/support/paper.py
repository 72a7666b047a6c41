"""Reading printed paper back as a person would: the shared context and checks of paper tests."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PIL import ImageOps
from pyzbar.pyzbar import decode as zbar_decode

from device_drivers.document import Align, Script, Size, script_of
from device_drivers.profiles import PrinterProfile
from device_drivers.raster import pad_to_bytes, render_text
from kiosk.services.documents import PaperContext
from tests.support.escpos_decoder import Decoded

CONTEXT = PaperContext(
    "Annexe administrative 5 - Berkane", ZoneInfo("Africa/Casablanca"), "https://gau.ma/suivi"
)
# 12:00 UTC in June is 13:00 in Casablanca (UTC+1 outside Ramadan).
ISSUED_AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
LOCAL_TIME = "15/06/2026 13:00"


def _words(text: str) -> str:
    return " ".join(text.split())


def expected_rasters(
    text: str, profile: PrinterProfile, align: Align, bold: bool = False
) -> list[bytes]:
    """The raster lines the printer must receive for `text`, rendered independently here."""
    script = script_of(text)
    images = render_text(text, script, Size.NORMAL, bold, profile.width_dots)
    return [pad_to_bytes(image, align).tobytes() for image in images]


def has_raster_lines(decoded: Decoded, expected: list[bytes]) -> bool:
    """Whether the job holds these raster lines, consecutively and in this order."""
    got = [raster.image().tobytes() for raster in decoded.rasters]
    return any(got[i : i + len(expected)] == expected for i in range(len(got)))


def reads(decoded: Decoded, text: str, profile: PrinterProfile, align: Align, bold: bool) -> bool:
    """Whether a person would read `text` on the paper: as text, or as its shaped raster."""
    if script_of(text) is Script.LATIN:
        return _words(text) in _words(decoded.plain_text())
    return has_raster_lines(decoded, expected_rasters(text, profile, align, bold))


def qr_payloads(decoded: Decoded) -> list[str]:
    """Native QR payloads, or raster QR codes read back by zbar."""
    payloads = [qr.payload for qr in decoded.qr_codes]
    for raster in decoded.rasters:
        # A quiet zone around the symbol, as the paper margins give it.
        framed = ImageOps.expand(raster.image().convert("L"), border=24, fill=255)
        payloads += [symbol.data.decode() for symbol in zbar_decode(framed)]
    return payloads
