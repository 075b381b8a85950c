"""ClubOS's tabs on the sandbox page (members, messages, door log) and its "write as a member" form.

sandbox/ui.py renders these tabs and mounts `actions` under its loopback/same-origin-only /ui router.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from sandbox.clubos.models import Member, dollars
from sandbox.clubos.schemas import InboundRequest
from sandbox.clubos.service import ClubOS
from sandbox.state import SandboxState, get_state

TABS = {
    "clubos_members": "ClubOS members",
    "clubos_messages": "ClubOS messages",
    "door_log": "Door access log",
}
PAGE_SIZE = 25
STATUS_FILTERS = ("green", "yellow", "red", "frozen", "cancelled", "past_due")
# Colours reuse the page's outcome pills: green = good, amber = pending/late, red = failed/locked.
TONES = {
    "green": "delivered",
    "delivered": "delivered",
    "unlocked": "delivered",
    "queued": "retrying",
    "yellow": "retrying",
    "dropped": "retrying",
    "red": "failed",
    "failed": "failed",
    "locked": "failed",
    "disabled": "",
}

actions = APIRouter(prefix="/clubos")


def tab_context(tab: str, state: SandboxState, params: Mapping[str, str]) -> dict[str, Any]:
    club = state.clubos
    builders = {"clubos_members": _members, "clubos_messages": _messages, "door_log": _door_log}
    return {"tones": TONES, **builders[tab](club, params)}


def _page_number(params: Mapping[str, str]) -> int:
    page = params.get("page", "1")
    return max(1, int(page)) if page.isdigit() else 1


def _members(club: ClubOS, params: Mapping[str, str]) -> dict[str, Any]:
    query, status = params.get("q", "").strip(), params.get("status", "")
    needle = query.lower()

    def matches(member: Member) -> bool:
        haystack = f"{member.name} {member.id} {member.email} {member.phone} {member.membership_type}".lower()
        wanted = status == "" or member.status == status or (status == "past_due" and member.past_due_cents > 0)
        return wanted and needle in haystack

    # Who owes most comes first: that is what the club looks at this page for.
    rows = sorted(
        (m for m in club.world.members if matches(m)),
        key=lambda m: (-m.past_due_cents, m.last_name, m.first_name),
    )
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(_page_number(params), pages)
    owing = [m for m in club.world.members if m.past_due_cents > 0]
    return {
        "query": query,
        "status": status,
        "statuses": STATUS_FILTERS,
        "rows": [m.as_dict() for m in rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]],
        "matches": len(rows),
        "page": page,
        "pages": pages,
        "by_status": Counter(m.status for m in club.world.members),
        "owing": len(owing),
        "owed": dollars(sum(m.past_due_cents for m in owing)),
        "now": club.now(),
    }


def _messages(club: ClubOS, params: Mapping[str, str]) -> dict[str, Any]:
    now = club.now()
    selected = club.inbox.conversation(params.get("conversation", ""))
    return {
        "sent": [{**m.as_dict(now), "idempotency_key": m.idempotency_key} for m in club.messenger.find()[:50]],
        "conversations": [c.as_dict() for c in club.inbox.conversations()[:25]],
        "selected": selected.as_dict() if selected else None,
        "thread": [m.as_dict() for m in selected.messages] if selected else [],
        "members": [(m.id, m.name) for m in club.world.members if m.status != "cancelled"],
        "push": club.push.settings(),
        "pushes": [record.as_dict() for record in list(club.push.log)[-10:][::-1]],
    }


def _door_log(club: ClubOS, params: Mapping[str, str]) -> dict[str, Any]:
    return {
        "entries": [entry.as_dict() for entry in club.door.entries()[:200]],
        "locked": [m.as_dict() for m in club.world.members if m.door_access == "locked"],
    }


def _back(message: str, **params: str) -> RedirectResponse:
    return RedirectResponse(f"/?{urlencode({'tab': 'clubos_messages', **params, 'msg': message})}", status_code=303)


@actions.post("/inbound")
async def ui_inbound(request: Request) -> RedirectResponse:
    club = get_state(request).clubos
    form = await request.form()
    fields = {name: str(form.get(name, "")).strip() for name in ("member_id", "channel", "body", "subject")}
    try:
        body = InboundRequest.model_validate({name: value for name, value in fields.items() if value})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return _back(f"Not sent: {problems}")
    member = club.world.member(body.member_id)
    if member is None:
        return _back(f"Not sent: unknown member {body.member_id!r}")
    message, push = await club.receive(member, body.body, body.channel, body.subject)
    return _back(
        f"Received {message.id} from {member.name}; push {push['outcome']}",
        conversation=message.conversation_id,
    )
