"""Arabic and Tifinagh lines: shaped, wrapped in reading order, mixed scripts placed by bidi."""

from __future__ import annotations

from PIL import ImageOps

from device_drivers.bidi import rtl_line_runs
from device_drivers.document import Script, Size, script_of
from device_drivers.raster import line_width, render_line, render_text, wrap_words

LONG_ARABIC = (
    "المرجو إحضار البطاقة الوطنية للتعريف الإلكترونية الأصلية ونسخة منها إلى الشباك رقم ثلاثة"
)


def _ink_width(text: str, script: Script) -> int:
    image = render_line(text, script, Size.NORMAL, False)
    box = ImageOps.invert(image.convert("L")).getbbox()
    assert box is not None
    return box[2] - box[0]


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


def test_a_date_in_an_arabic_line_reads_as_arabic_readers_expect() -> None:
    runs = rtl_line_runs("التاريخ: 21/11/2026")
    assert [(run.text, run.rtl) for run in runs] == [("21/11/2026", False), ("التاريخ: ", True)]


def test_numbers_after_arabic_words_stay_left_to_right() -> None:
    runs = rtl_line_runs("عدد الأشخاص قبلك: 12")
    assert runs[0].text == "12" and not runs[0].rtl


def test_parentheses_stay_inside_an_arabic_run() -> None:
    runs = rtl_line_runs("بحث عون السلطة (المقدم أو الشيخ)")
    assert len(runs) == 1 and runs[0].rtl


def test_latin_words_inside_arabic_are_one_left_to_right_island() -> None:
    runs = rtl_line_runs("رقم البطاقة: AB****56")
    assert [(run.text, run.rtl) for run in runs] == [("AB****56", False), ("رقم البطاقة: ", True)]


def test_tifinagh_with_digits_draws_each_digit_not_a_missing_glyph_box() -> None:
    # Noto Sans Tifinagh has no digits: without the Latin fallback, 3 and 8 would both
    # come out as the same empty box.
    three = render_line("ⵎⵏⵏⴰⵡ: 3", Script.TIFINAGH, Size.NORMAL, False)
    eight = render_line("ⵎⵏⵏⴰⵡ: 8", Script.TIFINAGH, Size.NORMAL, False)
    assert three.tobytes() != eight.tobytes()
    assert _ink_width("ⵎⵏⵏⴰⵡ", Script.TIFINAGH) < _ink_width("ⵎⵏⵏⴰⵡ: 3", Script.TIFINAGH)
