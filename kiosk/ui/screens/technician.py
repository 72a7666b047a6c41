"""Technician mode: the technician PIN, then the kiosk's state, tests, sync and the way out.

Opened by the hidden gesture on the home screen (five quick taps on the annex's name).
This is the only screen from which the app may be closed.
"""

from __future__ import annotations

import logging
from enum import Enum
from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.factory import Factory
from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import N_, NP_, ltr_run, plural_translator
from kiosk.services.connectivity import ServerState
from kiosk.services.doctor import PrinterCheck
from kiosk.services.faults import message_key
from kiosk.services.printing import PrintResult
from kiosk.services.records import (
    EMBEDDED_DEFAULTS,
    ConnectivityState,
    OutboxKind,
    PrinterStatus,
    parse_iso,
)
from kiosk.services.scanning import CodeKind
from kiosk.services.technician import (
    PIN_MAX_DIGITS,
    GateAccepted,
    GateLocked,
    GateNotConfigured,
    GateOutcome,
    GateWrongPin,
    PinFileProblem,
)
from kiosk.services.technician_report import TechnicianReport
from kiosk.ui.screens.base import BACK, DONE, JourneyScreen, landscape
from kiosk.ui.screens.status import SCREEN_TIME_FORMAT
from kiosk.ui.widgets.keyboard import TextField

log = logging.getLogger(__name__)

TITLE = N_("Technician mode")
PIN_HINT = N_("Technician PIN")
OPEN = N_("Open")
CHECKING = N_("Checking the PIN…")
WRONG_PIN = NP_("Wrong PIN: {count} attempt left", "Wrong PIN: {count} attempts left")
LOCKED = NP_(
    "Too many wrong PINs: technician mode is locked for {count} more minute",
    "Too many wrong PINs: technician mode is locked for {count} more minutes",
)
NEVER_SET = N_(
    "No technician PIN was ever set on this kiosk. "
    "Run 'kiosk technician set-pin' on the kiosk's console, then try again."
)
UNREADABLE = N_(
    "The technician PIN file cannot be read. "
    "Set the PIN again with 'kiosk technician set-pin' on the kiosk's console."
)
LOADING = N_("Reading the kiosk's state…")

PRINTER = N_("Printer")
PRINTER_READY = N_("Printer ready")
PRINTER_NEAR_END = N_("Printer ready, but the paper roll is nearly used up")
PRINTER_UNKNOWN = N_("This printer link cannot report a status: print a test page to check it")
PRINTER_FAULTS = {
    "paper_out": N_("Printer out of paper"),
    "cover_open": N_("Printer cover open"),
    "offline": N_("Printer offline or in error"),
    "unavailable": N_("Printer not reachable"),
    "config": N_("The printer's address in the configuration is not valid"),
}
PRINTER_FAULT = N_("The printer cannot print")
PRINT_TEST = N_("Print a test page")
PRINTING_TEST = N_("Printing the test page…")
TEST_PRINTED = N_("Test page printed.")
TEST_NOT_PRINTED = N_("Test page not printed.")

SCANNER = N_("Scanner")
SCANNER_CONFIGURED = N_("Scanner configured: {uri}")
NO_SCANNER = N_("No scanner configured")
SCAN_TO_TEST = N_("Scan any code to test the scanner.")
LAST_CODE = N_("Last code read: {code}")
CODE_KINDS = {
    CodeKind.CAU_CARD: N_("CAU card"),
    CodeKind.PASSPORT_DOSSIER: N_("Passport dossier"),
    CodeKind.FIREARM_DOSSIER: N_("Firearm-licence dossier"),
    CodeKind.UNKNOWN: N_("Other code"),
}

