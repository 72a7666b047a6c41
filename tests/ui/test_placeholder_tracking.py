"""With a placeholder tracking base the screen shows no QR, and says nothing about scanning one."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from kiosk.i18n import translator
from tests.support.printer_emulator import SerialPrinterEmulator
from tests.support.ui_driver import AppDriver

PLACEHOLDER = "https://gau.example.ma/suivi"


@pytest.fixture
def placeholder_base(home: AppDriver) -> Iterator[AppDriver]:
    """The app with its printed links based on a placeholder address, restored afterwards."""
    context = home.app.context
    configured = context.config
    printer = dataclasses.replace(configured.printer, tracking_url=PLACEHOLDER)
    context.config = dataclasses.replace(configured, printer=printer)
    try:
        yield home
    finally:
        context.config = configured


def _is_qr(widget: object) -> bool:
    """A QR drawn by kiosk.ui.widgets.qr (pictograms are images too, read from files)."""
    from kivy.metrics import dp
    from kivy.uix.image import Image

    from kiosk.ui.widgets.qr import QR_HEIGHT_DP

    return (
        isinstance(widget, Image)
        and widget.texture is not None
        and not widget.source
        and widget.height == dp(QR_HEIGHT_DP)
    )


def _qr_shown(kiosk: AppDriver) -> bool:
    return any(_is_qr(widget) for widget in kiosk.screen().walk())


def _take_ticket(kiosk: AppDriver) -> str:
    kiosk.tap(kiosk.screen().take_ticket)
    kiosk.wait_until(lambda: kiosk.app.root.current == "ticket")
    screen = kiosk.screen()
    kiosk.tap(kiosk.buttons(screen.ids.body)[0])
    kiosk.tap(kiosk.buttons(screen.ids.body)[0])

    def number_shown() -> str | None:
        """the ticket's number on screen"""
        ticket = screen.ticket
        return ticket.number if ticket and ticket.number in kiosk.texts() else None

    return str(kiosk.wait_until(number_shown))


def test_out_of_paper_with_a_placeholder_base_the_screen_shows_no_qr(
    placeholder_base: AppDriver, ui_printer: SerialPrinterEmulator
) -> None:
    from kiosk.ui.screens.ticket import SCAN_TICKET

    ui_printer.state.paper_out = True
    number = _take_ticket(placeholder_base)
    texts = placeholder_base.texts()
    assert number in texts
    assert "نفد الورق من الطابعة. المرجو تسجيل رقمك من الشاشة." in texts
    assert translator("ar")(SCAN_TICKET) not in texts
    assert not _qr_shown(placeholder_base)


def test_a_receipt_not_printed_with_a_placeholder_base_shows_the_reason_but_no_qr(
    placeholder_base: AppDriver,
) -> None:
    from kivy.uix.boxlayout import BoxLayout

    from kiosk.services.printing import PrintResult
    from kiosk.ui.screens.base import SCAN_RECEIPT

    paper_out = "The printer is out of paper. Please note your number from the screen."
    screen = placeholder_base.app.screen("prerequest")  # built on first use
    body = BoxLayout()
    screen.add_receipt_outcome(body, PrintResult(False, "paper_out", message_key=paper_out), "PR-1")
    texts = [getattr(widget, "text", "") for widget in body.walk()]
    assert screen.tr(paper_out) in texts
    assert screen.tr(SCAN_RECEIPT) not in texts
    assert not any(_is_qr(widget) for widget in body.walk())
    # With the real base the same outcome carries the QR: the check above can fail.
    placeholder_base.app.context.config = dataclasses.replace(
        placeholder_base.app.context.config,
        printer=dataclasses.replace(
            placeholder_base.app.context.config.printer, tracking_url="https://cau.gov.ma"
        ),
    )
    body = BoxLayout()
    screen.add_receipt_outcome(body, PrintResult(False, "paper_out", message_key=paper_out), "PR-1")
    assert any(_is_qr(widget) for widget in body.walk())
