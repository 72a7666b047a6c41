"""What the public page behind a receipt's QR may know of a request or pre-request: no person."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from central_server.annex_info import ANNEX_NAME_IN_LANGUAGE
from central_server.citizen_requests import REQUEST_FLOW
from central_server.clock import parse_iso

# The longest reference any printed receipt carries (R-2026-000013 is 13; room for growth).
MAX_REFERENCE_LENGTH = 20
# Request numbers (`R-<year>-<six digits>`), the server's pre-request references
# (`P-<year>-…`) and the PR- reference printed offline: `PR-` and eight hex digits of the
# idempotency key (offline_cache.pre_requests.local_reference; the server cannot import it).
_REQUEST_NUMBER = re.compile(r"R-[0-9]{4}-[0-9]{6,9}")
_SERVER_PRE_REQUEST = re.compile(r"P-[0-9]{4}-[0-9]{6,9}")
_LOCAL_PRE_REQUEST = re.compile(r"PR-[0-9A-F]{8}")
LOCAL_PREFIX_LENGTH = 8

# Reasons the administration gives often enough to be translated on the page: the stored
# reason (a code given with `advance-request --reason`, or a known French wording) -> key.
# A reason written freely is not shown publicly: request numbers are sequential, and free
# text may say something about the person (docs/web-pages.md).
KNOWN_REASONS: dict[str, str] = {
    "missing_document": "missing_document",
    "missing_birth_extract": "missing_birth_extract",
    "pièce manquante : extrait d'acte de naissance de moins de 3 mois.": "missing_birth_extract",
    "social_inquiry_negative": "social_inquiry_negative",
    "l'enquête sociale n'a pas confirmé la situation déclarée.": "social_inquiry_negative",
    "identity_not_verified": "identity_not_verified",
    "outside_annex_area": "outside_annex_area",
    "duplicate_request": "duplicate_request",
}


class ReferenceKind(Enum):
    """Which printed reference a citizen scanned."""

    REQUEST = "request"
    PRE_REQUEST = "pre_request"  # the server's own P- reference
    LOCAL_PRE_REQUEST = "local_pre_request"  # the PR- reference printed offline


@dataclass(frozen=True)
class Reference:
    """A reference in its canonical (upper-case) spelling and what it names."""

    text: str
    kind: ReferenceKind


class StepState(Enum):
    DONE = "done"
    CURRENT = "current"
    PENDING = "pending"


@dataclass(frozen=True)
class Step:
    """One line of the timeline: a status, whether it is reached, and when if that is known."""

    status: str
    state: StepState
    at: datetime | None


@dataclass(frozen=True)
class TrackedRequest:
    """The non-personal facts of a request: no citizen, no CIN, no phone, no free-text reason."""

    reference: str
    service_code: str
    status: str
    reason_key: str | None
    has_unknown_reason: bool
    annex_name: str | None
    steps: tuple[Step, ...]
    updated_at: datetime


@dataclass(frozen=True)
class TrackedPreRequest:
    """A pre-request the server holds: recorded at a kiosk, waiting to be filed at the counter."""

    printed_reference: str
    server_reference: str
    service_code: str
    annex_name: str | None
    recorded_at: datetime
    received_at: datetime


@dataclass(frozen=True)
class SharedReference:
    """Several pre-requests whose keys start alike (a 1-in-4-billion clash per pair)."""

    printed_reference: str


Tracked = TrackedRequest | TrackedPreRequest | SharedReference


def parse_reference(text: str) -> Reference | None:
    """The reference `text` names, or None when it is no reference a receipt could carry.

    Checked before the database is touched: only these three shapes, ASCII, short.
    """
    if not text or len(text) > MAX_REFERENCE_LENGTH or not text.isascii():
        return None
    canonical = text.upper()
    for pattern, kind in (
        (_REQUEST_NUMBER, ReferenceKind.REQUEST),
        (_SERVER_PRE_REQUEST, ReferenceKind.PRE_REQUEST),
        (_LOCAL_PRE_REQUEST, ReferenceKind.LOCAL_PRE_REQUEST),
    ):
        if pattern.fullmatch(canonical):
            return Reference(canonical, kind)
    return None


def known_reason(stored: str | None) -> str | None:
    """The key of a reason the page can translate, or None for free text (or no reason)."""
    if not stored:
        return None
    return KNOWN_REASONS.get(" ".join(stored.split()).casefold())


def local_reference_of(idempotency_key: str) -> str:
    """The PR- reference a kiosk printed for this key (the kiosk's rule, restated here)."""
    return "PR-" + idempotency_key.replace("-", "")[:LOCAL_PREFIX_LENGTH].upper()


def find(connection: sqlite3.Connection, reference: Reference, language: str) -> Tracked | None:
    """What the page may show for `reference`, or None when the server holds nothing under it.

    The annex is named in `language` where the server has that name.
    """
    if reference.kind is ReferenceKind.REQUEST:
        return _request(connection, reference.text, language)
    if reference.kind is ReferenceKind.PRE_REQUEST:
        row = connection.execute(
            _PRE_REQUEST_SELECT + " WHERE p.reference = ?", (language, reference.text)
        ).fetchone()
        return None if row is None else _pre_request(row, reference.text)
    rows = _by_local_reference(connection, reference.text, language)
    if not rows:
        return None
    if len(rows) > 1:
        return SharedReference(reference.text)
    return _pre_request(rows[0], reference.text)


_PRE_REQUEST_SELECT = (
    "SELECT p.reference, p.idempotency_key, p.service_code, p.created_at, p.received_at, "
    f"{ANNEX_NAME_IN_LANGUAGE} AS annex_name "
    "FROM pre_requests AS p LEFT JOIN annexes AS a USING (annex_id)"
)


def _by_local_reference(
    connection: sqlite3.Connection, printed: str, language: str
) -> list[sqlite3.Row]:
    """Pre-requests whose key starts with the PR- reference's hex digits.

    A range over the key's UNIQUE index (no table scan, no new column or migration): a UUID's
    first eight hex digits come before its first dash. Kiosks write keys in lower case; an
    upper-case key from another client is looked up too. A key with a dash among its first
    eight characters (no kiosk makes one) cannot be found by its PR- reference.
    """
    digits = printed[len("PR-") :]
    rows: list[sqlite3.Row] = []
    for prefix in sorted({digits.lower(), digits.upper()}):
        upper_bound = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        rows += connection.execute(
            _PRE_REQUEST_SELECT + " WHERE p.idempotency_key >= ? AND p.idempotency_key < ?",
            (language, prefix, upper_bound),
        ).fetchall()
    return [row for row in rows if local_reference_of(row["idempotency_key"]) == printed]


def _pre_request(row: sqlite3.Row, printed: str) -> TrackedPreRequest:
    return TrackedPreRequest(
        printed_reference=printed,
        server_reference=row["reference"],
        service_code=row["service_code"],
        annex_name=row["annex_name"],
        recorded_at=parse_iso(row["created_at"]),
        received_at=parse_iso(row["received_at"]),
    )


def _request(connection: sqlite3.Connection, number: str, language: str) -> TrackedRequest | None:
    row = connection.execute(
        "SELECT r.request_number, r.service_code, r.status, r.status_reason, r.created_at, "
        f"r.updated_at, {ANNEX_NAME_IN_LANGUAGE} AS annex_name FROM requests AS r "
        "LEFT JOIN annexes AS a USING (annex_id) WHERE r.request_number = ?",
        (language, number),
    ).fetchone()
    if row is None:
        return None
    # The one step date kept besides the first and the last: when `ready` was notified.
    notified = connection.execute(
        "SELECT MIN(created_at) FROM notifications WHERE request_number = ?", (number,)
    ).fetchone()[0]
    reason_key = known_reason(row["status_reason"])
    return TrackedRequest(
        reference=row["request_number"],
        service_code=row["service_code"],
        status=row["status"],
        reason_key=reason_key,
        has_unknown_reason=bool(row["status_reason"]) and reason_key is None,
        annex_name=row["annex_name"],
        steps=request_steps(
            row["status"],
            parse_iso(row["created_at"]),
            parse_iso(row["updated_at"]),
            parse_iso(notified) if notified else None,
        ),
        updated_at=parse_iso(row["updated_at"]),
    )


def request_steps(
    status: str, created_at: datetime, updated_at: datetime, ready_at: datetime | None
) -> tuple[Step, ...]:
    """The timeline of a request in `status`.

    The server keeps the creation time, the last change and the `ready` notification's time;
    a step passed in between has no date of its own (it is shown without one).
    """
    received = Step("received", StepState.DONE, created_at)
    if status == "rejected":
        return (received, Step("rejected", StepState.CURRENT, updated_at))
    if status not in REQUEST_FLOW:
        # A status this page does not know yet: say only that something changed, and when.
        return (received, Step(status, StepState.CURRENT, updated_at))
    reached = REQUEST_FLOW.index(status)
    steps = [received if reached else Step("received", StepState.CURRENT, created_at)]
    for index, name in enumerate(REQUEST_FLOW[1:], start=1):
        if index < reached:
            steps.append(Step(name, StepState.DONE, ready_at if name == "ready" else None))
        elif index == reached:
            steps.append(Step(name, StepState.CURRENT, updated_at))
        else:
            steps.append(Step(name, StepState.PENDING, None))
    return tuple(steps)
