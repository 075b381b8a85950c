"""The page behind a payment link: what a member sees when they tap it, and the "Pay" button.

It stands in for a hosted card form, so it needs no API key and is not behind the API's faults or
rate limit; paying settles the member's balance at once.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sandbox.clubos.api import Club
from sandbox.clubos.models import dollars
from sandbox.clubos.payments import LinkClosedError, PaymentLink
from sandbox.ui import templates

router = APIRouter(prefix="/clubos/pay", include_in_schema=False)


def _page(request: Request, status_code: int, **context: Any) -> HTMLResponse:
    defaults: dict[str, Any] = {"member": None, "link": None, "amount": 0.0, "state": "missing", "notice": ""}
    return templates.TemplateResponse(request, "clubos_pay.html", {**defaults, **context}, status_code=status_code)


def _render(request: Request, club: Club, link: PaymentLink | None, notice: str = "") -> HTMLResponse:
    if link is None:
        return _page(request, 404, club=club.world.club.name, notice="This payment link does not exist.")
    state = link.status(club.now())
    return _page(
        request,
        410 if state == "expired" else 200,
        club=club.world.club.name,
        member=club.world.member(link.member_id),
        link=link,
        amount=dollars(link.paid_cents if state == "paid" else link.amount_cents),
        state=state,
        notice=notice,
    )


@router.get("/{token}", response_class=HTMLResponse)
async def payment_page(request: Request, club: Club, token: str) -> HTMLResponse:
    return _render(request, club, club.payments.links.get(token))


@router.post("/{token}")
async def pay(request: Request, club: Club, token: str) -> Response:
    link = club.payments.links.get(token)
    if link is None:
        return _render(request, club, None)
    try:
        club.payments.pay(link)
    except LinkClosedError as exc:
        return _render(request, club, link, notice=str(exc))
    # Post/redirect/get, so reloading the receipt cannot pay twice.
    return RedirectResponse(request.url.path, status_code=303)
