"""Admin commands on the server's database: advance requests or dossiers, devices, notices."""

from __future__ import annotations

import json
from typing import TextIO

from central_server.annex_info import set_annex_name
from central_server.citizen_requests import REQUEST_FLOW, next_request_status, set_request_status
from central_server.config import ServerConfig
from central_server.db import Database
from central_server.devices import DeviceError, add_device, revoke_device
from central_server.dossiers import advance_dossier
from central_server.notifications import (
    PendingNotification,
    deliver,
    list_notifications,
    load_sms_sender,
    queue_ready_notifications,
)

REQUEST_STATES = (*REQUEST_FLOW, "rejected")


class AdminError(Exception):
    """An admin command was refused; the message says why."""


def advance_request(
    database: Database,
    config: ServerConfig,
    request_number: str,
    to_status: str | None = None,
    reason: str | None = None,
) -> str:
    """Move a request to its next state (or `to_status`); reaching `ready` notifies the citizen."""
    pending: list[PendingNotification] = []
    with database.write() as connection:
        row = connection.execute(
            "SELECT status, annex_id FROM requests WHERE request_number = ?",
            (request_number,),
        ).fetchone()
        if row is None:
            raise AdminError(f"no request {request_number!r}")
        try:
            target = to_status or next_request_status(row["status"])
        except ValueError as exc:
            raise AdminError(str(exc)) from exc
        if target not in REQUEST_STATES:
            raise AdminError(f"unknown status {target!r}; one of {', '.join(REQUEST_STATES)}")
        updated = set_request_status(connection, request_number, target, reason)
        if target == "ready" and row["status"] != "ready":
            pending = queue_ready_notifications(connection, updated, row["annex_id"])
    # Sent after commit: a slow SMTP server must not hold the database write lock.
    deliver(database, pending, config.smtp, load_sms_sender(config.sms_sender_spec))
    return f"{request_number}: {row['status']} -> {target}"


def advance_dossier_command(database: Database, kind: str, number: str) -> str:
    with database.write() as connection:
        try:
            stage = advance_dossier(connection, kind, number)
        except ValueError as exc:
            raise AdminError(str(exc)) from exc
    return f"{kind} {number}: now {stage}"


def print_notifications(database: Database, out: TextIO, as_json: bool) -> None:
    with database.read() as connection:
        rows = [dict(row) for row in list_notifications(connection)]
    if as_json:
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    if not rows:
        out.write("no notifications\n")
    for row in rows:
        out.write(
            f"{row['notification_id']:>4} {row['created_at']} {row['request_number']} "
            f"{row['channel']:<5} {row['recipient']} [{row['language']}] {row['status']}"
            f"{' (' + row['detail'] + ')' if row['detail'] else ''}\n"
        )


def print_conflicts(database: Database, out: TextIO, as_json: bool = False) -> None:
    """Ticket uploads the server refused, and online numbers voided for a printed one."""
    with database.read() as connection:
        conflicts = [
            dict(row)
            for row in connection.execute(
                "SELECT c.recorded_at, c.business_day, c.number, c.reason, c.idempotency_key, "
                "c.holder_key, d.name AS device FROM ticket_conflicts AS c "
                "JOIN devices AS d USING (device_id) ORDER BY c.conflict_id"
            )
        ]
        voided = [
            dict(row)
            for row in connection.execute(
                "SELECT v.voided_at, v.business_day, v.number, v.replaced_by, v.idempotency_key, "
                "d.name AS device FROM voided_numbers AS v "
                "JOIN devices AS d USING (device_id) ORDER BY v.rowid"
            )
        ]
    if as_json:
        json.dump({"conflicts": conflicts, "voided": voided}, out, indent=2)
        out.write("\n")
        return
    out.write(f"{len(conflicts)} refused upload(s), {len(voided)} voided number(s)\n")
    for row in conflicts:
        holder = f", number held by {row['holder_key']}" if row["holder_key"] else ""
        out.write(
            f"refused {row['business_day']} {row['number']} from {row['device']}: "
            f"{row['reason']} (key {row['idempotency_key']}{holder})\n"
        )
    for row in voided:
        out.write(
            f"voided  {row['business_day']} {row['number']} of {row['device']}: "
            f"replaced by the printed {row['replaced_by']} (key {row['idempotency_key']})\n"
        )


def add_device_command(database: Database, name: str, annex_id: str) -> str:
    with database.write() as connection:
        try:
            return add_device(connection, name, annex_id)
        except DeviceError as exc:
            raise AdminError(str(exc)) from exc


def set_annex_name_command(database: Database, annex_id: str, language: str, name: str) -> str:
    """Name an annex in one language, as the tracking pages and the lobby display show it."""
    name = " ".join(name.split())
    if not name:
        raise AdminError("an annex's name cannot be empty")
    with database.write() as connection:
        known = connection.execute("SELECT 1 FROM annexes WHERE annex_id = ?", (annex_id,))
        if known.fetchone() is None:
            raise AdminError(f"no annex {annex_id!r}")
        set_annex_name(connection, annex_id, language, name)
    return f"{annex_id} in {language}: {name}"


def revoke_device_command(database: Database, name: str) -> None:
    with database.write() as connection:
        try:
            revoke_device(connection, name)
        except DeviceError as exc:
            raise AdminError(str(exc)) from exc
