"""Every endpoint of the contract, through the real client, against the real reference server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from kiosk.central import (
    CentralClient,
    InvalidCredentials,
    InvalidDevice,
    NotFound,
    Rejected,
    SessionExpired,
)
from tests.support.reference_server import (
    DEMO_CIN,
    DEMO_DEVICE_TOKEN,
    DEMO_PIN,
    DEMO_REVOKED_TOKEN,
    ReferenceServer,
    running_reference_server,
)

SERVICE = "residence_certificate"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    # One server for the module: starting one takes a second or two, and these tests
    # each use their own keys, citizens and families so they cannot disturb one another.
    with running_reference_server(tmp_path_factory.mktemp("central")) as running:
        yield running


@pytest.fixture
def client(server: ReferenceServer) -> Iterator[CentralClient]:
    with CentralClient(server.base_url, DEMO_DEVICE_TOKEN) as central:
        yield central


def test_health_reports_the_server_clock(client: CentralClient) -> None:
    health = client.health()
    assert (health.status, health.api_version) == ("ok", 1)
    assert abs((datetime.now(UTC) - health.time).total_seconds()) < 60


def test_catalogue_comes_with_an_etag_and_is_not_resent_unchanged(client: CentralClient) -> None:
    catalogue = client.catalogue()
    assert catalogue is not None
    assert catalogue.annex_id == "berkane-5"
    assert catalogue.etag
    assert client.catalogue(catalogue.etag) is None
    assert client.catalogue('"some-older-etag"') == catalogue


def test_a_citizen_signs_in_submits_lists_and_signs_out(client: CentralClient) -> None:
    session = client.open_session(DEMO_CIN, DEMO_PIN)
    assert session.citizen.cin_masked == "AB****56"
    assert DEMO_CIN not in repr(session.citizen)

    key = str(uuid.uuid4())
    first = client.submit_request(session.token, key, SERVICE, "fr", True, False)
    replay = client.submit_request(session.token, key, SERVICE, "fr", True, False)
    assert first.created and not replay.created
    assert replay.request == first.request

    history = client.list_requests(session.token)
    assert history[0].request_number == first.request.request_number
    assert [r.request_number for r in history].count(first.request.request_number) == 1

    client.close_session(session.token)
    with pytest.raises(SessionExpired):
        client.list_requests(session.token)


def test_an_unknown_service_is_rejected(client: CentralClient) -> None:
    session = client.open_session(DEMO_CIN, DEMO_PIN)
    with pytest.raises(Rejected) as caught:
        client.submit_request(
            session.token, str(uuid.uuid4()), "no_such_service", "ar", False, False
        )
    assert (caught.value.status, caught.value.error) == (422, "unknown_service")


def test_a_wrong_pin_says_how_many_attempts_are_left(client: CentralClient) -> None:
    with pytest.raises(InvalidCredentials) as caught:
        client.open_session("FA345678", "000000")
    assert caught.value.attempts_left == 4


def test_application_lookup_and_not_found(client: CentralClient) -> None:
    number = f"PP-{datetime.now(UTC).year}-000100"
    status = client.lookup_application("passport", number, DEMO_CIN)
    assert status.dossier_number == number
    assert status.timeline and status.timeline[-1].stage == status.stage
    with pytest.raises(NotFound):
        client.lookup_application("passport", number, "ZZ999999")
    with pytest.raises(NotFound):
        client.lookup_application("passport", "PP-1999-000001", DEMO_CIN)


def test_online_ticket_allocation_is_idempotent(client: CentralClient) -> None:
    key = str(uuid.uuid4())
    issued_at = datetime.now(UTC)
    first = client.allocate_ticket(key, SERVICE, "A", issued_at, "fr")
    again = client.allocate_ticket(key, SERVICE, "A", issued_at, "fr")
    assert again == first
    following = client.allocate_ticket(str(uuid.uuid4()), SERVICE, "A", issued_at, "fr")
    assert following.seq == first.seq + 1
    assert following.people_ahead is not None and following.people_ahead >= 0


def test_blocks_never_overlap_online_numbers_and_offline_tickets_upload_once(
    client: CentralClient,
) -> None:
    online = client.allocate_ticket(str(uuid.uuid4()), SERVICE, "B", datetime.now(UTC), "ar")
    block = client.lease_block("B", 10)
    assert block.start > online.seq
    assert block.end - block.start + 1 == 10
    after = client.allocate_ticket(str(uuid.uuid4()), SERVICE, "B", datetime.now(UTC), "ar")
    assert after.seq > block.end

    items = [
        {
            "idempotency_key": str(uuid.uuid4()),
            "number": f"B-{seq:03d}",
            "family": "B",
            "seq": seq,
            "service_code": SERVICE,
            "business_day": block.business_day.isoformat(),
            "issued_at": datetime.now(UTC).isoformat(),
            "source": "block",
            "block_id": block.block_id,
        }
        for seq in range(block.start, block.start + 3)
    ]
    assert [r.status for r in client.push_tickets(items)] == ["created"] * 3
    assert [r.status for r in client.push_tickets(items)] == ["duplicate"] * 3


def test_pre_requests_upload_once_with_a_reference(client: CentralClient) -> None:
    item = {
        "idempotency_key": str(uuid.uuid4()),
        "service_code": SERVICE,
        "cin": "AB123456",
        "phone": "+212612345678",
        "language": "ar",
        "created_at": datetime.now(UTC).isoformat(),
    }
    (created,) = client.push_pre_requests([item])
    assert created.status == "created" and created.reference
    (replayed,) = client.push_pre_requests([item])
    assert replayed.status == "duplicate"


def test_queue_stats_and_announcements(client: CentralClient) -> None:
    stats = client.queue_stats()
    assert {family.family for family in stats.families} >= {"A"}
    announcements = client.announcements()
    assert announcements and set(announcements[0].text) == {"ar", "fr", "zgh", "en"}


def test_a_revoked_device_is_refused_everywhere_but_health(server: ReferenceServer) -> None:
    with CentralClient(server.base_url, DEMO_REVOKED_TOKEN) as revoked:
        assert revoked.health().status == "ok"
        with pytest.raises(InvalidDevice):
            revoked.queue_stats()
        with pytest.raises(InvalidDevice):
            revoked.push_tickets([{"idempotency_key": str(uuid.uuid4())}])
