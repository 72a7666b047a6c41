"""`kiosk ticket`: issue via TicketService, print, JSON on stdout; a printer fault is no error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.domain.catalogue import packaged_catalogue
from offline_cache.database import open_cache
from offline_cache.guide import OVERRIDES_KEY
from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.settings import Settings
from tests.support.escpos_decoder import decode
from tests.support.kiosk_config import write_config
from tests.support.printer_emulator import SerialPrinterEmulator
from tests.support.reference_server import DEMO_DEVICE_TOKEN, ReferenceServer

REPO = Path(__file__).parents[2]


def _pending(tmp_path: Path) -> int:
    db = open_cache(tmp_path / "cache.sqlite")
    try:
        return Outbox(db).counts()[OutboxStatus.PENDING]
    finally:
        db.conn.close()


def test_list_shows_every_service_code_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, f"capture:{tmp_path / 'paper'}")
    assert main(["--config", str(config), "ticket", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    codes = [service.code for service in packaged_catalogue()]
    assert [line.split("\t")[0] for line in lines] == codes
    assert len(lines) >= 14


def test_a_ticket_is_issued_queued_printed_and_written_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, f"capture:{tmp_path / 'paper'}")
    assert main(["--config", str(config), "ticket", "residence_certificate", "--lang", "fr"]) == 0
    ticket = json.loads(capsys.readouterr().out)
    assert ticket["number"] == "A-5000" and ticket["language"] == "fr"
    assert ticket["printed"] is True and ticket["print_error"] is None
    assert _pending(tmp_path) == 1
    (job,) = (tmp_path / "paper").iterdir()
    assert "A-5000" in [run.text for run in decode(job.read_bytes()).text_runs]


def test_paper_out_still_issues_the_ticket_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    printer = SerialPrinterEmulator()
    try:
        printer.state.paper_out = True
        config = write_config(tmp_path, printer.uri)
        assert main(["--config", str(config), "ticket", "celibacy_certificate"]) == 0
        out, err = capsys.readouterr()
        printer.settle()
        assert printer.decoded().text_runs == []
    finally:
        printer.close()
    ticket = json.loads(out)
    assert ticket["number"] == "B-5000" and ticket["language"] == "ar"
    assert ticket["printed"] is False and ticket["print_error"] == "paper_out"
    assert err.count("\n") == 1 and "B-5000" in err and "not printed" in err
    assert _pending(tmp_path) == 1


def test_an_unknown_service_code_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, f"capture:{tmp_path / 'paper'}")
    assert main(["--config", str(config), "ticket", "driving_licence"]) == 2
    err = capsys.readouterr().err
    assert "driving_licence" in err and "--list" in err
    assert not (tmp_path / "paper").exists()


def test_the_installed_command_takes_the_global_config_before_the_subcommand(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path, f"capture:{tmp_path / 'paper'}")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "ticket", "indigence_certificate"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["number"] == "C-5000"


def test_render_draws_a_one_bit_png_at_the_paper_width(tmp_path: Path) -> None:
    from PIL import Image

    png = tmp_path / "ticket.png"
    config = write_config(tmp_path, f"capture:{tmp_path / 'paper'}")
    args = ["--config", str(config), "render", "ticket", "--lang", "ar", "--width", "58"]
    assert main([*args, "--png", str(png)]) == 0
    with Image.open(png) as image:
        assert image.mode == "1" and image.width == 384


def test_with_a_server_the_number_and_wait_estimate_come_from_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reference_server: ReferenceServer
) -> None:
    token = tmp_path / "device-token"
    token.write_text(DEMO_DEVICE_TOKEN, encoding="utf-8")
    paper = tmp_path / "paper"
    config = write_config(tmp_path, f"capture:{paper}", reference_server.base_url, str(token))
    assert main(["--config", str(config), "ticket", "residence_certificate", "--lang", "fr"]) == 0
    ticket = json.loads(capsys.readouterr().out)
    assert ticket["source"] == "server" and ticket["printed"] is True
    assert _pending(tmp_path) == 0  # the server already has it
    (job,) = paper.iterdir()
    text = decode(job.read_bytes()).plain_text()
    assert ticket["number"] in text and "Personnes avant vous" in text


def test_a_service_the_annex_disabled_gets_no_ticket(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"capture:{tmp_path / 'paper'}")
    db = open_cache(tmp_path / "cache.sqlite")
    Settings(db).put(
        OVERRIDES_KEY, json.dumps({"overrides": {}, "disabled": ["celibacy_certificate"]})
    )
    db.conn.close()
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "ticket", "celibacy_certificate"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "disabled at this annex" in result.stderr
    assert not (tmp_path / "paper").exists() or not list((tmp_path / "paper").iterdir())
