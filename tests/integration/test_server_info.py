"""Reference server: health, device auth, catalogue with ETag, queue stats, announcements."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.reference_server import (
    DEMO_DEVICE_TOKEN_2,
    DEMO_REVOKED_TOKEN,
    ReferenceServer,
    running_reference_server,
)

LANGUAGES = {"ar", "fr", "zgh", "en"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("info")) as running:
        yield running


@pytest.fixture
def api(server: ReferenceServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def test_health_needs_no_token_and_reports_api_version(server: ReferenceServer) -> None:
    with server.client(device_token=None) as anonymous:
        response = anonymous.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["api_version"] == 1
    assert body["time"].endswith("Z")


def test_openapi_is_published_without_a_token(server: ReferenceServer) -> None:
    response = httpx.get(f"{server.base_url}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/health",
        "/api/v1/catalogue",
        "/api/v1/sessions",
        "/api/v1/sessions/current",
        "/api/v1/requests",
        "/api/v1/pre-requests/batch",
        "/api/v1/applications/lookup",
        "/api/v1/tickets",
        "/api/v1/ticket-blocks",
        "/api/v1/tickets/batch",
        "/api/v1/queue-stats",
        "/api/v1/announcements",
    ):
        assert path in paths


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-known-token"},
        {"Authorization": f"Bearer {DEMO_REVOKED_TOKEN}"},
        {"Authorization": "Basic ZGVtbzpkZW1v"},
    ],
    ids=["missing", "unknown", "revoked", "not-bearer"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/catalogue"), ("GET", "/queue-stats"), ("POST", "/tickets")],
)
def test_a_device_without_a_valid_token_gets_401_invalid_device(
    server: ReferenceServer, headers: dict[str, str], method: str, path: str
) -> None:
    with server.client(device_token=None) as anonymous:
        response = anonymous.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_device"
    assert response.json()["message"]


def test_catalogue_sends_this_annex_overrides_with_an_etag(api: httpx.Client) -> None:
    response = api.get("/catalogue")
    assert response.status_code == 200
    body = response.json()
    assert body["annex_id"] == "berkane-5"
    assert body["annex_name"]
    assert body["revision"] >= 1
    assert body["overrides"]["passport_application"] == {"fee_mad": 500}
    delay = body["overrides"]["residence_certificate"]["delay"]
    assert set(delay) == LANGUAGES
    assert "collective_life_certificate" in body["disabled"]
    assert response.headers["ETag"].startswith('"')


def test_catalogue_answers_304_without_body_when_the_etag_still_matches(
    api: httpx.Client,
) -> None:
    etag = api.get("/catalogue").headers["ETag"]
    unchanged = api.get("/catalogue", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["ETag"] == etag
    weak_in_a_list = api.get("/catalogue", headers={"If-None-Match": f'"old", W/{etag}'})
    assert weak_in_a_list.status_code == 304
    stale = api.get("/catalogue", headers={"If-None-Match": '"something-older"'})
    assert stale.status_code == 200
    assert stale.json()["annex_id"] == "berkane-5"


def test_both_demo_kiosks_of_the_annex_see_the_same_catalogue(server: ReferenceServer) -> None:
    with server.client() as first, server.client(DEMO_DEVICE_TOKEN_2) as second:
        assert first.get("/catalogue").headers["ETag"] == second.get("/catalogue").headers["ETag"]


def test_queue_stats_cover_every_family(api: httpx.Client) -> None:
    response = api.get("/queue-stats")
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"].endswith("Z")
    families = {item["family"]: item for item in body["families"]}
    assert set(families) == {"A", "B", "C", "P", "F"}
    assert families["A"]["open_counters"] >= 1
    assert families["A"]["avg_handling_s"] > 0
    assert families["F"]["open_counters"] == 0  # a closed counter: the kiosk shows "wait unknown"


def test_announcements_come_in_the_four_languages(api: httpx.Client) -> None:
    response = api.get("/announcements")
    assert response.status_code == 200
    announcements = response.json()["announcements"]
    assert len(announcements) == 2
    for announcement in announcements:
        assert announcement["id"]
        assert set(announcement["text"]) == LANGUAGES
        tifinagh = announcement["text"]["zgh"]
        assert any("\u2d30" <= char <= "\u2d7f" for char in tifinagh)
        assert not any("a" <= char.lower() <= "z" for char in tifinagh)


def test_unknown_path_answers_the_error_shape(api: httpx.Client) -> None:
    response = api.get("/no-such-endpoint")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
