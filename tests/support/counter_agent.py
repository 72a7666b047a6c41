"""A counter agent driving the reference server's counter page over plain HTTP (forms, cookies)."""

from __future__ import annotations

import re

import httpx

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_CURRENT = re.compile(r'id="current-number">([^<]+)<')


class CounterAgent:
    """One browser-like session: cookies kept, redirects followed, the form's CSRF token sent."""

    def __init__(self, base_url: str, name: str, pin: str) -> None:
        self.name = name
        self.pin = pin
        self.client = httpx.Client(base_url=base_url, follow_redirects=True, timeout=15.0)

    def page(self) -> httpx.Response:
        return self.client.get("/counter", params={"lang": "en"})

    def _csrf(self) -> str:
        found = _CSRF.search(self.page().text)
        assert found is not None, "the counter page holds no form"
        return found.group(1)

    def sign_in(self, pin: str | None = None) -> httpx.Response:
        csrf = self._csrf()
        return self.client.post(
            "/counter/sign-in",
            data={"name": self.name, "pin": self.pin if pin is None else pin, "csrf": csrf},
        )

    def post(self, action: str, **fields: str | list[str]) -> httpx.Response:
        """Submit one of the page's forms (`open`, `call`, `served`, …) with its CSRF token."""
        return self.client.post(f"/counter/{action}", data={**fields, "csrf": self._csrf()})

    def open_counter(self, counter_name: str, families: list[str]) -> httpx.Response:
        return self.post("open", counter_name=counter_name, families=families)

    def current_number(self) -> str | None:
        """The ticket at this agent's counter, as the page shows it."""
        found = _CURRENT.search(self.page().text)
        return found.group(1) if found else None

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> CounterAgent:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
