"""Spoken guidance through espeak-ng, in the background, interrupted by the next prompt."""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)

EXECUTABLE = "espeak-ng"
# espeak-ng voice per kiosk language. Tamazight has no espeak-ng voice: a prompt read by
# another language's rules would be gibberish, so nothing is said rather than that.
VOICES: Mapping[str, str] = {"ar": "ar", "fr": "fr", "en": "en"}
# A speaking process is asked to end (SIGTERM), then killed after this long.
TERMINATE_GRACE_S = 1.0
# While a prompt is spoken the worker looks this often whether it ended, to reap it.
_REAP_INTERVAL_S = 0.05


@dataclass(frozen=True)
class _Utterance:
    text: str
    voice: str


class _Stop:
    pass


_STOP = _Stop()


class Speaker:
    """Says one prompt at a time; every call returns at once.

    A background thread starts and ends the espeak-ng processes: `say` and `stop` only
    leave it a request (the newest wins), so the UI thread never waits for a fork or for
    a process to end. Without espeak-ng every method is a no-op.
    """

    def __init__(
        self,
        executable: str | None,
        extra_args: Sequence[str] = (),
        voices: Mapping[str, str] = VOICES,
    ) -> None:
        self._executable = executable
        self._extra_args = tuple(extra_args)  # e.g. ("-s", "150") or ("-w", "out.wav")
        self._voices = dict(voices)
        self._condition = threading.Condition()
        self._pending: _Utterance | _Stop | None = None
        self._starting = False
        self._process: subprocess.Popen[bytes] | None = None
        self._ending: subprocess.Popen[bytes] | None = None  # being terminated
        self._last: tuple[str, str] | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    @classmethod
    def from_system(cls, extra_args: Sequence[str] = ()) -> Speaker:
        """The speaker for the espeak-ng on PATH, or a silent one if it is not installed."""
        executable = shutil.which(EXECUTABLE)
        if executable is None:
            log.info("%s not installed: no spoken guidance", EXECUTABLE)
        return cls(executable, extra_args)

    def available(self, lang: str | None = None) -> bool:
        """Whether prompts can be spoken at all, or in `lang` (False for Tamazight)."""
        if self._executable is None:
            return False
        return lang is None or lang in self._voices

    def say(self, text: str, lang: str) -> bool:
        """Speak `text` in `lang`, interrupting any prompt being spoken; False if it cannot.

        The prompt is remembered for `repeat()` even when it cannot be spoken.
        """
        text = " ".join(text.replace("\0", " ").split())
        if text:
            with self._condition:
                self._last = (text, lang)
        return self._request(text, lang)

    def repeat(self) -> bool:
        """Say the last prompt again; False if there is none or it cannot be spoken."""
        with self._condition:
            last = self._last
        return last is not None and self._request(*last)

    def stop(self) -> None:
        """Interrupt the prompt being spoken, if any."""
        if self._executable is not None:
            self._post(_STOP)

    @property
    def speaking(self) -> bool:
        """Whether a prompt is being started or spoken."""
        with self._condition:
            return self._busy()

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until nothing is being spoken (tests, and a clean exit); False on timeout."""
        deadline = time.monotonic() + timeout_s
        with self._condition:
            while self._busy():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(min(remaining, _REAP_INTERVAL_S))
            return True

    def close(self) -> None:
        """Stop speaking and end the background thread."""
        with self._condition:
            self._closed = True
            thread = self._thread
            self._condition.notify_all()
        if thread is not None:
            thread.join(TERMINATE_GRACE_S * 3)

    # --- the background thread ---------------------------------------------------------

    def _request(self, text: str, lang: str) -> bool:
        if not text or not self.available(lang):
            self.stop()  # the citizen moved on: the old prompt must not go on
            return False
        return self._post(_Utterance(text, self._voices[lang]))

    def _post(self, request: _Utterance | _Stop) -> bool:
        with self._condition:
            if self._closed:
                return False
            self._pending = request
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
                self._thread.start()
            self._condition.notify_all()
            return True

    def _busy(self) -> bool:
        running = self._process is not None and self._process.poll() is None
        ending = self._ending is not None
        return running or ending or self._starting or isinstance(self._pending, _Utterance)

    def _run(self) -> None:
        while True:
            with self._condition:
                while self._pending is None and not self._closed:
                    if self._process is not None and self._process.poll() is not None:
                        self._process = None  # reaped: it finished by itself
                        self._condition.notify_all()
                    self._condition.wait(_REAP_INTERVAL_S if self._process else None)
                request = _STOP if self._closed else self._pending
                self._pending = None
                self._ending, self._process = self._process, None
                self._starting = isinstance(request, _Utterance)
                current = self._ending
            _end(current)
            with self._condition:
                self._ending = None
                self._condition.notify_all()
            started = self._start(request) if isinstance(request, _Utterance) else None
            with self._condition:
                self._process = started
                self._starting = False
                self._condition.notify_all()
                if self._closed:
                    break
        _end(started)

    def _start(self, utterance: _Utterance) -> subprocess.Popen[bytes] | None:
        assert self._executable is not None
        # `--` ends the options: a prompt that starts with "-" is read, not obeyed.
        command = [self._executable, "-v", utterance.voice, *self._extra_args]
        try:
            return subprocess.Popen(
                [*command, "--", utterance.text],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,  # no sound card: ALSA complains, nobody listens
            )
        except OSError as exc:
            log.warning("cannot start %s: %s", self._executable, exc)
            return None


def _end(process: subprocess.Popen[bytes] | None) -> None:
    """Terminate a speaking process and reap it (killed if it ignores SIGTERM)."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(TERMINATE_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
