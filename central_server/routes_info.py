"""Read-only endpoints: health, this device, catalogue overrides (ETag), queue stats, notices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from central_server import API_VERSION
from central_server.annex_info import (
    announcements_for,
    catalogue_etag,
    catalogue_for,
    etag_matches,
    queue_stats_for,
)
from central_server.clock import now_iso
from central_server.dependencies import DatabaseDep, DeviceDep
from central_server.errors import ApiError, error_responses
from central_server.models import Announcements, Catalogue, DeviceInfo, Health, QueueStats

router = APIRouter(prefix="/api/v1")


@router.get("/health", response_model=Health, tags=["info"])
def health() -> Health:
    """Liveness probe; needs no token."""
    return Health.model_validate({"status": "ok", "time": now_iso(), "api_version": API_VERSION})


@router.get(
    "/device", response_model=DeviceInfo, tags=["info"], responses=error_responses(401, 409)
)
def device_info(device: DeviceDep, database: DatabaseDep) -> DeviceInfo:
    """This kiosk as registered: its annex and its own range of standalone ticket numbers."""
    if device.standalone_start is None or device.standalone_end is None:
        raise ApiError(
            409,
            "no_standalone_range",
            "This device has no standalone ticket range: its annex has too many kiosks.",
        )
    with database.read() as connection:
        annex = connection.execute(
            "SELECT name FROM annexes WHERE annex_id = ?", (device.annex_id,)
        ).fetchone()
    return DeviceInfo.model_validate(
        {
            "device_id": device.device_id,
            "annex_id": device.annex_id,
            "annex_name": annex["name"],
            "standalone_range": {"start": device.standalone_start, "end": device.standalone_end},
        }
    )


@router.get(
    "/catalogue",
    response_model=Catalogue,
    # Absent keys in an override mean "keep the kiosk's value", so never send them as null.
    response_model_exclude_none=True,
    tags=["info"],
    responses={
        200: {
            "headers": {"ETag": {"description": "Opaque version tag", "schema": {"type": "string"}}}
        },
        304: {"description": "Not modified (If-None-Match matched the current ETag)"},
        **error_responses(401),
    },
)
def catalogue(
    device: DeviceDep,
    database: DatabaseDep,
    response: Response,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response | Catalogue:
    """This annex's overrides of the kiosk's built-in guide of procedures."""
    with database.read() as connection:
        body = catalogue_for(connection, device.annex_id)
    etag = catalogue_etag(body)
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers={"ETag": etag})
    response.headers["ETag"] = etag
    return Catalogue.model_validate(body)


@router.get(
    "/queue-stats", response_model=QueueStats, tags=["info"], responses=error_responses(401)
)
def queue_stats(device: DeviceDep, database: DatabaseDep) -> QueueStats:
    """Waiting citizens, handling time and open counters per ticket family at this annex."""
    with database.read() as connection:
        families = queue_stats_for(connection, device.annex_id)
    return QueueStats.model_validate({"as_of": now_iso(), "families": families})


@router.get(
    "/announcements", response_model=Announcements, tags=["info"], responses=error_responses(401)
)
def announcements(device: DeviceDep, database: DatabaseDep) -> Announcements:
    """Current and upcoming announcements for this annex, in the four languages."""
    with database.read() as connection:
        items = announcements_for(connection, device.annex_id)
    return Announcements.model_validate({"announcements": items})
