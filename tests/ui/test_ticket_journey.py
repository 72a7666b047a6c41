"""A citizen takes a ticket on the real app: touches in, a number on screen and on paper."""

from __future__ import annotations

from typing import Any

from offline_cache.database import open_cache
from offline_cache.protocol import TicketSource
from tests.support.printer_emulator import SerialPrinterEmulator
from tests.support.reference_server import ReferenceServer
from tests.support.ui_driver import AppDriver


def _take_ticket(kiosk: AppDriver, family_index: int = 0) -> str:
    """Home → take a ticket → a family → its first service; returns the number shown."""
    kiosk.tap(kiosk.screen().take_ticket)
    kiosk.wait_until(lambda: kiosk.app.root.current == "ticket")
    ticket_screen = kiosk.screen()
    families = kiosk.buttons(ticket_screen.ids.body)
    kiosk.tap(families[family_index])
    kiosk.tap(kiosk.buttons(ticket_screen.ids.body)[0])

    def number_shown() -> str | None:
        """the ticket's number on screen"""
        ticket = ticket_screen.ticket
        return ticket.number if ticket and ticket.number in kiosk.texts() else None

    return str(kiosk.wait_until(number_shown))


def _last_ticket(kiosk: AppDriver) -> tuple[str, TicketSource]:
    db = open_cache(kiosk.app.context.config.cache.path)
    try:
        row = next(db.query("SELECT number, source FROM tickets ORDER BY rowid DESC LIMIT 1"))
    finally:
        db.conn.close()
    return row["number"], TicketSource(row["source"])


def test_a_ticket_in_each_family_is_shown_recorded_and_printed(
    home: AppDriver, ui_printer: SerialPrinterEmulator
) -> None:
    families = list(home.app.context.catalogue.families)
    for index in range(len(families)):
        home.app.go_home()
        home.pump(2)
        number = _take_ticket(home, index)
        assert number.startswith(families[index] + "-")
        assert _last_ticket(home)[0] == number
        ui_printer.wait_for(lambda decoded, n=number: n in decoded.plain_text())
        if index == 0:
            home.screenshot("ticket-ar-portrait")


def test_out_of_paper_the_ticket_stays_on_screen_with_the_reason(
    home: AppDriver, ui_printer: SerialPrinterEmulator
) -> None:
    ui_printer.state.paper_out = True
    number = _take_ticket(home)
    texts = home.texts()
    assert number in texts
    assert "نفد الورق من الطابعة. المرجو تسجيل رقمك من الشاشة." in texts
    from kivy.uix.image import Image

    assert any(isinstance(w, Image) and w.texture for w in home.screen().walk())  # the QR
    home.screenshot("ticket-paper-out-ar-portrait")


def test_languages_switch_and_every_home_reads_in_its_language(home: AppDriver) -> None:
    # Arabic last: home opens in it, and the language shown is marked, not tapped again.
    expected = {
        "Français": "Prendre un ticket",
        "ⵜⴰⵎⴰⵣⵉⵖⵜ": "ⴰⵎⵥ ⵜⴰⵜⵉⴽⵜ ⵏ ⵓⵔⴰⵊⵓ",
        "English": "Take a queue ticket",
        "العربية": "خذ تذكرة الانتظار",
    }
    for name, label in expected.items():
        home.tap(home.button(name))
        assert home.screen().take_ticket.text == label
        home.screenshot(f"home-{home.app.lang}-portrait")


def test_switching_language_mid_journey_keeps_the_journey(home: AppDriver) -> None:
    home.tap(home.screen().take_ticket)
    home.wait_until(lambda: home.app.root.current == "ticket")
    screen = home.screen()
    home.tap(home.buttons(screen.ids.body)[0])  # a family: now on its services
    step = screen.step
    home.tap(home.button("Français"))
    assert screen.step is step and home.app.root.current == "ticket"
    assert screen.ids.title.text == "Choisissez votre démarche"
    home.screenshot("services-fr-portrait")
    home.tap(home.buttons(screen.ids.body)[0])
    home.wait_until(lambda: screen.ticket is not None and screen.ticket.number in home.texts())
    # Taken in French: the number, the service and the wait read in French.
    assert "Votre numéro" in home.texts()
    home.screenshot("ticket-fr-portrait")


def test_the_number_shows_first_and_a_language_switch_while_it_draws_leaves_each_line_once(
    home: AppDriver,
) -> None:
    import re
    import time

    from kivy.uix.label import Label

    from tests.support.finger import Finger

    home.tap(home.screen().take_ticket)
    home.wait_until(lambda: home.app.root.current == "ticket")
    screen = home.screen()
    home.tap(home.buttons(screen.ids.body)[0])
    # A service: issued and printed on the worker. Touched by hand, as the driver's tap
    # would let the screen settle, and a fast print would be drawn whole before we look.
    service = home.buttons(screen.ids.body)[0]
    finger = Finger(*service.to_window(*service.center))
    finger.press()
    home.pump(1)
    finger.lift()

    def body_texts() -> list[str]:
        # restrict: the body alone (Kivy's walk goes on past it, into the footer's actions).
        body = screen.ids.body.walk(restrict=True)
        return [w.text for w in body if isinstance(w, Label) and w.text]

    # Frame by frame, without letting the screen settle: the first frame of the result
    # holds the number alone, with its lines still to come.
    deadline = time.monotonic() + 30
    while not (screen.ticket is not None and screen.ticket.number in body_texts()):
        assert time.monotonic() < deadline, "the number never showed"
        home.pump(1)
    assert body_texts() == [screen.ticket.number] and screen.turns_pending
    home.tap(home.button("Français"))  # mid-drawing: some lines are out, others still due
    switched = body_texts()
    assert not any(re.search("[\u0600-\u06ff]", text) for text in switched), switched
    assert len(switched) == len(set(switched)), switched  # each line once
    screen.refresh_texts()  # the same result drawn at rest, for comparison
    home.settle()
    assert body_texts() == switched


