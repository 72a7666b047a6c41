"""Normalise what a person types (CIN, phone, e-mail, PIN) into canonical forms."""

from __future__ import annotations

import re
import unicodedata

from kiosk.i18n import N_

# A Moroccan CIN (CNIE): one or two letters, then one to six digits. The reference server
# checks the same rule (docs/api.md, "CIN"); a seventh digit is a typing mistake, not a CIN.
_CIN_PATTERN = re.compile(r"[A-Z]{1,2}[0-9]{1,6}")
_EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Separators people type inside numbers: spaces (incl. no-break), dashes of all kinds, dots.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212._/]+")


class ValidationError(ValueError):
    """Input that cannot be accepted; `message_key` is a translatable msgid for the screen."""

    message_key: str = N_("This value is not valid.")

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.message_key)


class InvalidCIN(ValidationError):
    """Not a national identity card number."""

    message_key = N_("Enter your CIN as on your card: one or two letters then up to 6 digits.")


class InvalidPhone(ValidationError):
    """Not a Moroccan mobile number."""

    message_key = N_("Enter a Moroccan mobile number starting with 06 or 07.")


class InvalidEmail(ValidationError):
    """Not an e-mail address."""

    message_key = N_("Enter an e-mail address such as name@example.ma.")


class InvalidPIN(ValidationError):
    """Not a PIN of the configured length."""

    message_key = N_("Your PIN is made of digits only. Check its length and try again.")


def western_digits(text: str) -> str:
    """Replace every decimal digit of any script (Arabic-Indic, full-width, ...) by 0-9."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def _fold(text: str) -> str:
    # NFKC turns full-width letters and digits into ASCII; digits of other scripts
    # are mapped explicitly because NFKC keeps Arabic-Indic digits as they are.
    return western_digits(unicodedata.normalize("NFKC", text))


def normalize_cin(text: str) -> str:
    """Canonical CIN (`AB123456`) from what was typed; raise InvalidCIN otherwise."""
    candidate = _SEPARATORS.sub("", _fold(text)).upper()
    if not _CIN_PATTERN.fullmatch(candidate):
        raise InvalidCIN(f"not a CIN: {len(text)} characters")
    return candidate


def normalize_phone(text: str) -> str:
    """Canonical E.164 Moroccan mobile number (`+2126XXXXXXXX`); raise InvalidPhone otherwise."""
    compact = _SEPARATORS.sub("", _fold(text)).replace("(0)", "").replace("(", "").replace(")", "")
    if compact.startswith("+212"):
        national = compact[4:]
    elif compact.startswith("00212"):
        national = compact[5:]
    elif compact.startswith("0"):
        national = compact[1:]
    else:
        raise InvalidPhone("no 0, +212 or 00212 prefix")
    if national.startswith("0"):
        # "+212 06..." is a common way to write it: the trunk zero is dropped after +212.
        national = national[1:]
    if len(national) != 9 or not national.isdigit() or national[0] not in "67":
        raise InvalidPhone("not a Moroccan mobile number")
    return "+212" + national


def normalize_email(text: str) -> str:
    """E-mail trimmed, with its domain in lower case; raise InvalidEmail otherwise."""
    candidate = unicodedata.normalize("NFKC", text).strip()
    if not _EMAIL_PATTERN.fullmatch(candidate):
        raise InvalidEmail("not an e-mail address")
    local, _, domain = candidate.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalize_pin(text: str, length: int) -> str:
    """The PIN as ASCII digits, exactly `length` of them; raise InvalidPIN otherwise."""
    candidate = _SEPARATORS.sub("", _fold(text))
    if len(candidate) != length or not candidate.isascii() or not candidate.isdigit():
        raise InvalidPIN(f"expected {length} digits")
    return candidate


def mask_cin(cin: str) -> str:
    """A CIN safe for logs and paper: first letters and last two digits only."""
    letters = len(cin) - len(cin.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    hidden = max(len(cin) - letters - 2, 0)
    return cin[:letters] + "*" * hidden + cin[letters + hidden :]


def mask_phone(phone: str) -> str:
    """A phone number safe for logs: country code and last two digits only."""
    return phone[:5] + "*" * max(len(phone) - 7, 0) + phone[-2:]
