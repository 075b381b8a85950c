"""The sandbox's own web page: browse the seeded accounts, send signals, watch deliveries, flip faults.

Its form posts need no admin header, so they are only accepted from this machine and same-origin pages.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from sandbox.active.emit import EmitRequest, UnknownCustomerError, emit
from sandbox.clubos import ui as clubos_ui
from sandbox.faults import FaultSettings, UnknownServiceError
from sandbox.lead_admin import actions as lead_actions
from sandbox.lead_admin import leads_context
from sandbox.mail_admin import actions as mail_actions
from sandbox.mail_admin import mail_context
from sandbox.models import Account
from sandbox.state import SandboxState, get_state

TABS = ("accounts", "signals", "deliveries", "tasks", *clubos_ui.TABS, "leads", "mail", "faults")
TAB_LABELS = {name: name.capitalize() for name in TABS} | clubos_ui.TABS
PAGE_SIZE = 25
_FAULT_FIELDS = tuple(FaultSettings.model_fields)

templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
templates.env.filters["money"] = lambda value: f"${value:,.0f}"
State = Annotated[SandboxState, Depends(get_state)]


async def require_local(request: Request) -> None:
    host = request.client.host if request.client else ""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost"
    origin = request.headers.get("origin")
    if not local or (origin and urlsplit(origin).netloc != request.headers.get("host")):
        raise HTTPException(403, "the sandbox UI only accepts same-origin requests from this machine")


pages = APIRouter(include_in_schema=False)
actions = APIRouter(prefix="/ui", dependencies=[Depends(require_local)], include_in_schema=False)
actions.include_router(clubos_ui.actions)  # before the app includes `actions`, so require_local applies
actions.include_router(mail_actions)
actions.include_router(lead_actions)
routers = (pages, actions)


@pages.get("/", response_class=HTMLResponse)
async def index(request: Request, state: State, tab: str = "accounts", q: str = "", page: int = 1) -> HTMLResponse:
    tab = tab if tab in TABS else "accounts"
    context: dict[str, Any] = {
        "tab": tab,
        "tabs": TABS,
        "labels": TAB_LABELS,
        "message": request.query_params.get("msg", ""),
    }
    if tab in clubos_ui.TABS:  # ClubOS tabs have filters of their own, so they read the query string
        context.update(clubos_ui.tab_context(tab, state, request.query_params))
    else:
        context.update(_TAB_CONTEXT[tab](state, q.strip(), max(1, page)))
    return templates.TemplateResponse(request, "index.html", context)


def _accounts_context(state: SandboxState, query: str, page: int) -> dict[str, Any]:
    data, today = state.data, datetime.now(UTC).date()
    open_cases = Counter(case.account_id for case in data.cases if not case.is_closed)
    needle = query.lower()
    rows = []
    for account in sorted(data.accounts, key=lambda a: a.renewal_date):
        owner = data.user_by_id(account.owner_id)
        owner_name = owner.name if owner else ""
        haystack = f"{account.name} {account.key} {owner_name} {account.plan} {account.industry}".lower()
        if needle and needle not in haystack:
            continue
        rows.append(_account_row(account, owner_name, open_cases[account.id], today))
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(page, pages)
    return {
        "query": query,
        "rows": rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        "matches": len(rows),
        "page": page,
        "pages": pages,
    }


def _account_row(account: Account, owner_name: str, open_cases: int, today: date) -> dict[str, Any]:
    return {
        "name": account.name,
        "key": account.key,
        "arr": account.arr,
        "renewal_date": account.renewal_date.isoformat(),
        "days_left": (account.renewal_date - today).days,
        "plan": account.plan,
        "owner": owner_name,
        "trend": account.profile.trend_pct,
        "risk": account.profile.risk_score,
        "open_cases": open_cases,
    }


def _signals_context(state: SandboxState, _query: str, _page: int) -> dict[str, Any]:
    events = list(state.webhooks.events.values())[-20:][::-1]
    return {
        "customers": [(account.key, account.name) for account in state.data.accounts],
        "events": events,
    }


def _deliveries_context(state: SandboxState, _query: str, _page: int) -> dict[str, Any]:
    return {"summary": state.webhooks.summary(), "attempts": state.webhooks.recent_attempts(100)}


def _tasks_context(state: SandboxState, _query: str, _page: int) -> dict[str, Any]:
    data = state.data
    rows = []
    for task in reversed(data.tasks):
        account = data.account_by_id(task.account_id) if task.account_id else None
        owner = data.user_by_id(task.owner_id)
        rows.append({"task": task, "account": account.name if account else "", "owner": owner.name if owner else ""})
    return {"rows": rows, "counts": state.tasks.counts()}


def _faults_context(state: SandboxState, _query: str, _page: int) -> dict[str, Any]:
    return {
        "faults": state.faults.snapshot(),
        "rate_limit_per_s": state.rate_limiter.rate_per_s,
        "webhook_url": state.webhooks.url,
    }


_TAB_CONTEXT = {
    "accounts": _accounts_context,
    "signals": _signals_context,
    "deliveries": _deliveries_context,
    "tasks": _tasks_context,
    "leads": leads_context,
    "mail": mail_context,
    "faults": _faults_context,
}


def _back(tab: str, message: str) -> RedirectResponse:
    return RedirectResponse(f"/?{urlencode({'tab': tab, 'msg': message})}", status_code=303)


@actions.post("/emit")
async def ui_emit(request: Request, state: State) -> RedirectResponse:
    form = await request.form()
    names = ("customer_id", "type", "risk_score", "renewal_in_days", "usage_change_pct", "notes")
    # Empty inputs mean "keep the account's current value", i.e. leave the override out.
    filled = {name: str(form.get(name, "")).strip() for name in names}
    try:
        request_body = EmitRequest.model_validate({name: value for name, value in filled.items() if value})
        result = await emit(state.data, state.webhooks, request_body)
    except ValidationError as exc:
        return _back("signals", f"Not sent: {_problems(exc)}")
    except UnknownCustomerError:
        return _back("signals", f"Not sent: unknown customer {filled['customer_id']!r}")
    return _back("signals", f"Sent {result['event_id']}")


@actions.post("/redeliver/{event_id}")
async def ui_redeliver(event_id: str, state: State) -> RedirectResponse:
    try:
        await state.webhooks.redeliver(event_id)
    except KeyError:
        return _back("signals", f"Unknown event {event_id}")
    return _back("signals", f"Redelivering {event_id}")


@actions.post("/faults/{service}")
async def ui_faults(service: str, request: Request, state: State) -> RedirectResponse:
    form = await request.form()
    filled = {name: str(form.get(name, "")).strip() for name in _FAULT_FIELDS}
    try:
        state.faults.update({service: {name: _number(value) for name, value in filled.items() if value}})
    except UnknownServiceError:
        return _back("faults", f"Unknown service {service!r}")
    except ValidationError as exc:
        return _back("faults", f"Not saved: {_problems(exc)}")
    return _back("faults", f"Saved faults for {service}")


def _number(text: str) -> int | float | str:
    """Form fields arrive as text; fault settings are numbers (the status a Literal[500, 503])."""
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            continue
    return text


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors())


@actions.post("/faults-reset")
async def ui_faults_reset(state: State) -> RedirectResponse:
    state.faults.reset()
    return _back("faults", "All faults cleared")
