"""Reference server: passport and firearm-licence status look-up by dossier number + CIN."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from central_server.demo_data import demo_dossiers
from central_server.dossiers import STAGES
from tests.support.reference_server import ReferenceServer, running_reference_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("applications")) as running:
        yield running


@pytest.fixture
def api(server: ReferenceServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def lookup(api: httpx.Client, kind: str, number: str, cin: str) -> httpx.Response:
    return api.post(
        "/applications/lookup", json={"kind": kind, "dossier_number": number, "cin": cin}
    )


@pytest.mark.parametrize(("kind", "number", "cin", "stage"), demo_dossiers())
def test_every_demo_dossier_shows_its_stage_and_timeline(
    api: httpx.Client, kind: str, number: str, cin: str, stage: str
) -> None:
    response = lookup(api, kind, number, cin)
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["dossier_number"], body["stage"]) == (kind, number, stage)
    timeline = body["timeline"]
    assert timeline[0]["stage"] == "submitted"
    assert timeline[-1]["stage"] == stage
    assert [entry["date"] for entry in timeline] == sorted(entry["date"] for entry in timeline)
    assert body["updated_at"] == timeline[-1]["date"]
    assert all(entry["stage"] in STAGES[kind] for entry in timeline)
    if stage in ("incomplete", "rejected"):
        assert body["reason"]
    else:
        assert body["reason"] is None


def test_demo_dossiers_cover_every_stage_of_both_kinds() -> None:
    covered = {(kind, stage) for kind, _number, _cin, stage in demo_dossiers()}
    assert covered == {(kind, stage) for kind, stages in STAGES.items() for stage in stages}


def test_a_wrong_cin_is_indistinguishable_from_an_unknown_dossier(api: httpx.Client) -> None:
    kind, number, cin, _stage = demo_dossiers()[0]
    other_cin = "ZZ123456" if cin != "ZZ123456" else "ZZ654321"
    wrong_cin = lookup(api, kind, number, other_cin)
    unknown = lookup(api, kind, "PP-1999-999999", cin)
    wrong_kind = lookup(api, "firearm_licence", number, cin)
    for response in (wrong_cin, unknown, wrong_kind):
        assert response.status_code == 404
    assert wrong_cin.json() == unknown.json() == wrong_kind.json()
    assert wrong_cin.json()["error"] == "not_found"


def test_lookup_accepts_a_lowercase_cin(api: httpx.Client) -> None:
    kind, number, cin, _stage = demo_dossiers()[0]
    assert lookup(api, kind, number, cin.lower()).status_code == 200


def test_an_admin_advance_shows_in_the_next_lookup(
    server: ReferenceServer, api: httpx.Client
) -> None:
    kind, number, cin, stage = next(
        row for row in demo_dossiers() if row[0] == "firearm_licence" and row[3] == "approved"
    )
    assert "now ready" in server.admin("advance-dossier", kind, number)
    body = lookup(api, kind, number, cin).json()
    assert body["stage"] == "ready"
    assert [entry["stage"] for entry in body["timeline"]][-2:] == [stage, "ready"]


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "driving_licence", "dossier_number": "X", "cin": "AB123456"},
        {"kind": "passport", "dossier_number": "", "cin": "AB123456"},
        {"kind": "passport", "dossier_number": "PP-1", "cin": "not a cin"},
    ],
    ids=["kind", "empty-number", "cin"],
)
def test_malformed_lookup_is_a_422(api: httpx.Client, body: dict[str, str]) -> None:
    assert api.post("/applications/lookup", json=body).status_code == 422
