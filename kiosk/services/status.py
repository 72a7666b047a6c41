"""Where a passport or firearm-licence application stands: online, else as cached "as of"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlite_utils

from kiosk.central import CentralClient
from kiosk.central.errors import CentralError, InvalidDevice, NotFound, Rejected
from kiosk.central.models import parse_application
from kiosk.domain.validation import ValidationError, normalize_cin
from kiosk.i18n import N_
from offline_cache.clock import utc_now
from offline_cache.protocol import ApplicationStatus, TransientError
from offline_cache.statuses import CachedStatus, StatusStore

KINDS = ("passport", "firearm_licence")
# Every stage either kind can be in, as the citizen reads it.
STAGE_NAMES = {
    "submitted": N_("Application received"),
    "incomplete": N_("File incomplete: documents missing"),
    "under_review": N_("Under review"),
    "investigation": N_("Administrative inquiry in progress"),
    "rejected": N_("Application refused"),
    "approved": N_("Application approved"),
    "in_production": N_("Passport being made"),
    "ready": N_("Ready: you can collect it"),
    "collected": N_("Collected"),
}
NOT_FOUND = NotFound.message_key
NEEDS_NETWORK = N_(
    "This look-up needs the network, which is not available now. Please try again later."
)
BAD_INPUT = N_("Please check the dossier number and the CIN.")


class Outcome(StrEnum):
    """What a look-up found."""

    FOUND = "found"  # from the server, now
    CACHED = "cached"  # the server is unreachable: the last answer, "as of" its time
    NOT_FOUND = "not_found"  # unknown dossier or wrong CIN (deliberately not told apart)
    NEEDS_NETWORK = "needs_network"  # unreachable, and never looked up here before
    BAD_INPUT = "bad_input"  # not a CIN, or an empty dossier number


@dataclass(frozen=True)
class StatusLookup:
    """A look-up's result for the screen: the status if any, how fresh, or what to say."""

    outcome: Outcome
    status: ApplicationStatus | None = None
    as_of: datetime | None = None
    message_key: str | None = None


def stage_name(stage: str) -> str:
    """The msgid of a stage as a citizen reads it (translate it in their language)."""
    return STAGE_NAMES.get(stage, stage)


class StatusService:
    """Looks applications up; answers from the cache while the server cannot be reached."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        client: CentralClient | None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = StatusStore(db)
        self._client = client
        self._clock = clock

    def lookup(self, kind: str, dossier_number: str, cin: str) -> StatusLookup:
        """The status of `kind` dossier `dossier_number` for the citizen holding `cin`."""
        number = dossier_number.strip().upper()
        try:
            cin = normalize_cin(cin)
        except ValidationError:
            return StatusLookup(Outcome.BAD_INPUT, message_key=BAD_INPUT)
        if kind not in KINDS or not number:
            return StatusLookup(Outcome.BAD_INPUT, message_key=BAD_INPUT)
        if self._client is not None:
            try:
                status = self._client.lookup_application(kind, number, cin)
            except NotFound:
                return StatusLookup(Outcome.NOT_FOUND, message_key=NOT_FOUND)
            except InvalidDevice:
                pass  # this kiosk's key is refused (a technician's job): the cache may know
            except Rejected:
                return StatusLookup(Outcome.BAD_INPUT, message_key=BAD_INPUT)
            except (TransientError, CentralError):
                pass  # unreachable, failing or answering nonsense: the cache may know
            else:
                fetched = self._clock()
                self._store.save(CachedStatus(kind, number, cin, status.as_json(), fetched))
                return StatusLookup(Outcome.FOUND, status, fetched)
        cached = self._store.find(kind, number, cin)
        if cached is None:
            return StatusLookup(Outcome.NEEDS_NETWORK, message_key=NEEDS_NETWORK)
        return StatusLookup(Outcome.CACHED, parse_application(cached.data), cached.fetched_at)
