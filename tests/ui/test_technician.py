"""Technician mode on the real app: the hidden gesture, the PIN on the pad, the report, the
test page on the printer, the scanner test, a sync, the lockout, and the way out."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.services.technician import FAILURES_KEY, LOCKED_UNTIL_KEY
from offline_cache.database import open_cache, transaction
from offline_cache.outbox import Outbox
from offline_cache.settings import Settings
from tests.support.printer_emulator import SerialPrinterEmulator
from tests.support.scanner_emulator import ScannerEmulator
from tests.support.sync_helpers import queue_pre_requests
from tests.support.technician import (
    TECHNICIAN_PIN,
    WRONG_PIN,
    open_technician_mode,
    tap_in_report,
    type_pin,
)
from tests.support.ui_driver import AppDriver

REPO = Path(__file__).parents[2]
# What the Arabic screen says (the app starts in Arabic).
TITLE_AR = "وضع التقني"
PRINTER_READY_AR = "الطابعة جاهزة"
PAPER_OUT_AR = "نفد الورق من الطابعة"
TEST_PRINTED_AR = "تم طبع صفحة الاختبار."
TEST_NOT_PRINTED_AR = "لم يتم طبع صفحة الاختبار."
REACHABLE_AR = "الخادم متاح"
DEVICE_ACCEPTED_AR = "مفتاح التعريف مقبول"
PRINT_TEST_AR = "اطبع صفحة اختبار"
SYNC_NOW_AR = "زامن الآن"
EXIT_AR = "خروج إلى سطح المكتب"


def _gate_state(kiosk: AppDriver, clear: bool = False) -> tuple[str | None, str | None]:
    """The wrong-PIN count and the lock the gate keeps in the app's cache (cleared if asked)."""
    db = open_cache(kiosk.app.context.config.cache.path)
    try:
        settings = Settings(db)
        if clear:
            with transaction(db):
                settings.put(FAILURES_KEY, "0")
                settings.put(LOCKED_UNTIL_KEY, "")
        return settings.get(FAILURES_KEY), settings.get(LOCKED_UNTIL_KEY)
    finally:
        db.conn.close()


@pytest.fixture
def technician(home: AppDriver) -> Iterator[AppDriver]:
    """Home, with the technician gate unlocked before and after (the cache is the session's)."""
    _gate_state(home, clear=True)
    try:
        yield home
    finally:
        _gate_state(home, clear=True)
        home.app.go_home()
        home.pump(2)


def _report(driver: AppDriver) -> object:
    """Type the right PIN; the screen once its report is shown."""
    type_pin(driver, TECHNICIAN_PIN)
    screen = driver.screen()
    driver.wait_until(lambda: screen.report is not None and not screen.syncing)
    return screen


def test_five_taps_and_the_pin_open_the_report_with_the_real_devices(
    technician: AppDriver, ui_printer: SerialPrinterEmulator
) -> None:
    home = technician.screen()
    assert TITLE_AR not in technician.texts()  # nothing on home hints at it
    # Four taps are not enough, nor a fifth that comes more than three seconds later.
    for _ in range(4):
        technician.tap(home.ids.annex)
    assert technician.app.root.current == "home"
    deadline = time.monotonic() + 3.2  # the four taps grow older than three seconds
    while time.monotonic() < deadline:
        technician.pump(1)
    technician.tap(home.ids.annex)
    assert technician.app.root.current == "home"
    for _ in range(4):  # with the one before, five taps within three seconds
        technician.tap(home.ids.annex)
    technician.wait_until(lambda: technician.app.root.current == "technician")
    screen = technician.screen()
    assert screen.ids.title.text == TITLE_AR
    assert screen.keyboard.layout == "pin"
    technician.tap(screen.pin)
    for digit in TECHNICIAN_PIN[:3]:
        technician.tap(technician.button(digit))
    assert screen.pin.text == "•••"  # masked: nobody behind reads it
    assert TECHNICIAN_PIN[:3] not in technician.texts()
    for _ in range(3):
        technician.tap(technician.button("مسح"))  # Delete
    screen = _report(technician)
    texts = technician.texts()
    # The printer emulator answers its status: ready. The reference server: up, key accepted.
    assert PRINTER_READY_AR in texts
    assert any(ui_printer.uri in t for t in texts)
    assert REACHABLE_AR in texts and DEVICE_ACCEPTED_AR in texts
    config = technician.app.context.config
    assert f"معرف الجهاز: {config.kiosk.id}" in texts
    assert any(t.startswith("الإصدار: ") for t in texts)
    assert any(t.startswith("آخر مزامنة: ") for t in texts)
    assert EXIT_AR in texts
    technician.screenshot("technician-report-ar-portrait")
    # The emulator runs out of paper: "sync now" reads the report again, which says so.
    ui_printer.state.paper_out = True
    tap_in_report(technician, technician.button(SYNC_NOW_AR))
    technician.wait_until(lambda: PAPER_OUT_AR in technician.texts())
    # Back leaves technician mode; the screen forgot the PIN and emptied its widgets.
    technician.tap(screen.ids.back)
    assert technician.app.root.current == "home"
    assert screen.pin.value == "" and screen.report is None
    assert not screen.ids.body.children and not screen.ids.footer.children


