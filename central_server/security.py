"""Secrets handling: PIN hashing with scrypt, token digests, and masking of personal data."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# ~16 MiB and a few tens of milliseconds per check: slow for brute force, fine for a kiosk.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16

# Checked against when the CIN is unknown, so both answers take the same time.
_DECOY_SALT = secrets.token_bytes(SALT_BYTES)


def new_salt() -> bytes:
    """A fresh per-citizen salt."""
    return secrets.token_bytes(SALT_BYTES)


def hash_pin(pin: str, salt: bytes) -> bytes:
    """The scrypt digest of a PIN; the PIN itself is never stored."""
    return hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)


def pin_matches(pin: str, salt: bytes | None, expected: bytes | None) -> bool:
    """Compare in constant time; with no stored hash, burn the same work and answer False."""
    if salt is None or expected is None:
        hash_pin(pin, _DECOY_SALT)
        return False
    return hmac.compare_digest(hash_pin(pin, salt), expected)


def new_token() -> str:
    """An unguessable bearer token for a device or a citizen session."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """SHA-256 of a token: what the database keeps, so a leaked file leaks no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


def mask_cin(cin: str) -> str:
    """`AB123456` -> `AB****56`: letters and the last two digits stay readable."""
    letters = len(cin) - len(cin.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if len(cin) - letters <= 2:
        return cin[:letters] + "*" * (len(cin) - letters)
    return cin[:letters] + "*" * (len(cin) - letters - 2) + cin[-2:]


def mask_phone(phone: str | None) -> str | None:
    """`+212612345612` -> `+2126*****12`: country code and operator digit, then the last two."""
    if not phone:
        return None
    keep_head = 5 if phone.startswith("+") else 4
    if len(phone) <= keep_head + 2:
        return phone[:1] + "*" * (len(phone) - 1)
    return phone[:keep_head] + "*" * (len(phone) - keep_head - 2) + phone[-2:]


def mask_email(email: str | None) -> str | None:
    """`amina@example.ma` -> `a***@example.ma`."""
    if not email:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
