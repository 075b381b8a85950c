"""The lead form's admin API (/_sandbox/leads) and the page's Leads tab: post a lead to Renubu
the way the club's website form would (see sandbox/lead_form.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from sandbox.guards import require_admin
from sandbox.lead_form import REGIONS, TIMEZONES, LeadFormIn
from sandbox.state import SandboxState, get_state

router = APIRouter(prefix="/_sandbox/leads", dependencies=[Depends(require_admin)], tags=["sandbox admin"])
actions = APIRouter()  # mounted by sandbox/ui.py under its loopback/same-origin-only /ui router
State = Annotated[SandboxState, Depends(get_state)]
_FIELDS = tuple(LeadFormIn.model_fields)


@router.post("")
async def submit_lead(form: LeadFormIn, state: State) -> dict[str, Any]:
    """Post a lead to Renubu; returns it with its first delivery attempt and Renubu's answer, if any."""
    result = await state.lead_form.submit(form, datetime.now(UTC))
    return {**result, "message": outcome(result)}


@router.get("")
async def list_leads(state: State, limit: Annotated[int, Query(ge=1, le=200)] = 100) -> dict[str, Any]:
    """Newest first, each with its latest delivery attempt."""
    rows = state.lead_form.newest_first()
    return {
        "intake_url": state.lead_form.dispatcher.url,
        "total": len(rows),
        "submissions": [state.lead_form.as_dict(submission, attempt) for submission, attempt in rows[:limit]],
    }


@actions.post("/leads")
async def ui_submit(request: Request, state: State) -> RedirectResponse:
    form = await request.form()
    # Empty inputs fall back to the form's defaults (source "website", New York time).
    filled = {name: str(form.get(name, "")).strip() for name in _FIELDS}
    try:
        lead = LeadFormIn.model_validate({name: value for name, value in filled.items() if value})
    except ValidationError as exc:
        return _back(f"Not sent: {_problems(exc)}")
    return _back(outcome(await state.lead_form.submit(lead, datetime.now(UTC))))


def outcome(result: dict[str, Any]) -> str:
    """One line for a person: what Renubu said, and which lead and journeys it was."""
    delivery, answer = result["delivery"], result["renubu"] or {}
    status = f"HTTP {delivery['status_code']}" if delivery["status_code"] else "no response"
    if delivery["outcome"] != "delivered":
        retry = f" in {delivery['retry_in_s']:g} s" if delivery["outcome"] == "retrying" else ""
        return f"Not delivered to Renubu ({delivery['outcome']}{retry}): {delivery['error'] or status}"
    message = f"Sent to Renubu: {status}"
    if answer.get("lead_id"):
        message += f", lead {answer['lead_id']} ({'new' if answer.get('created') else 'already known, updated'})"
        enrolled = answer.get("enrolled") or []
        message += f", enrolled in {', '.join(map(str, enrolled))}" if enrolled else ", enrolled in no journey"
    return message


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(map(str, error['loc'])) or 'form'}: {error['msg'].removeprefix('Value error, ')}"
        for error in exc.errors()
    )


def _back(message: str) -> RedirectResponse:
    return RedirectResponse(f"/?{urlencode({'tab': 'leads', 'msg': message})}", status_code=303)


def leads_context(state: SandboxState, _query: str, _page: int) -> dict[str, Any]:
    return {
        "submissions": state.lead_form.newest_first(),
        "intake_url": state.lead_form.dispatcher.url,
        "regions": list(REGIONS),
        "timezones": TIMEZONES,
        "people": [state.lead_form.random_person() for _ in range(20)],
    }
