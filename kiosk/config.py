"""Typed kiosk settings read from one TOML file, every key with an embedded default."""

from __future__ import annotations

import dataclasses
import logging
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from device_drivers.profiles import PROFILES
from kiosk.domain.tickets import STANDALONE_SPACE
from kiosk.domain.tracking import effective_tracking_base
from kiosk.i18n import LANGUAGES

log = logging.getLogger(__name__)

SYSTEM_CONFIG_PATH = Path("/etc/kiosk/kiosk.toml")
DEFAULT_TECHNICIAN_PIN_FILE = Path("/etc/kiosk/technician-pin")
CONFIG_ENV_VAR = "KIOSK_CONFIG"
# Defined once, where they are owned: the translations and the printer profiles.
SUPPORTED_LANGUAGES = LANGUAGES
PRINTER_SCHEMES = ("usb:", "serial:", "tcp://", "file:", "capture:")
PRINTER_PROFILES = tuple(PROFILES)


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the key and the fix."""


def _default_data_dir() -> Path:
    # A kiosk with no config file must still run (offline demo): keep its data in the
    # user's data directory rather than the working directory, which may be read-only.
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "gau-kiosk"


@dataclass(frozen=True)
class KioskSection:
    """Identity, languages and behaviour of this kiosk."""

    id: str = "kiosk-demo-1"
    annex_name: str = "Annexe administrative 5 - Berkane"
    # The name on the home screen in the other languages (empty: the name above is shown).
    annex_name_ar: str = "الملحقة الإدارية 5 - بركان"
    annex_name_zgh: str = "ⵜⴰⵎⵙⵙⵓⴷⵙⵜ ⵜⴰⵏⴱⴰⴹⵜ 5 - ⴱⵔⴽⴰⵏ"
    annex_name_en: str = "Administrative annex 5 - Berkane"
    languages: tuple[str, ...] = SUPPORTED_LANGUAGES
    default_language: str = "ar"
    timezone: str = "Africa/Casablanca"
    inactivity_timeout_s: int = 60
    # A signed-in citizen who stops touching first sees a countdown this long ("still
    # there?"), then is signed out and every screen forgets them.
    signout_warning_s: int = 20
    pin_length: int = 6
    # Pixels per inch of the touchscreen (a 21.5" 1080x1920 panel: about 102). The UI's
    # sizes are scaled by screen_dpi / 102, so touch targets keep their size in centimetres.
    screen_dpi: int = 102

    def annex_name_in(self, lang: str) -> str:
        """The annex's name in `lang` (the French name where none is configured)."""
        named: str = getattr(self, f"annex_name_{lang}", "")
        return named or self.annex_name


@dataclass(frozen=True)
class ServerSection:
    """Where the central server is and how long to wait for it."""

    url: str = ""
    # The address phones reach the server at, for the QR on paper (empty: `url`).
    public_url: str = ""
    device_token_file: str = ""
    ca_bundle: str = ""
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 10.0
    sync_interval_s: float = 30.0


@dataclass(frozen=True)
class PrinterSection:
    """The receipt printer: a URI and a capability profile."""

    uri: str = field(default_factory=lambda: f"capture:{_default_data_dir() / 'printed'}")
    profile: str = "generic-80"
    # Base of the link printed as a QR code on tickets and receipts (+ "/<kind>/<id>");
    # empty: the server's public address. See kiosk.domain.tracking.
    tracking_url: str = ""


@dataclass(frozen=True)
class ScannerSection:
    """The optional serial QR/barcode scanner (empty URI: none)."""

    uri: str = ""


@dataclass(frozen=True)
class CacheSection:
    """The local SQLite cache and how long synced personal data stays in it."""

    path: str = field(default_factory=lambda: str(_default_data_dir() / "cache.sqlite"))
    retention_days: int = 30


@dataclass(frozen=True)
class TicketsSection:
    """Ticket numbering when no server-leased block is available."""

    # Before its first sync; afterwards the range the server assigned to this kiosk.
    standalone_start: int = 5000
    standalone_end: int = 5499
    block_size: int = 50
    block_low_water: int = 10


