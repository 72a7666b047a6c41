"""A citizen signs in to the CAU account, files a certificate request, reads the history,
makes a pre-request offline, and walks away: tested with touches on the real app."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from central_server.demo_data import DEMO_CITIZENS, DemoCitizen
from tests.support.printer_emulator import SerialPrinterEmulator
from tests.support.reference_server import ReferenceServer
from tests.support.ui_driver import AppDriver
from tests.ui.test_status_and_guide import type_keys

AMINA = DEMO_CITIZENS[0]  # AB123456, Amina El Idrissi, Arabic


def _server_rows(server: ReferenceServer, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(server.db_path) as connection:
        return connection.execute(sql, args).fetchall()


def _open_account(driver: AppDriver) -> Any:
    driver.tap(driver.screen().tiles["account"])
    driver.wait_until(lambda: driver.app.root.current == "account")
    return driver.screen()


def _sign_in(driver: AppDriver, cin: str, pin: str) -> Any:
    """Home → my account → CIN and PIN on the on-screen keys → sign in; the screen."""
    screen = _open_account(driver)
    driver.tap(screen.cin)
    type_keys(driver, cin)
    driver.tap(screen.pin)
    type_keys(driver, pin)
    assert screen.pin.text == "•" * len(pin)  # masked: nobody behind reads it
    keys = [b.text for b in driver.buttons(screen.ids.footer)]
    assert "مسافة" not in keys and "-" not in keys  # a PIN pad: digits and delete only
    driver.tap(screen.sign_in_button)
    driver.wait_until(lambda: screen.step.value != "signing_in")
    return screen


def _body_button(driver: AppDriver, text: str) -> Any:
    """A button of this step: in its body, or its primary action in the footer."""
    screen = driver.screen()
    found = [b for b in driver.buttons(screen.ids.body) if b.text == text]
    primary = getattr(screen, "primary_button", None)
    if not found and primary is not None and primary.text == text and not primary.disabled:
        found = [primary]
    assert found, f"no {text!r} among {[b.text for b in driver.buttons()]}"
    return found[0]


def _request_certificate(driver: AppDriver) -> Any:
    """From the account's choices: the first certificate, its page, an SMS alert, confirm."""
    driver.tap(_body_button(driver, "طلب شهادة"))
    screen = driver.wait_until(lambda: driver.app.root.current == "certificate" and driver.screen())
    driver.wait_until(lambda: driver.buttons(screen.ids.body))
    driver.tap(driver.buttons(screen.ids.body)[0])  # a certificate: its page
    assert "الوثائق المطلوبة" in driver.texts()
    driver.tap(_body_button(driver, "متابعة"))
    sms = [b for b in driver.buttons(screen.ids.body) if b.text.startswith("برسالة قصيرة")]
    assert sms, [b.text for b in driver.buttons(screen.ids.body)]
    assert "612345601" not in sms[0].text  # the phone on file, masked
    # ...and kept left to right inside the Arabic line (not "01******2126+").
    assert re.search("\u2066[+][0-9*]+\u2069", sms[0].text), sms[0].text
    driver.tap(sms[0])
    driver.tap(_body_button(driver, "إرسال الطلب"))
    return screen


def test_sign_in_then_a_certificate_request_prints_its_receipt_with_a_working_qr(
    home: AppDriver, ui_server: ReferenceServer, ui_printer: SerialPrinterEmulator
) -> None:
    screen = _sign_in(home, AMINA.cin, AMINA.pin)
    assert home.screen().ids.title.text == f"مرحبا، {AMINA.display_name}"
    home.screenshot("account-menu-ar-portrait")
    request = _request_certificate(home)
    home.wait_until(lambda: request.step.value == "sent")
    number = request.result.request.request_number
    assert number in home.texts()
    assert "خذ وصلك من أسفل الشاشة." in home.texts()
    home.screenshot("certificate-sent-ar-portrait")
    # On paper: the receipt's QR leads to this request's tracking page.
    printed = ui_printer.wait_for(
        lambda decoded: any(qr.payload.endswith(number) for qr in decoded.qr_codes)
    )
    assert f"{ui_server.base_url}/r/{number}" in [qr.payload for qr in printed.qr_codes]
    # On the server: one request, this citizen's, with the SMS alert chosen.
    rows = _server_rows(
        ui_server, "SELECT citizen_id, notify_sms FROM requests WHERE request_number = ?", number
    )
    assert rows == [(AMINA.citizen_id, 1)]
    assert screen.app.context.session.citizen is not None


