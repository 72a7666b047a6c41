"""A touch is seen at once: the pressed state in the next frame, the busy button until done."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.support.reference_server import ReferenceServer
from tests.support.ui_driver import AppDriver
from tests.ui.test_status_and_guide import type_keys

AMINA_CIN, AMINA_PIN = "AB123456", "123456"


def _pixels(widget: Any) -> bytes:
    """What the screen shows now in `widget`'s box (read from the frame last drawn)."""
    from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels

    x, y = widget.to_window(widget.x, widget.y)
    width, height = max(int(widget.width), 1), max(int(widget.height), 1)
    return bytes(glReadPixels(int(x), int(y), width, height, GL_RGBA, GL_UNSIGNED_BYTE))


def _pressed_in_the_next_frame(driver: AppDriver, widget: Any, shot: str = "") -> bool:
    """Touch `widget`, let one frame draw, compare its pixels; slide off and lift (no tap).

    With `shot`, a screenshot of the screen while the finger is still down, for people.
    """
    from kivy.core.window import Window

    from tests.support.finger import Finger

    driver.pump(3)
    before = _pixels(widget)
    x, y = widget.to_window(*widget.center)
    finger = Finger(x, y)
    finger.press()
    driver.loop.idle()  # exactly one frame
    after = _pixels(widget)
    if shot:
        driver.screenshot(shot)
    # Off the widget before lifting: a touch that leaves a button does not trigger it.
    finger.slide_to(x, 2 if y > Window.height / 2 else Window.height - 2)
    finger.lift()
    driver.pump(3)
    driver.settle()
    return after != before


def test_every_kind_of_target_shows_its_pressed_state_in_the_next_frame(home: AppDriver) -> None:
    screen = home.screen()
    targets: dict[str, Any] = {
        "journey tile": screen.tiles["guide"],
        "language button": next(b for b in home.buttons() if b.text == "Français"),
        "quiet button": screen.contrast_button,
    }
    if screen.listen_button.parent is not None:
        targets["listen button"] = screen.listen_button
    not_shown = [
        name
        for name, w in targets.items()
        if not _pressed_in_the_next_frame(
            home, w, "pressed-tile-ar-portrait" * (name == "journey tile")
        )
    ]
    home.tap(screen.tiles["ticket"])
    ticket = home.wait_until(lambda: home.app.root.current == "ticket" and home.screen())
    # In the scrolling body: the family buttons, then a procedure's button.
    family = home.buttons(ticket.ids.body)[0]
    if not _pressed_in_the_next_frame(home, family, "pressed-family-button-ar-portrait"):
        not_shown.append("family button (in the scrolling body)")
    home.tap(family)
    if not _pressed_in_the_next_frame(home, home.buttons(ticket.ids.body)[0]):
        not_shown.append("procedure button (in the scrolling body)")
    if not _pressed_in_the_next_frame(home, ticket.ids.back):
        not_shown.append("back")
    home.app.go_home()
    home.pump(2)
    home.tap(home.screen().tiles["status"])
    status = home.wait_until(lambda: home.app.root.current == "status" and home.screen())
    home.tap(home.buttons(status.ids.body)[0])
    home.tap(status.dossier)
    keys = home.buttons(status.ids.footer)
    letter = next(k for k in keys if k.text == "A")
    action = keys[-1]  # delete
    for name, widget in (("key", letter), ("action key", action), ("field", status.cin)):
        if not _pressed_in_the_next_frame(home, widget, f"pressed-{name.replace(' ', '-')}"):
            not_shown.append(name)
    assert not not_shown, f"no pressed state in the first frame after touch-down: {not_shown}"


@contextmanager
def _worker_held(driver: AppDriver) -> Iterator[None]:
    """The app's worker busy with a job that waits: what the screen shows until a result."""
    gate = threading.Event()
    driver.app.worker.run(lambda _db: gate.wait(30), lambda _r: None, lambda _e: None)
    try:
        yield
    finally:
        gate.set()


