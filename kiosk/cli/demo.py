"""`kiosk demo`: a local reference server with demo data, a capture printer, the app on them."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from kiosk.cli.run import add_window_options, run_app, window_size
from kiosk.config import parse_config

DEMO_TOKEN = "demo-kiosk-1-token"  # a device of the reference server's demo data
DEMO_AGENT_PIN = "135790"  # agent-1's PIN in the reference server's demo data
STARTUP_DEADLINE_S = 30.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `demo` subcommand."""
    parser = subparsers.add_parser(
        "demo", help="the app against a local reference server with demo data (for newcomers)"
    )
    add_window_options(parser)
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
        / "gau-kiosk-demo",
        help="where the demo's server database, cache, printed jobs and config live",
    )
    parser.set_defaults(handler=handle)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(state: Path, port: int) -> subprocess.Popen[bytes]:
    """The reference server as its own process (it shares no code with the kiosk)."""
    command = [sys.executable, "-m", "central_server.cli", "--db", str(state / "central.sqlite")]
    command += ["--port", str(port), "--demo-data"]
    # The kiosk's own guide, so the server's pages name services in the four languages.
    command += ["--catalogue", str(Path(__file__).parents[1] / "domain" / "catalogue.json")]
    log = (state / "central-server.log").open("ab")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"kiosk demo: the reference server stopped; see {state}/*.log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1):
                return server
        except OSError:
            time.sleep(0.1)  # a port not open yet: nothing to wait on but time
    server.kill()
    raise SystemExit("kiosk demo: the reference server did not start in time")


def demo_config(state: Path, port: int) -> str:
    """A kiosk configuration for the demo, kept in the state directory."""
    token = state / "device-token"
    token.write_text(DEMO_TOKEN + "\n", encoding="utf-8")
    token.chmod(0o600)
    return (
        f'[server]\nurl = "http://127.0.0.1:{port}"\ndevice_token_file = "{token}"\n'
        f'[printer]\nuri = "capture:{state / "printed"}"\n'
        f'[cache]\npath = "{state / "cache.sqlite"}"\n'
    )


def handle(args: argparse.Namespace) -> int:
    """Start the server, run the app, and stop the server however the app ends."""
    state: Path = args.state_dir
    state.mkdir(parents=True, exist_ok=True)
    port = free_port()
    text = demo_config(state, port)
    (state / "kiosk.toml").write_text(text, encoding="utf-8")
    server = start_server(state, port)
    try:
        # Python's default for SIGTERM (a service manager's or a test's "stop") ends the
        # process at once, and the server would run on, orphaned: end by SystemExit instead,
        # so the `finally` below stops it.
        signal.signal(signal.SIGTERM, _exit_on_signal)
        print(f"kiosk demo: server on 127.0.0.1:{port}, printed tickets in {state / 'printed'}")
        # Demo agents of the reference server (docs/counters.md): call the tickets you take.
        print(
            f"kiosk demo: counter page http://127.0.0.1:{port}/counter "
            f"(agent-1, PIN {DEMO_AGENT_PIN}); lobby display "
            f"http://127.0.0.1:{port}/display/berkane-5"
        )
        config = parse_config(text, str(state / "kiosk.toml"))
        return run_app(config, args.windowed, window_size(args.size))
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)
