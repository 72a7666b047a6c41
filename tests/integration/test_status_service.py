"""Passport and firearm-licence look-ups against the real server, and "as of" offline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlite_utils

from kiosk.central import CentralClient
from kiosk.i18n import LANGUAGES, translator
from kiosk.services.status import STAGE_NAMES, Outcome, StatusService, stage_name
from tests.support.misbehaving_server import refused_url
from tests.support.reference_server import DEMO_DEVICE_TOKEN, ReferenceServer

FETCHED = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def _service(db: sqlite_utils.Database, url: str) -> StatusService:
    client = CentralClient(url, DEMO_DEVICE_TOKEN, connect_timeout_s=0.5, read_timeout_s=2.0)
    return StatusService(db, client, clock=lambda: FETCHED)


@pytest.mark.parametrize(
    ("kind", "number", "cin", "stage"),
    [
        ("passport", "PP-2026-000100", "AB123456", "submitted"),
        ("passport", "PP-2026-000103", "F456789", "rejected"),
        ("passport", "PP-2026-000105", "JA678901", "ready"),
        ("firearm_licence", "PA-2026-000109", "FC012345", "investigation"),
        ("firearm_licence", "PA-2026-000112", "AB123456", "approved"),
    ],
)
def test_an_application_is_found_at_its_stage(
    reference_server: ReferenceServer,
    cache: sqlite_utils.Database,
    kind: str,
    number: str,
    cin: str,
    stage: str,
) -> None:
    # Typed as a citizen might: lower case, spaces around.
    found = _service(cache, reference_server.base_url).lookup(kind, f" {number.lower()} ", cin)
    assert found.outcome is Outcome.FOUND and found.status is not None
    assert (found.status.dossier_number, found.status.stage) == (number, stage)
    assert found.status.timeline[-1].stage == stage
    assert (found.status.reason is not None) == (stage in {"incomplete", "rejected"})


def test_a_wrong_cin_and_an_unknown_dossier_get_the_same_plain_answer(
    reference_server: ReferenceServer, cache: sqlite_utils.Database
) -> None:
    service = _service(cache, reference_server.base_url)
    wrong_cin = service.lookup("passport", "PP-2026-000100", "ZZ999999")
    unknown = service.lookup("passport", "PP-1999-000001", "AB123456")
    assert wrong_cin.outcome is unknown.outcome is Outcome.NOT_FOUND
    assert wrong_cin.message_key == unknown.message_key
    assert service.lookup("passport", "PP-2026-000100", "not a cin").outcome is Outcome.BAD_INPUT


def test_offline_the_last_answer_is_shown_as_of_its_time(
    reference_server: ReferenceServer, cache: sqlite_utils.Database
) -> None:
    online = _service(cache, reference_server.base_url)
    assert online.lookup("passport", "PP-2026-000104", "AB567890").outcome is Outcome.FOUND
    offline = _service(cache, refused_url())
    cached = offline.lookup("passport", "PP-2026-000104", "AB567890")
    assert cached.outcome is Outcome.CACHED and cached.as_of == FETCHED
    assert cached.status is not None and cached.status.stage == "in_production"
    # Another CIN does not get it from the cache either.
    assert offline.lookup("passport", "PP-2026-000104", "AB123456").outcome is (
        Outcome.NEEDS_NETWORK
    )
    never = offline.lookup("firearm_licence", "PA-2026-000107", "FB890123")
    assert never.outcome is Outcome.NEEDS_NETWORK and never.message_key


def test_every_stage_has_a_name_in_every_language() -> None:
    for stage in STAGE_NAMES:
        for lang in LANGUAGES:
            name = translator(lang)(stage_name(stage))
            assert name and (lang == "en" or name != stage_name(stage)), (stage, lang)
