"""Worker answers: a fault reaches the citizen's screen, a late answer is dropped."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from kiosk.services.faults import GENERIC_MESSAGE
from kiosk.services.requests import RequestService
from kiosk.services.tickets import TicketService
from tests.support.ui_driver import AppDriver


def _worker_has_answered(driver: AppDriver) -> None:
    """Pump until every job queued so far has answered on the UI thread.

    The worker is one thread that runs jobs in order, and their answers are scheduled on
    the clock in that order: once a job queued now has answered, so have the earlier ones.
    """
    answered: list[bool] = []
    driver.app.worker.run(lambda _desk: None, answered.append, answered.append)

    def done() -> bool:
        """the worker's answers up to now, handled"""
        return bool(answered)

    driver.wait_until(done)


def test_a_fault_while_a_list_loads_is_shown_to_the_citizen_and_logged(
    home: AppDriver, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_self: RequestService) -> Any:
        raise RuntimeError("the cache went away")

    monkeypatch.setattr(RequestService, "offline_services", broken)
    screen = home.app.screen("prerequest")
    screen.services = ()  # as on a first visit: the list is read when the screen shows
    with caplog.at_level(logging.INFO):
        home.app.show("prerequest")
        apology = home.app.tr(GENERIC_MESSAGE)

        def told() -> bool:
            """the apology under the empty list"""
            return apology in home.texts()

        home.wait_until(told)
    assert "RuntimeError" in caplog.text  # and the technician reads it in the journal
    monkeypatch.undo()
    home.app.go_home()
    home.pump(2)


def test_a_ticket_that_answers_after_the_citizen_went_home_is_not_drawn(
    home: AppDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    issue = TicketService.issue

    def slow_issue(self: TicketService, *args: Any, **kwargs: Any) -> Any:
        # The server answers late: long after the citizen walked away.
        release.wait(30)
        return issue(self, *args, **kwargs)

    monkeypatch.setattr(TicketService, "issue", slow_issue)
    home.tap(home.screen().take_ticket)
    home.wait_until(lambda: home.app.root.current == "ticket")
    ticket_screen = home.screen()
    home.tap(home.buttons(ticket_screen.ids.body)[0])  # a family
    home.tap(home.buttons(ticket_screen.ids.body)[0])  # its first service: issuing starts
    assert ticket_screen.ticket is None
    home.app.go_home()  # the citizen left (inactivity) while the number was being fetched
    home.pump(2)
    release.set()
    _worker_has_answered(home)
    home.pump(2)
    # Not drawn for the next citizen, and no "back home in a few seconds" armed for them.
    assert ticket_screen.ticket is None
    assert ticket_screen.step.name == "FAMILY"
    assert ticket_screen._leave is None
    assert home.app.root.current == "home"
