"""The on-screen keyboard: each field opens on its own keys, each citizen finds it clean."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.support.reference_server import ReferenceServer
from tests.support.ui_driver import AppDriver
from tests.ui.test_status_and_guide import type_keys

MIN_CM = 2.0


def _keys(driver: AppDriver) -> list[Any]:
    return driver.buttons(driver.screen().ids.footer)


def _type_on_the_keys_shown(driver: AppDriver, text: str) -> None:
    """Tap the keys that spell `text` on the layout the field opened on: no switching."""
    for char in text:
        found = [key for key in _keys(driver) if key.text == char]
        assert found, f"no key {char!r} among {[key.text for key in _keys(driver)]}"
        driver.tap(found[0])


def _open_status_form(driver: AppDriver) -> Any:
    driver.tap(driver.screen().tiles["status"])
    screen = driver.wait_until(lambda: driver.app.root.current == "status" and driver.screen())
    driver.tap(driver.buttons(screen.ids.body)[0])  # passport
    return screen


@contextmanager
def _server_stopped(server: ReferenceServer) -> Iterator[None]:
    server.stop()
    try:
        yield
    finally:
        server.start()


def _pre_request_after_a_failed_sign_in(driver: AppDriver, cin: str) -> Any:
    """Home → my account → CIN and PIN → the server cannot answer → the pre-request form."""
    driver.tap(driver.screen().tiles["account"])
    account = driver.wait_until(lambda: driver.app.root.current == "account" and driver.screen())
    driver.tap(account.cin)
    type_keys(driver, cin)  # switching layouts where needed: not what these tests are about
    driver.tap(account.pin)
    type_keys(driver, "123456")
    driver.tap(account.sign_in_button)
    driver.wait_until(lambda: account.step.value == "sign_in" and account.outcome is not None)
    offer = [b for b in driver.buttons(account.ids.body) if b.text == "تقديم طلب مسبق بدون حساب"]
    assert offer, driver.texts()
    driver.tap(offer[0])
    pre = driver.wait_until(lambda: driver.app.root.current == "prerequest" and driver.screen())
    driver.wait_until(lambda: driver.buttons(pre.ids.body))
    driver.tap(driver.buttons(pre.ids.body)[0])  # a certificate: the form
    return pre


def test_a_field_opens_on_its_own_keys_whatever_the_last_field_used(home: AppDriver) -> None:
    screen = _open_status_form(home)
    home.tap(screen.dossier)
    assert home.app.keyboard.layout == "azerty"
    switch = [key for key in _keys(home) if key.text == "123"]
    home.tap(switch[0])  # the citizen types the dossier's digits on the digit pad
    _type_on_the_keys_shown(home, "2026")
    home.tap(screen.cin)  # a CIN starts with letters: its field opens on the letters
    assert home.app.keyboard.layout == "azerty"
    _type_on_the_keys_shown(home, "AB123456")
    assert screen.cin.value == "AB123456"


def test_the_next_citizen_finds_the_keyboard_clean_after_a_phone_pad(
    home: AppDriver, ui_server: ReferenceServer
) -> None:
    with _server_stopped(ui_server):
        pre = _pre_request_after_a_failed_sign_in(home, "CD123456")
        home.tap(pre.phone)
        _type_on_the_keys_shown(home, "0612345678")
    # The citizen walks away; the inactivity reset brings home back.
    home.wait_until(lambda: home.app.root.current == "home", timeout=20)
    screen = _open_status_form(home)
    home.tap(screen.dossier)
    _type_on_the_keys_shown(home, "PP-2026-000100")
    assert screen.dossier.value == "PP-2026-000100"


def test_the_phone_pad_has_a_plus_for_the_country_code(
    home: AppDriver, ui_server: ReferenceServer
) -> None:
    with _server_stopped(ui_server):
        pre = _pre_request_after_a_failed_sign_in(home, "CD123456")
        home.tap(pre.phone)
        _type_on_the_keys_shown(home, "+212612345678")
        assert pre.phone.value == "+212612345678"
        # Drawn as typed, "+" first, on the Arabic screen (it came out "212612345678+").
        assert pre.phone.text == "\u2068+212612345678\u2069"
        home.screenshot("prerequest-phone-pad-ar-portrait")


def test_the_cin_typed_at_sign_in_is_carried_into_the_pre_request(
    home: AppDriver, ui_server: ReferenceServer
) -> None:
    with _server_stopped(ui_server):
        pre = _pre_request_after_a_failed_sign_in(home, "CD123456")
        assert pre.cin.value == "CD123456"
        assert "CD123456" in home.texts()
        # The CIN is there: the keys go to the phone, the field still to fill.
        assert home.app.keyboard.target is pre.phone


def test_every_key_of_every_layout_is_two_centimetres_wide_and_tall(home: AppDriver) -> None:
    from kiosk.ui.widgets.keyboard import LAYOUTS

    dpi = home.app.context.config.kiosk.screen_dpi
    home.tap(home.screen().tiles["guide"])
    guide = home.wait_until(lambda: home.app.root.current == "guide" and home.screen())
    home.tap(guide.search_field)  # Arabic: the Arabic keys first
    keyboard = home.app.keyboard
    assert keyboard.layout == "arabic"
    small = []
    for layout in LAYOUTS:
        keyboard.layout = layout
        home.pump(3)
        keys = _keys(home)
        assert len(keys) > len(LAYOUTS[layout][0])
        for key in keys:
            width_cm, height_cm = key.width / dpi * 2.54, key.height / dpi * 2.54
            if min(width_cm, height_cm) < MIN_CM:
                small.append((layout, key.text, round(width_cm, 2), round(height_cm, 2)))
        if layout == "arabic":
            home.screenshot("guide-search-arabic-keys-ar-portrait")
    assert not small, small
