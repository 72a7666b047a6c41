"""The built wheel carries everything the installed kiosk reads through importlib.resources."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).parents[2]


def test_wheel_contains_data_files_and_console_scripts(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("gau_kiosk-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(
            archive.read(n).decode() for n in names if n.endswith("entry_points.txt")
        )
    for required in (
        "kiosk/domain/catalogue.json",
        "kiosk/kiosk.example.toml",
        "assets/fonts/NotoSansArabic-Regular.ttf",
        "assets/fonts/NotoSansTifinagh-Regular.ttf",
        "assets/fonts/OFL.txt",
        *(f"kiosk/i18n/locale/{lang}/LC_MESSAGES/kiosk.po" for lang in ("ar", "fr", "zgh", "en")),
    ):
        assert required in names, required
    assert not any(name.startswith("tests/") for name in names)
    assert "kiosk = kiosk.cli:main" in entry_points
    assert "central-server = central_server.cli:main" in entry_points


def test_installed_kiosk_runs_from_any_directory(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "doctor" in result.stdout
