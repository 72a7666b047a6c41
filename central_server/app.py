"""Builds the FastAPI application of the reference central server."""

from __future__ import annotations

from fastapi import FastAPI

from central_server import (
    API_VERSION,
    routes_applications,
    routes_citizen,
    routes_info,
    routes_tickets,
)
from central_server.config import ServerConfig
from central_server.db import Database
from central_server.errors import install_error_handlers
from central_server.service_codes import (
    BUILT_IN_SERVICES,
    register_services,
    services_from_catalogue_file,
)
from central_server.web import routes_counter, routes_queue, routes_requests, routes_static
from central_server.web.ratelimit import RateLimiter, TooManyRequests


def prepare_database(config: ServerConfig) -> Database:
    """Migrate the file and make the configured service codes known."""
    database = Database(config.db_path)
    database.migrate()
    services = dict(BUILT_IN_SERVICES)
    if config.catalogue_path is not None:
        services.update(services_from_catalogue_file(config.catalogue_path))
    services.update(config.extra_service_codes)
    with database.write() as connection:
        register_services(connection, services)
    return database


def create_app(config: ServerConfig) -> FastAPI:
    """The HTTP API over the database named in `config` (migrated here if needed)."""
    app = FastAPI(
        title="GAU central CAU platform (reference server)",
        version=f"{API_VERSION}.0",
        description="The API the GAU kiosk speaks. See docs/api.md.",
    )
    app.state.config = config
    app.state.database = prepare_database(config)
    app.state.page_limiter = RateLimiter(config.page_requests_per_minute, config.page_burst)
    install_error_handlers(app)
    app.add_exception_handler(TooManyRequests, routes_static.too_many_requests)
    # The API, then the pages for people (the tracking, counter and display pages).
    for module in (routes_info, routes_citizen, routes_applications, routes_tickets):
        app.include_router(module.router)
    app.include_router(routes_static.router)
    # The queue's pages: ticket tracking, the lobby display, the agents' counter page.
    app.include_router(routes_queue.router)
    app.include_router(routes_counter.router)
    app.include_router(routes_requests.router)
    return app