def _is_busy(driver: AppDriver, button: Any, busy_text: str) -> None:
    assert button.get_root_window() is not None, "the tapped button is no longer shown"
    assert button.disabled, "the tapped button can be tapped again"
    assert button.text == busy_text, button.text
    assert button not in driver.buttons()


def test_the_ticket_button_is_busy_and_back_waits_until_the_number_shows(home: AppDriver) -> None:
    home.tap(home.screen().tiles["ticket"])
    ticket = home.wait_until(lambda: home.app.root.current == "ticket" and home.screen())
    home.tap(home.buttons(ticket.ids.body)[0])
    service = home.buttons(ticket.ids.body)[0]
    with _worker_held(home):
        home.tap(service)
        _is_busy(home, service, "جار طبع تذكرتك…")
        assert ticket.ids.back.disabled
        home.screenshot("ticket-printing-busy-ar-portrait")
        home.tap(ticket.ids.back)  # a citizen who would rather go back: not while it prints
        assert home.app.root.current == "ticket"
        home.tap(service)  # and a second tap takes no second ticket
    home.wait_until(lambda: ticket.ticket is not None and ticket.ticket.number in home.texts())
    assert not ticket.ids.back.disabled


def test_look_up_and_sign_in_are_busy_until_their_answer(home: AppDriver) -> None:
    home.tap(home.screen().tiles["status"])
    status = home.wait_until(lambda: home.app.root.current == "status" and home.screen())
    home.tap(home.buttons(status.ids.body)[0])
    home.tap(status.dossier)
    type_keys(home, "PP-2026-000100")
    home.tap(status.cin)
    type_keys(home, AMINA_CIN)
    with _worker_held(home):
        home.tap(status.look_up_button)
        _is_busy(home, status.look_up_button, "جار البحث عن طلبك…")
        assert status.ids.back.disabled
    home.wait_until(lambda: status.answer is not None)
    home.app.go_home()
    home.pump(2)
    home.tap(home.screen().tiles["account"])
    account = home.wait_until(lambda: home.app.root.current == "account" and home.screen())
    home.tap(account.cin)
    type_keys(home, AMINA_CIN)
    home.tap(account.pin)
    type_keys(home, AMINA_PIN)
    with _worker_held(home):
        home.tap(account.sign_in_button)
        _is_busy(home, account.sign_in_button, "جار تسجيل الدخول…")
        assert account.ids.back.disabled
    home.wait_until(lambda: account.step.value == "menu")


def test_send_and_record_are_busy_and_back_waits_for_the_receipt(
    home: AppDriver, ui_server: ReferenceServer
) -> None:
    from tests.ui.test_account import _body_button, _sign_in
    from tests.ui.test_keyboard import _pre_request_after_a_failed_sign_in, _server_stopped

    _sign_in(home, AMINA_CIN, AMINA_PIN)
    home.tap(_body_button(home, "طلب شهادة"))
    request = home.wait_until(lambda: home.app.root.current == "certificate" and home.screen())
    home.wait_until(lambda: home.buttons(request.ids.body))
    home.tap(home.buttons(request.ids.body)[0])  # a certificate: its page
    home.tap(_body_button(home, "متابعة"))
    home.tap(home.buttons(request.ids.body)[-1])  # no message
    send = _body_button(home, "إرسال الطلب")
    with _worker_held(home):
        home.tap(send)
        send = request.primary_button  # the footer's, busy until the receipt is out
        _is_busy(home, send, "جار إرسال طلبك…")
        assert request.ids.back.disabled
        home.tap(request.ids.back)
        assert request.step.value == "sending"
    home.wait_until(lambda: request.step.value == "sent")
    home.app.go_home()
    home.pump(2)
    with _server_stopped(ui_server):
        pre = _pre_request_after_a_failed_sign_in(home, "CD123456")
        home.tap(pre.phone)
        type_keys(home, "0612345678")
        with _worker_held(home):
            home.tap(pre.record_button)
            _is_busy(home, pre.record_button, "جار التسجيل…")
            assert pre.ids.back.disabled
            home.tap(pre.ids.back)
            assert pre.step.value == "saving"
        home.wait_until(lambda: pre.step.value == "saved")
