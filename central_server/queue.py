"""The live queue of an annex: waiting tickets, open counters and measured handling times."""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from central_server.clock import utc_now

WAITING = "waiting"
CALLED = "called"
SERVED = "served"
NO_SHOW = "no_show"

# Handling time of a family the annex configured nothing for (a prior, soon outweighed).
DEFAULT_HANDLING_S = 300.0
# The configured handling time counts as this many served tickets: the first few
# measurements move the estimate, but one odd ticket cannot swing it alone.
PRIOR_WEIGHT = 3
# The mean is over the most recent served tickets, so it follows the day's pace.
RECENT_SERVED = 20
# A ticket left "called" over lunch says nothing about how long serving takes.
MAX_CREDIBLE_HANDLING_S = 2 * 3600.0


def precise_now_iso() -> str:
    """Now in UTC to the millisecond: handling times of a few seconds must still measure."""
    return utc_now().isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class FamilyQueue:
    """What a kiosk needs to tell a citizen how long they will wait, for one family."""

    family: str
    waiting: int
    avg_handling_s: float
    open_counters: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "waiting": self.waiting,
            "avg_handling_s": self.avg_handling_s,
            "open_counters": self.open_counters,
        }


def estimated_wait(waiting: int, avg_handling_s: float, open_counters: int) -> int | None:
    """Seconds until served, or None when no counter is open (the wait is then unknown)."""
    if open_counters <= 0:
        return None
    return math.ceil(waiting * avg_handling_s / open_counters)


def counters_in_use(connection: sqlite3.Connection, annex_id: str, day: date) -> bool:
    """Whether the annex works with the counter page today (a counter open now or earlier)."""
    row = connection.execute(
        "SELECT 1 FROM counters WHERE annex_id = ? AND (closed_at IS NULL OR business_day = ?) "
        "LIMIT 1",
        (annex_id, day.isoformat()),
    ).fetchone()
    return row is not None


def _configured(connection: sqlite3.Connection, annex_id: str) -> dict[str, sqlite3.Row]:
    return {
        row["family"]: row
        for row in connection.execute(
            "SELECT family, waiting, avg_handling_s, open_counters FROM queue_stats "
            "WHERE annex_id = ?",
            (annex_id,),
        )
    }


def measured_handling_s(
    connection: sqlite3.Connection, annex_id: str, family: str, prior_s: float
) -> float:
    """The mean called-to-served time of the family's last served tickets, with the prior."""
    rows = connection.execute(
        "SELECT (julianday(finished_at) - julianday(called_at)) * 86400.0 AS seconds "
        "FROM tickets WHERE annex_id = ? AND family = ? AND state = ? AND called_at IS NOT NULL "
        "ORDER BY finished_at DESC LIMIT ?",
        (annex_id, family, SERVED, RECENT_SERVED),
    ).fetchall()
    samples = [
        float(row["seconds"])
        for row in rows
        if row["seconds"] is not None and 0 < float(row["seconds"]) <= MAX_CREDIBLE_HANDLING_S
    ]
    blended = (prior_s * PRIOR_WEIGHT + sum(samples)) / (PRIOR_WEIGHT + len(samples))
    return round(blended, 1)


def _waiting_counts(connection: sqlite3.Connection, annex_id: str, day: date) -> dict[str, int]:
    return {
        row["family"]: int(row["waiting"])
        for row in connection.execute(
            "SELECT family, COUNT(*) AS waiting FROM tickets "
            "WHERE annex_id = ? AND business_day = ? AND state = ? GROUP BY family",
            (annex_id, day.isoformat(), WAITING),
        )
    }


def _open_counter_families(connection: sqlite3.Connection, annex_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in connection.execute(
        "SELECT families FROM counters WHERE annex_id = ? AND closed_at IS NULL", (annex_id,)
    ):
        for family in str(row["families"]).split(","):
            counts[family] = counts.get(family, 0) + 1
    return counts


def live_queue(connection: sqlite3.Connection, annex_id: str, day: date) -> list[FamilyQueue]:
    """Every family the annex queues for, as the tickets and counters show it now.

    An annex that opened no counter today works as before the counter page existed: its
    configured waiting count (people without a ticket the server knows) and counters apply.
    Once a counter opens, people waiting are today's waiting tickets and counters are the
    open ones: the figures follow what the counters do.
    """
    configured = _configured(connection, annex_id)
    waiting = _waiting_counts(connection, annex_id, day)
    live = counters_in_use(connection, annex_id, day)
    counters = _open_counter_families(connection, annex_id) if live else {}
    families = sorted(set(configured) | set(waiting) | set(counters))
    result = []
    for family in families:
        row = configured.get(family)
        prior = float(row["avg_handling_s"]) if row is not None else DEFAULT_HANDLING_S
        backlog = int(row["waiting"]) if row is not None and not live else 0
        open_counters = counters.get(family, 0) if live else int(row["open_counters"]) if row else 0
        result.append(
            FamilyQueue(
                family=family,
                waiting=backlog + waiting.get(family, 0),
                avg_handling_s=measured_handling_s(connection, annex_id, family, prior),
                open_counters=open_counters,
            )
        )
    return result


def family_queue(
    connection: sqlite3.Connection, annex_id: str, family: str, day: date
) -> FamilyQueue:
    """One family's live figures (an unknown family: nobody waiting, no counter)."""
    for queue in live_queue(connection, annex_id, day):
        if queue.family == family:
            return queue
    return FamilyQueue(family, 0, DEFAULT_HANDLING_S, 0)


def people_ahead_of(connection: sqlite3.Connection, ticket: sqlite3.Row, day: date) -> int:
    """Waiting tickets of the same family called before this one (by issue time), plus any
    configured backlog while the annex does not use counters."""
    ahead = connection.execute(
        "SELECT COUNT(*) FROM tickets WHERE annex_id = ? AND business_day = ? AND family = ? "
        "AND state = ? AND (issued_at < ? OR (issued_at = ? AND rowid < ?))",
        (
            ticket["annex_id"],
            ticket["business_day"],
            ticket["family"],
            WAITING,
            ticket["issued_at"],
            ticket["issued_at"],
            ticket["rowid"],
        ),
    ).fetchone()[0]
    backlog = 0
    if not counters_in_use(connection, ticket["annex_id"], day):
        row = _configured(connection, ticket["annex_id"]).get(ticket["family"])
        backlog = int(row["waiting"]) if row is not None else 0
    return int(ahead) + backlog


@dataclass(frozen=True)
class NowServing:
    """A ticket called to a counter, as the lobby display shows it."""

    number: str
    counter_name: str
    called_at: str
    recalls: int


def now_serving(connection: sqlite3.Connection, annex_id: str, day: date) -> list[NowServing]:
    """Tickets at a counter now, the most recently called first."""
    rows = connection.execute(
        "SELECT number, counter_name, called_at, recalls FROM tickets "
        "WHERE annex_id = ? AND business_day = ? AND state = ? ORDER BY called_at DESC",
        (annex_id, day.isoformat(), CALLED),
    ).fetchall()
    return [
        NowServing(row["number"], row["counter_name"], row["called_at"], int(row["recalls"]))
        for row in rows
    ]
