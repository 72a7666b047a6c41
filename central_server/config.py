"""Runtime settings of the reference server, shared by the HTTP app and the admin commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_LOCKOUT_SECONDS = 900
DEFAULT_SESSION_SECONDS = 600
MAX_FAILED_SIGN_INS = 5


@dataclass(frozen=True)
class SmtpSettings:
    """Where notification e-mails go; absent means e-mail is not configured."""

    host: str
    port: int
    sender: str


@dataclass(frozen=True)
class ServerConfig:
    """Everything the server needs besides its code: storage, timings, notification channels."""

    db_path: Path
    lockout_seconds: int = DEFAULT_LOCKOUT_SECONDS
    session_seconds: int = DEFAULT_SESSION_SECONDS
    smtp: SmtpSettings | None = None
    sms_sender_spec: str | None = None
    catalogue_path: Path | None = None
    extra_service_codes: dict[str, str] = field(default_factory=dict)
    # The public pages (tracking): requests a minute per address on average, and the burst.
    page_requests_per_minute: float = 60.0
    page_burst: int = 30
