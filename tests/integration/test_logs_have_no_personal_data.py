"""Logs give nothing away: a full run's journal holds no demo citizen's CIN, phone or name.

The end-to-end test runs the real reference server (access log on, debug level) and the kiosk
as separate processes: the `kiosk` command (ticket, sync, doctor, outbox list) and the citizen
journeys the screens call (sign-in right and wrong, locked, requests, history, status look-ups,
pre-requests made offline then synced), every process logging at DEBUG through the kiosk's
own logging setup, all their stdout and stderr collected; and the app itself (`kiosk run` on a
virtual screen), whose sync worker sends the pre-requests. The UI tests run the app inside
pytest's own process, so their taps are not among these processes: the journeys they drive
are the services run here.
"""

from __future__ import annotations

import io
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import central_server.logs as server_logs
import kiosk.logs as kiosk_logs
from central_server.demo_data import DEMO_CITIZENS
from tests.support.reference_server import DEMO_DEVICE_TOKEN, running_reference_server
from tests.support.ui_driver import virtual_screen
from tests.support.waiting import wait_until

REPO = Path(__file__).parents[2]
MASKS: list[Callable[[str], str]] = [
    kiosk_logs.mask_personal_data,
    server_logs.mask_personal_data,
]


def _national(phone: str) -> str:
    """The nine digits every way of writing a Moroccan mobile number contains."""
    return phone.removeprefix("+212")


@pytest.mark.parametrize("mask", MASKS, ids=["kiosk", "server"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cin AB123456 refused", "cin AB****56 refused"),
        ("cin=F456789,", "cin=F****89,"),
        ("'FA345678'", "'FA****78'"),
        ("short cin F12", "short cin F**"),
        ("sms to +212612345601", "sms to +212*******01"),
        ("sms to 0612345601.", "sms to 0*******01."),
        ("sms to 06 12 34 56 01", "sms to 0*******01"),
        ("sms to 00212 7 12 34 56 78", "sms to 00212*******78"),
    ],
)
def test_cin_and_phone_shapes_are_masked_alike_on_both_sides(
    mask: Callable[[str], str], text: str, expected: str
) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize("mask", MASKS, ids=["kiosk", "server"])
@pytest.mark.parametrize(
    "text",
    [
        "record 3fa85f64-5717-4562-b3fc-2c963f66afa6 set aside",
        "GET /api/v1/health 200",
        "ticket A-5000 issued, pre-request PR-3F2A9C1B, dossier PP-2026-000103",
        "timeout after 10 s on port 8080, 12 records",
        "masked already: AB****56 +212*******01",
    ],
)
def test_what_only_looks_alike_is_left_readable(mask: Callable[[str], str], text: str) -> None:
    assert mask(text) == text


def test_the_filter_masks_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(kiosk_logs.PersonalDataFilter())
    logger = logging.getLogger("tests.logs.filter")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("sign-in for %s from %s", "BK234567", "+212622345602")
        try:
            raise ValueError("bad value 'BK234567'")
        except ValueError:
            logger.exception("crashed")
        logger.warning("%d arguments for one %s", "broken")  # no "Logging error" dump
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "BK****67" in written and "+212*******02" in written and "ValueError" in written
    assert "BK234567" not in written and "622345602" not in written
    assert "unformattable log arguments" in written


def _log_one_warning(environ: dict[str, str], stderr: Path, then: str = "") -> str:
    script = (
        "import logging; from kiosk.logs import configure_logging; "
        "configure_logging(logging.INFO); "
        "logging.getLogger('offline_cache.sync').warning('server unreachable (timeout after 10 s)')"
        f"{then}"
    )
    with stderr.open("w") as target:
        subprocess.run(
            [sys.executable, "-c", script], stderr=target, env=environ, cwd=REPO, check=True
        )
    return stderr.read_text()


