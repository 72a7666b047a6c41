"""Counters: an agent opens one for some families, calls tickets one at a time, closes it."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date

from central_server.agents import Agent
from central_server.clock import now_iso
from central_server.queue import CALLED, NO_SHOW, SERVED, WAITING, precise_now_iso

COUNTER_NAME_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z -]{0,15}$")


class CounterRefused(Exception):
    """An action the counter cannot take now; `reason` is a stable code the page translates."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Counter:
    counter_id: int
    name: str
    families: tuple[str, ...]
    current_key: str | None


@dataclass(frozen=True)
class CalledTicket:
    number: str
    family: str
    service_code: str
    called_at: str
    recalls: int


def families_served(connection: sqlite3.Connection) -> list[str]:
    """The ticket families the server knows (from its services table)."""
    return [
        str(row["family"])
        for row in connection.execute("SELECT DISTINCT family FROM services ORDER BY family")
    ]


def open_counter_of(connection: sqlite3.Connection, agent: Agent) -> Counter | None:
    row = connection.execute(
        "SELECT counter_id, name, families, current_key FROM counters "
        "WHERE agent_id = ? AND closed_at IS NULL",
        (agent.agent_id,),
    ).fetchone()
    if row is None:
        return None
    return Counter(
        int(row["counter_id"]),
        str(row["name"]),
        tuple(str(row["families"]).split(",")),
        row["current_key"],
    )


def open_counter(
    connection: sqlite3.Connection, agent: Agent, name: str, families: list[str], day: date
) -> Counter:
    """Open counter `name` for `families` (in the caller's write transaction)."""
    name = " ".join(name.split())
    if not COUNTER_NAME_PATTERN.fullmatch(name):
        raise CounterRefused("bad_counter_name")
    known = set(families_served(connection))
    chosen = sorted(set(families))
    if not chosen or not set(chosen) <= known:
        raise CounterRefused("no_families")
    if open_counter_of(connection, agent) is not None:
        raise CounterRefused("already_open")
    taken = connection.execute(
        "SELECT 1 FROM counters WHERE annex_id = ? AND name = ? AND closed_at IS NULL",
        (agent.annex_id, name),
    ).fetchone()
    if taken is not None:
        raise CounterRefused("counter_taken")
    cursor = connection.execute(
        "INSERT INTO counters (annex_id, name, agent_id, families, business_day, opened_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (agent.annex_id, name, agent.agent_id, ",".join(chosen), day.isoformat(), now_iso()),
    )
    return Counter(int(cursor.lastrowid or 0), name, tuple(chosen), None)


def _require_counter(connection: sqlite3.Connection, agent: Agent) -> Counter:
    counter = open_counter_of(connection, agent)
    if counter is None:
        raise CounterRefused("no_counter")
    return counter


def current_ticket(connection: sqlite3.Connection, counter: Counter) -> CalledTicket | None:
    if counter.current_key is None:
        return None
    row = connection.execute(
        "SELECT number, family, service_code, called_at, recalls FROM tickets "
        "WHERE idempotency_key = ? AND state = ?",
        (counter.current_key, CALLED),
    ).fetchone()
    if row is None:
        return None
    return CalledTicket(
        row["number"], row["family"], row["service_code"], row["called_at"], int(row["recalls"])
    )


def call_next(connection: sqlite3.Connection, agent: Agent, day: date) -> CalledTicket:
    """Call the oldest waiting ticket of today in the counter's families.

    Oldest by issue time, so a ticket printed offline and uploaded late takes the place its
    citizen had in the lobby. The caller holds the write lock (BEGIN IMMEDIATE): two
    counters calling at once are serialised and never get the same ticket.
    """
    counter = _require_counter(connection, agent)
    if current_ticket(connection, counter) is not None:
        raise CounterRefused("finish_current")
    placeholders = ",".join("?" for _ in counter.families)
    row = connection.execute(
        "SELECT idempotency_key FROM tickets WHERE annex_id = ? AND business_day = ? "
        f"AND state = ? AND family IN ({placeholders}) ORDER BY issued_at, rowid LIMIT 1",
        (agent.annex_id, day.isoformat(), WAITING, *counter.families),
    ).fetchone()
    if row is None:
        raise CounterRefused("nobody_waiting")
    key = row["idempotency_key"]
    connection.execute(
        "UPDATE tickets SET state = ?, counter_name = ?, called_at = ? "
        "WHERE idempotency_key = ? AND state = ?",
        (CALLED, counter.name, precise_now_iso(), key, WAITING),
    )
    connection.execute(
        "UPDATE counters SET current_key = ? WHERE counter_id = ?", (key, counter.counter_id)
    )
    called = current_ticket(connection, Counter(counter.counter_id, counter.name, (), key))
    assert called is not None  # just called under the write lock
    return called


def recall(connection: sqlite3.Connection, agent: Agent) -> CalledTicket:
    """Call the current ticket again (the display shows it first); handling restarts now."""
    counter = _require_counter(connection, agent)
    if current_ticket(connection, counter) is None:
        raise CounterRefused("no_current")
    connection.execute(
        "UPDATE tickets SET recalls = recalls + 1, called_at = ? WHERE idempotency_key = ?",
        (precise_now_iso(), counter.current_key),
    )
    called = current_ticket(connection, counter)
    assert called is not None
    return called


def finish(connection: sqlite3.Connection, agent: Agent, outcome: str) -> CalledTicket:
    """Mark the current ticket served or no-show; the counter is free for the next one."""
    if outcome not in (SERVED, NO_SHOW):
        raise ValueError(outcome)
    counter = _require_counter(connection, agent)
    ticket = current_ticket(connection, counter)
    if ticket is None:
        raise CounterRefused("no_current")
    connection.execute(
        "UPDATE tickets SET state = ?, finished_at = ? WHERE idempotency_key = ?",
        (outcome, precise_now_iso(), counter.current_key),
    )
    connection.execute(
        "UPDATE counters SET current_key = NULL WHERE counter_id = ?", (counter.counter_id,)
    )
    return ticket


def close_counter(connection: sqlite3.Connection, agent: Agent) -> None:
    """Close the agent's counter; a ticket still called goes back to its place in the queue."""
    counter = _require_counter(connection, agent)
    if current_ticket(connection, counter) is not None:
        connection.execute(
            "UPDATE tickets SET state = ?, counter_name = NULL, called_at = NULL "
            "WHERE idempotency_key = ?",
            (WAITING, counter.current_key),
        )
    connection.execute(
        "UPDATE counters SET closed_at = ?, current_key = NULL WHERE counter_id = ?",
        (now_iso(), counter.counter_id),
    )
