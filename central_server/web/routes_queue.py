"""Public queue pages: a ticket's tracking page `/t/<key>` and the lobby display."""

from __future__ import annotations

import base64
import binascii
import math
import re
import sqlite3
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from central_server.annex_info import annex_name_in
from central_server.clock import business_day
from central_server.db import Database
from central_server.queue import (
    CALLED,
    WAITING,
    estimated_wait,
    family_queue,
    live_queue,
    now_serving,
    people_ahead_of,
)
from central_server.service_names import ServiceNames, names_from_catalogue
from central_server.web.languages import LANGUAGES, choose_language, direction
from central_server.web.page import PageTexts, render_page
from central_server.web.ratelimit import page_rate_limit

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_rate_limit)])

DOMAIN = "queue"
# 16 bytes in base32 without padding: 26 characters, the last one carrying 3 bits (and 2 zeros).
_KEY_PATTERN = re.compile(r"^[a-z2-7]{25}[aeimquy4]$")
# A phone may reuse the page this long; the page reloads itself a little later.
TICKET_MAX_AGE_S = 15
TICKET_REFRESH_S = 30
DISPLAY_REFRESH_S = 5
# How many called tickets the lobby display lists (the newest is the big one).
DISPLAY_ROWS = 6


def key_to_uuid(key: str) -> str | None:
    """The idempotency key a link key stands for, or None when it is no well-formed key."""
    if not _KEY_PATTERN.fullmatch(key):
        return None
    try:
        raw = base64.b32decode(key.upper() + "======")
    except (binascii.Error, ValueError):
        return None
    return str(uuid.UUID(bytes=raw)) if len(raw) == 16 else None


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def _names(request: Request) -> ServiceNames:
    return names_from_catalogue(request.app.state.config.catalogue_path)


def _find_ticket(connection: sqlite3.Connection, key: str) -> sqlite3.Row | None:
    # Kiosks send lower-case UUID text; an upper-case one would be the same ticket.
    row: sqlite3.Row | None = connection.execute(
        "SELECT rowid, * FROM tickets WHERE idempotency_key IN (?, ?)", (key, key.upper())
    ).fetchone()
    return row


def _service_label(names: ServiceNames, row: sqlite3.Row, lang: str) -> str | None:
    return names.service(row["service_code"], lang) or names.family(row["family"], lang)


def ticket_context(
    connection: sqlite3.Connection, row: sqlite3.Row, names: ServiceNames, lang: str
) -> dict[str, Any]:
    """What the ticket page shows: number, service, and where the ticket stands now."""
    today = business_day()
    state = str(row["state"])
    context: dict[str, Any] = {
        "number": row["number"],
        "family": row["family"],
        "service": _service_label(names, row, lang),
        "counter": row["counter_name"],
        "people_ahead": None,
        "wait_minutes": None,
    }
    if row["business_day"] != today.isoformat() and state in (WAITING, CALLED):
        context["state"] = "expired"
        return context
    context["state"] = state  # waiting, called, served or no_show
    if state == WAITING:
        ahead = people_ahead_of(connection, row, today)
        queue = family_queue(connection, row["annex_id"], row["family"], today)
        # Until called, as the kiosk reckons it: those ahead go through the open counters.
        wait = estimated_wait(ahead, queue.avg_handling_s, queue.open_counters)
        context["people_ahead"] = ahead
        context["wait_minutes"] = None if wait is None else math.ceil(wait / 60)
    return context


@router.get("/t/{key}")
def ticket_page(request: Request, key: str) -> Response:
    """Where a printed ticket stands: the QR on the paper opens this page."""
    lang = choose_language(request)
    ticket_key = key_to_uuid(key)
    context = None
    if ticket_key is not None:
        with _database(request).read() as connection:
            row = _find_ticket(connection, ticket_key)
            if row is not None:
                context = ticket_context(connection, row, _names(request), lang)
    if context is None:
        # Never kept: the ticket may arrive with the kiosk's next upload.
        return render_page(
            request,
            "ticket_unknown.html",
            {},
            domain=DOMAIN,
            max_age_s=0,
            status_code=404,
            lang=lang,
        )
    return render_page(
        request,
        "ticket.html",
        context,
        domain=DOMAIN,
        max_age_s=TICKET_MAX_AGE_S,
        refresh_s=TICKET_REFRESH_S,
        lang=lang,
    )


def _labels() -> dict[str, dict[str, str]]:
    """The display's labels in every language: a lobby holds readers of all four."""
    texts = {lang: PageTexts(lang, DOMAIN) for lang in LANGUAGES}
    wanted = {
        "now_serving": "Now serving",
        "ticket": "Ticket",
        "counter": "Counter",
        "nobody": "No ticket is being called",
        "waiting": "Waiting",
    }
    return {
        key: {lang: texts[lang].gettext(message) for lang in LANGUAGES}
        for key, message in wanted.items()
    }


@router.get("/display/{annex_id}")
def display_page(
    request: Request, annex_id: str, database: Annotated[Database, Depends(_database)]
) -> Response:
    """The lobby screen: which ticket goes to which counter, reloading itself every few seconds."""
    today = business_day()
    lang = choose_language(request)
    with database.read() as connection:
        annex_name = annex_name_in(connection, annex_id, lang)
        if annex_name is None:
            return render_page(
                request,
                "display_unknown.html",
                {},
                domain=DOMAIN,
                max_age_s=0,
                status_code=404,
                lang=lang,
            )
        serving = now_serving(connection, annex_id, today)[:DISPLAY_ROWS]
        queues = live_queue(connection, annex_id, today)
        waiting = [queue for queue in queues if queue.waiting or queue.open_counters]
    return render_page(
        request,
        "display.html",
        {
            "annex_name": annex_name,
            "serving": serving,
            "waiting": waiting,
            "labels": _labels(),
            "languages": [(code, direction(code)) for code in LANGUAGES],
        },
        domain=DOMAIN,
        max_age_s=0,
        refresh_s=DISPLAY_REFRESH_S,
        lang=lang,
    )
