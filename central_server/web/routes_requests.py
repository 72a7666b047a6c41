"""The public page behind a receipt's QR, `/r/<reference>`: a request's service, status, dates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from central_server.clock import ANNEX_TIMEZONE
from central_server.db import Database
from central_server.request_tracking import (
    ReferenceKind,
    SharedReference,
    Step,
    StepState,
    TrackedPreRequest,
    TrackedRequest,
    find,
    parse_reference,
)
from central_server.web.languages import choose_language
from central_server.web.page import render_page
from central_server.web.ratelimit import page_rate_limit

router = APIRouter(include_in_schema=False)

DOMAIN = "requests"
# Long enough to absorb a phone's reloads, short enough that a new status shows within a minute
# (the ETag makes a revisit after that cost a 304 when nothing changed).
MAX_AGE_S = 30
DATE_FORMAT = "%d/%m/%Y %H:%M"


def N_(message: str) -> str:
    """Marks a message for the catalogue; the template translates it in the page's language."""
    return message


# The server knows service codes only; their names in four languages live in requests.po.
SERVICE_NAMES: dict[str, str] = {
    "residence_certificate": N_("Residence certificate"),
    "administrative_certificate": N_("General administrative certificate"),
    "name_concordance_certificate": N_("Name concordance certificate (same person)"),
    "individuality_certificate": N_("Individuality certificate"),
    "celibacy_certificate": N_("Celibacy certificate (not married)"),
    "fiances_certificate": N_("Administrative certificate for fiancés (marriage file)"),
    "kinship_certificate": N_("Kinship certificate"),
    "non_remarriage_certificate": N_("Non-remarriage certificate (survivor's pension)"),
    "individual_life_certificate": N_("Individual life certificate"),
    "collective_life_certificate": N_("Collective life certificate (family)"),
    "support_certificate": N_("Support certificate (prise en charge)"),
    "indigence_certificate": N_("Indigence certificate (low means)"),
    "income_certificate": N_("Income or no-income certificate"),
    "non_income_certificate": N_("No-income certificate"),
    "passport_application": N_("Biometric passport application (filing)"),
    "firearm_licence_application": N_("Hunting firearm licence application"),
}
OTHER_SERVICE = N_("Administrative request")

STATUS_LABELS: dict[str, str] = {
    "received": N_("Submitted"),
    "in_progress": N_("In progress"),
    "ready": N_("Ready to collect"),
    "collected": N_("Collected"),
    "rejected": N_("Rejected"),
}
OTHER_STATUS = N_("Status changed")

NEXT_STEPS: dict[str, str] = {
    "received": N_(
        "Your request has been received. The annex will start on it soon: "
        "come back to this page to follow it."
    ),
    "in_progress": N_(
        "Your request is being prepared. If you chose SMS or e-mail, "
        "you will be told when it is ready."
    ),
    "ready": N_(
        "Ready: collect it at the annex with your national ID card (CIN) and this receipt."
    ),
    "collected": N_("Your document has been collected. There is nothing more to do."),
    "rejected": N_(
        "Your request was not accepted. Once the problem is solved you may file a new "
        "request; the counter can explain."
    ),
}
OTHER_NEXT_STEP = N_("Ask at the annex's counter for details.")
UNSHOWN_REASON = N_(
    "The annex gave a reason; to protect your privacy it is not shown here. Ask at the "
    "counter, or see your requests at the kiosk after signing in."
)

REASONS: dict[str, str] = {
    "missing_document": N_("A required document is missing."),
    "missing_birth_extract": N_(
        "A document is missing: a birth certificate extract less than 3 months old."
    ),
    "social_inquiry_negative": N_("The social inquiry did not confirm the declared situation."),
    "identity_not_verified": N_("Your identity could not be verified."),
    "outside_annex_area": N_("Your address is outside this annex's area."),
    "duplicate_request": N_("The same request had already been filed."),
}

PRE_REQUEST_STATUS = N_("Recorded at the kiosk, waiting to be filed")
PRE_REQUEST_STEPS = (
    N_("Recorded at the kiosk"),
    N_("Received by the administration"),
    N_("Filed at the counter"),
)
PRE_REQUEST_NEXT_STEP = N_(
    "Bring your national ID card (CIN) and this receipt to the annex's counter: your "
    "identity is checked there, then your request is filed."
)

NOT_FOUND_TITLE = N_("Reference not found")
NOT_FOUND_MESSAGE = N_("No request carries this reference. Check it against your receipt.")
NOT_YET_SYNCED_MESSAGE = N_(
    "The administration does not know this reference yet. A request recorded while the "
    "kiosk was offline reaches it once the kiosk is back online: try again later, and check "
    "the reference against your receipt."
)
SHARED_TITLE = N_("Ask at the counter")
SHARED_MESSAGE = N_(
    "Several pre-requests carry this reference. Show your receipt at the annex's counter: "
    "the staff will find yours."
)