SERVER = N_("Central server")
NO_SERVER = N_("No central server configured: this kiosk works on its own.")
REACHABLE = N_("Server reachable")
UNREACHABLE = N_("Server not reachable")
DEVICE_ACCEPTED = N_("Device key accepted")
DEVICE_REFUSED = N_("Device key refused by the server")
NO_DEVICE_KEY = N_("No valid device key on this kiosk")
DEVICE_NOT_CHECKED = N_("Device key not checked")
CLOCK_SKEW = N_("The kiosk's clock differs from the server's: check the date and time")
LAST_SYNC = N_("Last synchronisation: {moment}")
NEVER_SYNCED = N_("Never synchronised")
PENDING = NP_("{count} record waiting to be sent", "{count} records waiting to be sent")
FAILED = NP_("{count} record refused by the server", "{count} records refused by the server")
OLDEST_LISTED = NP_("Only the oldest is listed", "Only the oldest {count} are listed")
REASON = N_("Reason: {reason}")
RECORD_KINDS: dict[str, str] = {
    OutboxKind.TICKET: N_("Queue ticket"),
    OutboxKind.PRE_REQUEST: N_("Pre-request"),
}
SYNC_NOW = N_("Sync now")
SYNCING = N_("Synchronising…")

THIS_KIOSK = N_("This kiosk")
VERSION = N_("Version: {version}")
KIOSK_ID = N_("Kiosk identifier: {kiosk_id}")
CONFIG_FILE = N_("Configuration file: {path}")
NO_CONFIG_FILE = N_("No configuration file: built-in defaults")
EXIT = N_("Exit to the desktop")

# After "sync now": refresh when the sync worker publishes a finished cycle, or after this.
SYNC_WAIT_S = 5.0
SYNC_POLL_S = 0.25


class Step(Enum):
    """Where the technician is."""

    PIN = "pin"
    CHECKING = "checking"
    REPORT = "report"


