"""The screen skeleton on the real app: a fixed header, the current language marked, the
step's primary action and "start over" in view at every supported size, semantic colours."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from central_server.demo_data import DEMO_CITIZENS
from tests.support.ui_driver import AppDriver

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080), "small landscape": (1366, 768)}
LANGUAGE_BUTTONS = {"ar": "العربية", "fr": "Français", "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ", "en": "English"}
CITIZEN = DEMO_CITIZENS[1]


@contextmanager
def window_size(driver: AppDriver, width: int, height: int) -> Iterator[None]:
    """The app's window at `width`×`height` for the block, each screen drawn for that size."""
    from kivy.core.window import Window

    before = tuple(Window.size)
    Window.size = (width, height)
    driver.wait_until(lambda: tuple(Window.size) == (width, height))
    driver.app.set_language(driver.app.lang)  # as a kiosk of that size draws its screens
    driver.pump(3)
    driver.settle()
    try:
        yield
    finally:
        Window.size = before
        driver.wait_until(lambda: tuple(Window.size) == before)
        driver.app.set_language(driver.app.lang)
        driver.pump(3)


def _rect(widget: Any) -> tuple[float, float, float, float]:
    left, bottom = widget.to_window(widget.x, widget.y)
    return left, bottom, left + widget.width, bottom + widget.height


def assert_in_view(widget: Any, what: str) -> None:
    """`widget` wholly inside the window and inside every scrolling view it sits in, unscrolled."""
    from kivy.core.window import Window
    from kivy.uix.scrollview import ScrollView

    left, bottom, right, top = _rect(widget)
    size = f"{Window.width}x{Window.height}"
    assert widget.width > 1 and widget.height > 1 and widget.opacity > 0, f"{what}: hidden"
    assert left >= -1 and bottom >= -1, f"{what} at {size}: off the window ({left}, {bottom})"
    assert right <= Window.width + 1 and top <= Window.height + 1, f"{what} at {size}: off"
    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        if isinstance(parent, ScrollView):
            _left, v_bottom, _right, v_top = _rect(parent)
            assert bottom >= v_bottom - 1 and top <= v_top + 1, (
                f"{what} at {size}: only {max(0, min(top, v_top) - max(bottom, v_bottom)):.0f} "
                f"of {widget.height:.0f} px shown without scrolling"
            )
        parent = parent.parent


def _home_in(driver: AppDriver, lang: str) -> None:
    driver.app.go_home()
    driver.pump(2)
    if driver.app.lang != lang:
        driver.tap(driver.button(LANGUAGE_BUTTONS[lang]))
    assert driver.app.lang == lang


def _primary(driver: AppDriver, text: str) -> Any:
    """The button reading `text` on the current screen, enabled or not."""
    from kivy.uix.behaviors import ButtonBehavior

    found = [w for w in driver.screen().walk() if isinstance(w, ButtonBehavior) and w.text == text]
    assert found, f"no button {text!r} on {driver.app.root.current}"
    return found[0]


def _sign_in(driver: AppDriver) -> Any:
    driver.tap(driver.screen().tiles["account"])
    screen = driver.wait_until(lambda: driver.app.root.current == "account" and driver.screen())
    screen.cin.value, screen.pin.value = CITIZEN.cin, CITIZEN.pin
    screen.on_typed()
    driver.tap(screen.sign_in_button)
    driver.wait_until(lambda: screen.step.value == "menu")
    return screen


# --- §1.5: the main action is never below the fold ----------------------------------------


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_certificate_page_continue_is_in_view_in_arabic(home: AppDriver, size: str) -> None:
    _sign_in(home)
    home.tap(home.button("طلب شهادة"))
    screen = home.wait_until(lambda: home.app.root.current == "certificate" and home.screen())
    home.wait_until(lambda: home.buttons(screen.ids.body))
    home.tap(home.buttons(screen.ids.body)[0])
    with window_size(home, *SIZES[size]):
        assert_in_view(_primary(home, "متابعة"), "continue on the certificate page")
        assert_in_view(screen.start_over_button, "start over")
        home.screenshot(f"skeleton-certificate-page-ar-{size.replace(' ', '-')}")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_guides_take_a_ticket_is_in_view(home: AppDriver, size: str) -> None:
    home.tap(home.screen().tiles["guide"])
    screen = home.screen()
    home.tap(home.buttons(screen.ids.body)[1])  # the first subject (0 is the search field)
    home.tap(home.buttons(screen.ids.body)[0])  # its first procedure: the page
    with window_size(home, *SIZES[size]):
        assert_in_view(_primary(home, "خذ تذكرة لهذا الإجراء"), "take a ticket on a guide page")
        home.screenshot(f"skeleton-guide-page-ar-{size.replace(' ', '-')}")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_forms_keep_their_action_in_view_beside_the_keyboard(home: AppDriver, size: str) -> None:
    with window_size(home, *SIZES[size]):
        _home_in(home, "fr")
        home.tap(home.screen().tiles["status"])
        status = home.screen()
        home.tap(home.buttons(status.ids.body)[0])  # passport: the form, the keys shown
        assert status.ids.footer.children, "the keyboard is out"
        assert_in_view(status.look_up_button, "look up, with the keyboard")
        assert_in_view(status.start_over_button, "start over, with the keyboard")
        for key in home.buttons(status.ids.footer):
            assert_in_view(key, f"key {key.text!r}")
        assert_in_view(status.dossier, "the dossier field")
        home.screenshot(f"skeleton-status-form-fr-{size.replace(' ', '-')}")
        _home_in(home, "ar")
        account = home.app.show("account")
        home.pump(3)
        assert_in_view(account.sign_in_button, "sign in, with the keyboard")
        assert_in_view(account.pin, "the PIN field")


