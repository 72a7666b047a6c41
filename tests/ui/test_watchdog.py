"""`kiosk run` speaks sd_notify: READY once home is drawn, then pings from the UI loop."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.support.freezable_kiosk import FREEZE_S, FROZEN, THAWED
from tests.support.ui_driver import virtual_screen

REPO = Path(__file__).resolve().parents[2]
PORTRAIT = (1080, 1920)
WATCHDOG_USEC = 2_000_000  # WatchdogSec=2: a ping every second
START_S = 150.0  # a cold start on two busy cores
SILENCE_S = 5.0  # inside the freeze, with room for noticing it began


def _receive(notify: socket.socket, timeout: float) -> str | None:
    notify.settimeout(timeout)
    try:
        return notify.recv(4096).decode()
    except TimeoutError:
        return None


def _ready(notify: socket.socket, kiosk: subprocess.Popen[bytes], log: Path) -> str | None:
    """The first notification, or a failure as soon as the kiosk has exited instead."""
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        message = _receive(notify, 1.0)
        if message is not None:
            return message
        assert kiosk.poll() is None, log.read_text(encoding="utf-8")[-2000:]
    return None


def _wait_for_line(log: Path, line: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if line in log.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"the kiosk never wrote {line!r}: {log.read_text()[-2000:]}")


def test_ready_then_pings_from_the_ui_loop_which_stop_while_it_is_frozen(tmp_path: Path) -> None:
    (tmp_path / "state").mkdir()  # systemd's StateDirectory=
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[printer]\nuri = "capture:{tmp_path / "printed"}"\n'
        f'[cache]\npath = "{tmp_path / "state" / "cache.sqlite"}"\n'
        '[technician]\npin_file = ""\n',
        encoding="utf-8",
    )
    # An abstract socket, named with '@' as systemd names them, like the one it passes.
    name = f"gau-kiosk-watchdog-{uuid.uuid4().hex}"
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(b"\0" + name.encode())
    log = tmp_path / "kiosk.log"
    with virtual_screen(*PORTRAIT) as display, log.open("w") as stderr:
        environment = {
            **os.environ,
            "DISPLAY": display,
            "NOTIFY_SOCKET": f"@{name}",
            "WATCHDOG_USEC": str(WATCHDOG_USEC),
        }
        kiosk = subprocess.Popen(
            [sys.executable, "-m", "tests.support.freezable_kiosk", "--config", str(config)],
            cwd=REPO,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            # READY first, and once: nothing is pinged before the home screen is up.
            assert _ready(notify, kiosk, log) == "READY=1"
            pings = []
            while len(pings) < 4:
                message = _receive(notify, 5.0)
                assert message == "WATCHDOG=1", message
                pings.append(time.monotonic())
            gaps = [later - earlier for earlier, later in itertools.pairwise(pings)]
            assert 0.5 < statistics.median(gaps) < 2.0, gaps  # half of WatchdogSec

            kiosk.send_signal(signal.SIGUSR1)
            _wait_for_line(log, FROZEN, 10.0)
            notify.setblocking(False)
            try:
                while notify.recv(4096):  # pings sent before the freeze began
                    pass
            except BlockingIOError:
                pass
            frozen_at = time.monotonic()
            assert _receive(notify, SILENCE_S) is None  # systemd would now count down
            assert time.monotonic() - frozen_at < FREEZE_S  # the silence was inside the freeze
            assert kiosk.poll() is None  # the process is alive: only its UI loop is stuck

            _wait_for_line(log, THAWED, FREEZE_S + 5.0)
            assert _receive(notify, 5.0) == "WATCHDOG=1"  # the loop turns again, so do pings

            # `systemctl stop` sends SIGTERM: the kiosk ends at once, not at the SIGKILL.
            kiosk.send_signal(signal.SIGTERM)
            assert kiosk.wait(15) == -signal.SIGTERM
        finally:
            if kiosk.poll() is None:
                kiosk.kill()
                kiosk.wait()
            notify.close()
