"""The command line reports a damaged cache or used-up numbers in one line, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[2]


def _kiosk(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def _config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[cache]\npath = "{tmp_path / "cache.sqlite"}"\n'
        f'[printer]\nuri = "capture:{tmp_path / "paper"}"\n{extra}',
        encoding="utf-8",
    )
    return path


def test_a_damaged_cache_file_is_reported_and_kept(tmp_path: Path) -> None:
    config = _config(tmp_path)
    damaged = tmp_path / "cache.sqlite"
    garbage = b"not a database, but maybe evidence " * 100
    damaged.write_bytes(garbage)
    for command in (["ticket", "residence_certificate"], ["outbox", "list"]):
        result = _kiosk(config, *command)
        assert result.returncode == 1, command
        assert "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1 and "cache error" in result.stderr
    assert damaged.read_bytes() == garbage  # nothing overwritten: it may hold unsynced records
    doctor = _kiosk(config, "doctor")
    assert doctor.returncode == 1 and "[FAIL] cache" in doctor.stdout


def test_used_up_number_range_says_what_to_do(tmp_path: Path) -> None:
    config = _config(tmp_path, "[tickets]\nstandalone_start = 7007\nstandalone_end = 7007\n")
    first = _kiosk(config, "ticket", "residence_certificate", "--lang", "fr")
    assert first.returncode == 0 and '"number": "A-7007"' in first.stdout
    second = _kiosk(config, "ticket", "residence_certificate")
    assert second.returncode == 1
    assert "Traceback" not in second.stderr
    assert "No more tickets can be issued today" in second.stderr
    assert "standalone_start" in second.stderr
    assert len(list((tmp_path / "paper").iterdir())) == 1  # only the first ticket printed


def test_an_output_path_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    config = _config(tmp_path)
    assert _kiosk(config, "ticket", "residence_certificate").returncode == 0  # a cache to export
    missing = tmp_path / "no-such-folder"
    for command in (
        ["render", "ticket", "--lang", "ar", "--width", "58", "--png", str(missing / "t.png")],
        ["outbox", "export", str(missing / "out.jsonl")],
    ):
        result = _kiosk(config, *command)
        assert result.returncode == 1, command
        assert "Traceback" not in result.stderr
        assert (
            result.stderr.strip()
            == f"kiosk: No such file or directory: {missing / command[-1].split('/')[-1]}"
        )
