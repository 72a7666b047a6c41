"""Walk every screen of the real app in every language at one window size; audit and screenshot.

Run as `python -m tests.support.tour WIDTH HEIGHT OUTDIR`: a process of its own, because Kivy
opens one window per process and each size needs its own screen. It starts the reference
server and a capture printer, drives the app by touches, writes `<screen>-<lang>-<size>.png`
and `audit.json` (every label cut off or outside the window, every target under 2 cm).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.support.reference_server import DEMO_DEVICE_TOKEN, running_reference_server
from tests.support.technician import (
    TECHNICIAN_PIN,
    WRONG_PIN,
    open_technician_mode,
    type_pin,
    write_technician_pin,
)
from tests.support.ui_driver import AppDriver, start_app, stop_app, virtual_screen

LANGUAGE_BUTTONS = {"ar": "العربية", "fr": "Français", "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ", "en": "English"}
# A dossier of the demo data at a stage with a reason, and its holder's CIN.
PASSPORT_DOSSIER_INDEX = 1  # "incomplete": has a reason and a three-step timeline


def audit(driver: AppDriver, where: str) -> list[str]:
    """What a citizen would see cut off, overflowing or too small to touch on this screen."""
    from kivy.core.window import Window
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label
    from kivy.uix.scrollview import ScrollView

    dpi = driver.app.context.config.kiosk.screen_dpi
    problems = []
    for widget in driver.screen().walk():
        if widget.width <= 1 or widget.height <= 1 or widget.opacity == 0:
            continue
        scrolled = any(isinstance(p, ScrollView) for p in _parents(widget))
        left, bottom = widget.to_window(widget.x, widget.y)
        if left < -1 or left + widget.width > Window.width + 1:
            problems.append(f"{where}: {_name(widget)} outside the window horizontally")
        if not scrolled and (bottom < -1 or bottom + widget.height > Window.height + 1):
            problems.append(f"{where}: {_name(widget)} outside the window vertically")
        if isinstance(widget, Label) and widget.text and not widget.shorten:
            text_width, text_height = widget.texture_size
            if text_width > widget.width + 2 or text_height > widget.height + 2:
                problems.append(
                    f"{where}: {_name(widget)} cut off ({text_width}x{text_height} text in "
                    f"{widget.width:.0f}x{widget.height:.0f})"
                )
        if isinstance(widget, ButtonBehavior) and widget.height / dpi * 2.54 < 2.0:
            problems.append(f"{where}: {_name(widget)} only {widget.height:.0f} px tall")
    return problems


def _parents(widget: Any) -> list[Any]:
    found = []
    while widget.parent is not None and widget.parent is not widget:
        widget = widget.parent
        found.append(widget)
    return found


def _name(widget: Any) -> str:
    text = getattr(widget, "text", "")
    return f"{type(widget).__name__} {text[:40]!r}"


def tour(driver: AppDriver, size: str) -> list[str]:
    """Every screen and step in every language; returns the audit's findings."""
    from central_server.demo_data import demo_dossiers

    problems: list[str] = []
    kind, dossier, cin, _stage = demo_dossiers()[PASSPORT_DOSSIER_INDEX]

    def look(name: str) -> None:
        where = f"{name}-{driver.app.lang}-{size}"
        driver.pump(3)
        problems.extend(audit(driver, where))
        driver.screenshot(where)

    def home_in(lang: str) -> None:
        driver.app.go_home()
        driver.pump(2)
        if driver.app.lang != lang:  # the current language's button is marked, not tappable
            driver.tap(driver.button(LANGUAGE_BUTTONS[lang]))
        assert driver.app.lang == lang

    for lang in LANGUAGE_BUTTONS:
        home_in(lang)
        look("home")
        # Ticket: families, services, the number.
        driver.tap(driver.screen().take_ticket)
        screen = driver.screen()
        look("ticket-families")
        driver.tap(driver.buttons(screen.ids.body)[0])
        look("ticket-services")
        driver.tap(driver.buttons(screen.ids.body)[0])
        driver.wait_until(
            lambda s=screen: s.ticket is not None and s.ticket.number in driver.texts()
        )
        look("ticket-number")
        # Status: kinds, the form with the keyboard, the timeline.
        home_in(lang)
        driver.tap(driver.screen().tiles["status"])
        screen = driver.screen()
        look("status-kinds")
        driver.tap(driver.buttons(screen.ids.body)[0 if kind == "passport" else 1])
        screen.dossier.value, screen.cin.value = dossier, cin
        screen.on_typed()
        look("status-form")
        driver.tap(screen.look_up_button)
        driver.wait_until(lambda s=screen: s.answer is not None)
        look("status-timeline")
        # Guide: subjects, a page, and the search with its keyboard.
        home_in(lang)
        driver.tap(driver.screen().tiles["guide"])
        screen = driver.screen()
        look("guide-subjects")
        driver.tap(driver.buttons(screen.ids.body)[1])  # the first subject (0 is the search)
        driver.tap(driver.buttons(screen.ids.body)[0])
        look("guide-page")
        driver.tap(screen.ids.back)
        driver.tap(screen.ids.back)
        driver.tap(screen.search_field)
        for key in driver.buttons(screen.ids.footer)[:2]:
            driver.tap(key)
        look("guide-search")
        # Technician mode: a wrong PIN's message beside the pad, the report, its end.
        home_in(lang)
        screen = open_technician_mode(driver)
        type_pin(driver, WRONG_PIN)
        driver.wait_until(lambda s=screen: s.refusal is not None)
        look("technician-pin")
        type_pin(driver, TECHNICIAN_PIN)
        driver.wait_until(lambda s=screen: s.report is not None)
        look("technician-report")
        screen.ids.scroll.scroll_y = 0
        look("technician-report-end")
        problems.extend(_account_tour(driver, lang, home_in, look))
    return problems


