"""The reference server's log lines: one per event on stderr, CINs, phones and query strings hidden.

The kiosk has the same masking in kiosk/logs.py; the server may not import the kiosk, so the
two rules are kept alike by one test that runs both
(tests/integration/test_logs_have_no_personal_data.py).
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

ACCESS_LOGGER = "uvicorn.access"
# uvicorn's level below DEBUG, named here so that `--log-level trace` can be set on the root.
TRACE_LEVEL = 5
LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
# The server's own names for its loggers; uvicorn's tell a reader nothing more.
_COMPONENTS = {"uvicorn.access": "access", "uvicorn.error": "server", "uvicorn": "server"}

_CIN_SHAPE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,2})([0-9]{1,6})(?![A-Za-z0-9])")
_PHONE_SHAPE = re.compile(r"(?<![0-9+])(\+212|00212|0)[ .-]?([5-7](?:[ .-]?[0-9]){8})(?![0-9])")


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


def _without_query(record: logging.LogRecord) -> None:
    """uvicorn's access line carries the path with its query string: keep the path only.

    The API takes personal data in bodies only, but a client (or a browser on a tracking
    page) may put anything after "?": it never reaches the log.
    """
    args = record.args
    if record.name == ACCESS_LOGGER and isinstance(args, tuple) and len(args) == 5:
        path = str(args[2])
        record.args = (args[0], args[1], path.split("?", 1)[0], args[3], args[4])


class PersonalDataFilter(logging.Filter):
    """Masks CIN and phone shapes in the message, its arguments and any traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        _without_query(record)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = f"{record.msg} (unformattable log arguments)"
        record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        return True


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.component = _COMPONENTS.get(record.name, record.name.removeprefix("central_server."))
        return super().format(record)


def configure_logging(level: str, stream: TextIO | None = None) -> None:
    """Every record at `level` ("info", "warning", ...) to stderr, one masked line each.

    A timestamp leads each line: the server is run by hand and under any supervisor.
    """
    logging.addLevelName(TRACE_LEVEL, "TRACE")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(_Formatter("%(asctime)s %(levelname)s %(component)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