def test_under_journald_lines_carry_a_priority_and_no_timestamp(tmp_path: Path) -> None:
    journal = tmp_path / "journal-stream"
    journal.touch()
    status = journal.stat()
    environ = {**os.environ, "JOURNAL_STREAM": f"{status.st_dev}:{status.st_ino}"}
    line = _log_one_warning(environ, journal)
    assert line == "<4>WARNING sync: server unreachable (timeout after 10 s)\n"
    crash = "\ntry:\n    1 / 0\nexcept ZeroDivisionError:\n    logging.exception('cycle crashed')"
    lines = _log_one_warning(environ, journal, crash).splitlines()
    assert lines[1] == "<3>ERROR root: cycle crashed" and len(lines) > 3
    assert all(line.startswith("<3>") for line in lines[1:]), lines  # the traceback's too
    # Inherited by a process whose stderr goes elsewhere: that stream gets timestamps.
    elsewhere = _log_one_warning(environ, tmp_path / "redirected")
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
    assert re.fullmatch(
        rf"{stamp} WARNING sync: server unreachable \(timeout after 10 s\)\n", elsewhere
    )
    plain = {key: value for key, value in os.environ.items() if key != "JOURNAL_STREAM"}
    assert re.fullmatch(rf"{stamp} WARNING sync: .*\n", _log_one_warning(plain, journal))


# --- the end-to-end run ------------------------------------------------------------------

SERVICE = "residence_certificate"
WRONG_PIN = "000000"
PASSPORT = ("passport", "PP-2026-000103", "F456789")  # docs/api.md's demo dossier
MAX_FAILED_SIGN_INS = 5


def citizen_journeys(config_path: str) -> None:
    """What the screens do for every demo citizen, through the kiosk's services.

    Run in its own process (see the test below) with the CLI's logging at DEBUG.
    """
    from kiosk.config import load_config
    from kiosk.domain.catalogue import packaged_catalogue
    from kiosk.services.requests import RequestService
    from kiosk.services.session import SessionHolder, SignedIn
    from kiosk.services.status import StatusService
    from kiosk.services.wiring import build_client
    from offline_cache.database import open_cache

    kiosk_logs.configure_logging(logging.DEBUG)
    config = load_config(config_path)
    catalogue = packaged_catalogue()
    db = open_cache(config.cache.path)
    holder = SessionHolder(pin_length=config.kiosk.pin_length)
    with build_client(config) as client:
        online = RequestService(db, client, catalogue)
        offline = RequestService(db, None, catalogue)  # the server away: pre-requests
        status = StatusService(db, client)
        status.lookup(*PASSPORT)
        for citizen in DEMO_CITIZENS:
            holder.sign_in(client, citizen.cin, WRONG_PIN)
            holder.sign_in(client, citizen.cin.lower(), "123")  # a PIN too short: refused here
            signed_in = holder.sign_in(client, citizen.cin, citizen.pin)
            assert isinstance(signed_in, SignedIn), signed_in
            token = holder.token()
            online.history(token, citizen.citizen_id)
            prepared = online.prepare(citizen.citizen_id, SERVICE, citizen.language, True, True)
            online.submit(token, prepared)
            holder.sign_out(client)
            status.lookup("passport", "PP-2026-999999", citizen.cin)
            if citizen.phone:
                local = "0" + _national(citizen.phone)
                offline.create_pre_request(SERVICE, citizen.cin, local, citizen.language)
        last = DEMO_CITIZENS[-1]
        for _ in range(MAX_FAILED_SIGN_INS + 1):
            holder.sign_in(client, last.cin, WRONG_PIN)  # to the lock, and once past it
    db.conn.close()


def _nothing_waiting(cache: Path) -> bool:
    with sqlite3.connect(f"file:{cache}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'in_flight')"
        ).fetchone()
    return int(row[0]) == 0


def _window_shown(display: str) -> bool:
    """The app's window is on the screen (its screens are built before it is titled)."""
    windows = subprocess.run(
        ["xwininfo", "-root", "-tree", "-display", display],
        capture_output=True,
        text=True,
        check=False,
    )
    return '"GAU Kiosk"' in windows.stdout