def test_a_wrong_pin_tells_the_attempts_left_then_the_lock_in_minutes(home: AppDriver) -> None:
    citizen = DEMO_CITIZENS[4]  # nobody else signs in as her in these tests
    screen = _sign_in(home, citizen.cin, "000000")
    texts = home.texts()
    assert "رقم البطاقة الوطنية أو الرمز السري غير صحيح." in texts
    assert "بقيت 4 محاولات قبل القفل." in texts
    assert screen.cin.value == citizen.cin and screen.pin.value == ""  # CIN kept, PIN gone
    for _ in range(4):
        home.tap(screen.pin)
        type_keys(home, "000000")
        home.tap(screen.sign_in_button)
        home.wait_until(lambda: screen.step.value != "signing_in")
    assert "محاولات خاطئة كثيرة: حاول مرة أخرى بعد 15 دقيقة." in home.texts()
    home.screenshot("account-locked-ar-portrait")
    # Locked: even the right PIN is refused now.
    home.tap(screen.pin)
    type_keys(home, citizen.pin)
    home.tap(screen.sign_in_button)
    home.wait_until(lambda: screen.step.value != "signing_in")
    assert screen.step.value == "sign_in"
    assert any(t.startswith("محاولات خاطئة كثيرة") for t in home.texts())


