"""Status look-up of passport and firearm-licence applications by dossier number + CIN."""

from __future__ import annotations

from fastapi import APIRouter

from central_server.dependencies import DatabaseDep, DeviceDep
from central_server.dossiers import find_dossier
from central_server.errors import ApiError, error_responses
from central_server.models import ApplicationLookup, ApplicationStatus

router = APIRouter(prefix="/api/v1", tags=["applications"])


@router.post(
    "/applications/lookup",
    response_model=ApplicationStatus,
    responses=error_responses(401, 404, 422),
)
def lookup_application(
    body: ApplicationLookup, device: DeviceDep, database: DatabaseDep
) -> ApplicationStatus:
    """Where a dossier stands; a wrong CIN gets the very same 404 as an unknown dossier."""
    with database.read() as connection:
        found = find_dossier(connection, body.kind, body.dossier_number, body.cin)
    if found is None:
        raise ApiError(404, "not_found", "No application matches this dossier number and CIN.")
    return ApplicationStatus.model_validate(found)
