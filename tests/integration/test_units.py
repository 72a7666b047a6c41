"""The systemd units pass `systemd-analyze verify` and expose at most 2.5 in its security review."""

from __future__ import annotations

import ctypes
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.deploy.install import DEVICE_GROUPS

REPO = Path(__file__).resolve().parents[2]
UNITS = {
    "kiosk.service": REPO / "kiosk.service",
    "central-server.service": REPO / "kiosk" / "deploy" / "central-server.service",
}
MAX_EXPOSURE = 2.5
EXPOSURE = re.compile(r"Overall exposure level for \S+: (\d+\.\d+)")


def _service(path: Path) -> dict[str, list[str]]:
    """[Service] keys of a unit, each with every value it is given (keys may repeat)."""
    values: dict[str, list[str]] = {}
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "Service" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A root with systemd's own units, ours, and an executable at each ExecStart path."""
    root = tmp_path_factory.mktemp("units-root")
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    unit_dir = root / "etc/systemd/system"
    unit_dir.mkdir(parents=True)
    bin_dir = Path(sys.executable).parent
    for name, path in UNITS.items():
        shutil.copy(path, unit_dir / name)
        program = _service(path)["ExecStart"][0].split()[0]
        launcher = root / program.lstrip("/")
        launcher.parent.mkdir(parents=True, exist_ok=True)
        launcher.write_text(f'#!/bin/sh\nexec {bin_dir / Path(program).name} "$@"\n')
        launcher.chmod(0o755)
    return root


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_systemd_analyze_verify_finds_nothing(root: Path, unit: str) -> None:
    result = subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", unit], capture_output=True, text=True
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_security_exposure_is_at_most_2_5(unit: str) -> None:
    command = ["systemd-analyze", "security", "--offline=true", str(UNITS[unit])]
    threshold = f"--threshold={round(MAX_EXPOSURE * 10)}"
    review = subprocess.run([*command, threshold], capture_output=True, text=True)
    found = EXPOSURE.search(review.stdout)
    assert found, review.stdout[-2000:] + review.stderr
    print(f"{unit}: exposure {found.group(1)}")
    assert float(found.group(1)) <= MAX_EXPOSURE and review.returncode == 0, review.stdout


def test_kiosk_unit_is_a_watched_notify_service_with_its_devices_and_no_privileges() -> None:
    service = _service(UNITS["kiosk.service"])
    assert service["Type"] == ["notify"] and service["NotifyAccess"] == ["main"]
    assert service["Restart"] == ["always"] and int(service["WatchdogSec"][0]) > 0
    assert service["User"] == ["kiosk"] and service["CapabilityBoundingSet"] == [""]
    assert service["DevicePolicy"] == ["closed"]
    # The groups the installer puts the kiosk user in are the ones the unit grants.
    assert service["SupplementaryGroups"][0].split() == list(DEVICE_GROUPS)
    for key in ("StateDirectory", "ConfigurationDirectory"):
        assert service[key] == ["kiosk"], key
    environment = dict(value.split("=", 1) for value in service["Environment"])
    assert environment["SDL_VIDEODRIVER"] == "kmsdrm"


def test_the_bundled_sdl_can_draw_on_kms_drm_without_x() -> None:
    # The unit asks SDL for its KMS/DRM driver: the SDL2 inside Kivy's wheel must have it.
    # Found without importing kivy: its import reads settings the UI tests set first.
    spec = importlib.util.find_spec("kivy")
    assert spec is not None and spec.origin is not None
    libraries = Path(spec.origin).resolve().parents[1] / "Kivy.libs"
    sdl_files = sorted(libraries.glob("libSDL2-2*.so*"))
    assert sdl_files, f"no SDL2 in {libraries}"
    sdl = ctypes.CDLL(str(sdl_files[0]))
    sdl.SDL_GetVideoDriver.restype = ctypes.c_char_p
    drivers = [sdl.SDL_GetVideoDriver(i).decode() for i in range(sdl.SDL_GetNumVideoDrivers())]
    assert "KMSDRM" in drivers and "x11" in drivers, drivers
