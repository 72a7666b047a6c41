"""Install and uninstall steps: the kiosk user, the venv under /opt, config, udev rules, units."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

USER = "kiosk"
# What the unit's SupplementaryGroups= names: screen, touch, sound, printer, serial ports.
DEVICE_GROUPS = ("video", "render", "input", "audio", "lp", "dialout")
PREFIX = "/opt/gau-kiosk"
CONFIG_DIR = "/etc/kiosk"
CONFIG_FILE = "/etc/kiosk/kiosk.toml"
TOKEN_FILE = "/etc/kiosk/device-token"
STATE_DIR = "/var/lib/kiosk"
UNIT_DIR = "/etc/systemd/system"
KIOSK_UNIT = "kiosk.service"
SERVER_UNIT = "central-server.service"
SERVER_STATE_DIRS = ("/var/lib/central-server", "/var/lib/private/central-server")
UDEV_RULES = "/etc/udev/rules.d/70-gau-kiosk.rules"
NOLOGIN = "/usr/sbin/nologin"
# The system libraries Kivy's wheels load (GL/EGL through Mesa, GBM for KMS/DRM, mtdev for
# touchscreens) and espeak-ng for spoken guidance; python3-venv to build the venv.
APT_PACKAGES = (
    "python3-venv",
    "libgl1-mesa-dri",
    "libegl1",
    "libgles2",
    "libgbm1",
    "libmtdev1",
    "espeak-ng",
)
CHECKOUT = Path(__file__).resolve().parents[2]  # the clone this module runs from
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)
USB_PRINTER = re.compile(r"usb:(?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4})")


class InstallError(Exception):
    """A step that cannot be done; the message says what to do."""


@dataclass(frozen=True)
class Target:
    """Where to install: `/` on a kiosk, a scratch directory in tests."""

    root: Path
    say: Callable[[str], None] = lambda line: print(line, flush=True)

    @property
    def live(self) -> bool:
        """The running system itself (services can be started, udev reloaded, apt used)."""
        return self.root.resolve() == Path("/")

    @property
    def systemd_running(self) -> bool:
        return self.live and Path("/run/systemd/system").is_dir()

    def path(self, absolute: str) -> Path:
        return self.root / absolute.lstrip("/")

    def run(self, command: Sequence[str]) -> None:
        try:
            subprocess.run(list(command), check=True)
        except FileNotFoundError as exc:
            raise InstallError(f"{command[0]} is not installed on this system") from exc
        except subprocess.CalledProcessError as exc:
            raise InstallError(f"`{' '.join(command)}` failed (exit {exc.returncode})") from exc

    def prefix_options(self) -> list[str]:
        # shadow's --prefix edits ROOT/etc/passwd without chroot (no binaries needed there).
        return [] if self.live else ["--prefix", str(self.root)]

    def user_ids(self, name: str) -> tuple[int, int]:
        """uid and gid of `name` in the target's own /etc/passwd."""
        for line in _read_lines(self.path("/etc/passwd")):
            fields = line.split(":")
            if len(fields) >= 4 and fields[0] == name:
                return int(fields[2]), int(fields[3])
        raise InstallError(f"no user {name} in {self.path('/etc/passwd')}")

    def group_id(self, name: str) -> int:
        for line in _read_lines(self.path("/etc/group")):
            fields = line.split(":")
            if len(fields) >= 3 and fields[0] == name:
                return int(fields[2])
        raise InstallError(f"no group {name} in {self.path('/etc/group')}")


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def _has_entry(path: Path, name: str) -> bool:
    return any(line.split(":", 1)[0] == name for line in _read_lines(path))


def _place(path: Path, mode: int, uid: int, gid: int, content: bytes | None = None) -> None:
    """A file with this content (None: keep what is there), owner and mode, written whole."""
    if content is not None and (not path.exists() or path.read_bytes() != content):
        temporary = path.with_name(f".{path.name}.new")
        temporary.write_bytes(content)
        os.chmod(temporary, mode)
        os.chown(temporary, uid, gid)
        os.replace(temporary, path)
    os.chown(path, uid, gid)
    os.chmod(path, mode)


def _directory(path: Path, mode: int, uid: int, gid: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, uid, gid)
    os.chmod(path, mode)


# --- install --------------------------------------------------------------------------------


def install_system_packages(target: Target) -> None:
    """apt-get the libraries Kivy needs; only on the live system (a scratch root has no apt)."""
    if not target.live:
        target.say(f"skipped: apt-get install {' '.join(APT_PACKAGES)} (not the live system)")
        return
    target.say("apt-get: system libraries for the screen, touch and speech")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "--no-install-recommends", *APT_PACKAGES]
    if subprocess.run(command, env=environment, check=False).returncode != 0:
        raise InstallError("apt-get install failed: run `sudo apt-get update`, then again")


