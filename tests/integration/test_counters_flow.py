"""A morning at the annex: kiosk tickets called and served from the counter page in Chromium,
with the kiosk's next figures, the tracking page and the lobby display following."""

from __future__ import annotations

import base64
import json
import math
import sqlite3
import time
import uuid
from pathlib import Path

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from kiosk.cli import main
from tests.support.browser import Browser, chromium
from tests.support.kiosk_config import write_config
from tests.support.reference_server import DEMO_DEVICE_TOKEN, ReferenceServer
from tests.support.web_shots import save_small

PRIOR_A_S = 240.0  # the demo annex's configured handling time of family A
PRIOR_WEIGHT = 3  # central_server.queue.PRIOR_WEIGHT, restated: the test must not trust it
TV = (1920, 1080)


class Kiosk:
    """The real `kiosk ticket` command against the reference server, as a citizen uses it."""

    def __init__(
        self, tmp_path: Path, server: ReferenceServer, capsys: pytest.CaptureFixture[str]
    ) -> None:
        token = tmp_path / "device-token"
        token.write_text(DEMO_DEVICE_TOKEN, encoding="utf-8")
        self.config = write_config(
            tmp_path, f"capture:{tmp_path / 'paper'}", server.base_url, str(token)
        )
        self.capsys = capsys

    def ticket(self, service: str = "residence_certificate") -> dict[str, object]:
        assert main(["--config", str(self.config), "ticket", service, "--lang", "fr"]) == 0
        ticket: dict[str, object] = json.loads(self.capsys.readouterr().out)
        assert ticket["source"] == "server"
        return ticket


def _track(server: ReferenceServer, ticket: dict[str, object]) -> str:
    raw = uuid.UUID(str(ticket["idempotency_key"])).bytes
    return f"{server.base_url}/t/{base64.b32encode(raw).decode().rstrip('=').lower()}"


def _page(browser: Browser, url: str) -> str:
    """The page as a reload shows it: the tracking page may be reused for 15 s otherwise."""
    browser.open(url)
    browser.driver.refresh()  # revalidates (If-None-Match), as the page's meta refresh does
    return browser.text()


def _submit(browser: Browser, css: str) -> None:
    """Click a form's button and wait for the page the server answers with (after its 303)."""
    before = browser.driver.find_element(By.TAG_NAME, "html")
    browser.click(css)
    # While the old document is being torn down Chromium can answer "node does not belong to
    # the document" (a plain WebDriverException) before it answers "stale": both mean the page
    # is going, so the wait asks again instead of failing.
    wait = WebDriverWait(browser.driver, 15, ignored_exceptions=(WebDriverException,))
    wait.until(expected_conditions.staleness_of(before))
    wait.until(lambda driver: driver.execute_script("return document.readyState") == "complete")


def _handling_s(server: ReferenceServer, number: str) -> float:
    with sqlite3.connect(f"file:{server.db_path}?mode=ro", uri=True) as db:
        (seconds,) = db.execute(
            "SELECT (julianday(finished_at) - julianday(called_at)) * 86400.0 FROM tickets "
            "WHERE number = ? AND state = 'served'",
            (number,),
        ).fetchone()
    return float(seconds)


def _family_a(server: ReferenceServer) -> dict[str, float]:
    with server.client() as api:
        families = api.get("/queue-stats").json()["families"]
    return next(item for item in families if item["family"] == "A")


def test_tickets_called_and_served_at_the_counter_move_every_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reference_server: ReferenceServer
) -> None:
    kiosk = Kiosk(tmp_path, reference_server, capsys)
    base = reference_server.base_url
    display = f"{base}/display/berkane-5"
    with chromium("fr", size=(1280, 900)) as browser:
        browser.open(f"{base}/counter")
        browser.type_into("#name", "agent-1")
        browser.type_into("#pin", "135790")
        _submit(browser, "#sign-in")
        browser.type_into("#counter_name", "3")
        browser.click("#family-A")
        _submit(browser, "#open-counter")
        assert "Guichet 3" in browser.text()

        # From now on the figures are the counters' own: nobody waits, one counter is open.
        first, second, third = (kiosk.ticket() for _ in range(3))
        assert [t["people_ahead"] for t in (first, second, third)] == [0, 1, 2]
        assert [t["estimated_wait_s"] for t in (first, second, third)] == [0, 240, 480]
        assert "2 personnes" in _page(browser, _track(reference_server, third))

        browser.open(f"{base}/counter")
        _submit(browser, "#call-next")
        assert browser.attribute("#current-number", "textContent") == first["number"]
        lobby = _page(browser, display)
        assert f"{first['number']}\n3" in lobby or f"{first['number']} 3" in lobby
        called = _page(browser, _track(reference_server, first))
        assert "Appelé : présentez-vous au guichet 3" in called
        assert "1 personne" in _page(browser, _track(reference_server, third))

        time.sleep(1.5)  # the citizen at the counter: a real, measured handling time
        browser.open(f"{base}/counter")
        _submit(browser, "#served")
        assert "Aucun ticket au guichet." in browser.text()
        assert "Servi. Merci de votre visite." in _page(browser, _track(reference_server, first))

        measured = _handling_s(reference_server, str(first["number"]))
        assert 1.5 <= measured < 30
        expected_avg = round((PRIOR_A_S * PRIOR_WEIGHT + measured) / (PRIOR_WEIGHT + 1), 1)
        queue = _family_a(reference_server)
        assert (queue["waiting"], queue["open_counters"]) == (2, 1)
        assert queue["avg_handling_s"] == pytest.approx(expected_avg, abs=0.05)
        assert queue["avg_handling_s"] < PRIOR_A_S * 0.8

        # The kiosk's next ticket: two ahead, each at the measured pace, not the configured one.
        fourth = kiosk.ticket()
        assert fourth["people_ahead"] == 2
        assert fourth["estimated_wait_s"] == math.ceil(2 * queue["avg_handling_s"] / 1)
        assert fourth["estimated_wait_s"] < 2 * PRIOR_A_S

        browser.open(f"{base}/counter")
        _submit(browser, "#call-next")
        assert browser.attribute("#current-number", "textContent") == second["number"]
        _submit(browser, "#no-show")
        absent = _page(browser, _track(reference_server, second))
        assert "personne ne s'est présenté au guichet" in absent
        assert "Aucun ticket n'est appelé" in _page(browser, display)

        browser.open(f"{base}/counter")
        _submit(browser, "#call-next")
        _submit(browser, "#recall")
        desk = browser.text()
        assert str(third["number"]) in desk and "rappelé 1 fois" in desk
        assert "1 ticket" in desk  # the fourth is still waiting
        save_small(browser.screenshot("counter-desk-fr"), "counter-desk-fr", 900)

    with chromium("ar", size=TV) as tv:
        lobby = _page(tv, display)
        assert str(third["number"]) in lobby
        for label in ("الرقم المنادى عليه", "Appel en cours", "ⴰⵟⵟⵓⵏ ⵉⵜⵜⵓⵖⵔⴰⵏ", "Now serving"):
            assert label in lobby
        assert tv.attribute('meta[http-equiv="refresh"]', "content") == "5"
        assert not tv.overflows_horizontally()
        save_small(tv.screenshot("lobby-display"), "lobby-display", 960)
