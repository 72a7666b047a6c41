"""Reference server: request history, idempotent request creation, pre-request batches."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.reference_server import (
    DEMO_CIN,
    DEMO_PIN,
    ReferenceServer,
    running_reference_server,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("requests")) as running:
        yield running


@pytest.fixture
def api(server: ReferenceServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def open_session(api: httpx.Client, cin: str = DEMO_CIN, pin: str = DEMO_PIN) -> dict[str, str]:
    response = api.post("/sessions", json={"cin": cin, "pin": pin})
    assert response.status_code == 201, response.text
    return {"X-Session-Token": response.json()["token"]}


def new_request_body(service_code: str = "residence_certificate") -> dict[str, object]:
    return {
        "service_code": service_code,
        "language": "fr",
        "notify_sms": True,
        "notify_email": False,
    }


def test_history_lists_every_state_newest_first(api: httpx.Client) -> None:
    response = api.get("/requests", headers=open_session(api))
    assert response.status_code == 200
    requests = response.json()["requests"]
    assert {item["status"] for item in requests} >= {
        "received",
        "in_progress",
        "ready",
        "collected",
        "rejected",
    }
    created = [item["created_at"] for item in requests]
    assert created == sorted(created, reverse=True)
    rejected = next(item for item in requests if item["status"] == "rejected")
    assert rejected["status_reason"]
    assert {item["channel"] for item in requests} <= {"kiosk", "web", "counter"}
    assert all(item["request_number"].startswith("R-") for item in requests)


def test_history_shows_only_the_signed_in_citizens_requests(api: httpx.Client) -> None:
    mine = api.get("/requests", headers=open_session(api, "FB890123", "890123")).json()
    assert [item["service_code"] for item in mine["requests"]] == ["residence_certificate"]


def test_new_request_is_created_once_per_idempotency_key(api: httpx.Client) -> None:
    session = open_session(api, "AB567890", "567890")
    key = str(uuid.uuid4())
    first = api.post(
        "/requests", json=new_request_body(), headers={**session, "Idempotency-Key": key}
    )
    again = api.post(
        "/requests", json=new_request_body(), headers={**session, "Idempotency-Key": key}
    )
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    request = first.json()["request"]
    assert request["status"] == "received"
    assert request["channel"] == "kiosk"
    assert request["status_reason"] is None
    number = request["request_number"]
    assert number.startswith("R-") and len(number.split("-")[-1]) == 6
    history = api.get("/requests", headers=session).json()["requests"]
    assert [item["request_number"] for item in history].count(number) == 1
    assert history[0]["request_number"] == number  # newest first


def test_concurrent_duplicates_create_one_request(server: ReferenceServer) -> None:
    with server.client() as api:
        session = open_session(api, "FC012345", "112233")
        key = str(uuid.uuid4())

    def submit(_: int) -> httpx.Response:
        with server.client() as client:
            return client.post(
                "/requests", json=new_request_body(), headers={**session, "Idempotency-Key": key}
            )

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(submit, range(8)))
    assert sorted(response.status_code for response in responses) == [200] * 7 + [201]
    assert len({response.json()["request"]["request_number"] for response in responses}) == 1
    with server.client() as api:
        assert len(api.get("/requests", headers=session).json()["requests"]) == 1


def test_two_keys_make_two_requests_with_distinct_numbers(api: httpx.Client) -> None:
    session = open_session(api, "FD123450", "445566")
    numbers = {
        api.post(
            "/requests",
            json=new_request_body("celibacy_certificate"),
            headers={**session, "Idempotency-Key": str(uuid.uuid4())},
        ).json()["request"]["request_number"]
        for _ in range(2)
    }
    assert len(numbers) == 2


def test_a_key_reused_by_another_citizen_is_a_conflict(api: httpx.Client) -> None:
    key = str(uuid.uuid4())
    first = open_session(api, "F234561", "778899")
    other = open_session(api, "AB901234", "901234")
    assert (
        api.post(
            "/requests", json=new_request_body(), headers={**first, "Idempotency-Key": key}
        ).status_code
        == 201
    )
    reused = api.post(
        "/requests", json=new_request_body(), headers={**other, "Idempotency-Key": key}
    )
    assert reused.status_code == 409
    assert reused.json()["error"] == "idempotency_key_conflict"
    assert "R-" not in reused.text


def test_new_request_without_idempotency_key_is_refused(api: httpx.Client) -> None:
    response = api.post("/requests", json=new_request_body(), headers=open_session(api))
    assert response.status_code == 400
    assert response.json()["error"] == "idempotency_key_required"


def test_unknown_service_is_a_422_unknown_service(api: httpx.Client) -> None:
    headers = {**open_session(api), "Idempotency-Key": str(uuid.uuid4())}
    response = api.post("/requests", json=new_request_body("teleportation_permit"), headers=headers)
    assert response.status_code == 422
    assert response.json()["error"] == "unknown_service"


@pytest.mark.parametrize(
    "body",
    [
        {
            "service_code": "residence_certificate",
            "language": "de",
            "notify_sms": True,
            "notify_email": False,
        },
        {
            "service_code": "residence_certificate",
            "language": "fr",
            "notify_sms": "yes",
            "notify_email": False,
        },
        {"service_code": "residence_certificate", "language": "fr"},
        {**new_request_body(), "unexpected": 1},
    ],
    ids=["language", "boolean", "missing", "extra-field"],
)
def test_malformed_request_body_is_a_422(api: httpx.Client, body: dict[str, object]) -> None:
    headers = {**open_session(api), "Idempotency-Key": str(uuid.uuid4())}
    response = api.post("/requests", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


def pre_request(key: str, service_code: str = "residence_certificate") -> dict[str, object]:
    return {
        "idempotency_key": key,
        "service_code": service_code,
        "cin": "AB123456",
        "phone": "+212612345678",
        "language": "ar",
        "created_at": "2026-11-20T09:15:00+01:00",
    }


def test_pre_request_batch_reports_created_duplicate_and_rejected_in_order(
    api: httpx.Client,
) -> None:
    keys = [str(uuid.uuid4()) for _ in range(3)]
    items = [
        pre_request(keys[0]),
        pre_request(keys[1], "indigence_certificate"),
        pre_request(keys[0]),  # the same record twice in one batch
        pre_request(keys[2], "no_such_service"),
    ]
    response = api.post("/pre-requests/batch", json={"items": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [result["idempotency_key"] for result in results] == [
        item["idempotency_key"] for item in items
    ]
    assert [result["status"] for result in results] == [
        "created",
        "created",
        "duplicate",
        "rejected",
    ]
    assert results[0]["reference"].startswith("P-")
    assert results[2]["reference"] == results[0]["reference"]
    assert results[0]["reference"] != results[1]["reference"]
    assert results[3] == {
        "idempotency_key": keys[2],
        "status": "rejected",
        "reference": None,
        "reason": "unknown_service",
    }
    # The whole batch replayed (a kiosk that never saw the answer): nothing new is created.
    replay = api.post("/pre-requests/batch", json={"items": items[:2]}).json()["results"]
    assert [result["status"] for result in replay] == ["duplicate", "duplicate"]
    assert [result["reference"] for result in replay] == [
        results[0]["reference"],
        results[1]["reference"],
    ]


def test_pre_requests_are_stored_for_identity_check_at_the_counter(server: ReferenceServer) -> None:
    import sqlite3

    key = str(uuid.uuid4())
    with server.client() as api:
        api.post("/pre-requests/batch", json={"items": [pre_request(key)]})
    with sqlite3.connect(server.db_path) as connection:
        row = connection.execute(
            "SELECT identity_to_verify, annex_id FROM pre_requests WHERE idempotency_key = ?",
            (key,),
        ).fetchone()
    assert row == (1, "berkane-5")


@pytest.mark.parametrize(
    "body",
    [{"items": []}, {"items": [{"idempotency_key": "x"}]}, {"items": [pre_request("k")] * 501}],
    ids=["empty", "incomplete-item", "too-many"],
)
def test_malformed_pre_request_batch_is_a_422(api: httpx.Client, body: dict[str, object]) -> None:
    assert api.post("/pre-requests/batch", json=body).status_code == 422