def test_the_test_page_reaches_the_printer_or_says_why_not(
    technician: AppDriver, ui_printer: SerialPrinterEmulator
) -> None:
    open_technician_mode(technician)
    screen = _report(technician)
    ui_printer.state.paper_out = True
    tap_in_report(technician, technician.button(PRINT_TEST_AR))
    technician.wait_until(lambda: TEST_NOT_PRINTED_AR in technician.texts())
    assert PAPER_OUT_AR in technician.texts()
    ui_printer.state.paper_out = False
    ui_printer.clear()
    tap_in_report(technician, screen.test_button)
    technician.wait_until(lambda: TEST_PRINTED_AR in technician.texts())
    # The page `kiosk print-test` prints: the big sample number, the printer's status line.
    page = ui_printer.wait_for(lambda decoded: "A-000" in decoded.plain_text())
    assert "Status: online" in page.plain_text()
    assert page.cuts >= 1


def test_the_scanner_test_shows_the_last_code_read(
    technician: AppDriver, ui_scanner: ScannerEmulator
) -> None:
    open_technician_mode(technician)
    _report(technician)
    texts = technician.texts()
    assert any(t.startswith("الماسح الضوئي مضبوط: ") for t in texts)
    assert "امسح أي رمز لاختبار الماسح الضوئي." in texts
    ui_scanner.scan("4006381333931")  # a shop's barcode: no journey wants it, the test does
    technician.wait_until(lambda: "آخر رمز مقروء: 4006381333931" in technician.texts())
    assert "رمز آخر" in technician.texts()
    ui_scanner.scan("PP-2026-000101")
    technician.wait_until(lambda: "آخر رمز مقروء: PP-2026-000101" in technician.texts())
    assert "ملف جواز السفر" in technician.texts()
    assert technician.app.root.current == "technician"  # a dossier code opened no look-up


def test_a_record_the_server_refuses_is_listed_without_its_personal_data(
    technician: AppDriver,
) -> None:
    open_technician_mode(technician)
    screen = _report(technician)
    assert "لم يرفض الخادم أي سجل" in technician.texts()
    db = open_cache(technician.app.context.config.cache.path)
    try:
        (refused,) = queue_pre_requests(db, 1, service_code="no_such_service")
        row = Outbox(db).get(refused)
        assert row is not None
        cin, phone = row.payload["cin"], row.payload["phone"]
        tap_in_report(technician, technician.button(SYNC_NOW_AR))  # the sync sends it now
        technician.wait_until(lambda: "سجل واحد رفضه الخادم" in technician.texts())
        texts = technician.texts()
        assert any(t.startswith("طلب مسبق · ") for t in texts)  # kind and date
        assert "السبب: unknown_service" in texts
        shown = "\n".join(texts)
        assert cin not in shown and phone not in shown and refused not in shown
        assert screen.report is not None and screen.report.outbox_failed == 1
        technician.screenshot("technician-refused-record-ar-portrait")
    finally:
        with transaction(db):
            db.conn.execute("DELETE FROM pre_requests WHERE idempotency_key = ?", (refused,))
            db.conn.execute("DELETE FROM outbox WHERE idempotency_key = ?", (refused,))
        db.conn.close()


def test_five_wrong_pins_lock_technician_mode_even_for_the_right_pin(
    technician: AppDriver,
) -> None:
    screen = open_technician_mode(technician)
    for left in (4, 3, 2):
        type_pin(technician, WRONG_PIN)
        technician.wait_until(lambda: screen.refusal is not None)
        shown = {4: "بقيت 4 محاولات", 3: "بقيت 3 محاولات", 2: "بقيت محاولتان"}[left]
        assert f"الرمز السري خاطئ: {shown}" in technician.texts()
        assert screen.pin.value == ""  # forgotten as soon as it was checked
    type_pin(technician, WRONG_PIN)
    technician.wait_until(lambda: "بقيت محاولة واحدة" in " ".join(technician.texts()))
    type_pin(technician, WRONG_PIN)
    locked = "رموز سرية خاطئة كثيرة: وضع التقني مقفل. أعد المحاولة بعد 15 دقيقة"
    technician.wait_until(lambda: locked in technician.texts())
    technician.screenshot("technician-locked-ar-portrait")
    # Locked: the right PIN is refused as well, and no report is read.
    type_pin(technician, TECHNICIAN_PIN)
    technician.wait_until(lambda: locked in technician.texts())
    assert screen.report is None and screen.step.value == "pin"
    # The lock is kept in the cache: opening technician mode again says so before any typing.
    technician.app.go_home()
    technician.pump(2)
    open_technician_mode(technician)
    technician.wait_until(lambda: locked in technician.texts())
    failures, until = _gate_state(technician)
    assert until and failures == "0"
    # In French, the minutes take the French plural.
    technician.tap(technician.button("Français"))
    assert any(
        re.fullmatch(r"Trop de codes erronés : .* encore 1[45] minutes", t)
        for t in technician.texts()
    )


def test_only_technician_mode_can_close_the_app() -> None:
    # Nothing else in the app stops it: one `app.stop()` in kiosk/ui, in technician mode.
    exits = re.compile(r"\bapp\.stop\(|\bself\.stop\(|stopTouchApp|sys\.exit|os\._exit")
    found = [
        f"{path.relative_to(REPO)}: {line.strip()}"
        for path in sorted((REPO / "kiosk" / "ui").rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if exits.search(line)
    ]
    assert found == ["kiosk/ui/screens/technician.py: self.app.stop()"]


def test_exit_to_the_desktop_stops_a_running_kiosk() -> None:
    # A kiosk of its own in a child process (the session's app must keep running): the
    # technician opens the mode by touches and taps "Exit to the desktop"; the child exits 0
    # only if the app left its event loop, which is what ends `kiosk run`.
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.technician"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "the app stopped: App.run() returned" in result.stderr