class TechnicianScreen(JourneyScreen):
    """PIN (masked, on the digit pad) → the report, a test page, a sync, the exit."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pin = TextField(masked=True, layouts=("pin",), max_length=PIN_MAX_DIGITS)
        self.pin.bind(on_release=lambda field: self.show_keyboard(field))
        self.open_button = self.primary_button  # the footer's, on the PIN step
        self.refusal: GateOutcome | None = None
        self.fault: str | None = None
        self._pin_message: Any = None
        self._pin_row: Any = None
        self._sync_poll: ClockEvent | None = None
        self._drawn_step: Step | None = None
        self.test_button: Any = None
        self.sync_button: Any = None
        self._forget()

    def _forget(self) -> None:
        self._cancel_sync_poll()
        self.forget_jobs()  # answers the worker gives after this are dropped
        self.step = Step.PIN
        self.refusal = None
        self.fault = None
        self.report: TechnicianReport | None = None
        self.test_print: PrintResult | None = None
        self.test_printing = False
        self.syncing = False
        self.last_scan: tuple[str, str] | None = None
        self.pin.value = ""

    # --- journey ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the PIN and everything the report showed; empty the widgets."""
        self._forget()
        self.clear_drawing()
        self._top_of_page()

    def dispose(self) -> None:
        self._cancel_sync_poll()
        super().dispose()

    def go_back(self) -> None:
        """Back (or done) leaves technician mode for the home screen."""
        self.app.go_home()

    def on_pre_enter(self, *_args: Any) -> None:
        """Opened: say at once if technician mode is locked or has no PIN, before any typing."""
        if self.step is not Step.PIN or self.refusal is not None:
            return

        def probed(found: GateOutcome | None) -> None:
            if found is not None and self.step is Step.PIN:
                self.refusal = found
                self.refresh_texts()

        def unprobed(error: BaseException) -> None:
            # Only a head start: checking the PIN asks the gate again and says what fails.
            log.warning("technician gate not probed: %s", type(error).__name__)

        self.run_job(lambda desk: desk.technician_gate_refusal(), probed, unprobed)

    def check_pin(self) -> None:
        """Check what was typed on the worker; the PIN is forgotten as soon as it is sent."""
        pin, self.pin.value = self.pin.value, ""
        if not pin:
            return
        self.step, self.refusal, self.fault = Step.CHECKING, None, None
        self.refresh_texts()
        self.run_job(lambda desk: desk.check_technician_pin(pin), self._checked, self._pin_fault)

    def _checked(self, outcome: GateOutcome) -> None:
        if isinstance(outcome, GateAccepted):
            self.step = Step.REPORT
            self.load_report()
        else:
            self.step, self.refusal = Step.PIN, outcome
        self.refresh_texts()

    def _pin_fault(self, error: BaseException) -> None:
        self.step, self.fault = Step.PIN, message_key(error)
        self.refresh_texts()

    def load_report(self) -> None:
        """Ask the printer, the server and the cache on the worker (the old report stays shown)."""
        self.run_job(lambda desk: desk.technician_report(), self._report_loaded, self._report_fault)

    def _report_loaded(self, report: TechnicianReport) -> None:
        self.report, self.fault, self.syncing = report, None, False
        self.refresh_texts()

    def _report_fault(self, error: BaseException) -> None:
        self.fault, self.syncing = message_key(error), False
        self.refresh_texts()

    def print_test_page(self) -> None:
        """The test page every kiosk prints (`kiosk print-test`), on the worker."""
        self.test_printing, self.test_print = True, None
        self.refresh_texts()
        self.run_job(lambda desk: desk.print_test_page(), self._test_printed, self._test_fault)

    def _test_printed(self, outcome: tuple[PrintResult, PrinterStatus | None]) -> None:
        self.test_printing, self.test_print = False, outcome[0]
        self.refresh_texts()

    def _test_fault(self, error: BaseException) -> None:
        detail = f"{type(error).__name__}: {error}"
        self._test_printed((PrintResult(False, "internal_error", detail=detail), None))

    def sync_now(self) -> None:
        """Wake the sync worker; read the report again once its cycle is done (or soon anyway)."""
        context = self.app.context
        before = context.connectivity()
        if before is None or self.syncing:
            return
        context.sync_now()
        self.syncing = True
        self.refresh_texts()
        started = Clock.get_time()

        def poll(_dt: float) -> bool:
            now = context.connectivity()
            finished = now is not before and (
                now.state is not ConnectivityState.ONLINE
                or before.last_success_at is None
                or (
                    now.last_success_at is not None and now.last_success_at > before.last_success_at
                )
            )
            if finished or Clock.get_time() - started >= SYNC_WAIT_S:
                self._sync_poll = None
                self.load_report()
                return False
            return True

        self._cancel_sync_poll()
        self._sync_poll = Clock.schedule_interval(poll, SYNC_POLL_S)

    def _cancel_sync_poll(self) -> None:
        if self._sync_poll is not None:
            self._sync_poll.cancel()
            self._sync_poll = None

    def exit_to_desktop(self) -> None:
        """Close the app: the only way out of the kiosk, and only from here."""
        log.warning("technician mode: exit to the desktop")
        self.app.stop()

    def on_scan(self, kind: str, value: str) -> None:
        """The scanner test: show the code just read (only once the PIN was accepted)."""
        if self.step is Step.REPORT:
            self.last_scan = (kind, value)
            self.refresh_texts()

    def on_typed(self) -> None:
        if self.step is Step.PIN:
            self.open_button.disabled = not self.pin.value

    # --- drawing ---------------------------------------------------------------------------

    def _top_of_page(self) -> None:
        # A page drawn after a scrolled one starts at its top; a stale position would leave
        # the scroll view springing past the end of the new page.
        self.ids.scroll.scroll_y = 1
        self._drawn_step = None

    def refresh_texts(self) -> None:
        if self.step is not self._drawn_step:
            self._top_of_page()
            self._drawn_step = self.step
        self.arrange_frame(DONE if self.step is Step.REPORT else BACK)
        self.ids.title.text = self.tr(CHECKING if self.step is Step.CHECKING else TITLE)
        self.ids.body.clear_widgets()
        self.show_keyboard(None)
        if self.step is Step.PIN:
            self._draw_pin()
        elif self.step is Step.REPORT:
            self._draw_report(self.ids.body)

    def _draw_pin(self) -> None:
        self.pin.hint = self.tr(PIN_HINT)
        self.set_primary(self.tr(OPEN), self.check_pin, enabled=bool(self.pin.value))
        if isinstance(self.refusal, GateNotConfigured):
            # Typing cannot help until the PIN is set on the console.
            self.ids.body.add_widget(Factory.AlertLabel(text=self._refusal_text()))
            return
        self._place_pin_widgets()
        self.show_keyboard(self.pin)

    def _place_pin_widgets(self) -> None:
        body = self.ids.body
        for widget in (self.pin, self._pin_message, self._pin_row):
            if widget is not None and widget.parent is not None:
                widget.parent.remove_widget(widget)
        message = self._refusal_text()
        self._pin_message = Factory.AlertLabel(text=message) if message else None
        # The button is the footer's primary action: the body has the field and the message.
        if landscape() and self._pin_message is not None:
            # One line: the field, then the message, level with it (taller if it wraps).
            row = BoxLayout(spacing=body.spacing, size_hint_y=None, height=self.pin.height)
            self._pin_message.size_hint_y = 1
            self._pin_message.bind(
                texture_size=lambda _label, size: setattr(
                    row, "height", max(self.pin.height, size[1] + dp(12))
                )
            )
            self.order_for_reading(row, self.pin, self._pin_message)
            self._pin_row = row
            body.add_widget(row)
        else:
            self._pin_row = None
            if self._pin_message is not None:
                body.add_widget(self._pin_message)
            body.add_widget(self.pin)

    def _refusal_text(self) -> str:
        plural = plural_translator(self.app.lang)
        refusal = self.refusal
        if isinstance(refusal, GateWrongPin):
            count = refusal.attempts_left
            return plural(WRONG_PIN, count).format(count=count)
        if isinstance(refusal, GateLocked):
            count = refusal.minutes_left
            return plural(LOCKED, count).format(count=count)
        if isinstance(refusal, GateNotConfigured):
            never = refusal.problem in (PinFileProblem.NOT_SET, PinFileProblem.MISSING)
            return self.tr(NEVER_SET if never else UNREADABLE)
        return self.tr(self.fault) if self.fault else ""

    def _draw_report(self, body: Any) -> None:
        report = self.report
        if self.fault:
            body.add_widget(Factory.AlertLabel(text=self.tr(self.fault)))
        if report is None:
            body.add_widget(Factory.KioskLabel(text=self.tr(LOADING)))
            return
        self._draw_printer(body, report.printer)
        self._draw_scanner(body, report)
        self._draw_server(body, report)
        self._draw_kiosk(body, report)
        leave = Factory.ExitButton(text=self.tr(EXIT))
        leave.bind(on_release=lambda _b: self.exit_to_desktop())
        body.add_widget(leave)

    def _section(self, body: Any, heading: str) -> Any:
        section = Factory.ReportSection()
        section.add_widget(Factory.SectionLabel(text=self.tr(heading)))
        body.add_widget(section)
        return section

    def _draw_printer(self, body: Any, printer: PrinterCheck) -> None:
        section = self._section(body, PRINTER)
        if printer.ok:
            status = printer.status
            if status is not None and not status.known:
                line = PRINTER_UNKNOWN
            elif status is not None and status.paper_near_end:
                line = PRINTER_NEAR_END
            else:
                line = PRINTER_READY
            section.add_widget(Factory.KioskLabel(text=self.tr(line)))
        else:
            fault = PRINTER_FAULTS.get(printer.fault or "", PRINTER_FAULT)
            section.add_widget(Factory.AlertLabel(text=self.tr(fault)))
        section.add_widget(Factory.MutedLabel(text=printer.detail))
        test = Factory.BigButton(text=self.tr(PRINT_TEST), disabled=self.test_printing)
        test.bind(on_release=lambda _b: self.print_test_page())
        section.add_widget(test)
        self.test_button = test
        if self.test_printing:
            section.add_widget(Factory.KioskLabel(text=self.tr(PRINTING_TEST)))
        elif self.test_print is not None:
            result = self.test_print
            if result.printed:
                section.add_widget(Factory.KioskLabel(text=self.tr(TEST_PRINTED)))
            else:
                section.add_widget(Factory.AlertLabel(text=self.tr(TEST_NOT_PRINTED)))
                fault = PRINTER_FAULTS.get(result.error or "", PRINTER_FAULT)
                section.add_widget(Factory.AlertLabel(text=self.tr(fault)))
                if result.detail:
                    section.add_widget(Factory.MutedLabel(text=result.detail))

    def _draw_scanner(self, body: Any, report: TechnicianReport) -> None:
        section = self._section(body, SCANNER)
        if not report.scanner_uri:
            section.add_widget(Factory.KioskLabel(text=self.tr(NO_SCANNER)))
            return
        configured = self.tr(SCANNER_CONFIGURED).format(uri=ltr_run(report.scanner_uri))
        section.add_widget(Factory.KioskLabel(text=configured))
        if self.last_scan is None:
            section.add_widget(Factory.MutedLabel(text=self.tr(SCAN_TO_TEST)))
            return
        kind, value = self.last_scan
        section.add_widget(Factory.KioskLabel(text=self.tr(LAST_CODE).format(code=ltr_run(value))))
        name = CODE_KINDS.get(CodeKind(kind), CODE_KINDS[CodeKind.UNKNOWN])
        section.add_widget(Factory.MutedLabel(text=self.tr(name)))

    def _draw_server(self, body: Any, report: TechnicianReport) -> None:
        section = self._section(body, SERVER)
        server = report.server
        if server.state is ServerState.NOT_CONFIGURED:
            section.add_widget(Factory.KioskLabel(text=self.tr(NO_SERVER)))
        else:
            reachable = server.reachable
            line = Factory.KioskLabel if reachable else Factory.AlertLabel
            section.add_widget(line(text=self.tr(REACHABLE if reachable else UNREACHABLE)))
            if server.device_accepted:
                section.add_widget(Factory.KioskLabel(text=self.tr(DEVICE_ACCEPTED)))
            else:
                device = {
                    ServerState.DEVICE_REFUSED: DEVICE_REFUSED,
                    ServerState.NO_DEVICE_TOKEN: NO_DEVICE_KEY,
                }.get(server.state, DEVICE_NOT_CHECKED)
                section.add_widget(Factory.AlertLabel(text=self.tr(device)))
            if server.state is ServerState.CLOCK_SKEW:
                section.add_widget(Factory.AlertLabel(text=self.tr(CLOCK_SKEW)))
            section.add_widget(Factory.MutedLabel(text=server.detail))
        self._draw_sync(section, report)

    def _draw_sync(self, section: Any, report: TechnicianReport) -> None:
        zone = self.app.context.config.zone
        plural = plural_translator(self.app.lang)
        if report.last_sync is None:
            section.add_widget(Factory.KioskLabel(text=self.tr(NEVER_SYNCED)))
        else:
            moment = report.last_sync.astimezone(zone).strftime(SCREEN_TIME_FORMAT)
            section.add_widget(Factory.KioskLabel(text=self.tr(LAST_SYNC).format(moment=moment)))
        pending, failed = report.outbox_pending, report.outbox_failed
        section.add_widget(Factory.KioskLabel(text=plural(PENDING, pending).format(count=pending)))
        failed_line = Factory.AlertLabel if failed else Factory.KioskLabel
        section.add_widget(failed_line(text=plural(FAILED, failed).format(count=failed)))
        for record in report.failed_records:
            kind = RECORD_KINDS.get(record.kind)
            created = parse_iso(record.created_at).astimezone(zone).strftime(SCREEN_TIME_FORMAT)
            row = Factory.FailedRecordRow()
            row.ids.what.text = f"{self.tr(kind) if kind else record.kind} · {created}"
            row.ids.why.text = self.tr(REASON).format(reason=record.reason or "?")
            section.add_widget(row)
        listed = len(report.failed_records)
        if failed > listed:
            section.add_widget(
                Factory.MutedLabel(text=plural(OLDEST_LISTED, listed).format(count=listed))
            )
        sync = Factory.BigButton(
            text=self.tr(SYNC_NOW), disabled=self.syncing or not self.app.context.has_server
        )
        sync.bind(on_release=lambda _b: self.sync_now())
        section.add_widget(sync)
        self.sync_button = sync
        if self.syncing:
            section.add_widget(Factory.KioskLabel(text=self.tr(SYNCING)))

    def _draw_kiosk(self, body: Any, report: TechnicianReport) -> None:
        section = self._section(body, THIS_KIOSK)
        section.add_widget(
            Factory.KioskLabel(text=self.tr(VERSION).format(version=ltr_run(report.version)))
        )
        section.add_widget(
            Factory.KioskLabel(text=self.tr(KIOSK_ID).format(kiosk_id=ltr_run(report.kiosk_id)))
        )
        if report.config_path == EMBEDDED_DEFAULTS:
            path = self.tr(NO_CONFIG_FILE)
        else:
            path = self.tr(CONFIG_FILE).format(path=ltr_run(report.config_path))
        section.add_widget(Factory.KioskLabel(text=path))