@contextmanager
def _server_stalled(server: ReferenceServer) -> Iterator[None]:
    """Another writer holds the server's write lock: its writes wait past the kiosk's 2 s."""
    lock = sqlite3.connect(server.db_path, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        lock.execute("ROLLBACK")
        lock.close()


def test_a_request_that_timed_out_and_is_sent_again_is_filed_once(
    home: AppDriver, ui_server: ReferenceServer
) -> None:
    _sign_in(home, AMINA.cin, AMINA.pin)
    with _server_stalled(ui_server):
        request = _request_certificate(home)
        home.wait_until(lambda: request.step.value == "not_sent", timeout=15)
        assert "حاول مرة أخرى" in [b.text for b in home.buttons()]
        key = request.prepared.idempotency_key
        home.screenshot("certificate-not-sent-ar-portrait")
    # The stalled write went through after the kiosk stopped waiting (or not); try again.
    home.tap(_body_button(home, "حاول مرة أخرى"))
    home.wait_until(lambda: request.step.value == "sent")
    assert request.prepared.idempotency_key == key
    rows = _server_rows(ui_server, "SELECT count(*) FROM requests WHERE idempotency_key = ?", key)
    assert rows == [(1,)]


def test_my_requests_online_then_as_of_when_the_server_stops(
    home: AppDriver, ui_server: ReferenceServer
) -> None:
    _sign_in(home, AMINA.cin, AMINA.pin)
    request = _request_certificate(home)
    home.wait_until(lambda: request.step.value == "sent")
    number = request.result.request.request_number
    home.tap(home.screen().ids.back)  # "done": back to the account's choices
    home.tap(_body_button(home, "طلباتي"))
    history = home.wait_until(lambda: home.app.root.current == "history" and home.screen())
    home.wait_until(lambda: history.view is not None)
    assert any(number in text for text in home.texts())
    assert "تم الإيداع" in home.texts()  # "received", translated
    home.screenshot("history-ar-portrait")
    ui_server.stop()
    try:
        home.tap(history.ids.back)
        home.tap(_body_button(home, "طلباتي"))
        home.wait_until(lambda: history.view is not None)
        texts = home.texts()
        assert any(t.startswith("لا توجد شبكة: هذه آخر قائمة معروفة، بتاريخ") for t in texts)
        assert any(number in text for text in texts)
        home.screenshot("history-as-of-ar-portrait")
    finally:
        ui_server.start()


def test_a_pre_request_made_with_the_server_stopped_is_synced_once_when_it_returns(
    home: AppDriver, ui_server: ReferenceServer, ui_printer: SerialPrinterEmulator
) -> None:
    ui_server.stop()
    try:
        screen = _sign_in(home, AMINA.cin, AMINA.pin)
        assert screen.step.value == "sign_in"
        home.tap(_body_button(home, "تقديم طلب مسبق بدون حساب"))
        pre = home.wait_until(lambda: home.app.root.current == "prerequest" and home.screen())
        home.wait_until(lambda: home.buttons(pre.ids.body))
        home.tap(home.buttons(pre.ids.body)[0])
        home.tap(pre.cin)
        type_keys(home, "CD123456")
        home.tap(pre.phone)
        type_keys(home, "0612345678")
        home.tap(pre.record_button)
        home.wait_until(lambda: pre.step.value == "saved")
        reference = pre.stored.local_reference
        assert reference.startswith("PR-") and reference in home.texts()
        assert "سيرسل إلى الإدارة بمجرد عودة الشبكة." in home.texts()
        link = f"{ui_server.base_url}/r/{reference}"
        ui_printer.wait_for(lambda decoded: link in [qr.payload for qr in decoded.qr_codes])
        home.screenshot("prerequest-saved-ar-portrait")
    finally:
        ui_server.start()
    # The sync sends it as soon as the server answers; the screen shows the server's reference.
    home.wait_until(lambda: pre.stored.server_reference, timeout=30)
    key = pre.stored.record.idempotency_key
    assert any(pre.stored.server_reference in text for text in home.texts())
    # Another full cycle after it (the server has seen everything twice): still one.
    worker = home.app.context.sync.worker
    synced = worker.snapshot().last_success_at
    worker.trigger()
    home.wait_until(lambda: worker.snapshot().last_success_at != synced, timeout=15)
    sql = "SELECT count(*) FROM pre_requests WHERE idempotency_key = ?"
    assert _server_rows(ui_server, sql, key) == [(1,)]


def _everything_shown(driver: AppDriver) -> list[str]:
    """Every text of every widget of every built screen, and of any open dialog."""
    from kivy.core.window import Window

    texts: list[str] = []
    roots = [*driver.app.screens.values(), *Window.children]
    for root in roots:
        for widget in root.walk():
            for name in ("text", "value", "hint"):
                value = getattr(widget, name, None)
                if isinstance(value, str) and value:
                    texts.append(value)
    return texts


def _traces_of(citizen: DemoCitizen) -> list[str]:
    assert citizen.phone is not None
    first, *_rest = citizen.display_name.split()
    return [citizen.cin, citizen.display_name, first, citizen.phone, citizen.phone[-9:]]


def test_inactivity_counts_down_then_signs_out_and_no_widget_keeps_the_citizen(
    home: AppDriver,
) -> None:
    _sign_in(home, AMINA.cin, AMINA.pin)
    request = _request_certificate(home)  # name, masked phone and CIN have been on screen
    home.wait_until(lambda: request.step.value == "sent")
    home.tap(home.screen().ids.back)
    home.tap(_body_button(home, "طلباتي"))
    home.wait_until(lambda: home.screen().view is not None)
    # No touch for 10 s: the question, with the seconds counting down.
    dialog = home.wait_until(lambda: home.app._still_there, timeout=15)
    assert dialog.question.text == "هل ما زلت هنا؟"
    assert dialog.countdown.text.startswith("حفاظا على خصوصيتك، سيتم تسجيل خروجك بعد")
    home.screenshot("still-there-ar-portrait")
    # Nobody answers: signed out, home, and nothing of her anywhere.
    home.wait_until(lambda: home.app.root.current == "home", timeout=10)
    home.pump(3)
    assert home.app.context.session.citizen is None
    shown = "\n".join(_everything_shown(home))
    for trace in _traces_of(AMINA):
        assert trace not in shown, f"{trace!r} still in a widget after sign-out"


def test_a_touch_during_the_countdown_keeps_the_session(home: AppDriver) -> None:
    _sign_in(home, AMINA.cin, AMINA.pin)
    dialog = home.wait_until(lambda: home.app._still_there, timeout=15)
    home.tap(dialog.stay)
    assert home.app._still_there is None
    assert home.app.root.current == "account" and home.app.context.session.citizen is not None
    home.app.go_home()  # the citizen leaves: signed out by the way home
    assert home.app.context.session.citizen is None
