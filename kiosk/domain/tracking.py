"""Where the QR on tickets and receipts points, and whether that address is safe to print."""

from __future__ import annotations

import ipaddress
from enum import Enum
from urllib.parse import urlsplit

# RFC 2606 and RFC 6761: names nobody can register, so a scan of them reaches nobody.
_RESERVED_TOP_LEVEL = frozenset({"example", "invalid", "test"})
_RESERVED_DOMAINS = frozenset({"example.com", "example.net", "example.org"})


class TrackingProblem(Enum):
    """Why a tracking base is not fit for paper that leaves the annex."""

    # Left off the paper: nothing, or somewhere nobody (or anybody) may answer.
    EMPTY = "empty"
    PLACEHOLDER = "placeholder"
    # Printed, but a phone in the lobby cannot open it (loopback or a private network).
    NOT_PUBLIC = "not_public"
    # Printed, but over plain HTTP from the public internet.
    NOT_HTTPS = "not_https"


# Problems that leave the QR off the paper and the screen, rather than point anywhere foreign.
BLOCKING = frozenset({TrackingProblem.EMPTY, TrackingProblem.PLACEHOLDER})


def effective_tracking_base(configured: str, public_url: str, server_url: str) -> str:
    """The configured tracking base, else the server's public address, else its API address."""
    for candidate in (configured, public_url, server_url):
        if candidate.strip():
            return candidate.strip().rstrip("/")
    return ""


def _is_placeholder(host: str) -> bool:
    labels = host.rstrip(".").split(".")
    if labels[-1] in _RESERVED_TOP_LEVEL or ".".join(labels[-2:]) in _RESERVED_DOMAINS:
        return True
    # "gau.example.ma" was the old default: "example" under a real, registrable top-level
    # domain is a placeholder that somebody could register and receive every scan of.
    return "example" in labels[:-1]


def _is_private(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost") or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host  # a bare name only resolves on the local network
    return address.is_private or address.is_loopback or address.is_link_local


def tracking_problem(base: str) -> TrackingProblem | None:
    """What is wrong with `base` as the start of a printed link, or None when it is fine."""
    if not base.strip():
        return TrackingProblem.EMPTY
    parts = urlsplit(base.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return TrackingProblem.EMPTY
    if _is_placeholder(host):
        return TrackingProblem.PLACEHOLDER
    if _is_private(host):
        return TrackingProblem.NOT_PUBLIC
    if parts.scheme != "https":
        return TrackingProblem.NOT_HTTPS
    return None


def printable_tracking_base(base: str) -> str | None:
    """`base` without its trailing slash, or None when the QR must be left off."""
    if tracking_problem(base) in BLOCKING:
        return None
    return base.strip().rstrip("/")
