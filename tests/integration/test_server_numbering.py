"""Reference server: one holder per number, device-owned ranges, conflicts recorded, no 500s."""

from __future__ import annotations

import sqlite3
import stat
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from central_server.db import Database
from central_server.errors import ApiError
from central_server.tickets import SERVER_SPACE_END, allocate_ticket, lease_block
from tests.support.reference_server import (
    DEMO_DEVICE_TOKEN_2,
    ReferenceServer,
    running_reference_server,
)
from tests.support.ticket_requests import casablanca_today, offline_ticket, take_ticket


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("numbering")) as running:
        yield running


def upload(client: httpx.Client, *items: dict[str, object]) -> list[tuple[str, str | None]]:
    response = client.post("/tickets/batch", json={"items": list(items)})
    assert response.status_code == 200, response.text
    return [(result["status"], result["reason"]) for result in response.json()["results"]]


def conflicts(server: ReferenceServer) -> list[sqlite3.Row]:
    with sqlite3.connect(f"file:{server.db_path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM ticket_conflicts ORDER BY conflict_id").fetchall()


def test_each_device_gets_its_own_standalone_range(server: ReferenceServer) -> None:
    with server.client() as one, server.client(DEMO_DEVICE_TOKEN_2) as two:
        first, second = one.get("/device").json(), two.get("/device").json()
    assert first["annex_id"] == second["annex_id"]
    ranges = [first["standalone_range"], second["standalone_range"]]
    assert all(5000 <= r["start"] <= r["end"] <= 9999 for r in ranges)
    assert ranges[0]["end"] < ranges[1]["start"] or ranges[1]["end"] < ranges[0]["start"]


def test_the_same_number_from_two_kiosks_is_refused_and_recorded(server: ReferenceServer) -> None:
    with server.client() as one, server.client(DEMO_DEVICE_TOKEN_2) as two:
        mine, theirs = (
            offline_ticket("D", 5000, None, "standalone"),
            offline_ticket("D", 5000, None, "standalone"),
        )
        assert upload(one, mine) == [("created", None)]
        assert upload(two, theirs) == [("rejected", "number_taken")]
        # Retried, it is refused again, and never stored: the database holds one D-5000.
        assert upload(two, theirs) == [("rejected", "number_taken")]
    recorded = [
        row for row in conflicts(server) if row["idempotency_key"] == theirs["idempotency_key"]
    ]
    assert recorded and recorded[0]["holder_key"] == mine["idempotency_key"]
    report = server.admin("conflicts")
    assert "D-5000" in report and "number_taken" in report


def test_the_database_itself_refuses_a_second_holder(server: ReferenceServer) -> None:
    with sqlite3.connect(server.db_path) as conn:
        row = conn.execute("SELECT * FROM tickets LIMIT 1").fetchone()
        columns = [c[0] for c in conn.execute("SELECT * FROM tickets LIMIT 1").description]
        copy = dict(zip(columns, row, strict=True))
        copy["idempotency_key"] = str(uuid.uuid4())
        marks = ", ".join("?" for _ in copy)
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute(
                f"INSERT INTO tickets ({', '.join(copy)}) VALUES ({marks})", list(copy.values())
            )


def test_an_upload_into_another_kiosks_block_is_refused(server: ReferenceServer) -> None:
    with server.client() as one, server.client(DEMO_DEVICE_TOKEN_2) as two:
        block = one.post("/ticket-blocks", json={"family": "E", "size": 10}).json()
        intruder = offline_ticket("E", block["start"], block["block_id"])
        assert upload(two, intruder) == [("rejected", "block_not_yours")]
        # The owner can still use that number.
        assert upload(one, offline_ticket("E", block["start"], block["block_id"])) == [
            ("created", None)
        ]
    assert any(row["reason"] == "block_not_yours" for row in conflicts(server))


def test_standalone_numbers_must_stay_out_of_the_servers_space(server: ReferenceServer) -> None:
    with server.client() as client:
        assert upload(client, offline_ticket("F", 42, None, "standalone")) == [
            ("rejected", "outside_standalone_space")
        ]


def test_a_key_replayed_by_another_kiosk_learns_nothing(server: ReferenceServer) -> None:
    key = str(uuid.uuid4())
    body = {
        "idempotency_key": key,
        "service_code": "residence_certificate",
        "family": "G",
        "issued_at": "2026-11-21T09:00:00Z",
    }
    with server.client() as one, server.client(DEMO_DEVICE_TOKEN_2) as two:
        assert one.post("/tickets", json=body).status_code == 201
        replay = two.post("/tickets", json=body)
        assert replay.status_code == 409
        assert replay.json()["error"] == "idempotency_key_conflict"
        assert "G-" not in replay.text and "people_ahead" not in replay.text
        batch = upload(two, offline_ticket("G", 5600, None, "standalone", idempotency_key=key))
        assert batch == [("rejected", "key_in_use")]
        pre = {
            "idempotency_key": str(uuid.uuid4()),
            "service_code": "residence_certificate",
            "cin": "AB123456",
            "phone": "+212612345678",
            "language": "fr",
            "created_at": "2026-11-21T09:00:00Z",
        }
        first = one.post("/pre-requests/batch", json={"items": [pre]}).json()["results"][0]
        assert first["status"] == "created" and first["reference"]
        stolen = two.post("/pre-requests/batch", json={"items": [pre]}).json()["results"][0]
        assert (stolen["status"], stolen["reason"], stolen["reference"]) == (
            "rejected",
            "key_in_use",
            None,
        )


