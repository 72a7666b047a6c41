"""Per-annex information: names by language, catalogue overrides, queue stats, announcements."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from central_server.clock import business_day, now_iso
from central_server.queue import live_queue

# The annex `a` of a query named in the language bound as the query's first parameter; its
# own (French) name where the server has none in that language.
ANNEX_NAME_IN_LANGUAGE = (
    "COALESCE((SELECT n.name FROM annex_names AS n "
    "WHERE n.annex_id = a.annex_id AND n.language = ?), a.name)"
)


def annex_name_in(connection: sqlite3.Connection, annex_id: str, language: str) -> str | None:
    """The annex's name in `language` (else its own), or None for an unknown annex."""
    row = connection.execute(
        f"SELECT {ANNEX_NAME_IN_LANGUAGE} AS name FROM annexes AS a WHERE a.annex_id = ?",
        (language, annex_id),
    ).fetchone()
    return None if row is None else str(row["name"])


def set_annex_name(connection: sqlite3.Connection, annex_id: str, language: str, name: str) -> None:
    """Name the annex in `language`, replacing the name it had there."""
    connection.execute(
        "INSERT INTO annex_names (annex_id, language, name) VALUES (?, ?, ?) "
        "ON CONFLICT (annex_id, language) DO UPDATE SET name = excluded.name",
        (annex_id, language, name),
    )


def catalogue_for(connection: sqlite3.Connection, annex_id: str) -> dict[str, Any]:
    """The overrides and disabled services this annex applies on top of the kiosk's catalogue."""
    annex = connection.execute(
        "SELECT name, catalogue_revision FROM annexes WHERE annex_id = ?", (annex_id,)
    ).fetchone()
    overrides = {
        row["service_code"]: json.loads(row["override_json"])
        for row in connection.execute(
            "SELECT service_code, override_json FROM catalogue_overrides WHERE annex_id = ? "
            "ORDER BY service_code",
            (annex_id,),
        )
    }
    disabled = [
        row["service_code"]
        for row in connection.execute(
            "SELECT service_code FROM disabled_services WHERE annex_id = ? ORDER BY service_code",
            (annex_id,),
        )
    ]
    names = {
        row["language"]: row["name"]
        for row in connection.execute(
            "SELECT language, name FROM annex_names WHERE annex_id = ? ORDER BY language",
            (annex_id,),
        )
    }
    return {
        "annex_id": annex_id,
        "annex_name": annex["name"],
        # The kiosk's home names the annex as its tracking pages and messages do.
        "annex_names": names,
        "revision": annex["catalogue_revision"],
        "overrides": overrides,
        "disabled": disabled,
    }


def catalogue_etag(catalogue: dict[str, Any]) -> str:
    """A strong ETag from the content: any change shows, even without a revision bump."""
    canonical = json.dumps(catalogue, sort_keys=True, ensure_ascii=False).encode()
    return '"' + hashlib.sha256(canonical).hexdigest()[:20] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: a list of (possibly weak) tags, or `*`."""
    if not if_none_match:
        return False
    candidates = [part.strip() for part in if_none_match.split(",")]
    return any(tag == "*" or tag.removeprefix("W/") == etag for tag in candidates)


def queue_stats_for(connection: sqlite3.Connection, annex_id: str) -> list[dict[str, Any]]:
    """Waiting tickets, measured handling time and open counters per family, as of now."""
    return [queue.as_dict() for queue in live_queue(connection, annex_id, business_day())]


def announcements_for(connection: sqlite3.Connection, annex_id: str) -> list[dict[str, Any]]:
    """Announcements for this annex (or all annexes) that have not ended yet."""
    rows = connection.execute(
        "SELECT * FROM announcements WHERE (annex_id IS NULL OR annex_id = ?) "
        "AND (ends_at IS NULL OR ends_at > ?) ORDER BY COALESCE(starts_at, ''), announcement_id",
        (annex_id, now_iso()),
    ).fetchall()
    return [
        {
            "id": row["announcement_id"],
            "text": json.loads(row["text_json"]),
            "starts_at": row["starts_at"],
            "ends_at": row["ends_at"],
        }
        for row in rows
    ]
