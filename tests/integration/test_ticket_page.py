"""`/t/<key>`: the QR printed on a kiosk ticket opens a page that shows the ticket's number."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path

import httpx
import pytest

from kiosk.cli import main
from tests.support.browser import chromium
from tests.support.escpos_decoder import decode
from tests.support.kiosk_config import write_config
from tests.support.paper import qr_payloads
from tests.support.reference_server import DEMO_DEVICE_TOKEN, ReferenceServer
from tests.support.ticket_requests import offline_ticket
from tests.support.web_shots import save_small


def _issue(
    tmp_path: Path, server: ReferenceServer, capsys: pytest.CaptureFixture[str], service: str
) -> tuple[dict[str, object], bytes]:
    """A ticket from the real `kiosk ticket` command and the bytes its printer received."""
    token = tmp_path / "device-token"
    token.write_text(DEMO_DEVICE_TOKEN, encoding="utf-8")
    paper = tmp_path / "paper"
    config = write_config(tmp_path, f"capture:{paper}", server.base_url, str(token))
    before = set(paper.iterdir()) if paper.exists() else set()
    assert main(["--config", str(config), "ticket", service, "--lang", "fr"]) == 0
    ticket = json.loads(capsys.readouterr().out)
    (job,) = set(paper.iterdir()) - before
    return ticket, job.read_bytes()


def _link_key(idempotency_key: str) -> str:
    return base64.b32encode(uuid.UUID(idempotency_key).bytes).decode().rstrip("=").lower()


def test_the_printed_qr_opens_the_tickets_page_in_arabic_and_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reference_server: ReferenceServer
) -> None:
    ticket, job = _issue(tmp_path, reference_server, capsys, "residence_certificate")
    assert ticket["source"] == "server" and ticket["printed"] is True
    (url,) = [link for link in qr_payloads(decode(job)) if "/t/" in link]
    assert url == f"{reference_server.base_url}/t/{_link_key(str(ticket['idempotency_key']))}"
    number = str(ticket["number"])
    ahead = int(str(ticket["people_ahead"]))
    for lang, service_name, people in (
        ("ar", "شهادة السكنى", None),
        ("fr", "Certificat de résidence", f"{ahead} personnes"),
    ):
        with chromium(lang) as browser:
            browser.open(url)
            text = browser.text()
            assert number in text and service_name in text
            if people is not None:
                assert "Personnes avant vous" in text and people in text
            assert browser.attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
            assert browser.attribute("html", "lang") == lang
            assert not browser.overflows_horizontally()
            save_small(browser.screenshot(f"ticket-page-{lang}"), f"ticket-page-{lang}", 390)


def test_an_unknown_key_gets_a_translated_not_yet_page_and_a_malformed_one_too(
    reference_server: ReferenceServer,
) -> None:
    unknown = _link_key(str(uuid.uuid4()))
    base = reference_server.base_url
    for key in (
        unknown,
        unknown.upper(),
        unknown[:-1] + "b",
        unknown + "a",
        "x" * 26,
        "a" * 25 + "=",
    ):
        answer = httpx.get(f"{base}/t/{key}", headers={"Accept-Language": "fr"})
        assert answer.status_code == 404, key
        assert "Ticket pas encore connu" in answer.text
        assert "hors ligne" in answer.text  # offline tickets arrive when the kiosk is back
    arabic = httpx.get(f"{base}/t/{unknown}", headers={"Accept-Language": "ar"})
    assert arabic.status_code == 404 and 'dir="rtl"' in arabic.text
    assert "التذكرة غير معروفة بعد" in arabic.text


def test_the_page_is_cached_briefly_and_revalidated_cheaply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reference_server: ReferenceServer
) -> None:
    ticket, _job = _issue(tmp_path, reference_server, capsys, "celibacy_certificate")
    url = f"{reference_server.base_url}/t/{_link_key(str(ticket['idempotency_key']))}"
    first = httpx.get(url, params={"lang": "en"})
    assert first.status_code == 200 and str(ticket["number"]) in first.text
    assert first.headers["cache-control"] == "public, max-age=15"
    assert '<meta http-equiv="refresh" content="30">' in first.text
    assert "script" not in first.text.lower()
    again = httpx.get(url, params={"lang": "en"}, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_a_ticket_of_another_day_reads_expired(reference_server: ReferenceServer) -> None:
    item = offline_ticket("A", 5200, None, "standalone", business_day="2026-01-05")
    with reference_server.client() as api:
        result = api.post("/tickets/batch", json={"items": [item]}).json()["results"][0]
        assert result["status"] == "created"
    url = f"{reference_server.base_url}/t/{_link_key(str(item['idempotency_key']))}"
    page = httpx.get(url, params={"lang": "en"})
    assert page.status_code == 200 and "A-5200" in page.text
    assert "Expired: this ticket was for another day." in page.text
    assert "People ahead of you" not in page.text