def test_an_online_ticket_for_an_uploaded_key_is_that_ticket(server: ReferenceServer) -> None:
    # The kiosk gave up on POST /tickets, printed its own number and uploaded it; its stuck
    # request then arrives: it gets the printed ticket (no estimate), and no number is taken.
    item = offline_ticket("H", 5001, None, "standalone")
    with server.client() as client:
        assert upload(client, item) == [("created", None)]
        late = take_ticket(client, "H", item["idempotency_key"])
        assert late.status_code == 200, late.text
        assert (late.json()["number"], late.json()["people_ahead"]) == ("H-5001", None)
        following = take_ticket(client, "H", str(uuid.uuid4()))
        assert following.json()["number"] == "H-001"


def test_a_late_online_number_is_voided_for_the_printed_one(server: ReferenceServer) -> None:
    key = str(uuid.uuid4())
    with server.client() as client:
        online = take_ticket(client, "J", key).json()
        printed = offline_ticket("J", 5002, None, "standalone", idempotency_key=key)
        assert upload(client, printed) == [("created", None)]
        assert upload(client, printed) == [("duplicate", None)]
    with sqlite3.connect(f"file:{server.db_path}?mode=ro", uri=True) as conn:
        numbers = conn.execute("SELECT number FROM tickets WHERE family = 'J'").fetchall()
        voided = conn.execute(
            "SELECT number, replaced_by FROM voided_numbers WHERE idempotency_key = ?", (key,)
        ).fetchall()
    assert numbers == [("J-5002",)]
    assert voided == [(online["number"], "J-5002")]
    assert f"voided  {casablanca_today()} {online['number']}" in server.admin("conflicts")


@pytest.mark.parametrize(
    "issued_at",
    [
        "0001-01-01T00:00:00+05:00",  # year 1 with an offset: overflowed into a 500 before
        "9999-12-31T23:59:59-05:00",
        "2026-11-21",  # a date names no instant
        "2026-11-21T09:00:00",  # neither does a time without a zone
    ],
)
def test_timestamps_outside_reason_are_a_422_not_a_500(
    server: ReferenceServer, issued_at: str
) -> None:
    with server.client() as client:
        online = client.post(
            "/tickets",
            json={
                "idempotency_key": str(uuid.uuid4()),
                "service_code": "residence_certificate",
                "family": "K",
                "issued_at": issued_at,
            },
        )
        batch = client.post(
            "/tickets/batch",
            json={"items": [offline_ticket("K", 5003, None, "standalone", issued_at=issued_at)]},
        )
    for response in (online, batch):
        assert response.status_code == 422, response.text
        assert response.json()["error"] == "invalid_request"


def test_the_counter_never_reaches_the_standalone_space(tmp_path: Path) -> None:
    database = Database(tmp_path / "central.sqlite")
    database.migrate()
    day = date(2026, 3, 16)
    with database.write() as connection:
        block = lease_block(
            connection, annex_id="a", device_id=1, family="A", size=SERVER_SPACE_END - 1, day=day
        )
        assert block["end"] == SERVER_SPACE_END - 1
        ticket, _ = allocate_ticket(
            connection,
            idempotency_key="last",
            annex_id="a",
            device_id=1,
            family="A",
            service_code="residence_certificate",
            issued_at="2026-03-16T08:00:00Z",
            day=day,
        )
        assert ticket["seq"] == SERVER_SPACE_END
    with database.write() as connection, pytest.raises(ApiError) as refused:
        allocate_ticket(
            connection,
            idempotency_key="one-too-many",
            annex_id="a",
            device_id=1,
            family="A",
            service_code="residence_certificate",
            issued_at="2026-03-16T08:00:00Z",
            day=day,
        )
    assert (refused.value.status_code, refused.value.error) == (409, "numbers_exhausted")


def test_the_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "central.sqlite"
    path.write_bytes(b"")
    path.chmod(0o644)  # left world-readable by some earlier tool
    database = Database(path)
    database.migrate()
    with database.write() as connection:
        connection.execute("INSERT INTO annexes (annex_id, name) VALUES ('x', 'X')")
        # The WAL companions exist while a connection is open (the last close removes them).
        for name in ("central.sqlite", "central.sqlite-wal", "central.sqlite-shm"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
