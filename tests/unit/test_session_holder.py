"""SessionHolder without a server: input checks, standalone kiosks, thread safety of clear()."""

from __future__ import annotations

import threading

from device_drivers.scanner import classify
from kiosk.domain.validation import InvalidCIN, InvalidPIN
from kiosk.services.session import (
    InputField,
    InvalidInput,
    SessionHolder,
    Unreachable,
    UnreachableCause,
    cin_from_card,
)


def test_cin_from_card_reads_only_cau_cards() -> None:
    assert cin_from_card(classify("CAU:ab123456")) == "AB123456"
    assert cin_from_card(classify("PP-2026-000123")) is None
    assert cin_from_card(classify("hello")) is None


def test_bad_cin_and_pin_are_typed_results() -> None:
    holder = SessionHolder(pin_length=4)
    cin = holder.sign_in(None, "not a cin", "1234")
    assert isinstance(cin, InvalidInput) and cin.field is InputField.CIN
    assert isinstance(cin.error, InvalidCIN)
    pin = holder.sign_in(None, "AB123456", "123456")  # six digits where four are expected
    assert isinstance(pin, InvalidInput) and pin.field is InputField.PIN
    assert isinstance(pin.error, InvalidPIN)


def test_a_kiosk_without_a_server_says_unreachable() -> None:
    outcome = SessionHolder().sign_in(None, "AB123456", "123456")
    assert isinstance(outcome, Unreachable) and outcome.cause is UnreachableCause.NO_SERVER


def test_nobody_signed_in_is_inactive_and_sign_out_is_harmless() -> None:
    holder = SessionHolder()
    assert not holder.is_active() and holder.token() is None and holder.citizen is None
    holder.sign_out(None)
    holder.clear()
    assert "signed_in=False" in repr(holder)


def test_clear_from_many_threads_at_once() -> None:
    holder = SessionHolder()
    start = threading.Barrier(8)

    def wipe() -> None:
        start.wait()
        for _ in range(200):
            holder.clear()
            holder.is_active()

    threads = [threading.Thread(target=wipe) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not any(thread.is_alive() for thread in threads)
    assert not holder.is_active()