# --- §1.7: landscape --------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["landscape", "small landscape"])
def test_landscape_home_grid_reads_from_the_right_in_arabic(home: AppDriver, size: str) -> None:
    with window_size(home, *SIZES[size]):
        tiles = home.screen().tiles
        first, second = _rect(tiles["ticket"]), _rect(tiles["status"])
        assert first[1] == second[1], "the first two tiles share a row"
        assert first[0] > second[0], "in Arabic the first tile is on the right"
        home.screenshot(f"skeleton-home-ar-{size.replace(' ', '-')}")
        _home_in(home, "fr")
        first, second = _rect(tiles["ticket"]), _rect(tiles["status"])
        assert first[0] < second[0], "in French the first tile is on the left"


@pytest.mark.parametrize("size", ["landscape", "small landscape"])
def test_landscape_home_board_shows_every_family_whole(home: AppDriver, size: str) -> None:
    screen = home.screen()
    home.wait_until(lambda: screen.queues)

    def rows() -> list[Any]:
        return [row for row in screen.ids.board.children if "letter" in row.ids]

    with window_size(home, *SIZES[size]):
        home.wait_until(lambda: len(rows()) == len(screen.queues))
        for row in rows():
            assert_in_view(row, f"board row {row.ids.letter.text}")
            # Nothing of the board under the buttons beneath it.
            assert _rect(row)[1] >= _rect(screen.ids.display_row)[3] - 1


@pytest.mark.parametrize("size", ["landscape", "small landscape"])
def test_landscape_ticket_shows_people_ahead_and_the_wait(home: AppDriver, size: str) -> None:
    from kivy.uix.label import Label

    from kiosk.services.documents import wait_lines

    with window_size(home, *SIZES[size]):
        home.tap(home.screen().take_ticket)
        screen = home.screen()
        home.tap(home.buttons(screen.ids.body)[0])
        home.tap(home.buttons(screen.ids.body)[0])
        home.wait_until(lambda: screen.ticket is not None and screen.step.value == "result")
        shown = screen.ticket.__class__(**{**screen.ticket.__dict__, "language": "ar"})
        expected = set(wait_lines(shown))
        assert expected
        labels = [w for w in screen.ids.body.walk() if isinstance(w, Label)]
        for label in labels:
            if label.text in expected or label.text == screen.ticket.number:
                assert_in_view(label, f"{label.text!r}")
        assert {w.text for w in labels} >= expected
        home.screenshot(f"skeleton-ticket-number-ar-{size.replace(' ', '-')}")


# --- §1.8: the header, the languages, the scroll bar ------------------------------------------


def test_the_header_keeps_its_height_and_the_title_one_line_in_every_language(
    home: AppDriver,
) -> None:
    from kivy.metrics import dp

    from kiosk.ui import theme

    rows = {}
    for lang in ("ar", "fr", "zgh", "en"):
        _home_in(home, lang)
        home.tap(home.screen().tiles["guide"])
        screen = home.screen()
        home.tap(home.buttons(screen.ids.body)[1])
        home.tap(home.buttons(screen.ids.body)[-1])  # the subject's last procedure: long names
        title = screen.ids.title
        assert screen.ids.top_bar.height == pytest.approx(dp(theme.BAR_HEIGHT_DP))
        one_line = title._label.get_extents("Ag")[1]
        assert title.texture_size[1] <= one_line + 2 * title.padding[1] + 2, (
            f"{lang}: the title {title.text!r} takes more than one line"
        )
        assert title.texture_size[0] <= title.width + 1, f"{lang}: the title overflows"
        rows[lang] = _rect(screen.ids.languages)[1]
    assert len(set(rows.values())) == 1, f"the language row moves: {rows}"


