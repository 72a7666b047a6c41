"""Spoken guidance on the real app: each screen's prompt in the citizen's language, cut short
by the next tap, said again on request; silent where no voice exists (Tamazight).

The voice is a stand-in espeak-ng (tests/unit/test_speech.py): a real process that logs its
arguments and keeps "speaking" until it is ended, since this box has no sound card.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.services.speech import Speaker
from tests.support.ui_driver import AppDriver
from tests.unit.test_speech import FAKE_ESPEAK


@pytest.fixture
def spoken(home: AppDriver, tmp_path: Path) -> Iterator[Path]:
    """The app's speaker swapped for one driving the stand-in; yields its log."""
    fake, log = tmp_path / "espeak-ng", tmp_path / "espeak.log"
    fake.write_text(FAKE_ESPEAK)
    fake.chmod(0o755)
    os.environ["FAKE_ESPEAK_LOG"] = str(log)
    context = home.app.context
    real, context.speaker = context.speaker, Speaker(str(fake))
    try:
        yield log
    finally:
        context.speaker.close()
        context.speaker = real
        os.environ.pop("FAKE_ESPEAK_LOG", None)
        home.app.go_home()


def _events(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def _said(log: Path) -> list[tuple[str, str]]:
    """(voice, text) of every prompt started, in order."""
    return [(e["args"][1], e["args"][-1]) for e in _events(log) if e["event"] == "started"]


def test_each_screen_speaks_in_the_chosen_language_and_a_tap_cuts_it_short(
    home: AppDriver, spoken: Path
) -> None:
    home.tap(home.button("Français"))
    home.wait_until(
        lambda: ("fr", "Bienvenue. Touchez le service dont vous avez besoin.") in _said(spoken)
    )
    # A tap anywhere (here on the clock, which does nothing) ends what is being said.
    home.tap(home.screen().ids.clock)
    home.wait_until(lambda: [e["event"] for e in _events(spoken)][-1:] == ["terminated"])
    home.tap(home.screen().take_ticket)
    prompt = ("fr", home.screen().ids.title.text)
    home.wait_until(lambda: prompt in _said(spoken))
    # Listen again: the same prompt once more.
    home.tap(home.screen().listen_button)
    home.wait_until(lambda: _said(spoken).count(prompt) == 2)


def test_no_voice_for_tamazight_so_no_listen_button_and_nothing_said(
    home: AppDriver, spoken: Path
) -> None:
    home.tap(home.button("ⵜⴰⵎⴰⵣⵉⵖⵜ"))
    home.tap(home.screen().take_ticket)
    screen = home.screen()
    assert screen.listen_button.parent is None
    home.tap(home.button("العربية"))  # a voice again: the button returns, the title is said
    assert screen.listen_button.parent is not None
    home.wait_until(lambda: ("ar", screen.ids.title.text) in _said(spoken))
    assert all(voice != "zgh" for voice, _text in _said(spoken))
