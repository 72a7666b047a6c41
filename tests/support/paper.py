"""Reading printed paper back as a person would: the shared context and checks of paper tests."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PIL import ImageOps
from pyzbar.pyzbar import decode as zbar_decode

from device_drivers.document import Align, Script, Size, Style, Text, script_of
from device_drivers.layout import CellLine, RasterLine, lay_out
from device_drivers.profiles import PrinterProfile
from device_drivers.raster import pad_to_bytes, render_text
from kiosk.services.documents import PaperContext
from tests.support.escpos_decoder import Decoded, Glyph

ANNEX_NAMES = {
    "ar": "الملحقة الإدارية 5 - بركان",
    "fr": "Annexe administrative 5 - Berkane",
    "zgh": "ⵜⴰⵎⵙⵙⵓⴷⵙⵜ ⵜⴰⵏⴱⴰⴹⵜ 5 - ⴱⵔⴽⴰⵏ",
    "en": "Administrative annex 5 - Berkane",
}
CONTEXT = PaperContext(ANNEX_NAMES, ZoneInfo("Africa/Casablanca"), "https://cau.gov.ma")
# 12:00 UTC in June is 13:00 in Casablanca (UTC+1 outside Ramadan).
ISSUED_AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
LOCAL_TIME = "15/06/2026 13:00"


def _words(text: str) -> str:
    # A no-break space reads as a space.
    return " ".join(text.replace("\xa0", " ").split())


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


def expected_cell_rows(
    text: str, profile: PrinterProfile, align: Align, bold: bool = False, hanging: bool = False
) -> list[tuple[Glyph, ...]]:
    """The rows of downloaded characters `text` becomes, laid out again on its own."""
    block = Text(text, Style(Size.NORMAL, bold, align, hanging), script_of(text))
    lines = lay_out((block,), profile)
    assert all(isinstance(line, CellLine) for line in lines), "not sent as downloaded glyphs"
    return [
        tuple((cell.width, cell.columns) for cell in row)
        for line in lines
        if isinstance(line, CellLine)
        for row in line.rows
    ]


def has_cell_rows(
    decoded: Decoded, expected: list[tuple[Glyph, ...]], align: Align, bold: bool
) -> bool:
    """Whether the job prints these rows of glyphs, consecutively, in this place and weight."""
    got = [
        row.glyphs if (row.align, row.bold) == (align.value, bold) else None
        for row in decoded.cell_rows
    ]
    return any(got[i : i + len(expected)] == expected for i in range(len(got)))


def reads(
    decoded: Decoded,
    text: str,
    profile: PrinterProfile,
    align: Align,
    bold: bool,
    hanging: bool = False,
) -> bool:
    """Whether a person would read `text` on the paper: as text, glyph rows or a raster."""
    if script_of(text) is Script.LATIN:
        return _words(text) in _words(decoded.plain_text())
    block = Text(text, Style(Size.NORMAL, bold, align, hanging), script_of(text))
    if any(isinstance(line, RasterLine) for line in lay_out((block,), profile)):
        return has_raster_lines(decoded, expected_rasters(text, profile, align, bold))
    return has_cell_rows(
        decoded, expected_cell_rows(text, profile, align, bold, hanging), align, bold
    )


def qr_payloads(decoded: Decoded) -> list[str]:
    """Native QR payloads, or raster QR codes read back by zbar."""
    payloads = [qr.payload for qr in decoded.qr_codes]
    for raster in decoded.rasters:
        # A quiet zone around the symbol, as the paper margins give it.
        framed = ImageOps.expand(raster.image().convert("L"), border=24, fill=255)
        payloads += [symbol.data.decode() for symbol in zbar_decode(framed)]
    return payloads
