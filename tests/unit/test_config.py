"""Configuration: defaults, overrides, and errors that name the bad key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import Config, ConfigError, load_config, parse_config

EXAMPLE = Path(__file__).parents[2] / "kiosk" / "kiosk.example.toml"


def test_no_file_gives_an_offline_demo_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    config = load_config(None)
    assert config.kiosk.timezone == "Africa/Casablanca"
    assert config.kiosk.default_language == "ar"
    assert config.printer.uri.startswith("capture:")
    assert config.source in ("embedded defaults", "/etc/kiosk/kiosk.toml")


def test_values_from_the_file_override_defaults() -> None:
    config = parse_config(
        """
        [kiosk]
        id = "berkane-5-a"
        languages = ["fr", "ar"]
        default_language = "fr"
        [printer]
        uri = "serial:/dev/ttyUSB0?baudrate=115200"
        profile = "generic-58"
        [server]
        connect_timeout_s = 2
        """
    )
    assert config.kiosk.id == "berkane-5-a"
    assert config.kiosk.languages == ("fr", "ar")
    assert config.printer.profile == "generic-58"
    assert config.server.connect_timeout_s == 2.0
    assert config.server.read_timeout_s == Config().server.read_timeout_s


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("[printer]\nurl = 'x'", "printer.url"),
        ("[printer]\nuri = 'lpt1'", "printer.uri"),
        ("[printer]\nprofile = 'epson-99'", "printer.profile"),
        ("[kiosk]\ntimezone = 'Mars/Olympus'", "kiosk.timezone"),
        ("[kiosk]\nlanguages = ['ar', 'es']", "kiosk.languages"),
        ("[kiosk]\ninactivity_timeout_s = 'soon'", "kiosk.inactivity_timeout_s"),
        ("[kiosk]\ninactivity_timeout_s = true", "kiosk.inactivity_timeout_s"),
        ("[kiosk]\ndefault_language = 'en'\nlanguages = ['ar', 'fr']", "kiosk.default_language"),
        ("[server]\nurl = 'ftp://central'", "server.url"),
        ("[cache]\nretention_days = 0", "cache.retention_days"),
        ("[tickets]\nstandalone_start = 9000\nstandalone_end = 6000", "tickets.standalone_end"),
        # Values that pass the type check but overflow or make no sense: ranges, not types.
        ("[cache]\nretention_days = 1000000000", "cache.retention_days"),
        ("[server]\nconnect_timeout_s = inf", "server.connect_timeout_s"),
        ("[server]\nconnect_timeout_s = 1e308", "server.connect_timeout_s"),
        ("[server]\nread_timeout_s = nan", "server.read_timeout_s"),
        ("[server]\nsync_interval_s = -5", "server.sync_interval_s"),
        ("[kiosk]\ninactivity_timeout_s = 99999999", "kiosk.inactivity_timeout_s"),
        ("[tickets]\nblock_low_water = 100000", "tickets.block_low_water"),
        # The server numbers below 5000: a kiosk's own range must not overlap it.
        ("[tickets]\nstandalone_start = 500", "tickets.standalone_start"),
        ("[tickets]\nstandalone_end = 10000", "tickets.standalone_end"),
        # An empty capture directory would strew print jobs in the working directory.
        ("[printer]\nuri = 'capture:'", "printer.uri"),
        ("[printers]\nuri = 'capture:/tmp'", "[printers]"),
        ("printer = 3", "[printer]"),
    ],
)
def test_bad_keys_and_values_name_the_key(toml: str, named: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(toml)
    assert named in str(raised.value)
    assert "\n" not in str(raised.value)


def test_broken_toml_is_reported_with_its_source() -> None:
    with pytest.raises(ConfigError, match=r"kiosk\.toml: not valid TOML"):
        parse_config("[kiosk\nid = ", source="/etc/kiosk/kiosk.toml")


def test_config_file_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\nannex_name = "Annexe 3"\n', encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    assert load_config(None).kiosk.annex_name == "Annexe 3"


def test_example_file_is_valid_and_documents_every_key() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    parse_config(text, source=str(EXAMPLE))
    defaults = Config()
    for section in (
        "kiosk",
        "server",
        "printer",
        "scanner",
        "cache",
        "tickets",
        "technician",
        "accessibility",
    ):
        assert f"[{section}]" in text
        for key in vars(getattr(defaults, section)):
            assert f"\n{key} = " in text or f"\n# {key} = " in text, f"{section}.{key} undocumented"


def _doctor(config: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "doctor"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )


def test_doctor_rejects_a_wrong_key_in_one_line_with_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[printer]\nuri = "lpt1:"\n', encoding="utf-8")
    result = _doctor(config, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "printer.uri" in lines[0] and "'lpt1:'" in lines[0]
    assert "Traceback" not in result.stderr


def test_doctor_passes_on_a_good_config(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[cache]\npath = "{tmp_path / "c.sqlite"}"\n[printer]\nuri = "capture:{tmp_path / "p"}"\n'
        '[server]\nurl = ""\n',
        encoding="utf-8",
    )
    result = _doctor(config, tmp_path)
    assert "[ok  ] config" in result.stdout
    assert "[ok  ] cache" in result.stdout
    assert (tmp_path / "c.sqlite").stat().st_mode & 0o777 == 0o600


def test_a_key_an_earlier_version_read_is_ignored_not_refused() -> None:
    config = parse_config("[accessibility]\nsounds = true\nlarge_text = true\n")
    assert config.accessibility.large_text
