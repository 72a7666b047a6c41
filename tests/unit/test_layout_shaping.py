"""Arabic and Tifinagh lines: shaped, wrapped in reading order, mixed scripts placed by bidi.

The order checks look at the printed image, as a reader does: each piece of a line
(an Arabic word, a code, a date) is drawn on its own and found in the whole line.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageOps

from device_drivers.document import Script, Size, Text, script_of
from device_drivers.raster import font_path, line_width, render_line, render_text, wrap_words
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.services.documents import (
    receipt_document,
    sample_receipt,
    sample_ticket,
    ticket_document,
)
from tests.support.paper import CONTEXT, ISSUED_AT

LONG_ARABIC = (
    "المرجو إحضار البطاقة الوطنية للتعريف الإلكترونية الأصلية ونسخة منها إلى الشباك رقم ثلاثة"
)
# A piece drawn alone differs from its place in the line by a few edge dots at most;
# the same piece in the wrong order ("240-A" for "A-042") misses by a third or more.
MATCH = 0.1


def _ink_width(text: str, script: Script) -> int:
    image = render_line(text, script, Size.NORMAL, False)
    box = ImageOps.invert(image.convert("L")).getbbox()
    assert box is not None
    return box[2] - box[0]


def _find(line: Image.Image, piece: Image.Image) -> tuple[int, float]:
    """Where `piece` fits best in `line`: its left edge, and the dots that differ per dot of ink."""
    line, piece = line.convert("L"), piece.convert("L")
    ink = piece.width * piece.height - piece.histogram()[255]
    best: tuple[int, int] | None = None
    for y in range(line.height - piece.height + 1):
        for x in range(line.width - piece.width + 1):
            window = line.crop((x, y, x + piece.width, y + piece.height))
            diff = ImageChops.difference(window, piece)
            misses = diff.width * diff.height - diff.histogram()[0]
            if best is None or misses < best[1]:
                best = (x, misses)
    assert best is not None, "the piece is larger than the line"
    return best[0], best[1] / ink


def _place(line_text: str, piece: str, script: Script = Script.ARABIC) -> tuple[int, int]:
    """The left and right edge, in the printed line, of `piece` drawn on its own.

    Latin pieces of an Arabic line are drawn in Noto Sans, the Latin font on paper, so
    that they are what a reader expects even if the line's font lacked them.
    """
    line = render_line(line_text, script, Size.NORMAL, False)
    piece_script = script_of(piece) if script is Script.ARABIC else script
    image = render_line(piece, piece_script, Size.NORMAL, False)
    x, misses = _find(line, image)
    assert misses < MATCH, f"{piece!r} is not in the printed line {line_text!r} ({misses:.2f})"
    return x, x + image.width


def test_script_is_read_from_the_text() -> None:
    assert script_of("Certificat de résidence") is Script.LATIN
    assert script_of("شهادة السكنى") is Script.ARABIC
    assert script_of("ⴰⵙⵍⴽⵉⵏ ⵏ ⵓⵣⴷⴰⵖ") is Script.TIFINAGH


def test_arabic_is_shaped_joined_letters_are_narrower_than_isolated_ones() -> None:
    joined = _ink_width("السكنى", Script.ARABIC)
    isolated = sum(_ink_width(letter, Script.ARABIC) for letter in "السكنى")
    assert joined < isolated


def test_long_arabic_wraps_by_words_in_reading_order_within_the_paper() -> None:
    lines = wrap_words(LONG_ARABIC, Script.ARABIC, Size.NORMAL, False, 384)
    assert len(lines) >= 2
    assert " ".join(lines) == LONG_ARABIC  # first words on the top line, none lost
    images = render_text(LONG_ARABIC, Script.ARABIC, Size.NORMAL, False, 384)
    assert [image.tobytes() for image in images] == [
        render_line(line, Script.ARABIC, Size.NORMAL, False).tobytes() for line in lines
    ]
    assert all(image.width <= 384 for image in images)


def test_rendered_width_follows_the_measure_used_for_wrapping() -> None:
    text = "عدد الأشخاص قبلك: 12"
    assert (
        abs(_ink_width(text, Script.ARABIC) - line_width(text, Script.ARABIC, Size.NORMAL, False))
        < 12
    )


def test_a_latin_ticket_number_reads_left_of_the_arabic_label_its_digits_in_order() -> None:
    line = "رقمك: A-042"
    code_left, code_right = _place(line, "A-042")  # fails for "240-A" or "A-240"
    word_left, _ = _place(line, "رقمك")
    assert code_left == 0  # the end of a right-to-left line is on the left
    assert code_right <= word_left


def test_a_date_in_an_arabic_line_reads_as_arabic_readers_expect() -> None:
    line = "التاريخ: 21/11/2026"
    date_left, date_right = _place(line, "21/11/2026")  # not 2026/11/21
    word_left, _ = _place(line, "التاريخ")
    assert date_left == 0
    assert date_right <= word_left


def test_numbers_after_arabic_words_stay_left_to_right() -> None:
    line = "عدد الأشخاص قبلك: 12"
    count_left, count_right = _place(line, "12")  # not 21
    word_left, _ = _place(line, "قبلك")
    assert count_left == 0
    assert count_right <= word_left


def test_latin_words_inside_arabic_are_one_left_to_right_island() -> None:
    line = "رقم البطاقة: AB****56"
    masked_left, masked_right = _place(line, "AB****56")
    label_left, _ = _place(line, "رقم البطاقة")
    assert masked_left == 0
    assert masked_right <= label_left


def test_parentheses_in_an_arabic_line_are_mirrored_around_their_words() -> None:
    # "(المقدم أو الشيخ)" closes on the left: the reader sees "(" at the line's left end
    # and ")" where the parenthesis opens, to the right of "المقدم".
    line = render_line("بحث عون السلطة (المقدم أو الشيخ)", Script.ARABIC, Size.NORMAL, False)
    opening_x, misses = _find(line, render_line("(", Script.LATIN, Size.NORMAL, False))
    assert misses < MATCH
    closing_x, misses = _find(line, render_line(")", Script.LATIN, Size.NORMAL, False))
    assert misses < MATCH
    assert opening_x == 0 < closing_x


def test_tifinagh_reads_left_to_right_with_its_digits() -> None:
    line = "ⵎⵏⵏⴰⵡ: 38"
    word_left, word_right = _place(line, "ⵎⵏⵏⴰⵡ", Script.TIFINAGH)
    count_left, _ = _place(line, "38", Script.TIFINAGH)  # not 83
    assert word_left == 0
    assert word_right <= count_left


def test_tifinagh_with_digits_draws_each_digit_not_a_missing_glyph_box() -> None:
    three = render_line("ⵎⵏⵏⴰⵡ: 3", Script.TIFINAGH, Size.NORMAL, False)
    eight = render_line("ⵎⵏⵏⴰⵡ: 8", Script.TIFINAGH, Size.NORMAL, False)
    assert three.tobytes() != eight.tobytes()
    assert _ink_width("ⵎⵏⵏⴰⵡ", Script.TIFINAGH) < _ink_width("ⵎⵏⵏⴰⵡ: 3", Script.TIFINAGH)


@cache
def _cmap(script: Script, bold: bool) -> frozenset[int]:
    return frozenset(TTFont(font_path(script, bold)).getBestCmap())


def _printed_blocks() -> list[Text]:
    catalogue = packaged_catalogue()
    blocks = []
    for lang in ("ar", "zgh"):
        ticket = sample_ticket(lang, ISSUED_AT)
        receipt = sample_receipt(lang, ISSUED_AT)
        pre_request = sample_receipt(lang, ISSUED_AT, pre_request=True)
        documents = [ticket_document(ticket, catalogue.service(ticket.service_code), CONTEXT)]
        documents += [
            receipt_document(paper, catalogue.service(paper.service_code), CONTEXT)
            for paper in (receipt, pre_request)
        ]
        blocks += [block for document in documents for block in document if isinstance(block, Text)]
    return [block for block in blocks if block.script is not Script.LATIN]


def test_tickets_and_receipts_have_shaped_lines_to_check() -> None:
    scripts = {block.script for block in _printed_blocks()}
    assert scripts == {Script.ARABIC, Script.TIFINAGH}


@pytest.mark.parametrize("block", _printed_blocks(), ids=lambda block: block.text[:24])
def test_every_printed_character_has_a_glyph_in_the_font_that_draws_its_line(block: Text) -> None:
    # One font draws the whole line: a character it lacks would come out as a .notdef box.
    cmap = _cmap(block.script, block.style.bold)
    drawn = {c for c in block.text if unicodedata.category(c) not in ("Cc", "Cf")}
    missing = sorted(c for c in drawn if ord(c) not in cmap)
    assert not missing, [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing]
