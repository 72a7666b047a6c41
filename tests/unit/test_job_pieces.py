"""Jobs are cut between commands only, so a status read between pieces never lands in one."""

from __future__ import annotations

import pytest

from device_drivers import commands
from device_drivers.encoder import encode
from device_drivers.printer import job_pieces
from device_drivers.profiles import PROFILES
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.i18n import LANGUAGES
from kiosk.services.documents import (
    receipt_document,
    sample_receipt,
    sample_ticket,
    ticket_document,
)
from tests.support.escpos_decoder import StatusQuery, decode
from tests.support.paper import CONTEXT, ISSUED_AT

# Bytes between two status reads at 9600 and at 115200 baud (half a second of wire time).
PIECE_SIZES = (480, 5760)


def _jobs() -> list[tuple[str, bytes]]:
    catalogue = packaged_catalogue()
    jobs = []
    for language in LANGUAGES:
        ticket = sample_ticket(language, ISSUED_AT)
        receipt = sample_receipt(language, ISSUED_AT)
        documents = {
            "ticket": ticket_document(ticket, catalogue.service(ticket.service_code), CONTEXT),
            "receipt": receipt_document(receipt, catalogue.service(receipt.service_code), CONTEXT),
        }
        for kind, document in documents.items():
            for name, profile in PROFILES.items():
                jobs.append((f"{kind}-{language}-{name}", encode(document, profile)))
    return jobs


JOBS = _jobs()


@pytest.mark.parametrize(("name", "job"), JOBS, ids=[name for name, _ in JOBS])
def test_every_command_the_encoder_writes_is_known_to_the_piece_cutter(
    name: str, job: bytes
) -> None:
    # Were a command unknown, the rest of the job would go as one piece, unchecked.
    assert commands.command_ends(job)[-1] == len(job)


@pytest.mark.parametrize(("name", "job"), JOBS, ids=[name for name, _ in JOBS])
@pytest.mark.parametrize("size", PIECE_SIZES)
def test_a_status_read_between_pieces_leaves_what_prints_unchanged(
    name: str, job: bytes, size: int
) -> None:
    pieces = job_pieces(job, size)
    assert b"".join(pieces) == job
    assert all(len(piece) >= size for piece in pieces[:-1])
    watched = b"".join(piece + commands.status_request(2) for piece in pieces)
    printed = [e for e in decode(watched).elements if not isinstance(e, StatusQuery)]
    assert printed == decode(job).elements


def test_a_command_the_cutter_does_not_know_is_never_cut() -> None:
    # ESC * (bit image, not written by the encoder): its length is unknown here, so
    # everything from it on stays in one piece.
    unknown = commands.ESC + b"*\x00\x10\x00" + bytes(range(16))
    job = commands.INITIALIZE + b"A-001\n" + unknown + b"\x10\x04\x02" * 3 + commands.CUT
    assert commands.command_ends(job) == [2, 8]
    assert job_pieces(job, 1) == [job[:2], job[2:]]