@pytest.mark.parametrize("where", ["home", "ticket"])
def test_the_current_language_is_marked_and_not_tapped_again(home: AppDriver, where: str) -> None:
    from kiosk.ui import theme

    for lang in ("fr", "ar"):
        _home_in(home, lang)
        if where != "home":
            home.tap(home.screen().tiles[where])
        from kivy.uix.button import Button

        shown = {w.text: w for w in home.screen().walk() if isinstance(w, Button)}
        buttons = {code: shown[name] for code, name in LANGUAGE_BUTTONS.items()}
        for other, button in buttons.items():
            if other == lang:
                assert button.disabled, f"{other} can be tapped again"
                assert tuple(button.background_color) == tuple(theme.PRIMARY)
                assert tuple(button.disabled_color) == tuple(theme.PRIMARY_TEXT)
            else:
                assert not button.disabled
                assert tuple(button.background_color) == tuple(theme.SURFACE)


def test_home_title_stays_centred_after_a_language_switch(home: AppDriver) -> None:
    annex = home.screen().ids.annex
    assert annex.halign == "center"
    _home_in(home, "fr")
    assert annex.halign == "center"
    _home_in(home, "ar")
    assert annex.halign == "center"


def test_the_scroll_bar_is_off_the_text_on_the_side_reading_ends(home: AppDriver) -> None:
    for lang, side in (("ar", "left"), ("fr", "right")):
        _home_in(home, lang)
        home.tap(home.screen().tiles["guide"])
        screen = home.screen()
        home.tap(home.buttons(screen.ids.body)[1])
        home.tap(home.buttons(screen.ids.body)[0])
        scroll, body = screen.ids.scroll, screen.ids.body
        assert scroll.bar_pos_y == side
        left, _bottom, right, _top = _rect(scroll)
        bar_left = left if side == "left" else right - scroll.bar_width
        bar = (bar_left, bar_left + scroll.bar_width)
        for child in body.children:
            # No text under the bar: every row of the body clear of its strip.
            child_left, _b, child_right, _t = _rect(child)
            assert child_right <= bar[0] or child_left >= bar[1], (lang, type(child).__name__)


# --- semantic colours, emphasis, disabled --------------------------------------------------------


def test_a_rejected_request_has_its_own_colour_and_not_the_error_red(home: AppDriver) -> None:
    from kiosk.domain.models import CertificateRequest, RequestStatus
    from kiosk.services.requests import HistoryEntry, HistoryOutcome, HistoryView
    from kiosk.ui import theme

    history = home.app.screen("history")
    now = datetime.now(UTC)
    entries = tuple(
        HistoryEntry(
            CertificateRequest(f"R-2026-00000{i}", "residence", status, None, now, now, "kiosk"),
            None,
        )
        for i, status in enumerate(RequestStatus)
    )
    history.clear_body()
    history._draw_view(history.ids.body, HistoryView(HistoryOutcome.FRESH, entries))
    colours = {}
    for row in history.ids.body.children:
        status = row.ids.status
        backdrop = getattr(status, "tone", None)
        colours[status.text] = (tuple(status.color), backdrop)
    rejected = colours[home.app.tr("Rejected")]
    ready = colours[home.app.tr("Ready to collect")]
    in_progress = colours[home.app.tr("In progress")]
    assert len({rejected, ready, in_progress}) == 3, colours
    assert rejected[0] != tuple(theme.ALERT), "a refusal is not a fault: not the error red"
    history.reset()


def test_bring_your_cin_is_an_instruction_not_an_error(home: AppDriver) -> None:
    from kivy.uix.label import Label

    from kiosk.ui import theme

    pre = home.app.show("prerequest")
    home.wait_until(lambda: home.buttons(pre.ids.body))
    home.tap(home.buttons(pre.ids.body)[0])
    pre.cin.value, pre.phone.value = "CD123456", "0612345678"
    pre.on_typed()
    home.tap(pre.record_button)
    home.wait_until(lambda: pre.step.value == "saved")
    wording = home.app.tr("Bring your CIN to the counter: your identity is checked there.")
    labels = [w for w in pre.ids.body.walk() if isinstance(w, Label) and w.text == wording]
    assert labels
    for label in labels:
        assert tuple(label.color) != tuple(theme.ALERT)
        assert theme.contrast(label.color, theme.BACKGROUND) >= 7