def create_user(target: Target) -> None:
    """The device groups (if this system lacks one) and the kiosk's own system user."""
    for group in DEVICE_GROUPS:
        if not _has_entry(target.path("/etc/group"), group):
            target.say(f"group {group}: created")
            target.run(["groupadd", *target.prefix_options(), "--system", group])
    if _has_entry(target.path("/etc/passwd"), USER):
        target.say(f"user {USER}: already there")
        return
    target.say(f"user {USER}: created (system user, no login, home {STATE_DIR})")
    target.run(
        [
            "useradd",
            *target.prefix_options(),
            "--system",
            "--user-group",
            "--groups",
            ",".join(DEVICE_GROUPS),
            "--home-dir",
            STATE_DIR,
            "--no-create-home",
            "--shell",
            NOLOGIN,
            "--comment",
            "GAU kiosk",
            USER,
        ]
    )


def install_application(target: Target, source: Path, wheelhouse: Path | None) -> None:
    """The kiosk and its dependencies in a venv at /opt/gau-kiosk, owned by root."""
    venv = target.path(PREFIX)
    python = venv / "bin" / "python"
    if not python.exists():
        target.say(f"venv: {PREFIX}")
        target.run([sys.executable, "-m", "venv", str(venv)])
    target.say(f"pip: {source}" + (f" (offline, from {wheelhouse})" if wheelhouse else ""))
    offline = ["--no-index", "--find-links", str(wheelhouse)] if wheelhouse else []
    with tempfile.TemporaryDirectory(prefix="gau-kiosk-source-") as scratch:
        if source.is_dir():
            # Built from a clean copy: setuptools' build/ in the clone would carry modules
            # deleted since the last build into the venv, and the clone stays untouched.
            source = Path(shutil.copytree(source, Path(scratch) / "src", ignore=NOT_SOURCE))
        target.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-warn-script-location",
                "--upgrade",
                *offline,
                str(source),
            ]
        )


def write_configuration(target: Target, device_token: bytes | None) -> None:
    """/etc/kiosk: kiosk.toml from the example (never overwritten), the device token (0600)."""
    uid, gid = target.user_ids(USER)
    _directory(target.path(CONFIG_DIR), 0o750, 0, gid)
    config = target.path(CONFIG_FILE)
    if config.exists():
        target.say(f"{CONFIG_FILE}: kept as it is")
        _place(config, 0o640, 0, gid)
    else:
        target.say(f"{CONFIG_FILE}: written from kiosk.example.toml")
        _place(config, 0o640, 0, gid, first_configuration().encode())
    token = target.path(TOKEN_FILE)
    if device_token is not None:
        target.say(f"{TOKEN_FILE}: the token given")
    elif not token.exists():
        target.say(f"{TOKEN_FILE}: empty (write the token the central server issued)")
        device_token = b""
    _place(token, 0o600, uid, gid, device_token)
    pin = target.path("/etc/kiosk/technician-pin")
    if pin.exists():  # `kiosk technician set-pin`, run as root, leaves it root's
        _place(pin, 0o600, uid, gid)
    _directory(target.path(STATE_DIR), 0o700, uid, gid)


def first_configuration() -> str:
    """The annotated example, with the paths of an installed kiosk filled in."""
    text = resources.files("kiosk").joinpath("kiosk.example.toml").read_text(encoding="utf-8")
    replacements = {
        'device_token_file = ""': f'device_token_file = "{TOKEN_FILE}"',
        '# path = "/var/lib/kiosk/cache.sqlite"': f'path = "{STATE_DIR}/cache.sqlite"',
    }
    for old, new in replacements.items():
        if text.count(old) != 1:
            raise InstallError(f"kiosk.example.toml no longer has the line {old!r}")
        text = text.replace(old, new)
    return text


def udev_rules(target: Target) -> str:
    """The packaged rules, plus the configured usb:VID:PID printer's own line."""
    rules = resources.files("kiosk.deploy").joinpath("70-gau-kiosk.rules").read_text("utf-8")
    try:
        with target.path(CONFIG_FILE).open("rb") as handle:
            printer = str(tomllib.load(handle).get("printer", {}).get("uri", ""))
    except (OSError, tomllib.TOMLDecodeError):
        printer = ""
    match = USB_PRINTER.fullmatch(printer)
    if match:
        vendor, product = (part.lower().zfill(4) for part in match.groups())
        rules += (
            f"\n# The printer of {CONFIG_FILE} ({printer}), whatever class it reports.\n"
            f'SUBSYSTEM=="usb", ATTR{{idVendor}}=="{vendor}", ATTR{{idProduct}}=="{product}", '
            'GROUP="lp", MODE="0660"\n'
        )
    return rules


