"""The server pages' shell: the phone's language is understood, and a page scraper is slowed."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from central_server.app import create_app
from central_server.config import ServerConfig
from central_server.web.i18n import page_texts
from central_server.web.languages import direction, from_accept_language
from central_server.web.ratelimit import RateLimiter, TooManyRequests


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("ar-MA,ar;q=0.9,fr;q=0.8", "ar"),
        ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"),
        ("es-ES,es;q=0.9,en;q=0.5,fr;q=0.6", "fr"),
        ("tzm-Tfng-MA", "zgh"),
        ("en;q=0.2,zgh;q=0.9", "zgh"),
        ("de-DE,fr;q=0", None),
        ("", None),
        ("fr;q=abc,en", "en"),
    ],
)
def test_the_phones_languages_are_read_by_preference(header: str, language: str | None) -> None:
    assert from_accept_language(header) == language


def test_arabic_pages_run_right_to_left() -> None:
    assert direction("ar") == "rtl"
    assert {direction(lang) for lang in ("fr", "zgh", "en")} == {"ltr"}


def test_arabic_plurals_take_their_six_forms() -> None:
    texts = page_texts("ar", "pages")
    singular = "This page was opened too often. Try again in %(count)d second."
    plural = "This page was opened too often. Try again in %(count)d seconds."
    forms = {texts.ngettext(singular, plural, n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(forms) == 5  # 11..99 and 100 share "ثانية" with different rules
    assert "ثانيتين" in texts.ngettext(singular, plural, 2)


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_the_address_waits_and_others_do_not() -> None:
    clock = _Clock()
    limiter = RateLimiter(per_minute=60, burst=3, clock=clock)
    for _ in range(3):
        limiter.take("10.0.0.1")
    with pytest.raises(TooManyRequests) as refused:
        limiter.take("10.0.0.1")
    assert refused.value.retry_after_s == 1
    limiter.take("10.0.0.2")  # another phone is not punished
    clock.now += 1.0
    limiter.take("10.0.0.1")  # one second buys one more page at 60 a minute
    with pytest.raises(TooManyRequests):
        limiter.take("10.0.0.1")


def test_the_language_switch_keeps_an_encoded_path_whole(tmp_path: Path) -> None:
    client = TestClient(create_app(ServerConfig(db_path=tmp_path / "server.sqlite")))
    page = client.get("/r/R-2026-000001%3Fx", headers={"Accept-Language": "fr"})
    assert page.status_code == 404
    assert 'href="/r/R-2026-000001%3Fx?lang=ar"' in page.text
    assert page.headers["content-language"] == "fr"