def run_app_until_synced(kiosk: list[str], cache: Path, output: Path) -> str:
    """`kiosk run` on a virtual screen, shown and its outbox sent by its sync worker; its output."""
    with virtual_screen(540, 960) as display, output.open("w") as sink:
        app = subprocess.Popen(
            [sys.executable, *kiosk, "run", "--windowed", "--size", "540x960"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "DISPLAY": display},
            cwd=REPO,
        )
        try:
            shown = wait_until(lambda: _window_shown(display), deadline_s=120, interval_s=0.5)
            synced = wait_until(lambda: _nothing_waiting(cache), deadline_s=120, interval_s=0.5)
        finally:
            app.send_signal(signal.SIGINT)  # a technician's Ctrl+C
            try:
                app.wait(30)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait(10)
    written = output.read_text()
    assert shown and synced, written
    assert "Traceback" not in written, written
    return written


def test_a_full_run_logs_no_demo_citizens_cin_phone_or_name(tmp_path: Path) -> None:
    outputs: list[str] = []

    def run(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, *args], capture_output=True, text=True, timeout=180, cwd=REPO
        )
        assert "Traceback" not in done.stderr, done.stderr
        outputs.append(done.stdout + done.stderr)

    with running_reference_server(
        tmp_path / "server", extra_args=["--log-level", "debug"]
    ) as server:
        token = tmp_path / "device-token"
        token.write_text(DEMO_DEVICE_TOKEN + "\n")
        config = tmp_path / "kiosk.toml"
        config.write_text(
            f'[server]\nurl = "{server.base_url}"\ndevice_token_file = "{token}"\n'
            f'[printer]\nuri = "capture:{tmp_path / "paper"}"\n'
            f'[cache]\npath = "{tmp_path / "cache.sqlite"}"\n'
        )
        kiosk = ["-m", "kiosk", "--config", str(config), "-v"]
        run(*kiosk, "ticket", SERVICE)
        run("-m", __name__, str(config))  # the citizen journeys, in their own process
        run(*kiosk, "outbox", "list")
        app_log = run_app_until_synced(kiosk, tmp_path / "cache.sqlite", tmp_path / "app.log")
        outputs.append(app_log)
        run(*kiosk, "sync")
        run(*kiosk, "doctor")
        # A browser or a careless client may put anything in a query string.
        with server.client() as browser:
            browser.get("/health", params={"cin": DEMO_CITIZENS[0].cin, "phone": "0612345601"})
    server_log = server.log_path.read_text()
    logs = "\n".join([*outputs, server_log])

    # The run really happened, and logged: sign-ins refused and locked, pre-requests sent.
    assert "WARNING" in logs or "INFO" in logs
    assert "DEBUG" in logs
    assert server_log.count('"POST /api/v1/sessions HTTP/1.1" 201') == len(DEMO_CITIZENS)
    assert server_log.count('"POST /api/v1/applications/lookup HTTP/1.1"') == 13
    assert '"POST /api/v1/pre-requests/batch HTTP/1.1" 200' in server_log
    assert '"GET /api/v1/health HTTP/1.1" 200' in server_log  # its query string left out
    assert "sign-in refused: CIN locked" in logs
    assert "sign-in refused: wrong CIN or PIN" in logs
    assert "DEBUG central.client:" in app_log or "DEBUG urllib3" in app_log, app_log
    leaks = [
        f"{citizen.citizen_id}: {what}"
        for citizen in DEMO_CITIZENS
        for what, value in (
            ("CIN", citizen.cin),
            ("phone", _national(citizen.phone or "")),
            ("name", citizen.display_name),
            *(("name part", part) for part in citizen.display_name.split() if len(part) > 3),
        )
        if value and value.lower() in logs.lower()
    ]
    assert leaks == [], leaks


if __name__ == "__main__":
    citizen_journeys(sys.argv[1])
