"""The one error shape of the API, `{"error", "message", ...}`, and the handlers that enforce it."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from central_server.models import ErrorBody

# Where FastAPI reports a missing or malformed Idempotency-Key header.
IDEMPOTENCY_HEADER = ("header", "idempotency-key")


class ApiError(Exception):
    """Raised by handlers and storage; becomes a JSON error response with a stable code."""

    def __init__(
        self,
        status_code: int,
        error: str,
        message: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error = error
        self.message = message
        self.headers = headers
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, **self.extra}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the error statuses an operation can answer with."""
    descriptions = {
        400: "Missing or malformed header",
        401: "Unknown or revoked device token, or expired session",
        404: "Not found",
        409: "Conflict with an earlier request",
        422: "Malformed body or unknown service",
        423: "Too many failed sign-ins: locked",
    }
    return {code: {"model": ErrorBody, "description": descriptions[code]} for code in codes}


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure, including FastAPI's own, through the contract's error shape."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        if any(tuple(item.get("loc", ())) == IDEMPOTENCY_HEADER for item in exc.errors()):
            missing = {
                "error": "idempotency_key_required",
                "message": "The Idempotency-Key header is required (1 to 128 characters).",
            }
            return JSONResponse(missing, status_code=400)
        details = [
            {
                "loc": list(item.get("loc", ())),
                "msg": str(item.get("msg", "")),
                "type": item.get("type"),
            }
            for item in exc.errors()
        ]
        body = {
            "error": "invalid_request",
            "message": "The request is malformed.",
            "details": details,
        }
        return JSONResponse(jsonable_encoder(body), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # Starlette's own 400 is a body it could not even decode (e.g. not UTF-8): to the
            # client that is one more malformed body, which the contract answers with 422.
            body = {"error": "invalid_request", "message": str(exc.detail)}
            return JSONResponse(body, status_code=422)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names only the methods of the first route that matched the path;
            # GET /requests and POST /requests are two routes, so list them all.
            headers["Allow"] = ", ".join(allowed_methods(request))
        codes = {404: "not_found", 405: "method_not_allowed"}
        body = {"error": codes.get(exc.status_code, "http_error"), "message": str(exc.detail)}
        return JSONResponse(body, status_code=exc.status_code, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method the published schema declares at this request's path (plus HEAD with GET).

    Read from the OpenAPI document (built once and cached by FastAPI), so `Allow` and the
    schema can never disagree.
    """
    methods: set[str] = set()
    paths: dict[str, dict[str, Any]] = request.app.openapi()["paths"]
    for template, operations in paths.items():
        pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"
        if re.match(pattern, request.url.path):
            methods.update(method.upper() for method in operations)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)
