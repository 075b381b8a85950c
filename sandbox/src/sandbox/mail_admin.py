"""The SMTP sink's admin API (/_sandbox/mail) and the page's Mail tab, with its
tracking buttons: "Mark opened" / "Mark clicked" send Renubu the engagement
event a mail provider would (see sandbox/mail_tracking.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Depends, HTTPException, Query
from fastapi.responses import RedirectResponse

from sandbox.guards import require_admin
from sandbox.mail_tracking import Tracked
from sandbox.state import SandboxState, get_state

router = APIRouter(prefix="/_sandbox/mail", dependencies=[Depends(require_admin)], tags=["sandbox admin"])
actions = APIRouter()  # mounted by sandbox/ui.py under its loopback/same-origin-only /ui router
State = Annotated[SandboxState, Depends(get_state)]


def _status(state: SandboxState) -> dict[str, Any]:
    host, port = state.mail.address
    return {"listening": state.mail.listening, "address": f"{host}:{port}", "error": state.mail.error}


@router.get("")
async def list_mail(state: State, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """Newest first, without headers and HTML (see /_sandbox/mail/{id})."""
    mails = state.mail.newest_first()
    return {**_status(state), "total": len(mails), "messages": [mail.summary() for mail in mails[:limit]]}


@router.get("/{mail_id}")
async def get_mail(mail_id: str, state: State) -> dict[str, Any]:
    mail = state.mail.get(mail_id)
    if mail is None:
        raise HTTPException(404, f"unknown mail {mail_id!r}")
    return mail.as_dict()


@router.post("/{mail_id}/track")
async def track_mail(mail_id: str, state: State, type: Annotated[Tracked, Body(embed=True)]) -> dict[str, Any]:
    """Report the mail opened or clicked to Renubu; returns each event with its first delivery attempt."""
    mail = state.mail.get(mail_id)
    if mail is None:
        raise HTTPException(404, f"unknown mail {mail_id!r}")
    return {"events": await state.mail_tracking.track(mail, type, datetime.now(UTC))}


@router.delete("")
async def clear_mail(state: State) -> dict[str, int]:
    return {"deleted": state.mail.clear()}


@actions.post("/mail/{mail_id}/{kind}")
async def ui_track(mail_id: str, kind: Tracked, state: State) -> RedirectResponse:
    mail = state.mail.get(mail_id)
    if mail is None:
        message = f"Unknown mail {mail_id}"
    else:
        results = await state.mail_tracking.track(mail, kind, datetime.now(UTC))
        message = "; ".join(f"Marked {kind} for {r['email']}: {_outcome(r['delivery'])}" for r in results)
    return RedirectResponse(f"/?{urlencode({'tab': 'mail', 'msg': message})}", status_code=303)


def _outcome(delivery: dict[str, Any]) -> str:
    status = f"HTTP {delivery['status_code']}" if delivery["status_code"] else "no response"
    detail = f" ({delivery['error']})" if delivery["error"] else ""
    return f"{delivery['outcome']}, {status}{detail}"


def mail_context(state: SandboxState, _query: str, _page: int) -> dict[str, Any]:
    mails = state.mail.newest_first()
    return {
        **_status(state),
        "total": len(mails),
        "mails": [mail.summary() for mail in mails[:100]],
        "tracking": state.mail_tracking.by_mail(),
        "tracking_url": state.mail_tracking.dispatcher.url,
    }
