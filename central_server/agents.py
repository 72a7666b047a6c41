"""Counter agents: PINs stored as salted scrypt hashes, sign-in with lockout, page sessions."""

from __future__ import annotations

import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from central_server.clock import now_iso, to_iso, utc_now
from central_server.lockout import AGENT_FAILURES, PinRefused, check_pin
from central_server.security import hash_pin, new_salt, new_token, token_digest

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


def sign_in_agent(
    connection: sqlite3.Connection, name: str, pin: str, lockout_seconds: int
) -> tuple[str, AgentSession] | PinRefused:
    """Check the PIN inside the caller's write transaction (guesses count one by one).

    The citizens' lockout rule (central_server.lockout). Returns the new session's token
    (for the cookie) and the session, or the refusal.
    """
    row = connection.execute(
        "SELECT * FROM agents WHERE name = ? AND disabled_at IS NULL", (name,)
    ).fetchone()
    refused = check_pin(connection, AGENT_FAILURES, name, row, pin, lockout_seconds)
    if refused is not None:
        return refused
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