def test_the_home_board_counts_the_ticket_just_taken_in_the_row_it_already_showed(
    home: AppDriver,
) -> None:
    import re

    board = home.app.screens["home"].ids.board

    def row(letter: str) -> Any:
        rows = [w for w in board.children if "letter" in w.ids and w.ids.letter.text == letter]
        return rows[0] if rows else None

    def waiting(letter: str) -> int | None:
        shown = row(letter)
        found = shown and re.search(r"\d+", shown.ids.figures.text)
        return int(found.group()) if found else None

    sync = home.app.context.sync
    assert sync is not None
    sync.worker.trigger()
    before = home.wait_until(lambda: waiting("A") is not None and waiting("A"))
    first_row = row("A")
    number = _take_ticket(home, 0)
    assert number.startswith("A-")
    home.tap(home.screen().ids.back)  # done: home again
    sync.worker.trigger()  # the ticket goes up, the queue's figures come down

    def one_more() -> bool:
        """family A's row counts the ticket just taken"""
        return waiting("A") == before + 1

    home.wait_until(one_more)
    assert row("A") is first_row  # written over in place, not made anew


def test_screens_opened_after_a_language_switch_read_in_that_language(home: AppDriver) -> None:
    # Screens built earlier in Arabic are redrawn when shown, not when the language changes.
    from kiosk.ui.screens import SCREENS

    home.wait_until(lambda: len(home.app.screens) == len(SCREENS))  # built after home
    home.tap(home.button("Français"))
    home.tap(home.screen().tiles["status"])
    assert home.screen().ids.title.text == "Quelle demande voulez-vous suivre ?"
    home.tap(home.screen().ids.back)  # home, still in French (the citizen's choice)
    home.tap(home.button("العربية"))
    home.tap(home.screen().tiles["guide"])
    assert home.screen().ids.title.text == "دليل المساطر: اختر موضوعا"


def test_escape_and_alt_f4_do_nothing_in_kiosk_mode(home: AppDriver) -> None:
    from kivy.core.window import Window

    home.tap(home.screen().take_ticket)
    home.press_key(27)  # Escape
    home.press_key(285, ["alt"])  # F4 with Alt
    # The window manager's close request (Alt+F4 under X) is refused as handled.
    assert Window.dispatch("on_request_close") is True
    home.pump(3)
    assert home.app.root is not None and home.app.root.current == "ticket"


def test_inactivity_returns_home_and_forgets_the_journey(home: AppDriver) -> None:
    home.tap(home.screen().take_ticket)
    home.wait_until(lambda: home.app.root.current == "ticket")
    screen = home.screen()
    home.tap(home.buttons(screen.ids.body)[0])
    home.tap(home.button("English"))

    def back_home() -> bool:
        """home, after the inactivity timeout"""
        return home.app.root.current == "home"

    home.wait_until(back_home, timeout=20)
    assert screen.family is None and home.app.lang == "ar"


def test_every_button_is_at_least_two_centimetres_tall(home: AppDriver) -> None:
    dpi = home.app.context.config.kiosk.screen_dpi
    seen = []
    # The home screen, then each step of the ticket journey up to the number.
    for step in range(3):
        for button in home.buttons():
            assert button.height / dpi * 2.54 >= 2.0, (button.text, button.height)
            seen.append(button.text)
        if step == 0:
            home.tap(home.screen().take_ticket)
            home.wait_until(lambda: home.app.root.current == "ticket")
        else:
            home.tap(home.buttons(home.screen().ids.body)[0])
    assert len(seen) >= 10


def test_a_bug_in_a_screen_sends_the_citizen_home_with_an_apology(home: AppDriver) -> None:
    from kivy.clock import Clock

    home.tap(home.screen().take_ticket)
    home.wait_until(lambda: home.app.root.current == "ticket")

    def broken(_dt: float) -> None:
        raise RuntimeError("a bug in a screen callback")

    Clock.schedule_once(broken)

    def apologised() -> bool:
        """home, with the apology shown"""
        return home.app.root.current == "home" and bool(home.screen().ids.notice.text)

    home.wait_until(apologised)
    assert home.screen().ids.notice.text.startswith("عذرا")
    assert home.app.root is not None  # the app is still running


def test_server_stopped_mid_journey_the_next_ticket_comes_from_a_leased_block(
    home: AppDriver, ui_server: ReferenceServer
) -> None:
    home.wait_until(lambda: home.app.connectivity == "online")
    home.tap(home.screen().take_ticket)
    screen = home.screen()
    home.tap(home.buttons(screen.ids.body)[0])  # a family; the citizen reads the services
    ui_server.stop()
    try:

        def offline_shown() -> bool:
            """the home screen's state reads offline or degraded"""
            return home.app.connectivity != "online"

        home.wait_until(offline_shown)
        assert home.app.screens["home"].ids.connectivity.text != "متصل بالخادم المركزي"
        home.tap(home.buttons(screen.ids.body)[0])
        home.wait_until(lambda: screen.ticket is not None and screen.ticket.number in home.texts())
        number, source = _last_ticket(home)
        assert number == screen.ticket.number
        assert source is TicketSource.BLOCK  # numbered from the block leased while online
        home.screenshot("ticket-offline-ar-portrait")
    finally:
        ui_server.restart()