def install_udev_rules(target: Target) -> None:
    target.say(f"udev: {UDEV_RULES}")
    path = target.path(UDEV_RULES)
    _directory(path.parent, 0o755, 0, 0)
    _place(path, 0o644, 0, 0, udev_rules(target).encode())
    if target.live and shutil.which("udevadm"):
        target.run(["udevadm", "control", "--reload-rules"])
        target.run(["udevadm", "trigger", "--action=change", "--subsystem-match=usb"])
        target.run(["udevadm", "trigger", "--action=change", "--subsystem-match=usbmisc"])
        target.run(["udevadm", "trigger", "--action=change", "--subsystem-match=tty"])
    else:
        target.say("skipped: udevadm reload and trigger (not the live system)")


def unit_text(name: str) -> bytes:
    """A unit file: kiosk.service from the clone's top level, the server's from this package."""
    if name == KIOSK_UNIT:
        path = CHECKOUT / KIOSK_UNIT
        if not path.exists():
            raise InstallError(f"{path} is missing: run the install from a clone of the repo")
        return path.read_bytes()
    return resources.files("kiosk.deploy").joinpath(name).read_bytes()


def install_units(target: Target, with_server: bool, start: bool) -> None:
    """The units in /etc/systemd/system, enabled; started now on a live system."""
    units = [KIOSK_UNIT, SERVER_UNIT] if with_server else [KIOSK_UNIT]
    unit_dir = target.path(UNIT_DIR)
    _directory(unit_dir, 0o755, 0, 0)
    for unit in units:
        target.say(f"systemd: {UNIT_DIR}/{unit}, enabled")
        _place(unit_dir / unit, 0o644, 0, 0, unit_text(unit))
        target.run(["systemctl", f"--root={target.root}", "--quiet", "enable", unit])
    # The kiosk draws on the screen itself: a display manager would hold it first.
    if (unit_dir / "display-manager.service").exists():
        target.say("systemd: the desktop is switched off at boot (default multi-user.target)")
        target.run(["systemctl", f"--root={target.root}", "set-default", "multi-user.target"])
    if not target.systemd_running:
        target.say("skipped: systemctl daemon-reload and start (systemd is not running there)")
        return
    target.run(["systemctl", "daemon-reload"])
    if start:
        for unit in reversed(units):  # the server first: the kiosk finds it up
            target.say(f"systemd: (re)starting {unit}")
            target.run(["systemctl", "restart", unit])


def install(
    target: Target,
    source: Path,
    wheelhouse: Path | None = None,
    device_token: bytes | None = None,
    with_server: bool = False,
    start: bool = True,
    apt: bool = True,
) -> None:
    """Every step, each one safe to run again: a second run changes nothing."""
    os.umask(0o022)
    if apt:
        install_system_packages(target)
    create_user(target)
    install_application(target, source, wheelhouse)
    write_configuration(target, device_token)
    install_udev_rules(target)
    install_units(target, with_server, start)


# --- uninstall ------------------------------------------------------------------------------


def uninstall(target: Target, purge: bool) -> None:
    """Units, rules and the venv go; config, cache and the user only with `purge`."""
    unit_dir = target.path(UNIT_DIR)
    for unit in (KIOSK_UNIT, SERVER_UNIT):
        if not (unit_dir / unit).exists():
            continue
        if target.systemd_running:
            target.run(["systemctl", "stop", unit])
        target.run(["systemctl", f"--root={target.root}", "--quiet", "disable", unit])
        (unit_dir / unit).unlink()
        target.say(f"removed: {UNIT_DIR}/{unit}")
    if target.systemd_running:
        target.run(["systemctl", "daemon-reload"])
    rules = target.path(UDEV_RULES)
    if rules.exists():
        rules.unlink()
        target.say(f"removed: {UDEV_RULES}")
    if target.path(PREFIX).exists():
        shutil.rmtree(target.path(PREFIX))
        target.say(f"removed: {PREFIX}")
    kept = [CONFIG_DIR, STATE_DIR, *SERVER_STATE_DIRS]
    if not purge:
        present = [path for path in kept if target.path(path).exists()]
        if present:
            target.say(f"kept (uninstall --purge removes them): {', '.join(present)}")
        return
    for path in kept:
        if target.path(path).exists():
            shutil.rmtree(target.path(path))
            target.say(f"removed: {path}")
    if _has_entry(target.path("/etc/passwd"), USER):
        target.run(["userdel", *target.prefix_options(), USER])
        target.say(f"removed: user {USER}")


def check_root_privileges() -> None:
    """Owners and modes need root; say so in one line rather than fail half-way."""
    if os.geteuid() != 0:
        raise InstallError("run it as root: sudo python3 -m kiosk.deploy ...")
