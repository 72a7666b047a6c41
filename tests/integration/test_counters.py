"""Counters on the reference server: agents, calling order, one ticket per counter, lockout."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.support.counter_agent import CounterAgent
from tests.support.reference_server import REPO_ROOT, ReferenceServer
from tests.support.ticket_requests import offline_ticket, take_ticket

AGENT_1 = ("agent-1", "135790")
AGENT_2 = ("agent-2", "246802")


def _queue(server: ReferenceServer, family: str) -> dict[str, float]:
    with server.client() as api:
        families = api.get("/queue-stats").json()["families"]
    return next(item for item in families if item["family"] == family)


def test_two_counters_calling_at_once_never_get_the_same_ticket(
    reference_server: ReferenceServer,
) -> None:
    with reference_server.client() as api:
        numbers = {take_ticket(api, "C").json()["number"] for _ in range(12)}
    agents = [CounterAgent(reference_server.base_url, *agent) for agent in (AGENT_1, AGENT_2)]
    for place, agent in enumerate(agents, start=1):
        assert "Open a counter" in agent.sign_in().text
        agent.open_counter(str(place), ["C"])

    def work(agent: CounterAgent) -> list[str]:
        called: list[str] = []
        while True:
            agent.post("call")
            number = agent.current_number()
            if number is None:
                return called
            called.append(number)
            agent.post("served")

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(work, agents)
    for agent in agents:
        agent.close()
    assert first and second, "both counters took part"
    assert sorted(first + second) == sorted(numbers)  # each ticket called exactly once
    assert not set(first) & set(second)
    assert _queue(reference_server, "C")["waiting"] == 0


def test_the_oldest_ticket_by_issue_time_is_called_first_even_if_uploaded_late(
    reference_server: ReferenceServer,
) -> None:
    with reference_server.client() as api:
        online = take_ticket(api, "B").json()["number"]  # issued 2026-11-21T09:00Z
        earlier = offline_ticket("B", 5100, None, "standalone", issued_at="2026-11-21T08:10:00Z")
        later = offline_ticket("B", 5101, None, "standalone", issued_at="2026-11-21T09:30:00Z")
        batch = api.post("/tickets/batch", json={"items": [later, earlier]})
        assert [r["status"] for r in batch.json()["results"]] == ["created", "created"]
    with CounterAgent(reference_server.base_url, *AGENT_1) as agent:
        agent.sign_in()
        agent.open_counter("4", ["B"])
        order = []
        for _ in range(3):
            agent.post("call")
            order.append(agent.current_number())
            agent.post("no-show")
        assert order == ["B-5100", online, "B-5101"]
        nobody = agent.post("call")
        assert "Nobody is waiting for this counter" in nobody.text
        assert agent.current_number() is None


def test_one_ticket_at_a_time_and_closing_puts_it_back_in_its_place(
    reference_server: ReferenceServer,
) -> None:
    with reference_server.client() as api:
        first, second = (take_ticket(api, "P").json()["number"] for _ in range(2))
    with CounterAgent(reference_server.base_url, *AGENT_1) as agent:
        agent.sign_in()
        agent.open_counter("1", ["P"])
        agent.post("call")
        assert agent.current_number() == first
        refused = agent.post("call")
        assert "Mark the current ticket served or no-show first." in refused.text
        assert agent.current_number() == first
        agent.post("close")
        assert _queue(reference_server, "P")["waiting"] == 2
        assert _queue(reference_server, "P")["open_counters"] == 0
        agent.open_counter("1", ["P"])
        agent.post("call")
        assert agent.current_number() == first  # back at the head of the queue, not the end
    with CounterAgent(reference_server.base_url, *AGENT_2) as other:
        other.sign_in()
        taken = other.open_counter("1", ["P"])  # agent-1 holds counter 1
        assert "Another agent has this counter open." in taken.text
        other.open_counter("2", ["P"])
        other.post("call")
        assert other.current_number() == second


def test_five_wrong_pins_lock_the_agent_even_with_the_right_pin(
    reference_server: ReferenceServer,
) -> None:
    with CounterAgent(reference_server.base_url, *AGENT_2) as agent:
        answers = [agent.sign_in(pin="000000") for _ in range(5)]
        assert [answer.status_code for answer in answers] == [401, 401, 401, 401, 423]
        assert "1 attempt left" in answers[3].text
        assert "Try again in 15 minutes." in answers[4].text
        locked = agent.sign_in()
        assert locked.status_code == 423 and "Open a counter" not in locked.text
    with CounterAgent(reference_server.base_url, *AGENT_1) as unaffected:
        assert "Open a counter" in unaffected.sign_in().text


def test_a_form_without_the_sessions_csrf_token_does_nothing(
    reference_server: ReferenceServer,
) -> None:
    with reference_server.client() as api:
        number = take_ticket(api, "A").json()["number"]
    with CounterAgent(reference_server.base_url, *AGENT_1) as agent:
        agent.sign_in()
        agent.open_counter("5", ["A"])
        forged = agent.client.post("/counter/call", data={"csrf": "forged"})
        assert "This form had expired" in forged.text
        assert agent.current_number() is None
        agent.post("call")
        assert agent.current_number() == number
    # No session cookie at all: back to the sign-in form, nothing called.
    stranger = httpx.post(f"{reference_server.base_url}/counter/served", data={"csrf": "x"})
    assert stranger.status_code == 303 and stranger.headers["location"] == "/counter"


def test_the_session_cookie_is_http_only_and_same_site_strict(
    reference_server: ReferenceServer,
) -> None:
    with CounterAgent(reference_server.base_url, *AGENT_1) as agent:
        csrf_page = agent.page()
        token = csrf_page.text.split('name="csrf" value="')[1].split('"')[0]
        answer = agent.client.post(
            "/counter/sign-in",
            data={"name": "agent-1", "pin": "135790", "csrf": token},
            follow_redirects=False,
        )
    cookie = answer.headers["set-cookie"]
    assert answer.status_code == 303
    assert "gau_counter=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_an_agent_added_on_the_command_line_signs_in_and_the_pin_is_not_stored(
    reference_server: ReferenceServer,
) -> None:
    command = [sys.executable, "-m", "central_server.cli", "--db", str(reference_server.db_path)]
    added = subprocess.run(
        [*command, "agent", "add", "samira.k", "--annex", "berkane-5"],
        input="907153\n",
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    refused = subprocess.run(
        [*command, "agent", "add", "short", "--annex", "berkane-5"],
        input="12\n",
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2 and "6 to 12 digits" in refused.stderr
    listed = subprocess.run(
        [*command, "agent", "list"], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )
    assert "samira.k" in listed.stdout and "short" not in listed.stdout
    for stored in Path(reference_server.db_path).parent.glob("central.sqlite*"):
        assert b"907153" not in stored.read_bytes()
    with sqlite3.connect(reference_server.db_path) as db:
        (salt_length,) = db.execute(
            "SELECT length(pin_salt) FROM agents WHERE name = 'samira.k'"
        ).fetchone()
    assert salt_length == 16
    with CounterAgent(reference_server.base_url, "samira.k", "907153") as agent:
        assert "Signed in as samira.k" in agent.sign_in().text
