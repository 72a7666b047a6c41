"""The language a citizen chose holds for their whole visit, and only their visit."""

from __future__ import annotations

from tests.support.ui_driver import AppDriver

TAKE_TICKET_FR = "Prendre un ticket"


def test_back_from_a_journey_keeps_the_chosen_language_and_the_buttons_in_place(
    home: AppDriver,
) -> None:
    home.tap(home.button("Français"))
    french = home.screen()._language_buttons["fr"]  # marked current: not tappable again
    place = french.to_window(*french.center)
    home.tap(home.screen().take_ticket)
    home.wait_until(lambda: home.app.root.current == "ticket")
    home.tap(home.screen().ids.back)

    def home_in_french() -> bool:
        """home again, in French"""
        return home.app.root.current == "home" and home.screen().take_ticket.text == TAKE_TICKET_FR

    home.wait_until(home_in_french)
    assert home.app.lang == "fr"
    # Mirrored home (Arabic) would have moved the language buttons under the finger.
    # The finger that chose French still finds it where it touched.
    french = home.screen()._language_buttons["fr"]
    left, bottom = french.to_window(french.x, french.y)
    assert left <= place[0] <= left + french.width, (place, left, french.width)
    assert bottom <= place[1] <= bottom + french.height, (place, bottom, french.height)
    home.screenshot("home-fr-after-back-portrait")


def test_start_over_ends_the_visit_in_the_default_language(home: AppDriver) -> None:
    home.tap(home.button("English"))
    home.tap(home.screen().take_ticket)
    home.wait_until(lambda: home.app.root.current == "ticket")
    home.app.start_over()
    home.pump(3)
    assert home.app.root.current == "home"
    assert home.app.lang == "ar"
    assert home.screen().take_ticket.text == "خذ تذكرة الانتظار"


def test_home_left_untouched_returns_to_the_default_language(home: AppDriver) -> None:
    home.tap(home.button("ⵜⴰⵎⴰⵣⵉⵖⵜ"))
    assert home.app.lang == "zgh"

    def default_again() -> bool:
        """home back in Arabic after the inactivity timeout"""
        return home.app.lang == "ar" and home.screen().take_ticket.text == "خذ تذكرة الانتظار"

    home.wait_until(default_again, timeout=30)
