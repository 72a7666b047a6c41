"""The counter page: an agent signs in, opens a counter and calls, recalls and closes tickets."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from central_server.agents import (
    AGENT_SESSION_SECONDS,
    AgentSession,
    end_agent_session,
    session_of,
    sign_in_agent,
)
from central_server.clock import ANNEX_TIMEZONE, business_day, parse_iso
from central_server.counters import (
    CounterRefused,
    call_next,
    close_counter,
    current_ticket,
    families_served,
    finish,
    open_counter,
    open_counter_of,
    recall,
)
from central_server.db import Database
from central_server.lockout import PinRefused
from central_server.queue import NO_SHOW, SERVED, live_queue
from central_server.service_names import names_from_catalogue
from central_server.web.languages import choose_language
from central_server.web.page import render_page
from central_server.web.ratelimit import page_rate_limit

router = APIRouter(prefix="/counter", include_in_schema=False)

DOMAIN = "queue"
SESSION_COOKIE = "gau_counter"
# Double-submit token of the sign-in form, before there is a session to hold one.
SIGN_IN_CSRF_COOKIE = "gau_counter_signin"
DESK_REFRESH_S = 20
# Messages a redirect may ask the page to show (a code, never text from the address bar).
NOTICES = {
    "nobody_waiting": "Nobody is waiting for this counter's services.",
    "finish_current": "Mark the current ticket served or no-show first.",
    "no_current": "No ticket is at this counter.",
    "no_counter": "Open a counter first.",
    "already_open": "You already have an open counter.",
    "counter_taken": "Another agent has this counter open.",
    "bad_counter_name": "Counter name: 1 to 16 letters, digits, spaces or dashes.",
    "no_families": "Choose at least one service family.",
    "form_expired": "This form had expired. Try again.",
    "signed_out": "You are signed out.",
    "closed": "The counter is closed.",
}

FormText = Annotated[str, Form()]


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(_database)]


def _session(request: Request, database: Database) -> AgentSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with database.read() as connection:
        return session_of(connection, token)


def _back(notice: str | None = None) -> RedirectResponse:
    # 303: the browser follows with a GET, so a reload never repeats the action.
    return RedirectResponse("/counter" + (f"?notice={notice}" if notice else ""), status_code=303)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _local_time(iso: str) -> str:
    return parse_iso(iso).astimezone(ANNEX_TIMEZONE).strftime("%H:%M")


def _sign_in_page(
    request: Request, error: str | None = None, count: int = 0, status_code: int = 200
) -> Response:
    csrf = request.cookies.get(SIGN_IN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render_page(
        request,
        "counter_sign_in.html",
        {"csrf": csrf, "error": error, "count": count, "notice": _notice(request)},
        domain=DOMAIN,
        max_age_s=0,
        status_code=status_code,
    )
    response.set_cookie(
        SIGN_IN_CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/counter",
    )
    return response


def _notice(request: Request) -> str | None:
    code = request.query_params.get("notice")
    return NOTICES.get(code) if code else None


@router.get("")
def counter_page(request: Request, database: DatabaseDep) -> Response:
    """Sign-in, then opening a counter, then the desk where tickets are called."""
    session = _session(request, database)
    if session is None:
        return _sign_in_page(request)
    lang = choose_language(request)
    names = names_from_catalogue(request.app.state.config.catalogue_path)
    today = business_day()
    with database.read() as connection:
        counter = open_counter_of(connection, session.agent)
        context: dict[str, Any] = {
            "agent_name": session.agent.name,
            "csrf": session.csrf_token,
            "notice": _notice(request),
        }
        if counter is None:
            families = families_served(connection)
            context["families"] = [
                (family, names.family(family, lang) or "") for family in families
            ]
            return render_page(
                request, "counter_open.html", context, domain=DOMAIN, max_age_s=0, lang=lang
            )
        ticket = current_ticket(connection, counter)
        queues = {q.family: q for q in live_queue(connection, session.agent.annex_id, today)}
    context["counter"] = counter
    context["ticket"] = ticket
    if ticket is not None:
        context["ticket_service"] = names.service(ticket.service_code, lang) or names.family(
            ticket.family, lang
        )
        context["called_time"] = _local_time(ticket.called_at)
    context["waiting"] = [
        (family, queues[family].waiting if family in queues else 0) for family in counter.families
    ]
    return render_page(
        request,
        "counter_desk.html",
        context,
        domain=DOMAIN,
        max_age_s=0,
        refresh_s=DESK_REFRESH_S,
        lang=lang,
    )


@router.post("/sign-in", dependencies=[Depends(page_rate_limit)])
def sign_in(
    request: Request,
    database: DatabaseDep,
    name: FormText = "",
    pin: FormText = "",
    csrf: FormText = "",
) -> Response:
    """Check the name and PIN; five failures lock the name like a citizen's CIN."""
    expected = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf):
        return _back("form_expired")
    name = name.strip().lower()
    with database.write() as connection:
        outcome = sign_in_agent(connection, name, pin, request.app.state.config.lockout_seconds)
    if isinstance(outcome, PinRefused):
        if outcome.locked_for_s is not None:
            minutes = max(1, -(-outcome.locked_for_s // 60))
            return _sign_in_page(request, "locked", minutes, status_code=423)
        return _sign_in_page(request, "wrong", outcome.attempts_left or 0, status_code=401)
    token, _session_opened = outcome
    response = _back()
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=AGENT_SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/counter",
    )
    response.delete_cookie(SIGN_IN_CSRF_COOKIE, path="/counter")
    return response


def _checked(request: Request, database: Database, csrf: str) -> AgentSession | Response:
    """The session of a form post whose CSRF token matches, else where to send the browser."""
    session = _session(request, database)
    if session is None:
        return _back()
    if not hmac.compare_digest(session.csrf_token, csrf):
        return _back("form_expired")
    return session


@router.post("/open")
def open_desk(
    request: Request,
    database: DatabaseDep,
    counter_name: FormText = "",
    families: Annotated[list[str] | None, Form()] = None,
    csrf: FormText = "",
) -> Response:
    session = _checked(request, database, csrf)
    if isinstance(session, Response):
        return session
    try:
        with database.write() as connection:
            open_counter(connection, session.agent, counter_name, families or [], business_day())
    except CounterRefused as refused:
        return _back(refused.reason)
    return _back()


def _act(request: Request, database: Database, csrf: str, action: str) -> Response:
    session = _checked(request, database, csrf)
    if isinstance(session, Response):
        return session
    try:
        with database.write() as connection:
            if action == "call":
                call_next(connection, session.agent, business_day())
            elif action == "recall":
                recall(connection, session.agent)
            elif action == "close":
                close_counter(connection, session.agent)
            else:
                finish(connection, session.agent, action)
    except CounterRefused as refused:
        return _back(refused.reason)
    return _back("closed" if action == "close" else None)


@router.post("/call")
def call(request: Request, database: DatabaseDep, csrf: FormText = "") -> Response:
    """Call the oldest waiting ticket of the counter's families."""
    return _act(request, database, csrf, "call")


@router.post("/recall")
def recall_ticket(request: Request, database: DatabaseDep, csrf: FormText = "") -> Response:
    return _act(request, database, csrf, "recall")


@router.post("/served")
def served(request: Request, database: DatabaseDep, csrf: FormText = "") -> Response:
    return _act(request, database, csrf, SERVED)


@router.post("/no-show")
def no_show(request: Request, database: DatabaseDep, csrf: FormText = "") -> Response:
    return _act(request, database, csrf, NO_SHOW)


@router.post("/close")
def close(request: Request, database: DatabaseDep, csrf: FormText = "") -> Response:
    return _act(request, database, csrf, "close")


@router.post("/sign-out")
def sign_out(request: Request, database: DatabaseDep, csrf: FormText = "") -> Response:
    session = _checked(request, database, csrf)
    if isinstance(session, Response):
        return session
    token = request.cookies.get(SESSION_COOKIE, "")
    with database.write() as connection:
        end_agent_session(connection, token)
    response = _back("signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/counter")
    return response
