"""The pages' stylesheet and the Tifinagh faces phones may lack, cached as long as they last."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from central_server.web.page import render_page
from central_server.web.ratelimit import TooManyRequests

router = APIRouter(include_in_schema=False)

_YEAR = "public, max-age=31536000, immutable"
# Only these files are served: the faces the stylesheet names.
_FONTS = ("GAUSansTifinagh-Regular.ttf", "GAUSansTifinagh-Bold.ttf")


@router.get("/static/pages.css")
def stylesheet() -> Response:
    """The one stylesheet (its URL carries a digest, so it can be kept a year)."""
    data = resources.files("central_server.web").joinpath("static", "pages.css").read_bytes()
    return Response(data, media_type="text/css; charset=utf-8", headers={"Cache-Control": _YEAR})


@router.get("/static/fonts/{name}")
def font(name: str) -> Response:
    """A Tifinagh face from the kiosk's own fonts (OFL, assets/fonts/OFL.txt)."""
    if name not in _FONTS:
        raise HTTPException(status_code=404)
    data = resources.files("assets").joinpath("fonts", name).read_bytes()
    return Response(data, media_type="font/ttf", headers={"Cache-Control": _YEAR})


def too_many_requests(request: Request, error: Exception) -> Response:
    """The translated page for a phone (or script) that asked too often."""
    assert isinstance(error, TooManyRequests)
    response = render_page(
        request,
        "too_many.html",
        {"retry_after_s": error.retry_after_s},
        domain="pages",
        max_age_s=0,
        status_code=429,
    )
    response.headers["Retry-After"] = str(error.retry_after_s)
    return response
