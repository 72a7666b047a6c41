"""Idempotent demo data: annexes, kiosks, citizens, requests, dossiers, queues, notices, agents."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from central_server.agents import add_agent
from central_server.clock import to_iso, utc_now
from central_server.db import Database, raise_sequence_floor
from central_server.devices import add_device
from central_server.dossiers import STAGES
from central_server.security import hash_pin, new_salt, token_digest

# Fixed, so the documented demo numbers (docs/api.md) never change with the calendar.
DEMO_YEAR = 2026
DEMO_ANNEX_ID = "berkane-5"
DEMO_ANNEX_NAME = "Annexe administrative n° 5, Berkane"
OTHER_ANNEX_ID = "oujda-2"
OTHER_ANNEX_NAME = "Annexe administrative n° 2, Oujda"
# The same names in the other languages of the pages (the French one is the annex's own).
DEMO_ANNEX_NAMES: dict[str, dict[str, str]] = {
    DEMO_ANNEX_ID: {
        "ar": "الملحقة الإدارية رقم 5، بركان",
        "zgh": "ⵜⴰⵎⵙⵙⵓⴷⵙⵜ ⵜⴰⵏⴱⴰⴹⵜ 5, ⴱⵔⴽⴰⵏ",
        "en": "Administrative annex no. 5, Berkane",
    },
    OTHER_ANNEX_ID: {
        "ar": "الملحقة الإدارية رقم 2، وجدة",
        "zgh": "ⵜⴰⵎⵙⵙⵓⴷⵙⵜ ⵜⴰⵏⴱⴰⴹⵜ 2, ⵡⵓⵊⴷⴰ",
        "en": "Administrative annex no. 2, Oujda",
    },
}

# name, token, revoked — documented in docs/api.md; tokens are public on purpose (demo only).
DEMO_DEVICES: tuple[tuple[str, str, bool], ...] = (
    ("kiosk-1", "demo-kiosk-1-token", False),
    ("kiosk-2", "demo-kiosk-2-token", False),
    ("kiosk-retired", "demo-revoked-token", True),
)


@dataclass(frozen=True)
class DemoCitizen:
    citizen_id: str
    cin: str
    pin: str
    display_name: str
    phone: str | None
    email: str | None
    language: str


DEMO_CITIZENS: tuple[DemoCitizen, ...] = (
    DemoCitizen(
        "C-0001",
        "AB123456",
        "123456",
        "Amina El Idrissi",
        "+212612345601",
        "amina.elidrissi@example.ma",
        "ar",
    ),
    DemoCitizen(
        "C-0002",
        "BK234567",
        "234567",
        "Youssef Benali",
        "+212622345602",
        "youssef.benali@example.ma",
        "fr",
    ),
    DemoCitizen(
        "C-0003", "FA345678", "345678", "Fatima Zahra Ouhaddou", "+212633345603", None, "zgh"
    ),
    DemoCitizen(
        "C-0004",
        "F456789",
        "456789",
        "Mohamed Amrani",
        "+212644345604",
        "mohamed.amrani@example.ma",
        "ar",
    ),
    DemoCitizen(
        "C-0005",
        "AB567890",
        "567890",
        "Khadija Tazi",
        "+212655345605",
        "khadija.tazi@example.ma",
        "en",
    ),
    DemoCitizen("C-0006", "JA678901", "678901", "Hassan Ait Lahcen", "+212666345606", None, "zgh"),
    DemoCitizen(
        "C-0007", "BE789012", "789012", "Nadia Berrada", None, "nadia.berrada@example.ma", "fr"
    ),
    DemoCitizen(
        "C-0008",
        "FB890123",
        "890123",
        "Omar Chraibi",
        "+212677345608",
        "omar.chraibi@example.ma",
        "ar",
    ),
    DemoCitizen(
        "C-0009",
        "AB901234",
        "901234",
        "Salma Bennani",
        "+212688345609",
        "salma.bennani@example.ma",
        "fr",
    ),
    DemoCitizen("C-0010", "FC012345", "112233", "Rachid Ouazzani", "+212699345610", None, "ar"),
    DemoCitizen(
        "C-0011",
        "FD123450",
        "445566",
        "Tiziri Ait Ouarab",
        "+212610345611",
        "tiziri.aitouarab@example.ma",
        "zgh",
    ),
    DemoCitizen("C-0012", "F234561", "778899", "Abdelkader Zerouali", "+212611345612", None, "en"),
)

# citizen, service, status, reason, channel, age in days — every request state appears.
DEMO_REQUESTS: tuple[tuple[str, str, str, str | None, str, int], ...] = (
    ("C-0001", "residence_certificate", "collected", None, "kiosk", 40),
    (
        "C-0001",
        "celibacy_certificate",
        "rejected",
        "Pièce manquante : extrait d'acte de naissance de moins de 3 mois.",
        "web",
        20,
    ),
    ("C-0001", "income_certificate", "ready", None, "kiosk", 6),
    ("C-0001", "indigence_certificate", "in_progress", None, "counter", 3),
    ("C-0001", "administrative_certificate", "received", None, "kiosk", 1),
    ("C-0002", "residence_certificate", "ready", None, "web", 4),
    ("C-0002", "kinship_certificate", "received", None, "kiosk", 0),
    ("C-0003", "fiances_certificate", "in_progress", None, "kiosk", 2),
    ("C-0004", "support_certificate", "collected", None, "counter", 30),
    ("C-0005", "name_concordance_certificate", "received", None, "web", 1),
    (
        "C-0006",
        "indigence_certificate",
        "rejected",
        "L'enquête sociale n'a pas confirmé la situation déclarée.",
        "counter",
        12,
    ),
    ("C-0008", "residence_certificate", "in_progress", None, "kiosk", 2),
)

# Path through the stages that ends at each stage, per kind (what the timeline shows).
_PASSPORT_PATHS = {
    "submitted": ("submitted",),
    "incomplete": ("submitted", "incomplete"),
    "under_review": ("submitted", "under_review"),
    "rejected": ("submitted", "under_review", "rejected"),
    "in_production": ("submitted", "under_review", "in_production"),
    "ready": ("submitted", "under_review", "in_production", "ready"),
    "collected": ("submitted", "under_review", "in_production", "ready", "collected"),
}
_FIREARM_PATHS = {
    "submitted": ("submitted",),
    "incomplete": ("submitted", "incomplete"),
    "investigation": ("submitted", "investigation"),
    "under_review": ("submitted", "investigation", "under_review"),
    "rejected": ("submitted", "investigation", "under_review", "rejected"),
    "approved": ("submitted", "investigation", "under_review", "approved"),
    "ready": ("submitted", "investigation", "under_review", "approved", "ready"),
    "collected": ("submitted", "investigation", "under_review", "approved", "ready", "collected"),
}
DOSSIER_PATHS: dict[str, dict[str, tuple[str, ...]]] = {
    "passport": _PASSPORT_PATHS,
    "firearm_licence": _FIREARM_PATHS,
}
DOSSIER_PREFIX = {"passport": "PP", "firearm_licence": "PA"}
DOSSIER_REASONS: dict[tuple[str, str], str] = {
    ("passport", "incomplete"): "Photos non conformes : fournir 2 photos récentes sur fond blanc.",
    ("passport", "rejected"): "Demande rejetée : la CNIE présentée est expirée.",
    ("firearm_licence", "incomplete"): "Certificat médical d'aptitude manquant.",
    ("firearm_licence", "rejected"): "Avis défavorable à l'issue de l'enquête administrative.",
}

# family: waiting, average handling seconds, open counters (F closed: wait unknown).
DEMO_QUEUES: dict[str, tuple[int, float, int]] = {
    "A": (7, 240.0, 2),
    "B": (3, 420.0, 1),
    "C": (2, 600.0, 1),
    "P": (5, 900.0, 1),
    "F": (1, 1200.0, 0),
}

# Counter agents of the demo annex (name, PIN), for the counter page /counter; public on
# purpose, like the demo kiosk tokens (docs/counters.md).
DEMO_AGENTS: tuple[tuple[str, str], ...] = (("agent-1", "135790"), ("agent-2", "246802"))

DEMO_ANNOUNCEMENTS: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "ann-opening-hours",
        {
            "ar": "أوقات العمل: الملحقة مفتوحة من الاثنين إلى الجمعة من 8:30 إلى 16:30.",
            "fr": "Horaires : l'annexe est ouverte du lundi au vendredi de 8h30 à 16h30.",
            "zgh": "ⵉⴽⵓⴷⴰⵏ ⵏ ⵜⵡⵓⵔⵉ: ⵜⴰⵎⵙⵙⵓⵜⵔⵜ ⵜⵍⴷⵉ ⵙⴳ ⵡⴰⵢⵏⴰⵙ ⴰⵔ ⴰⵙⵉⵎⵡⴰⵙ, ⵙⴳ 8:30 ⴰⵔ 16:30.",
            "en": "Opening hours: the annex is open Monday to Friday, 8:30 to 16:30.",
        },
    ),
    (
        "ann-bring-cnie",
        {
            "ar": "المرجو إحضار البطاقة الوطنية الأصلية عند سحب الشواهد.",
            "fr": "Merci d'apporter votre CNIE originale pour retirer vos certificats.",
            "zgh": "ⴰⵡⵉⵜ ⵜⴰⴽⴰⵔⴹⴰ ⵏⵏⵓⵏ ⵜⴰⵏⴰⵎⵓⵔⵜ ⵜⴰⵥⵓⵕⴰⵏⵜ ⵎⴰⵔ ⴰⴷ ⵜⴰⵡⵉⵎ ⵉⵙⴰⵍⴽⴰⵏ ⵏⵏⵓⵏ.",
            "en": "Please bring your original national ID card (CNIE) to collect certificates.",
        },
    ),
)

DEMO_OVERRIDES: dict[str, dict[str, object]] = {
    "residence_certificate": {
        "delay": {
            "ar": "في نفس اليوم إذا حضرتم قبل الساعة 11:00.",
            "fr": "Le jour même si vous venez avant 11h00.",
            "zgh": "ⴳ ⵡⴰⵙⵙ ⵏⵏⵉⴳ ⵎⴰ ⴷ ⵜⵓⵛⴰⵎ ⵣⴰⵜ ⵉ 11:00.",
            "en": "Same day if you come before 11:00.",
        }
    },
    "passport_application": {"fee_mad": 500},
}
DEMO_DISABLED: tuple[str, ...] = ("collective_life_certificate",)


def seed_demo_data(database: Database) -> None:
    """Insert the demo records that are missing; running it again changes nothing."""
    with database.write() as connection:
        _seed_annexes_and_devices(connection)
        _seed_citizens(connection)
        _seed_requests(connection)
        _seed_dossiers(connection)
        _seed_annex_info(connection)
        _seed_agents(connection)


def _days_ago(days: float, hour_offset: int = 0) -> str:
    return to_iso(utc_now() - timedelta(days=days, hours=hour_offset))


def _seed_annexes_and_devices(connection: sqlite3.Connection) -> None:
    connection.executemany(
        "INSERT OR IGNORE INTO annexes (annex_id, name) VALUES (?, ?)",
        [(DEMO_ANNEX_ID, DEMO_ANNEX_NAME), (OTHER_ANNEX_ID, OTHER_ANNEX_NAME)],
    )
    # OR IGNORE: a name an operator gave since (admin set-annex-name) is kept.
    connection.executemany(
        "INSERT OR IGNORE INTO annex_names (annex_id, language, name) VALUES (?, ?, ?)",
        [
            (annex_id, language, name)
            for annex_id, names in DEMO_ANNEX_NAMES.items()
            for language, name in names.items()
        ],
    )
    for name, token, revoked in DEMO_DEVICES:
        exists = connection.execute(
            "SELECT 1 FROM devices WHERE token_sha256 = ?", (token_digest(token),)
        ).fetchone()
        if exists is None:
            add_device(connection, name, DEMO_ANNEX_ID, token=token)
            if revoked:
                connection.execute(
                    "UPDATE devices SET revoked_at = created_at WHERE name = ?", (name,)
                )


def _seed_citizens(connection: sqlite3.Connection) -> None:
    for citizen in DEMO_CITIZENS:
        if connection.execute(
            "SELECT 1 FROM citizens WHERE citizen_id = ?", (citizen.citizen_id,)
        ).fetchone():
            continue  # skip the scrypt work on restarts
        salt = new_salt()
        connection.execute(
            "INSERT INTO citizens (citizen_id, cin, display_name, phone, email, "
            "preferred_language, pin_salt, pin_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                citizen.citizen_id,
                citizen.cin,
                citizen.display_name,
                citizen.phone,
                citizen.email,
                citizen.language,
                salt,
                hash_pin(citizen.pin, salt),
            ),
        )


def _seed_requests(connection: sqlite3.Connection) -> None:
    year = DEMO_YEAR
    for index, (citizen_id, service, status, reason, channel, age) in enumerate(
        DEMO_REQUESTS, start=1
    ):
        connection.execute(
            "INSERT OR IGNORE INTO requests (request_number, idempotency_key, citizen_id, "
            "service_code, status, status_reason, channel, language, notify_sms, notify_email, "
            "annex_id, created_at, updated_at) "
            "VALUES (?, NULL, ?, ?, ?, ?, ?, 'fr', 1, 1, ?, ?, ?)",
            (
                f"R-{year}-{index:06d}",
                citizen_id,
                service,
                status,
                reason,
                channel,
                DEMO_ANNEX_ID,
                _days_ago(age, hour_offset=index),
                _days_ago(age / 2, hour_offset=index),
            ),
        )
    raise_sequence_floor(connection, f"request-{year}", len(DEMO_REQUESTS))


def demo_dossiers() -> list[tuple[str, str, str, str]]:
    """(kind, dossier number, CIN, stage) for one dossier at every stage of both kinds."""
    year = DEMO_YEAR
    rows = []
    index = 0
    for kind in ("passport", "firearm_licence"):
        for stage in STAGES[kind]:
            citizen = DEMO_CITIZENS[index % len(DEMO_CITIZENS)]
            number = f"{DOSSIER_PREFIX[kind]}-{year}-{100 + index:06d}"
            rows.append((kind, number, citizen.cin, stage))
            index += 1
    return rows


def _seed_dossiers(connection: sqlite3.Connection) -> None:
    for kind, number, cin, stage in demo_dossiers():
        if connection.execute(
            "SELECT 1 FROM dossiers WHERE kind = ? AND dossier_number = ?", (kind, number)
        ).fetchone():
            continue
        path = DOSSIER_PATHS[kind][stage]
        dates = [_days_ago(3 * (len(path) - step)) for step in range(len(path))]
        connection.execute(
            "INSERT INTO dossiers (kind, dossier_number, cin, stage, reason, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (kind, number, cin, stage, DOSSIER_REASONS.get((kind, stage)), dates[-1]),
        )
        connection.executemany(
            "INSERT INTO dossier_events (kind, dossier_number, stage, happened_at) "
            "VALUES (?, ?, ?, ?)",
            [(kind, number, step, when) for step, when in zip(path, dates, strict=True)],
        )


def _seed_annex_info(connection: sqlite3.Connection) -> None:
    stamp = to_iso(utc_now())
    connection.executemany(
        "INSERT OR IGNORE INTO queue_stats (annex_id, family, waiting, avg_handling_s, "
        "open_counters, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        [(DEMO_ANNEX_ID, family, *numbers, stamp) for family, numbers in DEMO_QUEUES.items()],
    )
    connection.executemany(
        "INSERT OR IGNORE INTO announcements (announcement_id, annex_id, text_json, starts_at, "
        "ends_at) VALUES (?, ?, ?, ?, NULL)",
        [
            (announcement_id, DEMO_ANNEX_ID, json.dumps(text, ensure_ascii=False), None)
            for announcement_id, text in DEMO_ANNOUNCEMENTS
        ],
    )
    connection.executemany(
        "INSERT OR IGNORE INTO catalogue_overrides (annex_id, service_code, override_json) "
        "VALUES (?, ?, ?)",
        [
            (DEMO_ANNEX_ID, code, json.dumps(override, ensure_ascii=False))
            for code, override in DEMO_OVERRIDES.items()
        ],
    )
    connection.executemany(
        "INSERT OR IGNORE INTO disabled_services (annex_id, service_code) VALUES (?, ?)",
        [(DEMO_ANNEX_ID, code) for code in DEMO_DISABLED],
    )


def _seed_agents(connection: sqlite3.Connection) -> None:
    for name, pin in DEMO_AGENTS:
        if connection.execute("SELECT 1 FROM agents WHERE name = ?", (name,)).fetchone() is None:
            add_agent(connection, name, DEMO_ANNEX_ID, pin)
