"""What the home screen shows besides the journeys: the annex's notices and its queues."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from kiosk.domain.models import localized
from offline_cache.clock import parse_iso, utc_now
from offline_cache.guide import GuideStore

# Queue figures older than this say nothing true about the hall any more.
QUEUE_STALE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class QueueLine:
    """One family's queue as the board shows it; `None` figures read "not available"."""

    family: str
    waiting: int | None
    wait_minutes: int | None


@dataclass(frozen=True)
class HomeView:
    """What home shows from the cache, read on a worker in one go."""

    queues: list[QueueLine]
    notices: list[str]
    annex_name: str | None  # as the server names it in the language asked; None: never synced


class HomeBoard:
    """Reads the notices and queue statistics the sync engine keeps in the cache."""

    def __init__(self, db: sqlite_utils.Database, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock

    def annex_name(self, lang: str) -> str | None:
        """The annex's name in `lang` as the server last gave it (else its own), or None.

        The server names the annex on its tracking pages, display and messages; home uses
        the same name once a sync brought it, and the configured one before that.
        """
        catalogue = GuideStore(self._db).overrides()
        names = catalogue.get("annex_names") or {}
        named = names.get(lang) or catalogue.get("annex_name")
        return str(named) if named else None

    def announcements(self, lang: str) -> list[str]:
        """Notices in force now, in `lang` (else French, else any), oldest first."""
        now = self._clock()
        shown = []
        for row in self._db.query("SELECT data FROM announcements ORDER BY rowid"):
            item = json.loads(row["data"])
            starts, ends = item.get("starts_at"), item.get("ends_at")
            if (starts and parse_iso(starts) > now) or (ends and parse_iso(ends) <= now):
                continue
            text = localized(item.get("text") or {}, lang)
            if text:
                shown.append(text)
        return shown

    def queues(self, families: list[str]) -> list[QueueLine]:
        """Each family's waiting count and wait, or "not available" when unknown or stale."""
        now = self._clock()
        known = {row["family"]: row for row in self._db.query("SELECT * FROM queue_stats")}
        lines = []
        for family in families:
            row = known.get(family)
            if row is None or now - parse_iso(row["fetched_at"]) > QUEUE_STALE_AFTER:
                lines.append(QueueLine(family, None, None))
                continue
            minutes = None
            if row["open_counters"] > 0:
                seconds = row["waiting"] * row["avg_handling_s"] / row["open_counters"]
                minutes = max(1, math.ceil(seconds / 60)) if row["waiting"] else 0
            lines.append(QueueLine(family, int(row["waiting"]), minutes))
        return lines
