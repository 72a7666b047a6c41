"""`python3 -m kiosk.deploy install` into a scratch root, twice: the same tree, owners and modes.

The root starts as a bare Debian's account files (this machine's passwd, group, shadow and
gshadow) and systemd's own units (for `systemd-analyze verify`). useradd and groupadd edit it
through shadow's --prefix; `systemctl --root` enables the unit. What a scratch root cannot
have is skipped by the installer and said: apt-get, udevadm, starting the service.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from kiosk.config import parse_config

REPO = Path(__file__).resolve().parents[2]
SYSTEM_FILES = ("passwd", "group", "shadow", "gshadow")
SYSTEMD_UNITS = Path("/usr/lib/systemd/system")
VENV = "opt/gau-kiosk"

Entry = tuple[str, int, int, str]


def _deploy(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.deploy", "--root", str(root), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def _tree(root: Path) -> dict[str, Entry]:
    """Every path under root: kind and mode, owner, group, and content or link target.

    Files of the venv are compared by kind, owner and mode only: pip rewrites bytecode.
    """
    found: dict[str, Entry] = {}
    for path in sorted(root.rglob("*")):
        relative = str(path.relative_to(root))
        if relative.startswith("usr/lib/systemd"):
            continue  # systemd's units, copied in for verify
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            what = os.readlink(path)
        elif stat.S_ISREG(info.st_mode) and not relative.startswith(VENV):
            what = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            what = ""
        found[relative] = (stat.filemode(info.st_mode), info.st_uid, info.st_gid, what)
    return found


def _account(root: Path, name: str) -> list[str]:
    for line in (root / "etc" / "passwd").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":")
    return []


def _bare_root(root: Path) -> None:
    (root / "etc").mkdir(parents=True)
    for name in SYSTEM_FILES:
        shutil.copy2(f"/etc/{name}", root / "etc" / name)
    shutil.copytree(SYSTEMD_UNITS, root / "usr" / "lib" / "systemd" / "system", symlinks=True)


def test_install_twice_gives_the_same_kiosk_then_uninstall_keeps_or_purges(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _bare_root(root)
    before = _tree(root)
    first_run = _deploy(root, "install", "--with-central-server")
    assert "skipped: apt-get install" in first_run.stdout
    assert "skipped: systemctl daemon-reload and start" in first_run.stdout

    # The kiosk user: a system account with no login, its home the state directory.
    user = _account(root, "kiosk")
    assert user and user[5] == "/var/lib/kiosk" and user[6] == "/usr/sbin/nologin"
    uid, gid = int(user[2]), int(user[3])
    assert uid < 1000  # a system user
    groups = (root / "etc" / "group").read_text().splitlines()
    for device_group in ("video", "render", "input", "audio", "lp", "dialout"):
        assert any(
            line.startswith(f"{device_group}:") and "kiosk" in line.split(":")[3].split(",")
            for line in groups
        ), device_group

    first = _tree(root)
    assert first["etc/kiosk/device-token"][:3] == ("-rw-------", uid, gid)
    assert first["etc/kiosk/kiosk.toml"][:3] == ("-rw-r-----", 0, gid)
    assert first["etc/kiosk"][:3] == ("drwxr-x---", 0, gid)
    assert first["var/lib/kiosk"][:3] == ("drwx------", uid, gid)
    assert first["etc/udev/rules.d/70-gau-kiosk.rules"][:3] == ("-rw-r--r--", 0, 0)
    unit = first["etc/systemd/system/kiosk.service"]
    assert unit[3] == hashlib.sha256((REPO / "kiosk.service").read_bytes()).hexdigest()
    enabled = first["etc/systemd/system/multi-user.target.wants/kiosk.service"]
    assert enabled[3] == "/etc/systemd/system/kiosk.service"
    assert first[f"{VENV}/bin/kiosk"][0] == "-rwxr-xr-x"

    # The configuration is the example with an installed kiosk's paths, and it is valid.
    config = parse_config((root / "etc/kiosk/kiosk.toml").read_text(encoding="utf-8"))
    assert config.cache.path == "/var/lib/kiosk/cache.sqlite"
    assert config.server.device_token_file == "/etc/kiosk/device-token"
    # The venv runs: its kiosk command answers.
    help_text = subprocess.run(
        [str(root / VENV / "bin" / "kiosk"), "--help"], capture_output=True, text=True, timeout=60
    )
    assert help_text.returncode == 0 and "technician" in help_text.stdout
    # The installed units pass systemd's checks with their real ExecStart in that root.
    assert first["etc/systemd/system/multi-user.target.wants/central-server.service"]
    verify = subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", "kiosk.service", "central-server.service"],
        capture_output=True,
        text=True,
    )
    assert verify.returncode == 0 and not verify.stderr.strip(), verify.stderr

    second_run = _deploy(root, "install", "--with-central-server")
    assert "user kiosk: already there" in second_run.stdout
    assert "/etc/kiosk/kiosk.toml: kept as it is" in second_run.stdout
    second = _tree(root)
    changed = {path for path in first.keys() | second.keys() if first.get(path) != second.get(path)}
    assert not changed, sorted(changed)[:20]

    # A technician's edits and the token survive an update.
    config_file = root / "etc/kiosk/kiosk.toml"
    config_file.write_text(
        config_file.read_text().replace("kiosk-demo-1", "berkane-5-a"), encoding="utf-8"
    )
    (root / "etc/kiosk/device-token").write_text("token-from-the-server\n")
    _deploy(root, "install", "--with-central-server")
    assert 'id = "berkane-5-a"' in config_file.read_text()
    assert (root / "etc/kiosk/device-token").read_text() == "token-from-the-server\n"

    _deploy(root, "uninstall")
    kept = _tree(root)
    assert "etc/kiosk/kiosk.toml" in kept and "var/lib/kiosk" in kept and _account(root, "kiosk")
    assert not any(
        path.startswith(("opt/gau-kiosk", "etc/udev/rules.d/70", "etc/systemd/system/multi"))
        or path.endswith(("kiosk.service", "central-server.service"))
        for path in kept
    )

    _deploy(root, "uninstall", "--purge")
    assert not _account(root, "kiosk")
    left = _tree(root)
    new_paths = {path for path in left if path not in before and not path.endswith("-")}
    # Only empty directories the install made for its files remain (/etc/udev, /opt, …).
    assert all(left[path][0].startswith("d") for path in new_paths), sorted(new_paths)
    assert not any("kiosk" in path for path in left), [p for p in left if "kiosk" in p]
