"""A real loopback HTTP server that answers the kiosk contract badly on purpose, for fault tests."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# How long a "hang" reply holds the connection at most (tests use a ~0.5 s read timeout).
HANG_LIMIT_S = 30.0


class Behaviour(StrEnum):
    """How the server answers; set for all routes (`mode`) or per path (`routes`)."""

    OK = "ok"
    HANG = "hang"
    ERROR_500 = "500"
    ERROR_503 = "503"
    TRUNCATED_JSON = "truncated_json"
    CUT_CONNECTION = "cut_connection"
    HTML = "html"
    WRONG_SHAPE = "wrong_shape"
    INVALID_DEVICE = "invalid_device"
    REJECT_422 = "reject_422"
    HTML_404 = "html_404"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _ok_reply(method: str, path: str, body: Any, seen: set[str]) -> tuple[int, Any]:
    """A minimal contract-conforming reply (enough for the client and the sync engine)."""
    if path == "/api/v1/health":
        return 200, {"status": "ok", "time": _now(), "api_version": 1}
    if path.endswith("/batch"):
        results = []
        for item in body["items"]:
            key = item["idempotency_key"]
            results.append(
                {
                    "idempotency_key": key,
                    "status": "duplicate" if key in seen else "created",
                    "reason": None,
                    "reference": None,
                }
            )
            seen.add(key)
        return 200, {"results": results}
    if path == "/api/v1/catalogue":
        return 200, {
            "annex_id": "test-annex",
            "annex_name": "Test annex",
            "revision": 1,
            "overrides": {},
            "disabled": [],
        }
    if path == "/api/v1/device":
        return 200, {
            "device_id": 1,
            "annex_id": "test-annex",
            "annex_name": "Test annex",
            "standalone_range": {"start": 5000, "end": 5499},
        }
    if path == "/api/v1/queue-stats":
        return 200, {"as_of": _now(), "families": []}
    if path == "/api/v1/announcements":
        return 200, {"announcements": []}
    if path == "/api/v1/ticket-blocks":
        day = datetime.now(UTC).date().isoformat()
        return 201, {
            "block_id": f"blk-{len(seen)}",
            "family": body["family"],
            "business_day": day,
            "start": 100,
            "end": 100 + body["size"] - 1,
        }
    return 404, {"error": "not_found", "message": f"no route {method} {path}"}


class MisbehavingServer:
    """ThreadingHTTPServer in a daemon thread; `mode` and `routes` choose the misbehaviour."""

    def __init__(self) -> None:
        self.mode = Behaviour.OK
        self.routes: dict[str, Behaviour] = {}
        # Behaviours for the next requests, one each, before `routes` and `mode` apply.
        self.script: list[Behaviour] = []
        self.requests: list[RecordedRequest] = []
        self.seen_keys: set[str] = set()
        # A batch holding any of these keys gets a 500, as from a server that crashes on one
        # record; batches without them are answered normally.
        self.poison_keys: set[str] = set()
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._arrived = threading.Condition()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def behaviour_for(self, path: str) -> Behaviour:
        """What to do for this request: the next scripted behaviour, else by path or mode."""
        with self._lock:
            if self.script:
                return self.script.pop(0)
        return self.routes.get(path, self.mode)

    def record(self, request: RecordedRequest) -> None:
        """Keep a received request for assertions."""
        with self._arrived:
            self.requests.append(request)
            self._arrived.notify_all()

    def wait_for_requests(self, count: int = 1, timeout: float = 10.0) -> bool:
        """Block until `count` requests have arrived (True), or the timeout passes (False)."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)

    def hang(self) -> None:
        """Hold the connection without answering until stop() (or the safety limit)."""
        self._release.wait(HANG_LIMIT_S)

    def start(self) -> MisbehavingServer:
        """Serve in the background."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release hanging handlers and shut down."""
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)


def _handler_for(owner: MisbehavingServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def do_DELETE(self) -> None:
            self._handle()

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            path = self.path.split("?")[0]
            owner.record(RecordedRequest(self.command, path, dict(self.headers.items()), body))
            behaviour = owner.behaviour_for(path)
            items = body.get("items", []) if isinstance(body, dict) else []
            if any(item.get("idempotency_key") in owner.poison_keys for item in items):
                behaviour = Behaviour.ERROR_500
            if behaviour is Behaviour.HANG:
                owner.hang()
                self.close_connection = True
                return
            if behaviour is Behaviour.OK:
                status, reply = _ok_reply(self.command, path, body, owner.seen_keys)
                self._send(status, json.dumps(reply).encode(), "application/json")
            elif behaviour is Behaviour.ERROR_500:
                self._send(500, b"Internal Server Error", "text/plain")
            elif behaviour is Behaviour.ERROR_503:
                self._send(
                    503, b'{"error":"unavailable","message":"maintenance"}', "application/json"
                )
            elif behaviour is Behaviour.TRUNCATED_JSON:
                self._send(200, b'{"status": "ok", "time": "2026-11-', "application/json")
            elif behaviour is Behaviour.CUT_CONNECTION:
                # Announce more bytes than are sent, then hang up mid-reply.
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "500")
                self.end_headers()
                self.wfile.write(b'{"results": [')
                self.wfile.flush()
                self.close_connection = True
            elif behaviour is Behaviour.HTML:
                page = b"<html><body><h1>Welcome to the hotel Wi-Fi</h1></body></html>"
                self._send(200, page, "text/html")
            elif behaviour is Behaviour.HTML_404:
                self._send(404, b"<html><body>Not Found</body></html>", "text/html")
            elif behaviour is Behaviour.WRONG_SHAPE:
                wrong = b'{"items": "not what you asked for", "time": 3}'
                self._send(200, wrong, "application/json")
            elif behaviour is Behaviour.NOT_FOUND:
                reply = {"error": "not_found", "message": "no such endpoint on this server"}
                self._send(404, json.dumps(reply).encode(), "application/json")
            elif behaviour is Behaviour.INVALID_DEVICE:
                reply = {"error": "invalid_device", "message": "unknown or revoked device token"}
                self._send(401, json.dumps(reply).encode(), "application/json")
            elif behaviour is Behaviour.REJECT_422:
                self._reject_422(body)

        def _reject_422(self, body: Any) -> None:
            # Refuse a whole batch if any item lacks a service code (as a strict server
            # validating the request body would); otherwise behave.
            items = body.get("items", []) if isinstance(body, dict) else []
            if any(not item.get("service_code") for item in items):
                reply = {"error": "validation_error", "message": "service_code required"}
                self._send(422, json.dumps(reply).encode(), "application/json")
                return
            status, ok = _ok_reply(self.command, self.path, body, owner.seen_keys)
            self._send(status, json.dumps(ok).encode(), "application/json")

        def _send(self, status: int, payload: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def refused_url() -> str:
    """A loopback URL where nothing listens: connections are refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    return f"http://127.0.0.1:{port}"


@contextmanager
def misbehaving_server() -> Iterator[MisbehavingServer]:
    """A started server, stopped at the end of the block."""
    server = MisbehavingServer().start()
    try:
        yield server
    finally:
        server.stop()