def test_a_disabled_button_looks_weaker_than_an_enabled_one(home: AppDriver) -> None:
    from kiosk.ui import theme

    home.tap(home.screen().tiles["account"])
    screen = home.screen()
    button = screen.sign_in_button
    assert button.disabled  # nothing typed yet
    disabled_fill = tuple(button.background_color)
    disabled_words = tuple(button.disabled_color)
    screen.cin.value, screen.pin.value = CITIZEN.cin, CITIZEN.pin
    screen.on_typed()
    home.pump(2)
    assert not button.disabled
    enabled_fill, enabled_words = tuple(button.background_color), tuple(button.color)
    page = theme.BACKGROUND
    assert theme.contrast(disabled_fill, page) < theme.contrast(enabled_fill, page)
    assert theme.contrast(disabled_words, disabled_fill) < theme.contrast(
        enabled_words, enabled_fill
    )


# --- leaving: start over, sign out ---------------------------------------------------------------


def test_start_over_from_any_step_goes_home(home: AppDriver) -> None:
    home.tap(home.screen().take_ticket)
    screen = home.screen()
    home.tap(home.buttons(screen.ids.body)[0])  # a family: its services
    assert screen.step.value == "service"
    assert_in_view(screen.start_over_button, "start over")
    assert screen.start_over_button.text == "البدء من جديد"
    home.tap(screen.start_over_button)
    assert home.app.root.current == "home"
    assert screen.step.value == "family"


def test_signing_out_is_its_own_button_and_says_so(home: AppDriver) -> None:
    from kiosk.ui import theme

    account = _sign_in(home)
    back = account.ids.back
    assert back.disabled or back.opacity == 0, "no Back that signs out unannounced"
    sign_out = account.start_over_button
    assert sign_out.text == "تسجيل الخروج"
    assert_in_view(sign_out, "sign out")
    home.tap(sign_out)
    assert home.app.root.current == "home"
    assert home.app.context.session.citizen is None
    notice = home.screen().ids.notice
    assert notice.text.startswith("تم تسجيل خروجك")
    assert tuple(notice.color) != tuple(theme.ALERT), "news, not a fault: not the error red"
    home.screenshot("skeleton-signed-out-ar-portrait")


def test_a_pre_request_is_found_before_any_sign_in_fails(home: AppDriver) -> None:
    home.tap(home.screen().tiles["account"])
    offer = home.button("تقديم طلب مسبق بدون حساب")
    assert_in_view(offer, "the pre-request entry")
    home.tap(offer)
    assert home.app.root.current == "prerequest"


def test_the_still_there_box_draws_its_backdrop_in_its_first_frame(home: AppDriver) -> None:
    _sign_in(home)
    home.app._ask_still_there()
    dialog = home.app._still_there
    try:
        home.pump(1)
        assert dialog._anim_alpha == pytest.approx(1.0), "the first frame had no dimmed backdrop"
        assert dialog.overlay_color[3] >= 0.5
    finally:
        home.app.go_home()
        home.pump(2)


# --- type: line heights per script, a Tifinagh bold -----------------------------------------


def test_arabic_lines_are_spaced_like_latin_ones_in_ems(home: AppDriver) -> None:
    from kivy.factory import Factory

    spacing = {}
    for lang, words in (("ar", "كلمة " * 60), ("fr", "mot " * 80)):
        _home_in(home, lang)
        label = Factory.KioskLabel(text=words, width=400)
        label.texture_update()
        one = Factory.KioskLabel(text=words.split()[0], width=400)
        one.texture_update()
        lines = len(label._label._cached_lines)  # Kivy's laid-out lines
        assert lines > 3
        # Each line after the first adds one line's advance to the texture.
        advance = (label.texture_size[1] - one.texture_size[1]) / (lines - 1)
        spacing[lang] = advance / label.font_size
    assert spacing["ar"] == pytest.approx(1.4, abs=0.08), spacing
    assert spacing["fr"] == pytest.approx(1.2, abs=0.08), spacing


def test_tifinagh_headings_are_drawn_bold(home: AppDriver) -> None:
    from kivy.core.text import Label as CoreLabel

    from kiosk.ui import theme

    ink = {}
    for bold in (False, True):
        label = CoreLabel(
            text="ⵜⴰⵎⴰⵣⵉⵖⵜ ⵜⴰⵏⴰⵎⵓⵔⵜ", font_size=44, font_name=theme.font_path("zgh", bold)
        )
        label.refresh()
        pixels = label.texture.pixels
        ink[bold] = sum(1 for alpha in pixels[3::4] if alpha > 128)
    assert ink[True] > 1.25 * ink[False], ink
