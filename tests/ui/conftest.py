"""The real kiosk app for the UI tests: Xvfb, the reference server, a pty printer, a cache."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.printer_emulator import SerialPrinterEmulator
from tests.support.reference_server import (
    DEMO_DEVICE_TOKEN,
    ReferenceServer,
    running_reference_server,
)
from tests.support.scanner_emulator import ScannerEmulator
from tests.support.technician import write_technician_pin
from tests.support.ui_driver import AppDriver, start_app, stop_app, virtual_screen

PORTRAIT = (1080, 1920)
# Screenshots are test artefacts: kept after the run for people (and CI) to look at.
ARTEFACTS = Path(os.environ.get("KIOSK_UI_ARTEFACTS", "/tmp/gau-kiosk-ui-artefacts"))


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("ui-server")) as server:
        yield server


@pytest.fixture(scope="session")
def ui_printer() -> Iterator[SerialPrinterEmulator]:
    printer = SerialPrinterEmulator()
    yield printer
    printer.close()


@pytest.fixture(scope="session")
def ui_scanner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScannerEmulator]:
    scanner = ScannerEmulator(tmp_path_factory.mktemp("ui-scanner") / "ttyScanner")
    yield scanner
    scanner.close()


@pytest.fixture(scope="session")
def kiosk(
    tmp_path_factory: pytest.TempPathFactory,
    ui_server: ReferenceServer,
    ui_printer: SerialPrinterEmulator,
    ui_scanner: ScannerEmulator,
) -> Iterator[AppDriver]:
    state = tmp_path_factory.mktemp("ui-kiosk")
    token = state / "device-token"
    token.write_text(DEMO_DEVICE_TOKEN + "\n")
    from kiosk.config import parse_config

    config = parse_config(
        f"""
[kiosk]
inactivity_timeout_s = 10
signout_warning_s = 5
[server]
url = "{ui_server.base_url}"
device_token_file = "{token}"
sync_interval_s = 2
read_timeout_s = 2
[printer]
uri = "{ui_printer.uri}"
profile = "generic-80"
[scanner]
uri = "{ui_scanner.link}"
[cache]
path = "{state / "cache.sqlite"}"
[technician]
pin_file = "{write_technician_pin(state)}"
"""
    )
    with virtual_screen(*PORTRAIT) as display:
        os.environ["DISPLAY"] = display
        from kiosk.ui import prepare_kivy

        prepare_kivy(state, windowed=False, size=PORTRAIT)
        from kiosk.ui.context import AppContext

        driver = start_app(AppContext.from_config(config), ARTEFACTS)
        try:
            yield driver
        finally:
            stop_app(driver)


@pytest.fixture
def home(kiosk: AppDriver, ui_printer: SerialPrinterEmulator) -> AppDriver:
    """The app on its home screen in Arabic, as a citizen finds it; the printer healthy."""
    ui_printer.state.paper_out = False
    kiosk.app.start_over()  # a new visit: default language, standard display
    kiosk.pump(3)
    return kiosk
