"""The real espeak-ng speaks an Arabic and a French prompt: the Speaker's audio, written to WAV."""

from __future__ import annotations

import array
import math
import os
import shutil
import wave
from pathlib import Path

import pytest

from kiosk.services.speech import Speaker


@pytest.fixture(autouse=True)
def _espeak_installed() -> None:
    if shutil.which("espeak-ng") is None:
        if os.environ.get("CI"):
            pytest.fail("espeak-ng is missing: .ci/system-packages installs it")
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")


def _audio(path: Path) -> tuple[float, float]:
    """Seconds of audio and its RMS level (16-bit mono, as espeak-ng writes it)."""
    with wave.open(str(path)) as recording:
        assert recording.getsampwidth() == 2 and recording.getnchannels() == 1
        frames = recording.readframes(recording.getnframes())
        seconds = recording.getnframes() / recording.getframerate()
    samples = array.array("h", frames)
    rms = math.sqrt(sum(sample * sample for sample in samples) / max(len(samples), 1))
    return seconds, rms


@pytest.mark.parametrize(
    ("lang", "prompt"),
    [
        ("ar", "اختر الخدمة التي تريدها، ثم اضغط على التالي."),
        ("fr", "Choisissez le service que vous voulez, puis appuyez sur Suivant."),
    ],
)
def test_a_prompt_produces_audio(tmp_path: Path, lang: str, prompt: str) -> None:
    wav = tmp_path / f"{lang}.wav"
    # The same Speaker as on the kiosk, told to write to a file: this box has no sound card.
    speaker = Speaker.from_system(extra_args=("-w", str(wav)))
    try:
        assert speaker.available(lang)
        assert speaker.say(prompt, lang)
        assert speaker.wait_idle(30)
    finally:
        speaker.close()
    seconds, rms = _audio(wav)
    assert seconds > 1.0, f"{lang}: only {seconds:.2f} s of audio"
    assert rms > 300, f"{lang}: near silence (RMS {rms:.0f})"


def test_the_voice_follows_the_language(tmp_path: Path) -> None:
    recordings = {}
    for lang in ("ar", "fr"):
        wav = tmp_path / f"{lang}.wav"
        speaker = Speaker.from_system(extra_args=("-w", str(wav)))
        try:
            speaker.say("123", lang)
            assert speaker.wait_idle(30)
        finally:
            speaker.close()
        recordings[lang] = wav.read_bytes()
    # The same digits read by the Arabic and by the French rules are different sounds.
    assert recordings["ar"] != recordings["fr"]
