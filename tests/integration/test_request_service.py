"""Certificate requests and history against the real reference server: once, cached, offline."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from kiosk.central import CentralClient
from kiosk.central.models import Session
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.domain.models import RequestStatus
from kiosk.services.requests import (
    HistoryOutcome,
    RequestService,
    SubmitOutcome,
)
from tests.support.misbehaving_server import refused_url
from tests.support.reference_server import (
    DEMO_CIN,
    DEMO_DEVICE_TOKEN,
    DEMO_PIN,
    ReferenceServer,
    running_reference_server,
)
from tests.support.tiny_catalogue import catalogue_of
from tests.support.waiting import wait_until

SERVICE = "residence_certificate"
# Known to the server (its built-in list) but not to the kiosk's catalogue.
SERVER_ONLY_SERVICE = "non_income_certificate"
FETCHED = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = FETCHED

    def __call__(self) -> datetime:
        return self.now


def _client(url: str, read_timeout_s: float = 5.0) -> CentralClient:
    return CentralClient(
        url, DEMO_DEVICE_TOKEN, connect_timeout_s=0.5, read_timeout_s=read_timeout_s
    )


def _sign_in(url: str, cin: str = DEMO_CIN, pin: str = DEMO_PIN) -> Session:
    with _client(url) as client:
        return client.open_session(cin, pin)


def _server_requests(db_path: Path, where: str = "1", *args: object) -> list[sqlite3.Row]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(f"SELECT * FROM requests WHERE {where}", args).fetchall()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("requests")) as running:
        yield running


def test_a_confirmed_request_is_filed_with_its_receipt_and_joins_the_history(
    shared_server: ReferenceServer, cache: sqlite_utils.Database
) -> None:
    clock = Clock()
    session = _sign_in(shared_server.base_url)
    citizen = session.citizen.citizen_id
    service = RequestService(cache, _client(shared_server.base_url), packaged_catalogue(), clock)
    before = service.history(session.token, citizen)
    assert before.outcome is HistoryOutcome.FRESH and before.as_of is None

    prepared = service.prepare(citizen, SERVICE, "ar", notify_sms=True, notify_email=False)
    clock.now += timedelta(minutes=2)
    result = service.submit(session.token, prepared)

    assert result.outcome is SubmitOutcome.SUBMITTED and result.created
    request = result.request
    assert request is not None and request.service_code == SERVICE
    assert request.status is RequestStatus.RECEIVED and request.request_number.startswith("R-")
    (row,) = _server_requests(
        shared_server.db_path, "idempotency_key = ?", prepared.idempotency_key
    )
    assert row["request_number"] == request.request_number and row["notify_sms"] == 1
    receipt = result.receipt("Amina El Idrissi")
    assert (receipt.reference, receipt.service_code, receipt.language) == (
        request.request_number,
        SERVICE,
        "ar",
    )
    assert receipt.created_at == request.created_at and not receipt.pre_request

    # Offline right after: the new request heads the cached list, which is as of its fetch.
    offline = RequestService(cache, _client(refused_url()), packaged_catalogue(), clock)
    cached = offline.history(session.token, citizen)
    assert cached.outcome is HistoryOutcome.CACHED and cached.as_of == FETCHED
    assert [entry.request for entry in cached.entries] == [
        request,
        *(entry.request for entry in before.entries),
    ]


def test_a_timeout_then_a_retry_with_the_same_prepared_request_files_one_request(
    reference_server: ReferenceServer, cache: sqlite_utils.Database
) -> None:
    session = _sign_in(reference_server.base_url)
    citizen = session.citizen.citizen_id
    filed_before = len(_server_requests(reference_server.db_path, "citizen_id = ?", citizen))
    service = RequestService(
        cache, _client(reference_server.base_url, read_timeout_s=1.0), packaged_catalogue()
    )
    prepared = service.prepare(citizen, SERVICE, "fr", notify_sms=False, notify_email=True)

    # Another writer holds the server database's write lock: POST /requests waits for it
    # (the server's busy timeout is 15 s) while the kiosk gives up after 1 s.
    lock = sqlite3.connect(reference_server.db_path, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        first = service.submit(session.token, prepared)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert first.outcome is SubmitOutcome.UNREACHABLE and first.message_key
    assert first.prepared == prepared and first.request is None

    # The server files the request the kiosk stopped waiting for (another process's commit).
    def mine() -> list[sqlite3.Row]:
        return _server_requests(reference_server.db_path, "citizen_id = ?", citizen)

    assert wait_until(lambda: len(mine()) > filed_before, 20.0), "the stalled request never landed"

    retry = service.submit(session.token, first.prepared)
    assert retry.outcome is SubmitOutcome.SUBMITTED and not retry.created
    assert retry.request is not None
    # One citizen, one confirmed request, one request on the server: the one under its key.
    assert len(mine()) == filed_before + 1
    (row,) = _server_requests(
        reference_server.db_path, "idempotency_key = ?", prepared.idempotency_key
    )
    assert retry.request.request_number == row["request_number"]


def test_history_is_fresh_online_then_cached_as_of_when_the_server_stops(
    reference_server: ReferenceServer, cache: sqlite_utils.Database
) -> None:
    clock = Clock()
    session = _sign_in(reference_server.base_url)
    citizen = session.citizen.citizen_id
    service = RequestService(cache, _client(reference_server.base_url), packaged_catalogue(), clock)
    online = service.history(session.token, citizen)
    assert online.outcome is HistoryOutcome.FRESH and online.as_of is None
    assert len(online.entries) == 5  # the demo citizen's requests, every status
    created = [entry.request.created_at for entry in online.entries]
    assert created == sorted(created, reverse=True)
    assert all(entry.service is not None for entry in online.entries)

    reference_server.stop()
    clock.now += timedelta(hours=1)
    offline = service.history(session.token, citizen)
    assert offline.outcome is HistoryOutcome.CACHED and offline.as_of == FETCHED
    assert offline.entries == online.entries


def test_offline_with_nothing_cached_the_history_needs_the_network(
    cache: sqlite_utils.Database,
) -> None:
    service = RequestService(cache, _client(refused_url()), packaged_catalogue())
    view = service.history("a-token", "C-0001")
    assert view.outcome is HistoryOutcome.NEEDS_NETWORK and view.entries == ()
    assert view.message_key
    alone = RequestService(cache, None, packaged_catalogue()).history("a-token", "C-0001")
    assert alone.outcome is HistoryOutcome.NEEDS_NETWORK


def test_a_service_the_catalogue_lacks_is_shown_by_the_servers_code(
    shared_server: ReferenceServer, cache: sqlite_utils.Database
) -> None:
    session = _sign_in(shared_server.base_url, "BK234567", "234567")
    with _client(shared_server.base_url) as client:
        client.submit_request(
            session.token, "server-only-1", SERVER_ONLY_SERVICE, "fr", False, False
        )
    service = RequestService(cache, _client(shared_server.base_url), packaged_catalogue())
    for view in (
        service.history(session.token, session.citizen.citizen_id),
        RequestService(cache, None, packaged_catalogue()).history(
            session.token, session.citizen.citizen_id
        ),
    ):
        (entry,) = [e for e in view.entries if e.request.service_code == SERVER_ONLY_SERVICE]
        assert entry.service is None
        assert entry.service_name("ar") == entry.service_name("fr") == SERVER_ONLY_SERVICE


def test_refusals_are_told_apart_and_keep_the_prepared_request(
    shared_server: ReferenceServer, cache: sqlite_utils.Database
) -> None:
    session = _sign_in(shared_server.base_url, "FA345678", "345678")
    citizen = session.citizen.citizen_id
    # A catalogue with a certificate the server has never heard of.
    odd = RequestService(
        cache, _client(shared_server.base_url), catalogue_of({"moon_certificate": "A"})
    )
    prepared = odd.prepare(citizen, "moon_certificate", "zgh", False, False)
    unknown = odd.submit(session.token, prepared)
    assert unknown.outcome is SubmitOutcome.UNKNOWN_SERVICE and unknown.prepared == prepared

    service = RequestService(cache, _client(shared_server.base_url), packaged_catalogue())
    prepared = service.prepare(citizen, SERVICE, "fr", False, False)
    with _client(shared_server.base_url) as client:
        client.close_session(session.token)
    ended = service.submit(session.token, prepared)
    assert ended.outcome is SubmitOutcome.SESSION_EXPIRED and ended.message_key
    assert service.history(session.token, citizen).outcome is HistoryOutcome.SESSION_EXPIRED
    # Signed in again, the same prepared request goes through, once.
    again = _sign_in(shared_server.base_url, "FA345678", "345678")
    filed = service.submit(again.token, ended.prepared)
    assert filed.outcome is SubmitOutcome.SUBMITTED and filed.created
    assert service.submit(again.token, ended.prepared).created is False
    assert service.submit(None, prepared).outcome is SubmitOutcome.SESSION_EXPIRED


def test_no_server_means_unreachable_with_the_prepared_request_kept(
    cache: sqlite_utils.Database,
) -> None:
    for client in (None, _client(refused_url())):
        service = RequestService(cache, client, packaged_catalogue())
        prepared = service.prepare("C-0001", SERVICE, "ar", True, True)
        result = service.submit("a-token", prepared)
        assert result.outcome is SubmitOutcome.UNREACHABLE and result.prepared == prepared
        assert result.message_key
        with pytest.raises(ValueError, match="not submitted"):
            result.receipt(None)
