"""Writes a kiosk configuration file for command-line tests."""

from __future__ import annotations

from pathlib import Path


def write_config(tmp_path: Path, printer_uri: str, server: str = "", token_file: str = "") -> Path:
    """A kiosk.toml in tmp_path for a printer URI and, optionally, a server."""
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""
[kiosk]
annex_name = "Annexe 5 - Berkane"
default_language = "ar"

[server]
url = "{server}"
device_token_file = "{token_file}"

[printer]
uri = "{printer_uri}"
profile = "generic-58"

[cache]
path = "{tmp_path / "cache.sqlite"}"
""",
        encoding="utf-8",
    )
    return path
