"""The page behind a receipt's QR: printed by the kiosk, opened in Chromium, kept up to date."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import sqlite_utils
from PIL import Image

from central_server.annex_info import set_annex_name
from central_server.db import Database
from central_server.demo_data import DEMO_CITIZENS
from central_server.request_tracking import (
    ReferenceKind,
    SharedReference,
    TrackedPreRequest,
    find,
    parse_reference,
)
from device_drivers.printer import Printer
from kiosk.central import CentralClient
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.services.documents import Receipt
from kiosk.services.printing import PrintingService
from kiosk.services.requests import RequestService, SubmitOutcome
from tests.support.browser import ARTEFACTS, PHONE, Browser, chromium
from tests.support.paper import CONTEXT, qr_payloads
from tests.support.printer_emulator import SerialPrinterEmulator
from tests.support.reference_server import (
    DEMO_CIN,
    DEMO_DEVICE_TOKEN,
    DEMO_PIN,
    ReferenceServer,
    running_reference_server,
)
from tests.support.sync_helpers import make_engine

AMINA = next(citizen for citizen in DEMO_CITIZENS if citizen.cin == DEMO_CIN)
# A demo request rejected for a reason the page knows (docs/api.md lists the demo requests).
DEMO_REJECTED = "R-2026-000002"
_TITLE_AND_MAIN = (r"<title>.*</title>", r"<main>.*</main>")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("request-page")) as running:
        yield running


def _client(base_url: str) -> CentralClient:
    return CentralClient(base_url, DEMO_DEVICE_TOKEN, connect_timeout_s=0.5, read_timeout_s=5.0)


def _print_and_scan(receipt: Receipt, tracking_base: str) -> str:
    """Print `receipt` through the kiosk's printing path to a pty printer; the QR's link."""
    printer = SerialPrinterEmulator()
    try:
        service = PrintingService(
            Printer.from_uri(printer.uri, "generic-58"),
            # The paper tests' annex and zone; the QR points at this server.
            replace(CONTEXT, tracking_url=tracking_base),
            packaged_catalogue(),
        )
        assert service.print_receipt(receipt).printed
        decoded = printer.wait_for(lambda paper: paper.cuts == 1)
    finally:
        printer.close()
    (link,) = qr_payloads(decoded)
    return link


def _html(browser: Browser) -> str:
    return str(browser.driver.page_source)


def _assert_nothing_personal(html: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in html, f"the page shows {secret!r}"


def test_a_filed_request_is_followed_from_its_printed_qr_as_the_annex_advances_it(
    server: ReferenceServer, cache: sqlite_utils.Database
) -> None:
    with _client(server.base_url) as client:
        session = client.open_session(DEMO_CIN, DEMO_PIN)
    service = RequestService(cache, _client(server.base_url), packaged_catalogue())
    prepared = service.prepare(
        session.citizen.citizen_id,
        "residence_certificate",
        "fr",
        notify_sms=True,
        notify_email=False,
    )
    result = service.submit(session.token, prepared)
    assert result.outcome is SubmitOutcome.SUBMITTED and result.request is not None
    number = result.request.request_number

    link = _print_and_scan(result.receipt(AMINA.display_name), server.base_url)
    assert link == f"{server.base_url}/r/{number}"

    with chromium("fr") as browser:
        browser.open(link)
        page = browser.text()
        assert number in page and "Certificat de résidence" in page
        assert "Déposée" in page and "revenez sur cette page" in page
        assert browser.attribute("html", "dir") == "ltr"
        assert AMINA.phone is not None
        _assert_nothing_personal(
            _html(browser),
            AMINA.display_name,
            "Amina",
            "Idrissi",
            AMINA.cin,
            AMINA.phone,
            AMINA.phone[-9:],
            session.citizen.citizen_id,
        )
        first = httpx.get(link, headers={"Accept-Language": "fr"})
        assert first.headers["Cache-Control"] == "public, max-age=30"
        unchanged = httpx.get(
            link, headers={"Accept-Language": "fr", "If-None-Match": first.headers["ETag"]}
        )
        assert unchanged.status_code == 304

        assert "in_progress" in server.admin("advance-request", number)
        # A reload asks the server again (If-None-Match): the ETag changed, the page follows.
        changed = httpx.get(
            link, headers={"Accept-Language": "fr", "If-None-Match": first.headers["ETag"]}
        )
        assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
        browser.driver.refresh()
        assert "En cours de traitement" in browser.text()

        assert "ready" in server.admin("advance-request", number)
        browser.driver.refresh()
        page = browser.text()
        assert "Prête à retirer" in page and "avec votre CNIE et ce récépissé" in page
        assert "Retirée" in page  # the step still to come

        assert "collected" in server.admin("advance-request", number)
        browser.driver.refresh()
        assert "Il n'y a plus rien à faire" in browser.text()
        # Submitted, ready (dated by its SMS notification) and collected; "in progress" passed
        # without a date of its own (the server keeps no history of statuses).
        dated = browser.driver.find_elements("css selector", "ol.timeline li:has(time)")
        assert [item.text.splitlines()[0] for item in dated] == [
            "Déposée",
            "Prête à retirer",
            "Retirée",
        ]


def test_a_rejection_shows_a_known_reason_translated_and_hides_a_free_text_one(
    server: ReferenceServer,
) -> None:
    with chromium("ar") as browser:
        browser.open(f"{server.base_url}/r/{DEMO_REJECTED}")
        page = browser.text()
        assert "مرفوضة" in page and "نسخة موجزة من رسم الولادة" in page
        assert browser.attribute("html", "dir") == "rtl"
        assert "Pièce manquante" not in page  # the stored French wording, translated instead

        # A reason written freely may name somebody: the page says one exists, not what it is.
        server.admin(
            "advance-request",
            "R-2026-000005",
            "--to",
            "rejected",
            "--reason",
            "Mme Amina El Idrissi habite hors secteur",
        )
        browser.open(f"{server.base_url}/r/R-2026-000005?lang=fr")
        page = browser.text()
        assert "Refusée" in page and "pour protéger votre vie privée" in page
        _assert_nothing_personal(_html(browser), "Amina", "hors secteur")


def test_a_pre_request_printed_offline_opens_its_page_before_and_after_its_sync(
    tmp_path: Path, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    server = ReferenceServer(tmp_path / "central")  # not started: the annex is offline
    service = RequestService(cache, _client(server.base_url), packaged_catalogue())
    made = service.create_pre_request("residence_certificate", "BK 234567", "0622345602", "fr")
    # Printed offline: the server's address is known from the configuration, not asked.
    link = _print_and_scan(Receipt.for_pre_request(made.record), server.base_url)
    assert link == f"{server.base_url}/r/{made.local_reference}"

    server.start()
    try:
        with chromium("fr") as browser:
            unsynced = httpx.get(link, headers={"Accept-Language": "fr"})
            assert unsynced.status_code == 404
            browser.open(link)
            assert "ne connaît pas encore cette référence" in browser.text()

            engine = make_engine(cache_path, server.base_url)
            try:
                assert engine.run_once().pushed == 1
            finally:
                engine.close()
            synced = service.pre_request(made.record.idempotency_key)
            assert synced is not None and synced.server_reference is not None

            browser.driver.refresh()
            page = browser.text()
            assert made.local_reference in page and synced.server_reference in page
            assert "Enregistrée à la borne, en attente de dépôt" in page
            assert "Certificat de résidence" in page and "Présentez votre CNIE" in page
            _assert_nothing_personal(
                _html(browser), "BK234567", "234567", "+212622345602", "622345602"
            )
            # The server's own reference opens the same pre-request.
            browser.open(f"{server.base_url}/r/{synced.server_reference}")
            assert "en attente de dépôt" in browser.text()
    finally:
        server.stop()


def test_unknown_and_malformed_references_get_the_same_translated_404(
    server: ReferenceServer,
) -> None:
    def not_found(reference: str, language: str = "fr") -> str:
        response = httpx.get(
            f"{server.base_url}/r/{reference}", headers={"Accept-Language": language}
        )
        assert response.status_code == 404, reference
        assert "text/html" in response.headers["content-type"]
        # The language switch repeats the path; the rest of the page must be identical.
        parts = [re.search(tag, response.text, re.DOTALL) for tag in _TITLE_AND_MAIN]
        return "".join(part.group(0) for part in parts if part is not None)

    near_miss = not_found("R-2026-000099")  # R-2026-000001..12 exist
    assert near_miss == not_found("R-1999-999999") == not_found("r-2026-000098")
    assert near_miss == not_found("R-2026-0000011") == not_found("x' OR 1=1 --")
    assert near_miss == not_found("R-2026-00001%00") == not_found("R" * 500)
    assert "Référence introuvable" in near_miss and "Aucune demande" in near_miss
    assert "المرجع غير موجود" in not_found("R-2026-000099", "ar")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("R-2026-000013", ReferenceKind.REQUEST),
        ("r-2026-000013", ReferenceKind.REQUEST),
        ("P-2026-000001", ReferenceKind.PRE_REQUEST),
        ("PR-3F2C9D1E", ReferenceKind.LOCAL_PRE_REQUEST),
        ("pr-3f2c9d1e", ReferenceKind.LOCAL_PRE_REQUEST),
        ("PR-3F2C9D1G", None),
        ("PR-3F2C9D1", None),
        ("R-2026-12345", None),
        ("R-٢٠٢٦-000013", None),  # Arabic-Indic digits are digits to a regex, not to us
        ("R-2026-000013/", None),
        ("", None),
    ],
)
def test_a_reference_is_checked_strictly_before_any_lookup(
    text: str, kind: ReferenceKind | None
) -> None:
    parsed = parse_reference(text)
    assert (parsed.kind if parsed else None) is kind


def _pre_request_database(path: Path, keys: list[str]) -> Database:
    database = Database(path)
    database.migrate()
    with database.write() as connection:
        connection.execute("INSERT INTO annexes (annex_id, name) VALUES ('a', 'Annexe A')")
        for index, key in enumerate(keys, start=1):
            connection.execute(
                "INSERT INTO pre_requests (reference, idempotency_key, service_code, cin, phone, "
                "language, created_at, received_at, annex_id, device_id) VALUES "
                "(?, ?, 'residence_certificate', 'AB123456', '+212612345601', 'fr', "
                "'2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z', 'a', 1)",
                (f"P-2026-{index:06d}", key),
            )
    return database


def test_the_annex_is_named_in_the_page_language_and_an_operator_can_rename_it(
    server: ReferenceServer,
) -> None:
    page_url = f"{server.base_url}/r/{DEMO_REJECTED}"
    with chromium("ar") as browser:
        browser.open(page_url)
        page = browser.text()
        assert "الملحقة الإدارية رقم 5، بركان" in page and "Annexe" not in page
        browser.open(f"{server.base_url}/display/berkane-5")
        assert "الملحقة الإدارية رقم 5، بركان" in browser.text()
        browser.open(f"{page_url}?lang=fr")
        assert "Annexe administrative n° 5, Berkane" in browser.text()
        server.admin("set-annex-name", "berkane-5", "en", "  Berkane   annex five ")
        try:
            browser.open(f"{page_url}?lang=en")
            assert "Berkane annex five" in browser.text()
        finally:
            server.admin("set-annex-name", "berkane-5", "en", "Administrative annex no. 5, Berkane")
    with pytest.raises(RuntimeError, match="no annex 'nowhere-9'"):
        server.admin("set-annex-name", "nowhere-9", "ar", "الملحقة")
    with pytest.raises(RuntimeError, match="cannot be empty"):
        server.admin("set-annex-name", "berkane-5", "ar", "   ")


def test_a_printed_pr_reference_finds_its_pre_request_through_the_keys_index(
    tmp_path: Path,
) -> None:
    keys = [
        "3f2c9d1e-0000-4000-8000-000000000001",
        "3f2c9d1f-0000-4000-8000-000000000002",  # the next prefix: must not be taken
        "ABCDEF12-0000-4000-8000-000000000003",  # upper case, from another client
        "77777777-0000-4000-8000-000000000004",
        "77777777-1111-4000-8000-000000000005",  # same eight digits: a shared reference
    ]
    database = _pre_request_database(tmp_path / "central.sqlite", keys)
    with database.read() as connection:
        found = find(connection, parse_reference("PR-3F2C9D1E"), "fr")  # type: ignore[arg-type]
        assert isinstance(found, TrackedPreRequest) and found.server_reference == "P-2026-000001"
        upper = find(connection, parse_reference("PR-ABCDEF12"), "fr")  # type: ignore[arg-type]
        assert isinstance(upper, TrackedPreRequest) and upper.server_reference == "P-2026-000003"
        assert isinstance(find(connection, parse_reference("PR-77777777"), "fr"), SharedReference)  # type: ignore[arg-type]
        assert find(connection, parse_reference("PR-3F2C9D10"), "fr") is None  # type: ignore[arg-type]
        # No Arabic name yet: the annex's own name; then the one an operator gave.
        arabic = find(connection, parse_reference("PR-3F2C9D1E"), "ar")  # type: ignore[arg-type]
        assert isinstance(arabic, TrackedPreRequest) and arabic.annex_name == "Annexe A"
        plan = " ".join(
            str(row[-1])
            for row in connection.execute(
                "EXPLAIN QUERY PLAN SELECT * FROM pre_requests "
                "WHERE idempotency_key >= ? AND idempotency_key < ?",
                ("3f2c9d1e", "3f2c9d1f"),
            )
        )
    assert "USING INDEX" in plan and "SCAN" not in plan, plan
    with database.write() as connection:
        set_annex_name(connection, "a", "ar", "الملحقة أ")
    with database.read() as connection:
        arabic = find(connection, parse_reference("PR-3F2C9D1E"), "ar")  # type: ignore[arg-type]
        french = find(connection, parse_reference("PR-3F2C9D1E"), "fr")  # type: ignore[arg-type]
    assert isinstance(arabic, TrackedPreRequest) and arabic.annex_name == "الملحقة أ"
    assert isinstance(french, TrackedPreRequest) and french.annex_name == "Annexe A"


def test_a_burst_from_one_address_gets_the_translated_429_with_retry_after(
    reference_server: ReferenceServer,
) -> None:
    link = f"{reference_server.base_url}/r/{DEMO_REJECTED}"
    with httpx.Client(headers={"Accept-Language": "ar"}) as phone:
        statuses = [phone.get(link).status_code for _ in range(40)]
        assert statuses[0] == 200 and statuses[-1] == 429
        refused = phone.get(link)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "المرجو الانتظار قليلا" in refused.text and "ثانية" in refused.text
    assert refused.headers["Cache-Control"] == "no-store"
    # The limit is the page's, not the API's: the kiosk's calls still pass.
    with reference_server.client() as kiosk:
        assert kiosk.get("/health").status_code == 200


def _phone_screenshot(browser: Browser, name: str) -> Path:
    """The whole page at a phone's width (390 CSS px: headless Chromium's window is wider)."""
    width, height = PHONE
    browser.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
    )
    assert not browser.overflows_horizontally(), f"{name} is wider than the phone"
    full = int(browser.driver.execute_script("return document.documentElement.scrollHeight"))
    browser.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": max(full, height), "deviceScaleFactor": 1, "mobile": True},
    )
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    browser.driver.save_screenshot(str(path))
    return path


def test_phone_sized_pages_read_right_to_left_in_arabic_and_fit_the_screen(
    server: ReferenceServer,
) -> None:
    for language, reference, name in (
        ("ar", DEMO_REJECTED, "request-page-ar"),
        ("fr", "R-2026-000003", "request-page-fr"),
        ("ar", "R-2026-999999", "request-not-found-ar"),
    ):
        with chromium(language) as browser:
            browser.open(f"{server.base_url}/r/{reference}")
            assert browser.attribute("html", "lang") == language
            assert browser.attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
            with Image.open(_phone_screenshot(browser, name)) as shot:
                assert shot.width == PHONE[0] and shot.height >= PHONE[1]
