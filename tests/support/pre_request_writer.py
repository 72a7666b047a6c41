"""Child process for crash tests: makes pre-requests in a loop until it is killed."""

from __future__ import annotations

import sys

from kiosk.domain.catalogue import packaged_catalogue
from kiosk.services.requests import RequestService
from offline_cache.database import open_cache


def main(path: str) -> None:
    """Create pre-requests forever, printing each committed key (the parent kills us)."""
    service = RequestService(open_cache(path), None, packaged_catalogue())
    codes = ("residence_certificate", "income_certificate")
    count = 0
    while True:
        made = service.create_pre_request(
            codes[count % 2], f"AB{count % 1_000_000}", f"06{count % 100_000_000:08d}", "fr"
        )
        count += 1
        print(made.record.idempotency_key, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
