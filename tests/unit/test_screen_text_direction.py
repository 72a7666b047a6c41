"""Screen lines follow the UI's direction: an Arabic line that opens with a reference stays RTL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def render(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Kivy's PIL provider as the app installs it (no window is needed to lay text out)."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ["KIVY_TEXT"] = "pil"
    os.environ.setdefault("KIVY_HOME", str(Path(tmp_path_factory.mktemp("kivy"))))
    from kivy.core.text.text_pil import LabelPIL

    from kiosk.ui import text, theme

    text.install_measure_cache()

    def draw(line: str, rtl: bool) -> bytes:
        text.set_paragraph_direction(rtl)
        label = LabelPIL(text=line, font_name=theme.font_path("ar"), font_size=30)
        label.resolve_font_name()
        label._size = label.get_extents(line)
        label._render_begin()
        label._render_text(line, 0, 0)
        return bytes(label._render_end().data)

    yield draw
    text.set_paragraph_direction(True)


def test_an_arabic_line_opening_with_a_reference_reads_from_the_right(render) -> None:  # type: ignore[no-untyped-def]
    # In an Arabic UI the reference, written first, is read first: at the right. Laid out
    # left to right (Raqm's guess from the first strong letter) it came out at the left.
    as_shown = render("R-2026-000013 المرجع", rtl=True)
    assert as_shown == render("المرجع R-2026-000013", rtl=False)
    assert as_shown != render("R-2026-000013 المرجع", rtl=False)


def test_a_french_line_keeps_its_full_stop_at_the_right(render) -> None:  # type: ignore[no-untyped-def]
    # The UI's direction decides where a neutral at the end of a line goes.
    assert render("Guichet 3.", rtl=False) != render("Guichet 3.", rtl=True)
    assert render("Bienvenue", rtl=False) == render("Bienvenue", rtl=True)


def test_every_keyboard_switch_key_reads_the_same_on_an_arabic_screen(render) -> None:  # type: ignore[no-untyped-def]
    from kiosk.ui.widgets.keyboard import SWITCH_LABELS

    # "1 2 3" (three numbers to the bidi algorithm) came out "3 2 1" in the Arabic UI.
    assert render("1 2 3", rtl=True) != render("1 2 3", rtl=False)
    for label in SWITCH_LABELS.values():
        assert render(label, rtl=True) == render(label, rtl=False), label


@pytest.mark.parametrize("run", ["+2126******01", "/tmp/gau/kiosk.toml", "PP-2026-000100"])
def test_phones_paths_and_references_read_left_to_right_in_an_arabic_line(render, run: str) -> None:  # type: ignore[no-untyped-def]
    from kiosk.i18n import ltr_run

    # Isolated, the run is drawn as a French screen draws it, wherever the Arabic line has it.
    assert render(ltr_run(run), rtl=True) == render(run, rtl=False)
    arabic = "سنخبركم على الرقم {phone}"
    shown = render(arabic.format(phone=ltr_run(run)), rtl=True)
    assert shown == render("\u2067" + arabic.format(phone=ltr_run(run)) + "\u2069", rtl=True)


def test_without_isolation_the_phone_and_the_path_came_out_backwards(render) -> None:  # type: ignore[no-untyped-def]
    # Why ltr_run exists: the issue saw "01******2126+" and "tmp/…/kiosk.toml/".
    assert render("+2126******01", rtl=True) != render("+2126******01", rtl=False)
    assert render("/tmp/gau/kiosk.toml", rtl=True) != render("/tmp/gau/kiosk.toml", rtl=False)


def test_what_a_citizen_types_keeps_its_own_direction(render) -> None:  # type: ignore[no-untyped-def]
    from kiosk.i18n import typed_run

    # A phone typed on an Arabic screen reads "+" first; Arabic words still right to left.
    assert render(typed_run("+212612345678"), rtl=True) == render("+212612345678", rtl=False)
    assert render("+212612345678", rtl=True) != render("+212612345678", rtl=False)
    assert render(typed_run("شهادة السكنى"), rtl=True) == render("شهادة السكنى", rtl=True)
