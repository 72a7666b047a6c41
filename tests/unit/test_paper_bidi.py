"""Arabic receipt lines as glyphs: python-bidi's order, arabic-reshaper's forms, as Raqm draws."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from arabic_reshaper import ArabicReshaper  # type: ignore[import-untyped]
from bidi import get_display  # type: ignore[import-untyped]
from PIL import Image, ImageDraw

from device_drivers.cells import (
    _font,
    embedding_levels,
    face_for,
    joined_units,
    line_cells,
    rows_image,
    unit_image,
    units_of,
    visual_order,
)
from device_drivers.document import Script
from kiosk.domain.catalogue import packaged_catalogue

FACE = face_for(Script.ARABIC)
# Below this the glyph line and Raqm's differ only where glyphs overlap or kern (Raqm
# overlaps a tail with its neighbour, cells set them side by side): receipt lines measure
# 0.00-0.02, a Latin reference 0.04. A wrong order, an unmirrored bracket or an unjoined
# lam-alef measures 0.09 or more.
SAME = 0.05


def _raqm(line: str) -> Image.Image:
    """The line as the screen draws it: one Raqm layout (FriBiDi + HarfBuzz), same font and size."""
    font = _font(FACE)
    width = int(font.getlength(line, direction="rtl", language="ar")) + 2 * FACE.pixels
    canvas = Image.new("L", (width, FACE.rows * 24), 0)
    ImageDraw.Draw(canvas).text(
        (FACE.pixels, FACE.baseline),
        line,
        font=font,
        fill=255,
        anchor="ls",
        direction="rtl",
        language="ar",
    )
    return canvas.point(lambda value: 0 if value >= 110 else 255).convert("1")


def _printed(line: str) -> Image.Image:
    """The line as the printer prints it: its rows of downloaded cells."""
    return rows_image(line_cells(line, FACE))


def _drawn(units: list[str]) -> Image.Image:
    """Units set side by side as given: how a wrong order would print."""
    images = [unit_image(unit, FACE) for unit in units]
    line = Image.new("1", (sum(image.width for image in images), FACE.rows * 24), 1)
    x = 0
    for image in images:
        line.paste(image, (x, 0))
        x += image.width
    return line


def _columns(image: Image.Image) -> list[int]:
    """Each column of ink as a bit mask, top dot the lowest bit, cropped to the ink."""
    ink = image.convert("L").point(lambda value: 1 if value < 128 else 0)
    box = ink.getbbox()
    assert box is not None
    ink = ink.crop((box[0], 0, box[2], ink.height))
    width, height = ink.size
    dots = list(ink.getdata())
    return [sum(dots[y * width + x] << y for y in range(height)) for x in range(width)]


def _distance(image: Image.Image, reference: Image.Image) -> float:
    """Dots that differ, per dot of ink, once columns are matched in order (time warping).

    Warping absorbs where glyphs sit a dot or two apart; it cannot absorb glyphs in another
    order or a bracket facing the other way.
    """
    a, b = _columns(image), _columns(reference)
    band = 24 + abs(len(a) - len(b))
    previous = [0.0] + [float("inf")] * len(b)
    for i in range(1, len(a) + 1):
        current = [float("inf")] * (len(b) + 1)
        for j in range(max(1, i - band), min(len(b), i + band) + 1):
            cost = (a[i - 1] ^ b[j - 1]).bit_count()
            current[j] = cost + min(previous[j], previous[j - 1], current[j - 1])
        previous = current
    ink = sum(column.bit_count() for column in a + b)
    return previous[len(b)] / ink


def _unjoined(line: str) -> list[str]:
    """Letters without ligatures, printed right to left."""
    reshaper = ArabicReshaper(configuration={"delete_harakat": False, "support_ligatures": False})
    return list(reversed(reshaper.reshape(line)))


def _all_right_to_left(line: str) -> list[str]:
    return list(reversed(joined_units(line)))


def _ltr_paragraph(line: str) -> list[str]:
    """Arabic words read right to left but set from the left, as in a left-to-right
    paragraph: the amount lands left of the label it follows."""
    units = joined_units(line)
    printed: list[str] = []
    run: list[str] = []
    for unit in units:
        if unit[0].isascii() and unit[0] != " ":
            printed += reversed(run)
            run = []
            printed.append(unit)
        else:
            run.append(unit)
    return printed + list(reversed(run))


def _unmirrored(line: str) -> list[str]:
    swap = {"(": ")", ")": "("}
    return [swap.get(unit, unit) for unit in units_of(line, Script.ARABIC)]


def _date_before_time(line: str) -> list[str]:
    """A date and a time read as one left-to-right stretch: the date lands on the left."""
    label, _, moment = line.partition(" ")
    return [*moment, " ", *units_of(label, Script.ARABIC)]


# A receipt's lines that a partial bidi algorithm gets wrong, each with that wrong print.
CASES = [
    ("المرجع: R-2026-000013", _all_right_to_left),
    ("التاريخ: 26/11/2026 18:01", _date_before_time),
    ("الأصل (نسخة)", _unmirrored),
    ("(نسخة)", _unmirrored),
    ("الخدمة: Certificat de résidence", _all_right_to_left),
    ("الرسوم: 30\u00a0درهما", _ltr_paragraph),  # a no-break space, as printed
    ("السلام للأبناء الإدارية", _unjoined),
    ("R-2026-000013", _all_right_to_left),
    ("26/11/2026 18:01", _all_right_to_left),
]


@pytest.mark.parametrize(("line", "misprint"), CASES, ids=[line for line, _ in CASES])
def test_a_receipt_line_prints_as_the_screen_draws_it(
    line: str, misprint: Callable[[str], list[str]]
) -> None:
    reference = _raqm(line)
    assert _distance(_printed(line), reference) < SAME
    # The check sees the mistake a partial algorithm makes on this line.
    assert _distance(_drawn(misprint(line)), reference) > SAME


def test_every_arabic_catalogue_text_prints_as_the_screen_draws_it() -> None:
    far = []
    for service in packaged_catalogue():
        for item in (service.name("ar"), *service.documents_in("ar")):
            distance = _distance(_printed(item), _raqm(item))
            if distance >= SAME:
                far.append((item, round(distance, 3)))
    assert not far


def _python_bidi_order(line: str) -> tuple[str, str]:
    """Letters in our order and in python-bidi's, marks aside: python-bidi does not apply
    rule L3, which would put a mark back after its letter in a right-to-left run."""
    units = joined_units(line)
    logical = "".join(units)
    starts = [sum(len(unit) for unit in units[:k]) for k in range(len(units))]
    levels = embedding_levels(logical)
    ours = "".join(units[k][0] for k in visual_order([levels[start] for start in starts]))
    library = get_display(logical, base_dir="R")
    return ours, "".join(char for char in library if unicodedata.category(char) != "Mn")


def test_the_order_is_python_bidis_for_every_arabic_line() -> None:
    lines = [line for line, _ in CASES]
    for service in packaged_catalogue():
        lines += [service.name("ar"), *service.documents_in("ar")]
    for line in lines:
        ours, library = _python_bidi_order(line)
        assert ours == library, line


def test_numbers_and_latin_read_left_to_right_inside_the_arabic_line() -> None:
    assert "".join(units_of("المرجع: R-2026-000013", Script.ARABIC)).startswith("R-2026-000013 :")
    # The date is read first, so it stands right of the time.
    assert "".join(units_of("التاريخ: 26/11/2026 18:01", Script.ARABIC)).startswith(
        "18:01 26/11/2026 :"
    )
    printed = "".join(units_of("الخدمة: Certificat de résidence", Script.ARABIC))
    assert printed.startswith("Certificat de résidence :")
    # The amount is read before its unit: it stands on the right.
    assert "".join(units_of("30\u00a0درهما", Script.ARABIC)).endswith("\u00a030")
    assert units_of("R-2026-000013", Script.ARABIC) == list("R-2026-000013")


def test_brackets_face_their_words_in_a_right_to_left_line() -> None:
    printed = "".join(units_of("الأصل (نسخة)", Script.ARABIC))
    assert printed.startswith("(") and printed.index(")") > 1
    # A line cut inside a bracket keeps the bracket facing the words it opens.
    assert "".join(units_of("(من مكتب", Script.ARABIC)).endswith(")")


def test_lam_alef_is_one_glyph_and_marks_stay_on_their_letter() -> None:
    # Lam, then lam with alef-hamza as one final glyph.
    assert units_of("للأبناء", Script.ARABIC)[-2:] == ["\ufef8", "\ufedf"]
    assert len(units_of("لا", Script.ARABIC)) == 1
    # Yeh with its damma, seen, lam with its fatha and shadda, meem: four glyphs.
    assert units_of("يُسلَّم", Script.ARABIC) == [
        "\ufee2",
        "\ufee0\u064e\u0651",
        "\ufeb4",
        "\ufef3\u064f",
    ]
