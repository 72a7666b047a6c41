"""The sd_notify client: datagrams to a real socket, abstract names, watchdog intervals."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

from kiosk.services.systemd_notify import ServiceManager, watchdog_interval_s


def _listener(address: str | bytes) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(address)
    sock.settimeout(5)
    return sock


def test_ready_ping_and_stopping_reach_a_socket_file(tmp_path: Path) -> None:
    path = tmp_path / "notify"
    with _listener(str(path)) as systemd:
        manager = ServiceManager({"NOTIFY_SOCKET": str(path)})
        assert manager.ready() and manager.ping() and manager.stopping()
        assert [systemd.recv(100) for _ in range(3)] == [b"READY=1", b"WATCHDOG=1", b"STOPPING=1"]


def test_an_at_sign_names_a_socket_in_the_abstract_namespace() -> None:
    name = f"gau-kiosk-test-{uuid.uuid4().hex}"
    with _listener(b"\0" + name.encode()) as systemd:
        assert ServiceManager({"NOTIFY_SOCKET": f"@{name}"}).ready()
        assert systemd.recv(100) == b"READY=1"


def test_outside_systemd_nothing_is_sent_and_nothing_fails() -> None:
    manager = ServiceManager({})
    assert manager.address is None and manager.watchdog_interval_s is None
    assert not manager.ready() and not manager.ping()


def test_a_socket_that_went_away_is_reported_not_raised(tmp_path: Path) -> None:
    manager = ServiceManager({"NOTIFY_SOCKET": str(tmp_path / "gone")})
    assert manager.ready() is False


def test_pings_come_at_half_the_watchdog_period() -> None:
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())})
    assert watchdog_interval_s({}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "0"}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "soon"}) is None


def test_a_child_that_inherited_the_variables_does_not_ping_for_its_parent() -> None:
    parent = {"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}
    assert watchdog_interval_s(parent, pid=4242) is None
    assert watchdog_interval_s(parent, pid=1) == 15.0