def local_time(moment: datetime | None) -> dict[str, str] | None:
    """A moment as the annex's clock showed it (Africa/Casablanca), and machine-readable."""
    if moment is None:
        return None
    local = moment.astimezone(ANNEX_TIMEZONE)
    return {"text": local.strftime(DATE_FORMAT), "iso": local.isoformat(timespec="minutes")}


def _step_view(label: str, state: StepState, at: datetime | None, css: str = "") -> dict[str, Any]:
    return {"label": label, "state": state.value, "css": css, "at": local_time(at)}


def request_view(tracked: TrackedRequest) -> dict[str, Any]:
    """The template's context for a request: message ids (translated there) and local dates."""

    def step(item: Step) -> dict[str, Any]:
        label = STATUS_LABELS.get(item.status, OTHER_STATUS)
        css = "rejected" if item.status == "rejected" else ""
        return _step_view(label, item.state, item.at, css)

    next_steps = [NEXT_STEPS.get(tracked.status, OTHER_NEXT_STEP)]
    if tracked.has_unknown_reason:
        next_steps.append(UNSHOWN_REASON)
    return {
        "kind": "request",
        "reference": tracked.reference,
        "server_reference": None,
        "service": SERVICE_NAMES.get(tracked.service_code, OTHER_SERVICE),
        "annex": tracked.annex_name,
        "status": STATUS_LABELS.get(tracked.status, OTHER_STATUS),
        "status_css": tracked.status if tracked.status in STATUS_LABELS else "",
        "reason": REASONS.get(tracked.reason_key or ""),
        "steps": [step(item) for item in tracked.steps],
        "next_steps": next_steps,
    }


def pre_request_view(tracked: TrackedPreRequest) -> dict[str, Any]:
    """The template's context for a pre-request the server holds but nobody has filed yet."""
    recorded, received, filed = PRE_REQUEST_STEPS
    return {
        "kind": "pre_request",
        "reference": tracked.printed_reference,
        # Shown beside the PR- one when it is the one scanned: the counter may search either.
        "server_reference": (
            tracked.server_reference
            if tracked.server_reference != tracked.printed_reference
            else None
        ),
        "service": SERVICE_NAMES.get(tracked.service_code, OTHER_SERVICE),
        "annex": tracked.annex_name,
        "status": PRE_REQUEST_STATUS,
        "status_css": "waiting",
        "reason": None,
        "steps": [
            _step_view(recorded, StepState.DONE, tracked.recorded_at),
            _step_view(received, StepState.CURRENT, tracked.received_at),
            _step_view(filed, StepState.PENDING, None),
        ],
        "next_steps": [PRE_REQUEST_NEXT_STEP],
    }


def _message_page(request: Request, title: str, message: str, status_code: int) -> Response:
    return render_page(
        request,
        "not_found.html",
        {"title": title, "message": message},
        domain=DOMAIN,
        max_age_s=MAX_AGE_S,
        status_code=status_code,
    )


@router.get("/r/{reference:path}", dependencies=[Depends(page_rate_limit)])
def request_page(reference: str, request: Request) -> Response:
    """The status of the request or pre-request a receipt names; a translated 404 otherwise.

    Rate limited per address before anything else, and the reference's shape is checked
    before the database is opened: a scan of made-up references costs a lookup at most.
    """
    parsed = parse_reference(reference)
    if parsed is None:
        return _message_page(request, NOT_FOUND_TITLE, NOT_FOUND_MESSAGE, 404)
    database: Database = request.app.state.database
    lang = choose_language(request)
    with database.read() as connection:
        tracked = find(connection, parsed, lang)
    if tracked is None:
        # The same answer for every unknown reference of a shape: nothing tells a near miss.
        message = (
            NOT_YET_SYNCED_MESSAGE
            if parsed.kind is ReferenceKind.LOCAL_PRE_REQUEST
            else NOT_FOUND_MESSAGE
        )
        return _message_page(request, NOT_FOUND_TITLE, message, 404)
    if isinstance(tracked, SharedReference):
        return _message_page(request, SHARED_TITLE, SHARED_MESSAGE, 200)
    view = (
        request_view(tracked) if isinstance(tracked, TrackedRequest) else pre_request_view(tracked)
    )
    return render_page(request, "request.html", view, domain=DOMAIN, max_age_s=MAX_AGE_S, lang=lang)
