"""Speaker with a stand-in espeak-ng on PATH: a real process that logs its arguments and sleeps.

The stand-in proves what the real binary cannot show on a box without a sound card (it
fails at once there): that `say` returns while the prompt is still being spoken, and that
the next prompt or `stop()` ends the process speaking.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.services.speech import Speaker
from tests.support.waiting import wait_until

FAKE_ESPEAK = f"""#!{sys.executable}
import json, os, signal, sys, time
log = os.environ["FAKE_ESPEAK_LOG"]
def note(event):
    with open(log, "a") as out:
        out.write(json.dumps({{"pid": os.getpid(), "event": event, "args": sys.argv[1:]}}) + "\\n")
def on_term(*_):
    note("terminated")
    sys.exit(143)
if os.environ.get("FAKE_ESPEAK_IGNORE_TERM"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
else:
    signal.signal(signal.SIGTERM, on_term)
note("started")
time.sleep(float(os.environ.get("FAKE_ESPEAK_SECONDS", "30")))
note("finished")
"""


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake espeak-ng first on PATH; returns the file it logs to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "espeak-ng"
    fake.write_text(FAKE_ESPEAK)
    fake.chmod(0o755)
    log = tmp_path / "espeak.log"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_ESPEAK_LOG", str(log))
    return log


@pytest.fixture
def speaker(log_file: Path) -> Iterator[Speaker]:
    found = Speaker.from_system()
    yield found
    found.close()


def _events(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def _wait_for(log: Path, count: int) -> list[dict[str, Any]]:
    events = wait_until(lambda: len(_events(log)) >= count and _events(log), 10.0)
    assert events, f"expected {count} events, got {_events(log)}"
    return events


def test_say_returns_while_the_prompt_is_spoken(speaker: Speaker, log_file: Path) -> None:
    assert speaker.available() and speaker.available("ar") and speaker.available("fr")
    assert speaker.available("en") and not speaker.available("zgh")
    began = time.monotonic()
    assert speaker.say("اختر الخدمة", "ar")
    returned_after = time.monotonic() - began
    (started,) = _wait_for(log_file, 1)
    assert started["event"] == "started"
    assert started["args"] == ["-v", "ar", "--", "اختر الخدمة"]
    assert returned_after < 5  # the stand-in speaks for 30 s
    assert speaker.speaking


def test_a_new_prompt_interrupts_the_one_speaking(speaker: Speaker, log_file: Path) -> None:
    speaker.say("Choisissez un service", "fr")
    (first,) = _wait_for(log_file, 1)
    speaker.say("Appuyez sur Suivant", "fr")
    events = _wait_for(log_file, 3)
    assert [(e["event"], e["pid"]) for e in events[:2]] == [
        ("started", first["pid"]),
        ("terminated", first["pid"]),
    ]
    assert events[2]["event"] == "started" and events[2]["args"][-1] == "Appuyez sur Suivant"
    assert speaker.speaking


def test_stop_ends_it_and_repeat_says_the_last_prompt_again(
    speaker: Speaker, log_file: Path
) -> None:
    speaker.say("Take your ticket", "en")
    _wait_for(log_file, 1)
    speaker.stop()
    assert speaker.wait_idle(10)
    assert [e["event"] for e in _wait_for(log_file, 2)] == ["started", "terminated"]
    assert speaker.repeat()
    events = _wait_for(log_file, 3)
    assert events[2]["event"] == "started"
    assert events[2]["args"] == ["-v", "en", "--", "Take your ticket"]


def test_tamazight_is_not_spoken_but_still_silences_the_last_prompt(
    speaker: Speaker, log_file: Path
) -> None:
    speaker.say("Choisissez un service", "fr")
    _wait_for(log_file, 1)
    assert not speaker.say("ⵙⵜⴰⵢ ⵜⴰⵏⴰⴼⵓⵜ", "zgh")
    assert speaker.wait_idle(10)
    assert [e["event"] for e in _events(log_file)] == ["started", "terminated"]
    assert not speaker.repeat()  # the last prompt was in Tamazight: still nothing to say


def test_a_prompt_that_looks_like_an_option_is_read_not_obeyed(
    speaker: Speaker, log_file: Path
) -> None:
    speaker.say("-w /etc/passwd", "en")
    (started,) = _wait_for(log_file, 1)
    assert started["args"] == ["-v", "en", "--", "-w /etc/passwd"]


def test_a_prompt_that_ends_by_itself_leaves_the_speaker_idle(
    speaker: Speaker, log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_ESPEAK_SECONDS", "0.2")
    speaker.say("Merci", "fr")
    assert speaker.wait_idle(10)
    assert [e["event"] for e in _wait_for(log_file, 2)] == ["started", "finished"]
    assert not speaker.speaking


def test_a_process_that_ignores_sigterm_is_killed(
    speaker: Speaker, log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_ESPEAK_IGNORE_TERM", "1")
    speaker.say("Bonjour", "fr")
    (started,) = _wait_for(log_file, 1)
    speaker.stop()
    assert speaker.wait_idle(10)
    with pytest.raises(ProcessLookupError):
        os.kill(started["pid"], 0)  # gone, and reaped


def test_close_ends_the_prompt(log_file: Path) -> None:
    speaker = Speaker.from_system()
    speaker.say("Bonjour", "fr")
    (started,) = _wait_for(log_file, 1)
    speaker.close()
    assert [e["event"] for e in _events(log_file)] == ["started", "terminated"]
    assert not speaker.say("Encore", "fr")  # closed: nothing more is started
    with pytest.raises(ProcessLookupError):
        os.kill(started["pid"], 0)


def test_without_espeak_everything_is_a_quiet_no_op(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing there
    speaker = Speaker.from_system()
    assert not speaker.available() and not speaker.available("ar")
    assert not speaker.say("مرحبا", "ar")
    assert not speaker.repeat()
    speaker.stop()
    assert not speaker.speaking and speaker.wait_idle(0)
    speaker.close()
