"""Runs the real reference central server as a subprocess on a free loopback port, for tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# The kiosk's own catalogue, when present, so every service code the kiosk knows is accepted.
KIOSK_CATALOGUE = REPO_ROOT / "kiosk" / "domain" / "catalogue.json"
STARTUP_DEADLINE_S = 15.0

DEMO_DEVICE_TOKEN = "demo-kiosk-1-token"
DEMO_DEVICE_TOKEN_2 = "demo-kiosk-2-token"
DEMO_REVOKED_TOKEN = "demo-revoked-token"
DEMO_CIN = "AB123456"
DEMO_PIN = "123456"


SMS_OUTBOX_ENV = "REFERENCE_SMS_OUTBOX"


class FileSmsGateway:
    """An SMS gateway plug-in for `--sms-sender`: appends each SMS to the file named in
    $REFERENCE_SMS_OUTBOX, as a real gateway client would post it to its provider."""

    def send(self, phone: str, text: str) -> str:
        with Path(os.environ[SMS_OUTBOX_ENV]).open("a", encoding="utf-8") as outbox:
            outbox.write(f"{phone}\t{text}\n")
        return "sent"


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ReferenceServer:
    """One server process over one database file; can be stopped, killed and restarted in place."""

    def __init__(
        self, workdir: Path, extra_args: Sequence[str] = (), demo_data: bool = True
    ) -> None:
        self.workdir = workdir
        self.db_path = workdir / "central.sqlite"
        self.log_path = workdir / "central-server.log"
        self.port = free_loopback_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.extra_args = list(extra_args)
        self.demo_data = demo_data
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        args = [sys.executable, "-m", "central_server.cli", "--db", str(self.db_path)]
        args += ["--host", "127.0.0.1", "--port", str(self.port)]
        if self.demo_data:
            args.append("--demo-data")
        if KIOSK_CATALOGUE.exists():
            args += ["--catalogue", str(KIOSK_CATALOGUE)]
        return args + self.extra_args

    def client(self, device_token: str | None = DEMO_DEVICE_TOKEN) -> httpx.Client:
        """An HTTP client for this server, authenticated as a demo kiosk unless told otherwise."""
        headers = {"Authorization": f"Bearer {device_token}"} if device_token else {}
        return httpx.Client(base_url=f"{self.base_url}/api/v1", headers=headers, timeout=10.0)

    def admin(
        self, *admin_args: str, extra_args: Sequence[str] = (), env: dict[str, str] | None = None
    ) -> str:
        """Run `central-server --db … admin …` on this server's database and return its stdout."""
        args = [sys.executable, "-m", "central_server.cli", "--db", str(self.db_path)]
        completed = subprocess.run(
            [*args, *self.extra_args, *extra_args, "admin", *admin_args],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
            check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"admin {admin_args} failed: {completed.stderr.strip()}")
        return completed.stdout

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT
            )
        finally:
            log.close()
        self._wait_until_healthy()

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"reference server exited early:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.base_url}/api/v1/health", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)  # polling a port that is not open yet: there is no event to wait on
        self.kill()
        raise RuntimeError(
            f"reference server not healthy after {STARTUP_DEADLINE_S}s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Graceful stop (SIGTERM), escalating to SIGKILL after 10 s."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def kill(self) -> None:
        """SIGKILL: the server dies at once, mid-request if there is one."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        """Start again on the same port and database (after stop() or kill(), or while running)."""
        if self.running:
            self.stop()
        self.start()

    def __enter__(self) -> ReferenceServer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


@contextmanager
def running_reference_server(
    workdir: Path, extra_args: Sequence[str] = (), demo_data: bool = True
) -> Iterator[ReferenceServer]:
    """A started server that is stopped when the block ends, whatever happens in it."""
    server = ReferenceServer(workdir, extra_args, demo_data)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def reference_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    """A fresh reference server with demo data, on its own port and database, for one test."""
    with running_reference_server(tmp_path_factory.mktemp("reference-server")) as server:
        yield server
