"""The front desk the screens call: plain values in, records out, over a real cache and printer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kiosk.config import parse_config
from kiosk.services.front_desk import AppContext, FrontDesk
from kiosk.services.technician import GateNotConfigured


@pytest.fixture
def context(tmp_path: Path) -> AppContext:
    # A standalone kiosk (no server): everything the front desk does offline.
    config = parse_config(
        f"""
[printer]
uri = "capture:{tmp_path / "printed"}"
[cache]
path = "{tmp_path / "cache.sqlite"}"
[technician]
pin_file = "{tmp_path / "no-pin-here"}"
"""
    )
    return AppContext.from_config(config)


def test_a_ticket_is_numbered_recorded_and_printed(context: AppContext, tmp_path: Path) -> None:
    desk = context.open_front_desk()
    try:
        code = next(iter(context.catalogue)).code
        ticket, printed = desk.issue_ticket(code, "fr")
        assert ticket.service_code == code and ticket.number
        assert printed.printed
        assert list((tmp_path / "printed").iterdir())  # the job's bytes reached the printer
        # The home board counts it from the same cache.
        board = desk.home_board("fr")
        assert board.notices == [] and board.annex_name is None  # never synced
        assert {line.family for line in board.queues} <= set(context.catalogue.families)
    finally:
        desk.close()


def test_guide_pre_request_and_technician_gate_offline(context: AppContext) -> None:
    desk = context.open_front_desk()
    try:
        assert desk.search_guide("   ") == []
        assert desk.search_guide("passeport")  # the packaged guide, indexed on first search
        service = desk.offline_services()[0]
        stored, _printed = desk.create_pre_request(service.code, "AB123456", "0612345678", "fr")
        found = desk.pre_request(stored.record.idempotency_key)
        assert found is not None and found.record.service_code == service.code
        assert isinstance(desk.technician_gate_refusal(), GateNotConfigured)
        assert desk.client() is None  # no server configured: no client, no HTTP
        assert context.connectivity() is None and not context.has_server
    finally:
        desk.close()


def test_each_thread_gets_its_own_connection(context: AppContext) -> None:
    # A SQLite connection belongs to the thread that opened it: one desk per thread.
    desks: list[FrontDesk] = []

    def open_one() -> None:
        desk = context.open_front_desk()
        desk.search_guide("passeport")
        desks.append(desk)

    worker = threading.Thread(target=open_one)
    worker.start()
    worker.join()
    here = context.open_front_desk()
    try:
        here.search_guide("passeport")
        assert here.db is not desks[0].db
    finally:
        here.close()
