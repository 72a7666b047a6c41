"""Counter agents: PINs stored as salted scrypt hashes, sign-in with lockout, page sessions."""

from __future__ import annotations

import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from central_server.clock import iso_after, now_iso, parse_iso, to_iso, utc_now
from central_server.config import MAX_FAILED_SIGN_INS
from central_server.security import hash_pin, new_salt, new_token, pin_matches, token_digest

# An agent's working day: the counter page stays signed in this long.
AGENT_SESSION_SECONDS = 10 * 3600
AGENT_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
AGENT_PIN_PATTERN = re.compile(r"^[0-9]{6,12}$")


class AgentError(Exception):
    """An agent could not be added; the message says why."""


@dataclass(frozen=True)
class Agent:
    """A signed-in agent (never the PIN)."""

    agent_id: int
    name: str
    annex_id: str


@dataclass(frozen=True)
class AgentSession:
    agent: Agent
    csrf_token: str


@dataclass(frozen=True)
class SignInRefused:
    """Why a sign-in failed: a wrong name or PIN (with attempts left) or a lock."""

    attempts_left: int | None = None
    locked_for_s: int | None = None


def add_agent(connection: sqlite3.Connection, name: str, annex_id: str, pin: str) -> None:
    """Register an agent of an annex; the PIN is kept only as a salted scrypt hash."""
    if not AGENT_NAME_PATTERN.fullmatch(name):
        raise AgentError(
            f"agent name {name!r}: 2 to 32 lower-case letters, digits, '.', '_' or '-'"
        )
    if not AGENT_PIN_PATTERN.fullmatch(pin):
        raise AgentError("the PIN must be 6 to 12 digits")
    if (
        connection.execute("SELECT 1 FROM annexes WHERE annex_id = ?", (annex_id,)).fetchone()
        is None
    ):
        raise AgentError(f"no annex {annex_id!r}")
    if connection.execute("SELECT 1 FROM agents WHERE name = ?", (name,)).fetchone() is not None:
        raise AgentError(f"an agent named {name!r} exists already")
    salt = new_salt()
    connection.execute(
        "INSERT INTO agents (name, annex_id, pin_salt, pin_hash, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (name, annex_id, salt, hash_pin(pin, salt), now_iso()),
    )


def list_agents(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    return connection.execute(
        "SELECT name, annex_id, created_at, disabled_at FROM agents ORDER BY annex_id, name"
    ).fetchall()


def _seconds_until(iso: str) -> int:
    return max(1, int((parse_iso(iso) - utc_now()).total_seconds() + 0.999))


def sign_in_agent(
    connection: sqlite3.Connection, name: str, pin: str, lockout_seconds: int
) -> tuple[str, AgentSession] | SignInRefused:
    """Check the PIN inside the caller's write transaction (guesses count one by one).

    The same pattern as citizens' sign-in: MAX_FAILED_SIGN_INS failures lock the name,
    even the right PIN is refused while locked, and an unknown name costs the same work.
    Returns the new session's token (for the cookie) and the session, or the refusal.
    """
    failure = connection.execute(
        "SELECT failures, locked_until FROM agent_sign_in_failures WHERE name = ?", (name,)
    ).fetchone()
    failures = 0
    if failure is not None:
        locked_until = failure["locked_until"]
        if locked_until is not None and parse_iso(locked_until) > utc_now():
            return SignInRefused(locked_for_s=_seconds_until(locked_until))
        failures = 0 if locked_until is not None else int(failure["failures"])
    row = connection.execute(
        "SELECT * FROM agents WHERE name = ? AND disabled_at IS NULL", (name,)
    ).fetchone()
    matches = pin_matches(
        pin,
        row["pin_salt"] if row is not None else None,
        row["pin_hash"] if row is not None else None,
    )
    if row is None or not matches:
        failures += 1
        locked_until_iso = iso_after(lockout_seconds) if failures >= MAX_FAILED_SIGN_INS else None
        connection.execute(
            "INSERT INTO agent_sign_in_failures (name, failures, locked_until) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET failures = excluded.failures, "
            "locked_until = excluded.locked_until",
            (name, failures, locked_until_iso),
        )
        if locked_until_iso is not None:
            return SignInRefused(locked_for_s=_seconds_until(locked_until_iso))
        return SignInRefused(attempts_left=MAX_FAILED_SIGN_INS - failures)
    connection.execute("DELETE FROM agent_sign_in_failures WHERE name = ?", (name,))
    token = new_token()
    csrf = secrets.token_urlsafe(24)
    connection.execute(
        "INSERT INTO agent_sessions (token_sha256, agent_id, csrf_token, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            token_digest(token),
            row["agent_id"],
            csrf,
            now_iso(),
            to_iso(utc_now() + timedelta(seconds=AGENT_SESSION_SECONDS)),
        ),
    )
    agent = Agent(int(row["agent_id"]), str(row["name"]), str(row["annex_id"]))
    return token, AgentSession(agent, csrf)


def session_of(connection: sqlite3.Connection, token: str) -> AgentSession | None:
    """The live session a cookie's token opens, or None."""
    row = connection.execute(
        "SELECT agents.agent_id, agents.name, agents.annex_id, agent_sessions.csrf_token "
        "FROM agent_sessions JOIN agents USING (agent_id) WHERE token_sha256 = ? "
        "AND revoked_at IS NULL AND expires_at > ? AND agents.disabled_at IS NULL",
        (token_digest(token), now_iso()),
    ).fetchone()
    if row is None:
        return None
    agent = Agent(int(row["agent_id"]), str(row["name"]), str(row["annex_id"]))
    return AgentSession(agent, str(row["csrf_token"]))


def end_agent_session(connection: sqlite3.Connection, token: str) -> None:
    connection.execute(
        "UPDATE agent_sessions SET revoked_at = ? WHERE token_sha256 = ? AND revoked_at IS NULL",
        (now_iso(), token_digest(token)),
    )
