"""FastAPI dependencies: the database, the calling device (bearer token) and the citizen session."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from central_server.config import ServerConfig
from central_server.db import Database
from central_server.devices import Device, find_device
from central_server.errors import ApiError
from central_server.sessions import Citizen, session_citizen

# auto_error=False: we answer with the contract's error bodies instead of FastAPI's 403.
device_bearer = HTTPBearer(auto_error=False, description="Device token of the kiosk")
session_header = APIKeyHeader(
    name="X-Session-Token",
    auto_error=False,
    description="Citizen session token from POST /sessions",
)


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_config(request: Request) -> ServerConfig:
    config: ServerConfig = request.app.state.config
    return config


def current_device(
    database: Annotated[Database, Depends(get_database)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(device_bearer)],
) -> Device:
    device = None
    if credentials is not None:
        with database.read() as connection:
            device = find_device(connection, credentials.credentials)
    if device is None:
        raise ApiError(
            401,
            "invalid_device",
            "Unknown or revoked device token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return device


def session_token(token: Annotated[str | None, Security(session_header)]) -> str:
    if not token:
        raise ApiError(401, "session_expired", "Sign in again: no session token.")
    return token


def current_citizen(
    database: Annotated[Database, Depends(get_database)],
    device: Annotated[Device, Depends(current_device)],
    token: Annotated[str, Depends(session_token)],
) -> Citizen:
    with database.read() as connection:
        citizen = session_citizen(connection, token, device.device_id)
    if citizen is None:
        raise ApiError(401, "session_expired", "Sign in again: the session has ended.")
    return citizen


DatabaseDep = Annotated[Database, Depends(get_database)]
ConfigDep = Annotated[ServerConfig, Depends(get_config)]
DeviceDep = Annotated[Device, Depends(current_device)]
CitizenDep = Annotated[Citizen, Depends(current_citizen)]
SessionTokenDep = Annotated[str, Depends(session_token)]
