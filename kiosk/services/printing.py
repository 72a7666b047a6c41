"""Print tickets and receipts; a printer fault gives a result for the screen, not a lost job."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from device_drivers.document import Document
from device_drivers.errors import (
    CoverOpen,
    PaperOut,
    PrinterFault,
    PrinterOffline,
    PrinterUnavailable,
    PrinterUriError,
)
from device_drivers.printer import Printer
from device_drivers.status import PrinterStatus
from kiosk.config import Config, ConfigError
from kiosk.domain.catalogue import Catalogue
from kiosk.i18n import N_, translator
from kiosk.services.documents import (
    PaperContext,
    Receipt,
    print_test_document,
    receipt_document,
    ticket_document,
)
from offline_cache.protocol import Ticket

log = logging.getLogger(__name__)

# What the citizen reads on screen instead of a paper ticket, by kind of fault.
_FAULT_MESSAGES: dict[type[PrinterFault], str] = {
    PaperOut: N_("The printer is out of paper. Please note your number from the screen."),
    CoverOpen: N_("The printer cover is open. Please note your number from the screen."),
    PrinterOffline: N_("The printer is not working. Please note your number from the screen."),
    PrinterUnavailable: N_(
        "The printer is not available. Please note your number from the screen."
    ),
}
_FALLBACK_MESSAGE = _FAULT_MESSAGES[PrinterOffline]


@dataclass(frozen=True)
class PrintResult:
    """Whether the paper came out; if not, why (for logs) and what to tell the citizen."""

    printed: bool
    error: str | None = None
    message: str | None = None
    detail: str | None = None
    size_bytes: int = 0
    # The untranslated message, so a screen can redraw it when the citizen changes language.
    message_key: str | None = None


def printer_from_config(config: Config) -> Printer:
    """The configured printer; a URI no transport understands is a configuration error."""
    try:
        return Printer.from_uri(config.printer.uri, config.printer.profile)
    except (PrinterUriError, ValueError) as exc:
        raise ConfigError(f"printer.uri = {config.printer.uri!r}: {exc}") from exc


class PrintingService:
    """Composes and prints; each job is printed now or dropped (never queued for later)."""

    def __init__(self, printer: Printer, context: PaperContext, catalogue: Catalogue) -> None:
        self.printer = printer
        self.context = context
        self.catalogue = catalogue

    @classmethod
    def from_config(cls, config: Config, catalogue: Catalogue) -> PrintingService:
        """The service for the configured printer, annex and tracking link."""
        names = {lang: config.kiosk.annex_name_in(lang) for lang in config.kiosk.languages}
        context = PaperContext(names, config.zone, config.tracking_base)
        return cls(printer_from_config(config), context, catalogue)

    def print_ticket(self, ticket: Ticket) -> PrintResult:
        """Print a queue ticket in the language it was taken in."""
        service = self.catalogue.service(ticket.service_code)
        return self._print(ticket_document(ticket, service, self.context), ticket.language)

    def print_receipt(self, receipt: Receipt) -> PrintResult:
        """Print a request receipt in the citizen's language."""
        service = self.catalogue.service(receipt.service_code)
        return self._print(receipt_document(receipt, service, self.context), receipt.language)

    def status(self) -> PrinterStatus:
        """The printer's status now; raises PrinterFault if it cannot be reached."""
        return self.printer.status()

    def print_test_page(self) -> tuple[PrintResult, PrinterStatus | None]:
        """Print every language, a QR and the status; return the status seen (None: unreachable)."""
        status: PrinterStatus | None = None
        try:
            seen = self.printer.status()
            status, status_line = seen, f"Status: {seen.describe()}"
        except PrinterFault as fault:
            status_line = f"Status: {fault}"
        profile = self.printer.profile
        profile_line = (
            f"{profile.name}: {profile.paper_mm} mm, {profile.width_dots} dots, "
            f"QR {'native' if profile.native_qr else 'raster'}, {profile.codepage}"
        )
        document = print_test_document(status_line, profile_line, self.context)
        return self._print(document, "en"), status

    def _print(self, document: Document, language: str) -> PrintResult:
        try:
            job = self.printer.print_document(document)
        except PrinterFault as fault:
            # The job is dropped here on purpose: printed after the printer comes back,
            # it would carry a number already called or a time long past.
            log.warning("not printed (%s): %s", fault.code, fault)
            message = _FAULT_MESSAGES.get(type(fault), _FALLBACK_MESSAGE)
            return PrintResult(
                False, fault.code, translator(language)(message), str(fault), message_key=message
            )
        except Exception as exc:  # a bug in rendering must still leave the ticket on screen
            log.exception("printing failed")
            message = translator(language)(_FALLBACK_MESSAGE)
            detail = f"{type(exc).__name__}: {exc}"
            return PrintResult(
                False, "internal_error", message, detail, message_key=_FALLBACK_MESSAGE
            )
        if job.status.paper_near_end:
            log.warning("printer paper near end: change the roll soon")
        return PrintResult(True, size_bytes=job.size_bytes)
