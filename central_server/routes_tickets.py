"""Queue ticket endpoints: online allocation, block leases, offline batch upload."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from central_server.clock import business_day, to_iso
from central_server.dependencies import DatabaseDep, DeviceDep
from central_server.errors import error_responses
from central_server.models import (
    NewTicket,
    NewTicketBlock,
    OfflineTicketBatch,
    OfflineTicketResult,
    OfflineTicketResults,
    Ticket,
    TicketBlock,
)
from central_server.tickets import allocate_ticket, lease_block, store_offline_ticket

router = APIRouter(prefix="/api/v1", tags=["tickets"])


@router.post(
    "/tickets",
    status_code=201,
    response_model=Ticket,
    responses={
        200: {"model": Ticket, "description": "Replay of an earlier idempotency_key"},
        **error_responses(401, 422),
    },
)
def new_ticket(
    body: NewTicket, device: DeviceDep, database: DatabaseDep, response: Response
) -> Ticket:
    """Allocate the next number of the family for today (Africa/Casablanca) at this annex."""
    with database.write() as connection:
        ticket, created = allocate_ticket(
            connection,
            idempotency_key=body.idempotency_key,
            annex_id=device.annex_id,
            device_id=device.device_id,
            family=body.family,
            service_code=body.service_code,
            issued_at=to_iso(body.issued_at),
            day=business_day(),
        )
    if not created:
        response.status_code = status.HTTP_200_OK
    return Ticket.model_validate(ticket)


@router.post(
    "/ticket-blocks",
    status_code=201,
    response_model=TicketBlock,
    responses=error_responses(401, 422),
)
def new_ticket_block(body: NewTicketBlock, device: DeviceDep, database: DatabaseDep) -> TicketBlock:
    """Lease a range of today's numbers to this kiosk for use while offline."""
    with database.write() as connection:
        block = lease_block(
            connection,
            annex_id=device.annex_id,
            device_id=device.device_id,
            family=body.family,
            size=body.size,
            day=business_day(),
        )
    return TicketBlock.model_validate(block)


@router.post(
    "/tickets/batch", response_model=OfflineTicketResults, responses=error_responses(401, 422)
)
def offline_ticket_batch(
    body: OfflineTicketBatch, device: DeviceDep, database: DatabaseDep
) -> OfflineTicketResults:
    """Upload tickets issued offline; replays come back as `duplicate`. One transaction."""
    results = []
    with database.write() as connection:
        for item in body.items:
            fields = item.model_dump(mode="json")
            fields["issued_at"] = to_iso(item.issued_at)
            outcome, reason = store_offline_ticket(
                connection, fields, device.annex_id, device.device_id
            )
            results.append(
                OfflineTicketResult(
                    idempotency_key=item.idempotency_key,
                    status=outcome,
                    reason=reason,
                )
            )
    return OfflineTicketResults(results=results)
