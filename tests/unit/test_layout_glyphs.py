"""Arabic and Tifinagh as downloaded glyphs: joined, in reading order, like the shaping engine's."""

from __future__ import annotations

import statistics
import unicodedata

import pytest
from PIL import Image, ImageOps

from device_drivers.cells import (
    CELL_MAX_WIDTH,
    face_for,
    joined_units,
    line_cells,
    rows_image,
    unit_image,
    units_of,
)
from device_drivers.document import Script, Size
from device_drivers.raster import render_line
from kiosk.domain.catalogue import packaged_catalogue

# Raqm (FriBiDi + HarfBuzz) draws the same line; its ink, column by column, must follow ours.
LINES = [
    ("رقمك: A-042", Script.ARABIC),
    ("صور تعريف حديثة (35 × 45 ملم) بخلفية فاتحة", Script.ARABIC),
    ("البطاقة الوطنية للتعريف الإلكترونية: الأصل ونسخة", Script.ARABIC),
    ("ⵜⴰⵡⵔⵉⵇⵜ ⵏ ⵓⵙⵓⵜⵔ 12", Script.TIFINAGH),
]


def _forms(units: list[str]) -> list[str]:
    return [unicodedata.decomposition(unit[0]).split(" ")[0].strip("<>") for unit in units]


def _ink_by_column(image: Image.Image, bins: int = 40) -> list[int]:
    ink = ImageOps.invert(image.convert("L"))
    box = ink.getbbox()
    assert box is not None
    ink = ink.crop(box)
    step = ink.width / bins
    return [
        ink.crop(
            (int(i * step), 0, max(int((i + 1) * step), int(i * step) + 1), ink.height)
        ).histogram()[255]
        for i in range(bins)
    ]


def _correlation(a: list[int], b: list[int]) -> float:
    return statistics.correlation([float(x) for x in a], [float(y) for y in b])


def test_letters_take_their_joining_forms() -> None:
    assert _forms(joined_units("بيت")) == ["initial", "medial", "final"]
    # Alef joins only the letter before it: the next one starts again.
    assert _forms(joined_units("باب")) == ["initial", "final", "isolated"]


def test_lam_then_alef_is_one_ligature() -> None:
    units = joined_units("سلام")
    assert len(units) == 3
    assert unicodedata.decomposition(units[1]) == "<final> 0644 0627"


def test_a_code_in_an_arabic_line_reads_left_to_right_at_its_left_end() -> None:
    printed = "".join(units_of("رقمك: A-042", Script.ARABIC))
    assert printed.startswith("A-042 :")  # not "240-A"


def test_brackets_are_mirrored_in_a_right_to_left_line() -> None:
    printed = "".join(units_of("بحث عون السلطة (المقدم أو الشيخ)", Script.ARABIC))
    assert printed.startswith("(") and printed.endswith(" ﺚﺤﺑ")


@pytest.mark.parametrize(("line", "script"), LINES, ids=lambda value: str(value)[:16])
def test_a_line_of_glyphs_looks_like_the_shaping_engines_line(line: str, script: Script) -> None:
    glyphs = rows_image(line_cells(line, face_for(script)))
    shaped = render_line(line, script, Size.NORMAL, False)
    assert _correlation(_ink_by_column(glyphs), _ink_by_column(shaped)) > 0.6
    backwards = rows_image(line_cells(" ".join(reversed(line.split())), face_for(script)))
    assert _correlation(_ink_by_column(backwards), _ink_by_column(shaped)) < 0.4


@pytest.mark.parametrize("script", [Script.ARABIC, Script.TIFINAGH])
def test_no_ink_of_any_catalogue_text_falls_outside_its_cells(script: Script) -> None:
    lang = "ar" if script is Script.ARABIC else "zgh"
    face = face_for(script)
    for service in packaged_catalogue():
        for item in (service.name(lang), *service.documents_in(lang)):
            for row in line_cells(item, face):
                assert all(cell.width <= CELL_MAX_WIDTH for cell in row)
            for unit in set(units_of(item, script)):
                # The unit's cells hold every dot of it drawn on a canvas with room to spare.
                assert _ink(unit_image(unit, face)) == _ink(_free_render(unit, script)), unit


def _ink(image: Image.Image) -> int:
    return image.convert("L").histogram()[0]


def _free_render(unit: str, script: Script) -> Image.Image:
    from PIL import ImageDraw

    from device_drivers.cells import _font

    face = face_for(script)
    # Where the cells draw it, with 50 dots more on every side.
    canvas = Image.new("L", (200, face.rows * 24 + 100), 0)
    origin = (face.pixels + 50, face.baseline + 50)
    ImageDraw.Draw(canvas).text(origin, unit, font=_font(face), fill=255, anchor="ls")
    ink = canvas.point(lambda value: 255 if value >= 110 else 0)
    return ink.point(lambda value: 0 if value else 255).convert("1")
