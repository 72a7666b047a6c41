"""The hidden gesture: five taps within three seconds, counted on an injected clock."""

from __future__ import annotations

from kiosk.ui.widgets.secret_taps import SecretTaps


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _counter() -> tuple[SecretTaps, FakeClock, list[int]]:
    clock, opened = FakeClock(), []
    return SecretTaps(lambda: opened.append(1), clock=clock), clock, opened


def test_five_taps_within_three_seconds_unlock_once() -> None:
    taps, clock, opened = _counter()
    results = []
    for _ in range(5):
        results.append(taps.tap())
        clock.now += 0.7  # the fifth tap lands 2.8 s after the first
    assert results == [False, False, False, False, True]
    assert opened == [1]
    assert taps.tap() is False  # a sixth tap starts a new count
    assert opened == [1]


def test_slow_taps_never_unlock_but_a_quick_run_later_does() -> None:
    taps, clock, opened = _counter()
    for _ in range(12):
        assert taps.tap() is False
        clock.now += 0.8  # five taps span 3.2 s
    assert opened == []
    clock.now += 10
    assert [taps.tap() for _ in range(5)] == [False] * 4 + [True]
    assert opened == [1]


def test_four_taps_then_a_pause_then_one_more_is_not_enough() -> None:
    taps, clock, opened = _counter()
    for _ in range(4):
        taps.tap()
    clock.now += 3.5
    assert taps.tap() is False and opened == []
    taps.forget()
    assert [taps.tap() for _ in range(4)] == [False] * 4 and opened == []


def test_exactly_three_seconds_still_counts() -> None:
    taps, clock, opened = _counter()
    for _ in range(4):
        taps.tap()
        clock.now += 0.75
    assert taps.tap() is True and opened == [1]
