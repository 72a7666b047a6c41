"""Five wrong PINs lock a CIN for every kiosk of the annex, not just the one typed on."""

from __future__ import annotations

import pytest

from kiosk.central import CentralClient, InvalidCredentials, Locked
from tests.support.reference_server import (
    DEMO_CIN,
    DEMO_DEVICE_TOKEN,
    DEMO_DEVICE_TOKEN_2,
    DEMO_PIN,
    ReferenceServer,
)


def test_lockout_spans_two_kiosks(reference_server: ReferenceServer) -> None:
    first = CentralClient(reference_server.base_url, DEMO_DEVICE_TOKEN)
    second = CentralClient(reference_server.base_url, DEMO_DEVICE_TOKEN_2)
    left = []
    for kiosk in (first, second, first, second):
        with pytest.raises(InvalidCredentials) as caught:
            kiosk.open_session(DEMO_CIN, "999999")
        left.append(caught.value.attempts_left)
    assert left == [4, 3, 2, 1]

    with pytest.raises(Locked) as fifth:
        first.open_session(DEMO_CIN, "999999")
    assert fifth.value.status == 423
    assert fifth.value.retry_after_s is not None and 0 < fifth.value.retry_after_s <= 15 * 60

    # Locked on the other kiosk too, even with the right PIN.
    with pytest.raises(Locked):
        second.open_session(DEMO_CIN, DEMO_PIN)
    # Another citizen is not affected.
    assert second.open_session("BK234567", "234567").citizen.citizen_id == "C-0002"


def test_an_unknown_cin_locks_like_a_known_one(reference_server: ReferenceServer) -> None:
    first = CentralClient(reference_server.base_url, DEMO_DEVICE_TOKEN)
    second = CentralClient(reference_server.base_url, DEMO_DEVICE_TOKEN_2)
    for attempt in range(4):
        kiosk = first if attempt % 2 else second
        with pytest.raises(InvalidCredentials):
            kiosk.open_session("ZZ000001", "123456")
    with pytest.raises(Locked):
        first.open_session("ZZ000001", "123456")