@dataclass(frozen=True)
class TechnicianSection:
    """Access to technician mode: the file holding the scrypt hash of the technician PIN."""

    # Written by `kiosk technician set-pin` (one line, mode 0600); kept out of the TOML so
    # that the configuration can be readable by more people than the PIN hash. No file,
    # or an empty path: technician mode cannot be opened.
    pin_file: str = str(DEFAULT_TECHNICIAN_PIN_FILE)


@dataclass(frozen=True)
class AccessibilitySection:
    """The display the kiosk starts with and returns to when a citizen who changed it leaves."""

    large_text: bool = False
    high_contrast: bool = False


@dataclass(frozen=True)
class Config:
    """The whole kiosk configuration."""

    kiosk: KioskSection = field(default_factory=KioskSection)
    server: ServerSection = field(default_factory=ServerSection)
    printer: PrinterSection = field(default_factory=PrinterSection)
    scanner: ScannerSection = field(default_factory=ScannerSection)
    cache: CacheSection = field(default_factory=CacheSection)
    tickets: TicketsSection = field(default_factory=TicketsSection)
    technician: TechnicianSection = field(default_factory=TechnicianSection)
    accessibility: AccessibilitySection = field(default_factory=AccessibilitySection)
    source: str = "embedded defaults"

    @property
    def tracking_base(self) -> str:
        """Where printed QR codes point (see `printable_tracking_base` before printing it)."""
        return effective_tracking_base(
            self.printer.tracking_url, self.server.public_url, self.server.url
        )

    @property
    def zone(self) -> ZoneInfo:
        """The kiosk's time zone (validated at load)."""
        return ZoneInfo(self.kiosk.timezone)


def _check_languages(value: tuple[str, ...]) -> str | None:
    unknown = [lang for lang in value if lang not in SUPPORTED_LANGUAGES]
    if unknown or not value:
        return f"a non-empty list drawn from {list(SUPPORTED_LANGUAGES)}"
    return None


def _check_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "an IANA time zone name such as 'Africa/Casablanca'"
    return None


def _check_printer_uri(value: str) -> str | None:
    if value == "capture:":
        # An empty directory would mean the working directory: jobs strewn wherever the
        # kiosk happened to be started.
        return "capture:DIR with a directory to write each job into"
    if not value.startswith(PRINTER_SCHEMES):
        return (
            "a printer URI: usb:VID:PID, serial:/dev/ttyUSB0?baudrate=115200, "
            "tcp://HOST:9100, file:/dev/usb/lp0 or capture:DIR"
        )
    return None


def _check_server_url(value: str) -> str | None:
    if value and not value.startswith(("http://", "https://")):
        return "an http:// or https:// URL (or empty for a kiosk with no server)"
    return None


def _between(low: float, high: float, unit: str = "") -> Callable[[float], str | None]:
    """A range check: overflowing values (1e308, inf, nan) pass a type check but not this."""
    suffix = f" {unit}" if unit else ""

    def check(value: float) -> str | None:
        # Written so that nan, which compares false with everything, is refused too.
        if low <= value <= high:
            return None
        return f"a number from {low:g} to {high:g}{suffix}"

    return check


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if value in choices else f"one of {list(choices)}"

    return check


# Extra checks beyond the type, keyed by "section.key".
_VALUE_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "kiosk.languages": _check_languages,
    "kiosk.default_language": _one_of(SUPPORTED_LANGUAGES),
    "kiosk.timezone": _check_timezone,
    "kiosk.inactivity_timeout_s": _between(10, 3600, "seconds"),
    "kiosk.signout_warning_s": _between(5, 120, "seconds"),
    "kiosk.pin_length": _between(4, 12),
    "kiosk.screen_dpi": _between(50, 600),
    "server.url": _check_server_url,
    "server.connect_timeout_s": _between(0.1, 60, "seconds"),
    "server.read_timeout_s": _between(0.1, 300, "seconds"),
    "server.sync_interval_s": _between(1, 86400, "seconds"),
    "printer.uri": _check_printer_uri,
    "printer.profile": _one_of(PRINTER_PROFILES),
    "server.public_url": _check_server_url,
    "printer.tracking_url": _check_server_url,
    "cache.retention_days": _between(1, 3650, "days"),
    # Kiosks number on their own only in the standalone space: the server's counter (online
    # tickets and leased blocks) stays below it, so the two can never hand out one number.
    "tickets.standalone_start": _between(*STANDALONE_SPACE),
    "tickets.standalone_end": _between(*STANDALONE_SPACE),
    "tickets.block_size": _between(10, 500),
    "tickets.block_low_water": _between(0, 500),
}

_TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}


def _coerce(key: str, raw: object, default: object) -> object:
    """Check one value against the type of its default; ints are accepted for floats."""
    expected = type(default)
    if expected is tuple:
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ConfigError(_message(key, raw, "a list of strings"))
        return tuple(raw)
    if expected is float and isinstance(raw, int) and not isinstance(raw, bool):
        return float(raw)
    # bool is a subclass of int: `timeout = true` must not pass as a number.
    if type(raw) is not expected:
        raise ConfigError(_message(key, raw, _TYPE_NAMES.get(expected, expected.__name__)))
    return raw


# Keys an earlier version read and this one does not: ignored with a warning, not refused.
RETIRED_KEYS = frozenset({"accessibility.sounds"})


def _message(key: str, value: object, expected: str) -> str:
    return f"{key} = {value!r}: expected {expected}"


def _build_section(name: str, section_type: type[Any], raw: object) -> Any:
    if not isinstance(raw, Mapping):
        raise ConfigError(_message(f"[{name}]", raw, "a table of keys"))
    defaults = section_type()
    known = {f.name for f in dataclasses.fields(section_type)}
    values: dict[str, object] = {}
    for key, value in raw.items():
        dotted = f"{name}.{key}"
        if dotted in RETIRED_KEYS:
            # A file written for an earlier version must not keep the kiosk from starting.
            log.warning("config: %s is no longer used and is ignored", dotted)
            continue
        if key not in known:
            raise ConfigError(
                f"{dotted}: unknown key (known keys in [{name}]: {', '.join(sorted(known))})"
            )
        coerced = _coerce(dotted, value, getattr(defaults, key))
        check = _VALUE_CHECKS.get(dotted)
        problem = check(coerced) if check else None
        if problem:
            raise ConfigError(_message(dotted, value, problem))
        values[key] = coerced
    return dataclasses.replace(defaults, **values)


def parse_config(text: str, source: str = "<string>") -> Config:
    """Build a Config from TOML text; raise ConfigError naming the first bad key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc})") from exc
    sections = {f.name: f.type for f in dataclasses.fields(Config) if f.name != "source"}
    built: dict[str, Any] = {}
    for name, raw in data.items():
        if name not in sections:
            raise ConfigError(f"[{name}]: unknown section (known: {', '.join(sections)})")
        built[name] = _build_section(name, _SECTION_TYPES[name], raw)
    config = Config(**built, source=source)
    if config.kiosk.default_language not in config.kiosk.languages:
        raise ConfigError(
            _message(
                "kiosk.default_language",
                config.kiosk.default_language,
                f"one of kiosk.languages {list(config.kiosk.languages)}",
            )
        )
    if config.tickets.standalone_start > config.tickets.standalone_end:
        raise ConfigError(
            _message(
                "tickets.standalone_end",
                config.tickets.standalone_end,
                f"a number not below tickets.standalone_start ({config.tickets.standalone_start})",
            )
        )
    return config


_SECTION_TYPES: dict[str, type[Any]] = {
    "kiosk": KioskSection,
    "server": ServerSection,
    "printer": PrinterSection,
    "scanner": ScannerSection,
    "cache": CacheSection,
    "tickets": TicketsSection,
    "technician": TechnicianSection,
    "accessibility": AccessibilitySection,
}


def resolve_config_path(explicit: str | None) -> Path | None:
    """Which file to read: --config, then $KIOSK_CONFIG, then /etc/kiosk/kiosk.toml if present."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(CONFIG_ENV_VAR)
    if from_env:
        return Path(from_env)
    return SYSTEM_CONFIG_PATH if SYSTEM_CONFIG_PATH.exists() else None


def load_config(explicit: str | None = None) -> Config:
    """Load and validate the configuration; with no file, the embedded offline demo defaults."""
    path = resolve_config_path(explicit)
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text") from exc
    return parse_config(text, source=str(path))
