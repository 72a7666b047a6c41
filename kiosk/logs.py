"""One line per event to stderr (the journal under systemd), with CINs and phones masked."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from typing import TextIO

JOURNAL_ENV = "JOURNAL_STREAM"

# A CIN as the kiosk writes it (upper case, kiosk.domain.validation): one or two letters
# then one to six digits, standing alone. Upper case only: lower-case UUIDs (idempotency
# keys, which technicians look up) have segments such as "a716" that must stay readable.
_CIN_SHAPE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,2})([0-9]{1,6})(?![A-Za-z0-9])")
# A Moroccan number: 05/06/07 and eight digits, or +212 / 00212 and nine, spaced or not.
_PHONE_SHAPE = re.compile(
    r"(?<![0-9+])(\+212|00212|0)[ .-]?([5-7](?:[ .-]?[0-9]){8})(?![0-9])",
)

# Module paths that say nothing to a technician reading the journal: `offline_cache.sync`
# becomes "sync", `kiosk.services.printing` "printing".
_PREFIXES = (
    "kiosk.services.",
    "kiosk.cli.",
    "kiosk.ui.",
    "kiosk.",
    "offline_cache.",
    "device_drivers.",
)
# syslog priorities, which journald reads from a leading "<N>" (SyslogLevelPrefix=yes).
_PRIORITIES = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}


def _hide_cin(match: re.Match[str]) -> str:
    letters, digits = match.group(1), match.group(2)
    shown = digits[-2:] if len(digits) > 2 else ""
    return letters + "*" * (len(digits) - len(shown)) + shown


def _hide_phone(match: re.Match[str]) -> str:
    prefix, digits = match.group(1), re.sub(r"[^0-9]", "", match.group(2))
    return prefix + "*" * (len(digits) - 2) + digits[-2:]


def mask_personal_data(text: str) -> str:
    """`text` with anything shaped like a CIN or a Moroccan phone number masked."""
    return _CIN_SHAPE.sub(_hide_cin, _PHONE_SHAPE.sub(_hide_phone, text))


class PersonalDataFilter(logging.Filter):
    """Defence in depth: masks CIN and phone shapes in a record's message, args and traceback.

    Call sites must not log personal data in the first place; this catches what slips
    through an exception's text or a library's message. Names cannot be recognised by
    their shape: for them only the call sites count.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # Arguments that do not fit the format: logging would print them raw in its
            # "--- Logging error ---" report, past this filter.
            message = f"{record.msg} (unformattable log arguments)"
        record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


def component(logger_name: str) -> str:
    """The short name of the part that logged, e.g. "sync" for `offline_cache.sync`."""
    for prefix in _PREFIXES:
        if logger_name.startswith(prefix):
            return logger_name[len(prefix) :]
    return logger_name


class JournalFormatter(logging.Formatter):
    """`WARNING sync: message`, after a timestamp unless journald stamps the line itself."""

    def __init__(self, under_journal: bool) -> None:
        stamp = "" if under_journal else "%(asctime)s "
        super().__init__(f"{stamp}%(levelname)s %(component)s: %(message)s")
        self._under_journal = under_journal

    def format(self, record: logging.LogRecord) -> str:
        record.component = component(record.name)
        line = super().format(record)
        if not self._under_journal:
            return line
        # journald makes an entry of each line it reads: every line of a traceback gets
        # the event's priority, so `journalctl -p err` shows the whole of it.
        priority = _PRIORITIES.get(record.levelno, 6)
        return "\n".join(f"<{priority}>{part}" for part in line.split("\n"))


def writes_to_journal(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """True when `stream` is the journal stream systemd connected (`JOURNAL_STREAM`).

    systemd sets "device:inode" of the stream it connected; a child whose stderr was
    redirected elsewhere inherits the variable but not the stream, so both are compared.
    """
    announced = environ.get(JOURNAL_ENV, "")
    device, _, inode = announced.partition(":")
    if not (device.isdigit() and inode.isdigit()):
        return False
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError):
        return False  # no file descriptor: a test's capture, not the journal
    return (status.st_dev, status.st_ino) == (int(device), int(inode))


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a record comes, as logging's last resort does.

    A handler holding the stderr of the moment it was made would write into a closed
    capture once a test (or an embedding program) swaps stderr.
    """

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr


def configure_logging(
    level: int, environ: Mapping[str, str] | None = None
) -> logging.Handler | None:
    """Send every record at `level` and above to stderr, one masked line each.

    Like `logging.basicConfig`, it leaves alone a program that configured logging itself
    (a test runner calling `kiosk.cli.main`, say) and returns None; called again, it
    replaces its own handler rather than doubling the lines.
    """
    root = logging.getLogger()
    if any(not isinstance(old, StderrHandler) for old in root.handlers):
        return None
    handler = StderrHandler()
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(JournalFormatter(writes_to_journal(sys.stderr, environ or os.environ)))
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
