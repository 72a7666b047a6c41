"""RequestService without a server: what may be asked, how input is checked, one key each."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlite_utils

from kiosk.domain.catalogue import packaged_catalogue
from kiosk.domain.validation import InvalidCIN, InvalidPhone, ValidationError
from kiosk.services.faults import message_key
from kiosk.services.requests import NotOfflineService, RequestService
from kiosk.services.tickets import ServiceDisabled, UnknownService
from offline_cache.database import transaction
from offline_cache.guide import OVERRIDES_KEY
from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.protocol import OutboxKind
from offline_cache.settings import Settings

NOW = datetime(2026, 11, 21, 9, 15, 42, 123456, tzinfo=UTC)
# Certificates the annex prepares from the CIN alone (catalogue.json `works_offline`).
OFFLINE = {
    "residence_certificate",
    "administrative_certificate",
    "name_concordance_certificate",
    "celibacy_certificate",
    "fiances_certificate",
    "non_remarriage_certificate",
    "support_certificate",
    "indigence_certificate",
    "income_certificate",
}


def _service(db: sqlite_utils.Database) -> RequestService:
    return RequestService(db, None, packaged_catalogue(), clock=lambda: NOW)


def _nothing_written(db: sqlite_utils.Database) -> bool:
    counts = [
        db.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("pre_requests", "outbox")
    ]
    return counts == [0, 0]


def test_offline_services_are_the_certificates_that_work_offline(
    cache: sqlite_utils.Database,
) -> None:
    service = _service(cache)
    assert {item.code for item in service.offline_services()} == OFFLINE
    certificates = {item.code for item in service.certificate_services()}
    assert certificates > OFFLINE and "passport_application" not in certificates
    # A service the annex does not offer is offered neither way.
    with transaction(cache):
        Settings(cache).put(OVERRIDES_KEY, json.dumps({"disabled": ["income_certificate"]}))
    assert "income_certificate" not in {item.code for item in service.offline_services()}
    assert "income_certificate" not in {item.code for item in service.certificate_services()}
    with pytest.raises(ServiceDisabled):
        service.create_pre_request("income_certificate", "AB123456", "0612345678", "fr")
    with pytest.raises(ServiceDisabled):
        service.prepare("C-0001", "income_certificate", "fr", False, False)


def test_a_pre_request_is_normalised_stamped_and_queued(cache: sqlite_utils.Database) -> None:
    made = _service(cache).create_pre_request(
        "indigence_certificate", "ｆａ ٣٤٥٦٧٨", "+212 6 33-34-56-03", "zgh"
    )
    record = made.record
    assert (record.cin, record.phone, record.language) == ("FA345678", "+212633345603", "zgh")
    assert record.created_at == NOW.replace(microsecond=0)
    queued = Outbox(cache).get(record.idempotency_key)
    assert queued is not None and queued.kind == OutboxKind.PRE_REQUEST
    assert queued.status is OutboxStatus.PENDING and queued.payload["cin"] == "FA345678"
    assert _service(cache).pre_request(record.idempotency_key) == made


@pytest.mark.parametrize(
    ("cin", "phone", "error"),
    [
        ("AB1234567", "0612345678", InvalidCIN),  # a seventh digit: no CIN
        ("123456", "0612345678", InvalidCIN),
        ("AB123456", "0512345678", InvalidPhone),  # a landline
        ("AB123456", "", InvalidPhone),
    ],
)
def test_bad_input_raises_its_validation_error_and_records_nothing(
    cache: sqlite_utils.Database, cin: str, phone: str, error: type[ValidationError]
) -> None:
    with pytest.raises(error) as raised:
        _service(cache).create_pre_request("residence_certificate", cin, phone, "ar")
    assert message_key(raised.value) == error.message_key
    assert _nothing_written(cache)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("kinship_certificate", NotOfflineService),  # issued elsewhere: needs the account
        ("passport_application", UnknownService),  # not a certificate
        ("no_such_certificate", UnknownService),
    ],
)
def test_only_offline_certificates_take_a_pre_request(
    cache: sqlite_utils.Database, code: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        _service(cache).create_pre_request(code, "AB123456", "0612345678", "fr")
    assert _nothing_written(cache)


def test_each_confirmed_request_gets_its_own_key_once(cache: sqlite_utils.Database) -> None:
    service = _service(cache)
    first = service.prepare("C-0001", "residence_certificate", "ar", True, False)
    second = service.prepare("C-0001", "residence_certificate", "ar", True, False)
    assert first.idempotency_key != second.idempotency_key
    with pytest.raises(ValueError, match="language"):
        service.prepare("C-0001", "residence_certificate", "es", True, False)
    with pytest.raises(UnknownService):
        service.prepare("C-0001", "no_such_certificate", "ar", True, False)


def test_the_request_page_and_the_guide_give_one_delay_and_fee_per_procedure(
    cache: sqlite_utils.Database,
) -> None:
    # The annex's setting (synced from the server) is what both pages say, not the
    # packaged text: the guide said "same day before 11:00", the request page "1 day".
    same_day = {"fr": "Le jour même si vous venez avant 11h00.", "ar": "في نفس اليوم قبل 11:00."}
    overrides = {"residence_certificate": {"delay": same_day, "fee_mad": 5}}
    with transaction(cache):
        Settings(cache).put(OVERRIDES_KEY, json.dumps({"overrides": overrides}))
    from kiosk.services.guide import GuideService

    in_guide = GuideService(cache).catalogue.service("residence_certificate")
    on_request_page = next(
        item
        for item in _service(cache).certificate_services()
        if item.code == "residence_certificate"
    )
    assert on_request_page.delay["fr"] == in_guide.delay["fr"] == same_day["fr"]
    assert on_request_page.delay["ar"] == same_day["ar"]
    assert on_request_page.fee_mad == in_guide.fee_mad == 5
