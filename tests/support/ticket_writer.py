"""Child process for crash tests: issues tickets in a loop until it is killed."""

from __future__ import annotations

import sys
from zoneinfo import ZoneInfo

from kiosk.services.tickets import TicketService
from offline_cache.database import open_cache
from tests.support.tiny_catalogue import tiny_catalogue


def main(path: str) -> None:
    """Issue tickets forever, printing each committed number (the parent kills us)."""
    db = open_cache(path)
    tickets = TicketService(db, tiny_catalogue(), ZoneInfo("Africa/Casablanca"), (1, 9999))
    codes = ("residence", "celibacy")
    count = 0
    while True:
        ticket = tickets.issue(codes[count % 2], "ar")
        count += 1
        print(ticket.idempotency_key, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
