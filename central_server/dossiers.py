"""Passport and firearm-licence applications: look-up by dossier number + CIN, and progress."""

from __future__ import annotations

import sqlite3
from typing import Any

from central_server.clock import now_iso

STAGES: dict[str, tuple[str, ...]] = {
    "passport": (
        "submitted",
        "incomplete",
        "under_review",
        "rejected",
        "in_production",
        "ready",
        "collected",
    ),
    "firearm_licence": (
        "submitted",
        "incomplete",
        "investigation",
        "under_review",
        "rejected",
        "approved",
        "ready",
        "collected",
    ),
}

# The usual next step for each stage (admin "advance"); an incomplete file goes back to review.
NEXT_STAGE: dict[str, dict[str, str]] = {
    "passport": {
        "submitted": "under_review",
        "incomplete": "under_review",
        "under_review": "in_production",
        "in_production": "ready",
        "ready": "collected",
    },
    "firearm_licence": {
        "submitted": "investigation",
        "incomplete": "investigation",
        "investigation": "under_review",
        "under_review": "approved",
        "approved": "ready",
        "ready": "collected",
    },
}


def find_dossier(
    connection: sqlite3.Connection, kind: str, dossier_number: str, cin: str
) -> dict[str, Any] | None:
    """The dossier only if the CIN matches, so a wrong CIN looks exactly like an unknown dossier."""
    row = connection.execute(
        "SELECT * FROM dossiers WHERE kind = ? AND dossier_number = ? AND cin = ?",
        (kind, dossier_number, cin),
    ).fetchone()
    if row is None:
        return None
    events = connection.execute(
        "SELECT stage, happened_at FROM dossier_events WHERE kind = ? AND dossier_number = ? "
        "ORDER BY happened_at, rowid",
        (kind, dossier_number),
    ).fetchall()
    return {
        "kind": row["kind"],
        "dossier_number": row["dossier_number"],
        "stage": row["stage"],
        "reason": row["reason"],
        "updated_at": row["updated_at"],
        "timeline": [{"stage": event["stage"], "date": event["happened_at"]} for event in events],
    }


def set_stage(
    connection: sqlite3.Connection,
    kind: str,
    dossier_number: str,
    stage: str,
    reason: str | None = None,
    happened_at: str | None = None,
) -> None:
    """Move a dossier to `stage` and append it to its timeline."""
    if stage not in STAGES[kind]:
        raise ValueError(f"{stage!r} is not a {kind} stage")
    moment = happened_at or now_iso()
    connection.execute(
        "UPDATE dossiers SET stage = ?, reason = ?, updated_at = ? "
        "WHERE kind = ? AND dossier_number = ?",
        (stage, reason, moment, kind, dossier_number),
    )
    connection.execute(
        "INSERT INTO dossier_events (kind, dossier_number, stage, happened_at) VALUES (?, ?, ?, ?)",
        (kind, dossier_number, stage, moment),
    )


def advance_dossier(connection: sqlite3.Connection, kind: str, dossier_number: str) -> str:
    """Move a dossier one step along the usual path and return its new stage."""
    if kind not in STAGES:
        raise ValueError(f"unknown dossier kind {kind!r}")
    row = connection.execute(
        "SELECT stage FROM dossiers WHERE kind = ? AND dossier_number = ?", (kind, dossier_number)
    ).fetchone()
    if row is None:
        raise ValueError(f"no {kind} dossier {dossier_number!r}")
    following = NEXT_STAGE[kind].get(row["stage"])
    if following is None:
        raise ValueError(f"a dossier at stage {row['stage']!r} cannot advance")
    set_stage(connection, kind, dossier_number, following)
    return following
