"""Renders a page in the citizen's language: escaped, cacheable, switchable, without script."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from central_server.web.i18n import page_texts
from central_server.web.languages import (
    LANGUAGE_COOKIE,
    LANGUAGES,
    NATIVE_NAMES,
    choose_language,
    direction,
)

# The domain every page shares (site name, language switch, errors).
SHELL_DOMAIN = "pages"
_YEAR_S = 365 * 24 * 3600


@cache
def environment() -> Environment:
    """The one Jinja environment: templates in central_server/web/templates, HTML-escaped."""
    return Environment(
        loader=PackageLoader("central_server.web", "templates"),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def css_version() -> str:
    """A digest of the stylesheet, so its URL changes when it does and can be cached long."""
    data = resources.files(__package__).joinpath("static", "pages.css").read_bytes()
    return hashlib.sha256(data).hexdigest()[:12]


def _language_links(request: Request) -> list[tuple[str, str, str]]:
    others = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    # Starlette's URL keeps the path as the phone sent it, percent-encoding included, so a
    # "?" in a reference cannot cut the link short (the test holds this).
    path = request.url.path
    return [
        (code, NATIVE_NAMES[code], f"{path}?{urlencode([*others, ('lang', code)])}")
        for code in LANGUAGES
    ]


class PageTexts:
    """The gettext functions of one page family in one language, for templates and code."""

    def __init__(self, lang: str, domain: str) -> None:
        self.lang = lang
        self._page = page_texts(lang, domain)
        self._shell = page_texts(lang, SHELL_DOMAIN)

    def gettext(self, message: str) -> str:
        """`message` in the page's language (the family's catalogue, then the shell's)."""
        translated = self._page.gettext(message)
        return translated if translated != message else self._shell.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form for `count` (Arabic has six), not yet formatted."""
        return self._page.ngettext(singular, plural, count)


def render_page(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    domain: str,
    max_age_s: int,
    status_code: int = 200,
    refresh_s: int | None = None,
    lang: str | None = None,
) -> Response:
    """A page from `template` in the request's language, with an ETag for cheap revisits.

    `max_age_s` is how long a phone or proxy may reuse it (the page varies by language, which
    comes from the query, a cookie or Accept-Language: all three are in Vary or the URL).
    """
    lang = lang or choose_language(request)
    texts = PageTexts(lang, domain)
    _: Callable[[str], str] = texts.gettext
    body = (
        environment()
        .get_template(template)
        .render(
            {
                **context,
                "_": _,
                "ngettext": texts.ngettext,
                "lang": lang,
                "dir": direction(lang),
                "css_version": css_version(),
                "site_name": _("Digital administrative annex"),
                "switch_label": _("Language"),
                "language_links": _language_links(request),
                "refresh_s": refresh_s,
            }
        )
        .encode("utf-8")
    )
    tag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    headers = {
        "Cache-Control": f"public, max-age={max_age_s}" if max_age_s else "no-store",
        "Vary": "Accept-Language, Cookie",
        "Content-Language": lang,
        "ETag": tag,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        # No script, no frames, nothing from elsewhere: the page is what the server wrote.
        "Content-Security-Policy": (
            "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
    }
    if status_code == 200 and tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    response = HTMLResponse(body, status_code=status_code, headers=headers)
    if request.query_params.get("lang") == lang:
        # The switch is remembered for the next page of the same phone.
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=_YEAR_S, httponly=True, samesite="lax")
    return response
