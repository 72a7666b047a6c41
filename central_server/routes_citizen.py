"""CAU endpoints: sign-in and sign-out, request history and new requests, pre-requests."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from central_server.citizen_requests import create_request, list_requests, store_pre_request
from central_server.dependencies import (
    CitizenDep,
    ConfigDep,
    DatabaseDep,
    DeviceDep,
    SessionTokenDep,
)
from central_server.errors import ApiError, error_responses
from central_server.models import (
    NewRequest,
    PreRequestBatch,
    PreRequestResult,
    PreRequestResults,
    RequestEnvelope,
    RequestList,
    SessionCreated,
    SignIn,
)
from central_server.security import mask_cin, mask_email, mask_phone
from central_server.sessions import end_session, sign_in

router = APIRouter(prefix="/api/v1")


@router.post(
    "/sessions",
    status_code=201,
    response_model=SessionCreated,
    tags=["sessions"],
    responses=error_responses(401, 422, 423),
)
def open_session(
    body: SignIn, device: DeviceDep, database: DatabaseDep, config: ConfigDep
) -> SessionCreated:
    """Sign a citizen in with CIN + PIN; five failures in a row lock the CIN for a while."""
    with database.write() as connection:
        outcome = sign_in(
            connection,
            body.cin,
            body.pin,
            device.device_id,
            session_seconds=config.session_seconds,
            lockout_seconds=config.lockout_seconds,
        )
    if isinstance(outcome, ApiError):
        raise outcome
    citizen = outcome.citizen
    return SessionCreated.model_validate(
        {
            "token": outcome.token,
            "expires_at": outcome.expires_at,
            "citizen": {
                "citizen_id": citizen.citizen_id,
                "display_name": citizen.display_name,
                "cin_masked": mask_cin(citizen.cin),
                "phone_masked": mask_phone(citizen.phone),
                "email_masked": mask_email(citizen.email),
                "preferred_language": citizen.preferred_language,
            },
        }
    )


@router.delete(
    "/sessions/current",
    status_code=204,
    response_class=Response,
    tags=["sessions"],
    responses=error_responses(401),
)
def close_session(citizen: CitizenDep, token: SessionTokenDep, database: DatabaseDep) -> Response:
    """Sign out: the session token stops working at once."""
    with database.write() as connection:
        end_session(connection, token)
    return Response(status_code=204)


@router.get(
    "/requests", response_model=RequestList, tags=["requests"], responses=error_responses(401)
)
def request_history(citizen: CitizenDep, database: DatabaseDep) -> RequestList:
    """The signed-in citizen's requests, newest first."""
    with database.read() as connection:
        items = list_requests(connection, citizen.citizen_id)
    return RequestList.model_validate({"requests": items})


@router.post(
    "/requests",
    status_code=201,
    response_model=RequestEnvelope,
    tags=["requests"],
    responses={
        200: {"model": RequestEnvelope, "description": "Replay of an earlier Idempotency-Key"},
        **error_responses(400, 401, 409, 422),
    },
)
def new_request(
    body: NewRequest,
    citizen: CitizenDep,
    device: DeviceDep,
    database: DatabaseDep,
    response: Response,
    idempotency_key: Annotated[str, Header(min_length=1, max_length=128)],
) -> RequestEnvelope:
    """Submit a certificate request; the same Idempotency-Key never creates twice.

    Without the header the answer is 400 `idempotency_key_required` (see errors.py).
    """
    with database.write() as connection:
        outcome = create_request(
            connection,
            citizen_id=citizen.citizen_id,
            idempotency_key=idempotency_key,
            service_code=body.service_code,
            language=body.language,
            notify_sms=body.notify_sms,
            notify_email=body.notify_email,
            annex_id=device.annex_id,
        )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return RequestEnvelope.model_validate({"request": outcome.request})


@router.post(
    "/pre-requests/batch",
    response_model=PreRequestResults,
    tags=["requests"],
    responses=error_responses(401, 422),
)
def pre_request_batch(
    body: PreRequestBatch, device: DeviceDep, database: DatabaseDep
) -> PreRequestResults:
    """Upload pre-requests queued offline (identity to verify at the counter); one transaction."""
    results = []
    with database.write() as connection:
        for item in body.items:
            outcome = store_pre_request(
                connection, item.model_dump(mode="json"), device.annex_id, device.device_id
            )
            results.append(
                PreRequestResult(
                    idempotency_key=outcome.idempotency_key,
                    status=outcome.status,
                    reference=outcome.reference,
                    reason=outcome.reason,
                )
            )
    return PreRequestResults(results=results)