def _account_tour(driver: AppDriver, lang: str, home_in: Any, look: Any) -> list[str]:
    """The CAU journeys: sign-in, choices, a request to its receipt, history, pre-request."""
    from central_server.demo_data import DEMO_CITIZENS

    citizen = DEMO_CITIZENS[1]
    home_in(lang)
    driver.tap(driver.screen().tiles["account"])
    screen = driver.screen()
    screen.cin.value, screen.pin.value = citizen.cin, citizen.pin
    screen.on_typed()
    look("account-sign-in")
    driver.tap(screen.sign_in_button)
    driver.wait_until(lambda: screen.step.value != "signing_in")
    assert screen.step.value == "menu", (screen.step, screen.outcome)
    look("account-menu")
    driver.tap(driver.buttons(screen.ids.body)[0])  # request a certificate
    request = driver.wait_until(
        lambda: driver.app.root.current == "certificate" and driver.screen()
    )
    driver.wait_until(lambda: driver.buttons(request.ids.body))
    look("certificate-services")
    driver.tap(driver.buttons(request.ids.body)[0])
    look("certificate-page")
    request.ids.scroll.scroll_y = 0
    look("certificate-page-end")
    driver.tap(request.primary_button)  # continue
    look("certificate-alert")
    driver.tap(driver.buttons(request.ids.body)[0])  # SMS
    look("certificate-confirm")
    driver.tap(request.primary_button)  # send
    driver.wait_until(lambda: request.step.value == "sent")
    look("certificate-sent")
    driver.tap(request.ids.back)
    account = driver.screen()
    driver.tap(driver.buttons(account.ids.body)[1])  # my requests
    history = driver.wait_until(lambda: driver.app.root.current == "history" and driver.screen())
    driver.wait_until(lambda: history.view is not None)
    look("history")
    # The pre-request, as offered when the server cannot answer a sign-in.
    home_in(lang)
    pre = driver.app.show("prerequest")
    driver.wait_until(lambda: driver.buttons(pre.ids.body))
    look("prerequest-services")
    driver.tap(driver.buttons(pre.ids.body)[0])
    pre.cin.value, pre.phone.value = "CD123456", "0612345678"
    pre.on_typed()
    look("prerequest-form")
    driver.tap(pre.record_button)
    driver.wait_until(lambda: pre.step.value == "saved")
    look("prerequest-saved")
    # Larger text and high contrast, as a citizen with low vision sets them at home.
    home_in(lang)
    driver.app.toggle_large_text()
    driver.app.toggle_high_contrast()
    look("home-large-contrast")
    driver.tap(driver.screen().take_ticket)
    look("ticket-families-large-contrast")
    driver.app.toggle_large_text()
    driver.app.toggle_high_contrast()
    return []


def _refused_record(cache_path: Path) -> None:
    """A pre-request the server will refuse (unknown service): technician mode lists it."""
    from offline_cache.database import open_cache
    from tests.support.sync_helpers import queue_pre_requests

    db = open_cache(cache_path)
    try:
        queue_pre_requests(db, 1, service_code="no_such_service")
    finally:
        db.conn.close()


def main(argv: list[str]) -> int:
    width, height, out = int(argv[0]), int(argv[1]), Path(argv[2])
    size = "portrait" if height > width else f"landscape-{width}x{height}"
    with (
        tempfile.TemporaryDirectory() as scratch,
        running_reference_server(Path(scratch) / "server") as server,
        virtual_screen(width, height) as display,
    ):
        state = Path(scratch) / "kiosk"
        state.mkdir()
        (state / "token").write_text(DEMO_DEVICE_TOKEN + "\n")
        os.environ["DISPLAY"] = display
        from kiosk.config import parse_config

        config = parse_config(
            f'[server]\nurl = "{server.base_url}"\ndevice_token_file = "{state / "token"}"\n'
            f'[printer]\nuri = "capture:{state / "printed"}"\n'
            f'[cache]\npath = "{state / "cache.sqlite"}"\n'
            f'[technician]\npin_file = "{write_technician_pin(state)}"\n'
        )
        _refused_record(state / "cache.sqlite")
        from kiosk.ui import prepare_kivy

        prepare_kivy(state, windowed=False, size=(width, height))
        from kiosk.ui.context import AppContext

        driver = start_app(AppContext.from_config(config), out)
        try:
            problems = tour(driver, size)
        finally:
            stop_app(driver)
    (out / f"audit-{size}.json").write_text(json.dumps(problems, indent=1, ensure_ascii=False))
    print(f"{len(problems)} problems", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
