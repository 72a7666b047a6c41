"""Reference server: online ticket numbers, leased blocks, offline ticket uploads."""

from __future__ import annotations

import itertools
import math
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx
import pytest

from central_server.db import Database
from central_server.tickets import allocate_ticket, lease_block
from tests.support.reference_server import (
    DEMO_DEVICE_TOKEN_2,
    ReferenceServer,
    running_reference_server,
)
from tests.support.ticket_requests import casablanca_today, offline_ticket, take_ticket


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("tickets")) as running:
        yield running


@pytest.fixture
def api(server: ReferenceServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def test_each_family_has_its_own_sequence_starting_at_one(api: httpx.Client) -> None:
    d_tickets = [take_ticket(api, "D").json() for _ in range(3)]
    e_ticket = take_ticket(api, "E").json()
    assert [ticket["seq"] for ticket in d_tickets] == [1, 2, 3]
    assert [ticket["number"] for ticket in d_tickets] == ["D-001", "D-002", "D-003"]
    assert (e_ticket["number"], e_ticket["seq"], e_ticket["family"]) == ("E-001", 1, "E")
    assert {ticket["business_day"] for ticket in [*d_tickets, e_ticket]} == {casablanca_today()}


def test_a_replayed_ticket_key_returns_the_same_ticket(api: httpx.Client) -> None:
    key = str(uuid.uuid4())
    first = take_ticket(api, "G", key)
    again = take_ticket(api, "G", key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert take_ticket(api, "G").json()["seq"] == first.json()["seq"] + 1


def test_people_ahead_and_wait_follow_the_queue_stats(api: httpx.Client) -> None:
    before = {item["family"]: item for item in api.get("/queue-stats").json()["families"]}
    ticket = take_ticket(api, "B").json()
    queue = before["B"]
    assert ticket["people_ahead"] == queue["waiting"]
    assert ticket["estimated_wait_s"] == math.ceil(
        queue["waiting"] * queue["avg_handling_s"] / queue["open_counters"]
    )
    after = {item["family"]: item for item in api.get("/queue-stats").json()["families"]}
    assert after["B"]["waiting"] == queue["waiting"] + 1
    # Family F has no open counter: the wait is unknown.
    assert take_ticket(api, "F").json()["estimated_wait_s"] is None


def test_blocks_and_online_numbers_never_overlap_even_concurrently(
    server: ReferenceServer,
) -> None:
    def kiosk_work(index: int) -> list[tuple[int, int]]:
        token = None if index % 2 == 0 else DEMO_DEVICE_TOKEN_2
        with server.client(token) if token else server.client() as client:
            ranges = []
            for step in range(4):
                if step % 2 == 0:
                    block = client.post("/ticket-blocks", json={"family": "K", "size": 10 + index})
                    assert block.status_code == 201
                    body = block.json()
                    assert body["business_day"] == casablanca_today()
                    ranges.append((body["start"], body["end"]))
                else:
                    seq = take_ticket(client, "K").json()["seq"]
                    ranges.append((seq, seq))
            return ranges

    with ThreadPoolExecutor(max_workers=6) as pool:
        ranges = sorted(r for result in pool.map(kiosk_work, range(6)) for r in result)
    assert ranges[0][0] == 1
    for (_, previous_end), (start, _) in itertools.pairwise(ranges):
        assert start == previous_end + 1  # disjoint and without gaps
    block_sizes = sorted(end - start + 1 for start, end in ranges if end > start)
    assert block_sizes == sorted(10 + index for index in range(6) for _ in range(2))


@pytest.mark.parametrize("size", [9, 501, "20"])
def test_block_size_outside_10_to_500_is_a_422(api: httpx.Client, size: object) -> None:
    assert api.post("/ticket-blocks", json={"family": "A", "size": size}).status_code == 422


@pytest.mark.parametrize("family", ["a", "AB", "", "1"])
def test_family_must_be_one_capital_letter(api: httpx.Client, family: str) -> None:
    assert take_ticket(api, family).status_code == 422


def test_offline_batch_dedupes_and_checks_numbers_against_the_block(api: httpx.Client) -> None:
    block = api.post("/ticket-blocks", json={"family": "C", "size": 10}).json()
    start, block_id = block["start"], block["block_id"]
    first = offline_ticket("C", start, block_id)
    items = [
        first,
        offline_ticket("C", start + 1, block_id),
        first,  # the same ticket twice in one batch
        offline_ticket("C", block["end"] + 1, block_id),
        offline_ticket("C", start + 2, "blk-unknown"),
        offline_ticket("C", start + 3, block_id, number="C-999"),
        offline_ticket("P", start + 4, block_id, number=f"P-{start + 4:03d}"),
        offline_ticket("C", 5950, None, source="standalone"),
        offline_ticket("C", start + 5, None),
    ]
    response = api.post("/tickets/batch", json={"items": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [result["idempotency_key"] for result in results] == [
        item["idempotency_key"] for item in items
    ]
    assert [(result["status"], result["reason"]) for result in results] == [
        ("created", None),
        ("created", None),
        ("duplicate", None),
        ("rejected", "seq_outside_block"),
        ("rejected", "unknown_block"),
        ("rejected", "number_mismatch"),
        ("rejected", "block_mismatch"),
        ("created", None),
        ("rejected", "block_id_required"),
    ]
    replay = api.post("/tickets/batch", json={"items": items[:2]}).json()["results"]
    assert [result["status"] for result in replay] == ["duplicate", "duplicate"]


def test_a_block_of_one_annex_is_unknown_to_another_annex(server: ReferenceServer) -> None:
    token = server.admin("add-device", f"oujda-kiosk-{uuid.uuid4().hex[:6]}", "--annex", "oujda-2")
    with server.client() as berkane, server.client(token.strip()) as oujda:
        block = berkane.post("/ticket-blocks", json={"family": "A", "size": 10}).json()
        item = offline_ticket("A", block["start"], block["block_id"])
        result = oujda.post("/tickets/batch", json={"items": [item]}).json()["results"][0]
        assert (result["status"], result["reason"]) == ("rejected", "unknown_block")
        # Oujda's own numbering is separate from Berkane's.
        assert take_ticket(oujda, "A").json()["seq"] == 1


def test_malformed_offline_batch_is_a_422(api: httpx.Client) -> None:
    bad_day = offline_ticket("A", 1, None, source="standalone", business_day="21/11/2026")
    assert api.post("/tickets/batch", json={"items": [bad_day]}).status_code == 422
    assert api.post("/tickets/batch", json={"items": []}).status_code == 422


def test_numbering_restarts_each_business_day(tmp_path: Path) -> None:
    # The HTTP API always uses today's Casablanca date, so the day change is shown on the
    # storage layer directly, with the same database code the server runs.
    database = Database(tmp_path / "central.sqlite")
    database.migrate()
    monday, tuesday = date(2026, 3, 16), date(2026, 3, 17)
    with database.write() as connection:

        def online(day: date) -> int:
            ticket, _ = allocate_ticket(
                connection,
                idempotency_key=str(uuid.uuid4()),
                annex_id="berkane-5",
                device_id=1,
                family="A",
                service_code="residence_certificate",
                issued_at="2026-03-16T08:00:00Z",
                day=day,
            )
            return int(ticket["seq"])

        assert [online(monday), online(monday)] == [1, 2]
        assert online(tuesday) == 1
        block = lease_block(
            connection, annex_id="berkane-5", device_id=1, family="A", size=10, day=monday
        )
        assert (block["start"], block["end"]) == (3, 12)
        assert online(monday) == 13
        assert online(tuesday) == 2


def test_one_kiosk_replaying_one_batch_four_times_at_once_creates_each_ticket_once(
    server: ReferenceServer,
) -> None:
    with server.client() as api:
        block = api.post("/ticket-blocks", json={"family": "H", "size": 100}).json()
    items = [
        offline_ticket("H", seq, block["block_id"])
        for seq in range(block["start"], block["end"] + 1)
    ]

    def upload(_index: int) -> list[str]:
        with server.client() as client:
            response = client.post("/tickets/batch", json={"items": items})
            assert response.status_code == 200
            return [result["status"] for result in response.json()["results"]]

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(upload, range(4)))
    for position in range(len(items)):
        statuses = sorted(outcome[position] for outcome in outcomes)
        assert statuses == ["created", "duplicate", "duplicate", "duplicate"]
    # Another kiosk replaying the same keys learns nothing and creates nothing.
    with server.client(DEMO_DEVICE_TOKEN_2) as other:
        results = other.post("/tickets/batch", json={"items": items[:3]}).json()["results"]
    assert {(result["status"], result["reason"]) for result in results} == {
        ("rejected", "key_in_use")
    }
