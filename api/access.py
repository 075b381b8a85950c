"""The authorization matrix: who may call each route, in one table.

Every route of the app (HTML, JSON, CSV, SSE, webhooks) is declared in ROUTE_ROLES; `authorize`, an
app-wide dependency, checks the caller's role against it before the route runs, and refuses a route
the table does not know (fail closed). Routes keep their own `require_role` as a second line; a test
(tests/test_security_matrix.py) fails when a route is missing here. Ownership (a CSM only on their own
renewals and customers) is checked where the renewal is loaded: api/renewal_action_service.py, queue_owner.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute, iter_route_contexts

from api.auth import Forbidden, current_user
from api.deps import get_db
from db.engine import Database

log = logging.getLogger("renubu.access")
ROLES = ("manager", "operator", "csm")


@dataclass(frozen=True)
class Access:
    roles: frozenset[str] = frozenset()
    public: bool = False  # no login: health, the login form, static files
    signed: bool = False  # webhooks: an HMAC signature (or a staff API key), checked by the route itself
    own: bool = False  # a CSM only on renewals assigned to them (checked where the renewal is loaded)

    def label(self, role: str) -> str:
        """One cell of the route × role table."""
        if self.public:
            return "public"
        if self.signed:
            return "signature or API key" if role in self.roles else "signature"
        if role not in self.roles:
            return "403"
        return "own" if self.own and role == "csm" else "yes"


def _roles(*roles: str, own: bool = False) -> Access:
    return Access(roles=frozenset(roles), own=own)


PUBLIC = Access(public=True)
SIGNED = Access(signed=True)
SIGNED_OR_KEY = Access(roles=frozenset({"manager", "operator"}), signed=True)  # the key is checked by the route
MANAGER = _roles("manager")
STAFF = _roles("manager", "operator")  # managers decide, operators read
EVERYONE = _roles(*ROLES)
OWN_READ = _roles(*ROLES, own=True)  # renewal data: staff see all, a CSM their own
OWN_WRITE = _roles("manager", "csm", own=True)  # working a renewal: its CSM or a manager

ROUTE_ROLES: dict[str, Access] = {
    # public, and the API's documentation (logged in: the schema lists every route)
    "GET /static": PUBLIC,
    "GET /api/openapi.json": EVERYONE,
    # the Temporal UI's codec endpoint: operators read decrypted payloads (the preflight carries no login)
    "OPTIONS /api/codec/{direction}": PUBLIC,
    "POST /api/codec/{direction}": _roles("operator"),
    "GET /api/docs": EVERYONE,
    "GET /redoc": EVERYONE,
    "GET /healthz": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "POST /logout": EVERYONE,
    "POST /logout/everywhere": EVERYONE,
    # webhooks (signature checked in the route)
    "POST /webhooks/active/customer-update": SIGNED,
    "POST /webhooks/clubos/messages": SIGNED,
    "POST /webhooks/lead": SIGNED_OR_KEY,
    "POST /webhook/lead": SIGNED_OR_KEY,  # deprecated path of /webhooks/lead
    "POST /webhooks/events": SIGNED_OR_KEY,
    # renewals: the queue, the workflow page and its JSON API
    "GET /": EVERYONE,
    "GET /queue": OWN_READ,
    "GET /queue/items": OWN_READ,
    "GET /queue/list": OWN_READ,  # the live re-render of /queue
    "GET /team": STAFF,
    "GET /team/list": STAFF,
    "GET /renewals/{workflow_id}": OWN_READ,
    "GET /renewals/{workflow_id}/panel": OWN_READ,
    "POST /renewals/{workflow_id}/start": OWN_WRITE,
    "POST /renewals/{workflow_id}/choose": OWN_WRITE,
    "POST /renewals/{workflow_id}/steps/{step_id}/complete": OWN_WRITE,
    "POST /renewals/{workflow_id}/complete": OWN_WRITE,
    "POST /renewals/{workflow_id}/reassign": MANAGER,
    "POST /renewals/{workflow_id}/cancel": MANAGER,
    "GET /api/workflows/queue": OWN_READ,
    "GET /api/workflows/{workflow_id}/status": OWN_READ,
    "GET /api/workflows/{workflow_id}/context": OWN_READ,
    "POST /api/workflows/{workflow_id}/start": OWN_WRITE,
    "POST /api/workflows/{workflow_id}/actions/{value}": OWN_WRITE,
    "POST /api/workflows/{workflow_id}/steps/{step_id}/complete": OWN_WRITE,
    "POST /api/workflows/{workflow_id}/complete": OWN_WRITE,
    "POST /api/workflows/{workflow_id}/reassign": MANAGER,
    "POST /api/workflows/{workflow_id}/cancel": MANAGER,
    "GET /customers/{customer_id}": OWN_READ,
    "GET /api/customers/{customer_id}/charts/{chart}": OWN_READ,  # the customer page's charts
    "GET /analytics": STAFF,
    # the manager home and its charts
    "GET /home": STAFF,
    "GET /api/home/charts/{chart}": STAFF,
    "GET /api/trends/{chart}": STAFF,
    "GET /api/analytics": STAFF,
    # campaigns: agents, runs, tool results, approvals, the command center
    "GET /api/agents": STAFF,
    "POST /api/agents/{agent_id}/run": MANAGER,
    "POST /api/agents/{agent_id}/pause": MANAGER,
    "POST /api/agents/{agent_id}/resume": MANAGER,
    "PATCH /api/agents/{agent_id}/settings": MANAGER,
    "POST /api/agents/{agent_id}/schedule": MANAGER,
    "GET /api/runs": STAFF,
    "GET /api/runs/{run_id}": STAFF,
    "GET /api/tool-results/{result_id}.csv": STAFF,
    "GET /api/tools": STAFF,
    "GET /api/approvals": STAFF,
    "GET /api/approvals/{approval_id}": STAFF,
    "POST /api/approvals/{approval_id}/decide": MANAGER,
    "GET /api/control": STAFF,
    "POST /api/control/kill-switch": MANAGER,
    "POST /api/signals/{event_id}/retry": MANAGER,  # a risk signal that failed for good, sent again
    "POST /api/control/budget": MANAGER,
    "GET /api/metrics": STAFF,
    "GET /api/notifications": STAFF,
    "GET /admin/suppression": STAFF,
    "POST /admin/suppression": MANAGER,
    "DELETE /admin/suppression/{suppression_id}": MANAGER,
    "GET /agents": STAFF,
    "GET /agents/overview": STAFF,
    "GET /agents/{agent_id}/card": STAFF,
    "GET /agents/{agent_id}/details": STAFF,
    "POST /agents/{agent_id}/run": MANAGER,
    "POST /agents/{agent_id}/pause": MANAGER,
    "POST /agents/{agent_id}/resume": MANAGER,
    "POST /agents/{agent_id}/settings": MANAGER,
    "POST /agents/{agent_id}/schedule": MANAGER,
    "GET /runs/{run_id}": STAFF,
    "GET /runs/{run_id}/head": STAFF,
    "GET /runs/{run_id}/events": STAFF,
    "GET /agents/feed/new": STAFF,
    "GET /approvals": STAFF,
    "GET /approvals/{approval_id}": STAFF,
    "GET /approvals/{approval_id}/card": STAFF,
    "POST /approvals/{approval_id}/decide": MANAGER,
    "GET /command": STAFF,
    "GET /command/{section}": STAFF,
    "POST /command/kill-switch": MANAGER,
    "POST /command/signals/{event_id}/retry": MANAGER,
    "POST /command/budget": MANAGER,
    "GET /suppression": STAFF,
    "GET /suppression/list": STAFF,
    "POST /suppression": MANAGER,
    "DELETE /suppression/{suppression_id}": MANAGER,
    # page chrome: the kill-switch banner is for everyone, approvals and the bell for staff
    "GET /ui/kill-banner": EVERYONE,
    "GET /ui/approvals-badge": STAFF,
    "GET /ui/bell": STAFF,
    "POST /ui/bell/seen": STAFF,
    # live events: topics are filtered by role as well (visible_topics)
    "GET /events/stream": EVERYONE,
    # inbox
    "GET /api/inbox/conversations": STAFF,
    "GET /api/inbox/conversations/{conversation_id}": STAFF,
    "POST /api/inbox/conversations/{conversation_id}/read": MANAGER,
    "POST /api/inbox/conversations/{conversation_id}/reply": MANAGER,
    "POST /api/inbox/conversations/{conversation_id}/{action}": MANAGER,
    "POST /api/inbox/messages/{message_id}/rating": MANAGER,
    "GET /api/inbox/metrics": STAFF,
    "POST /api/inbox/mode": MANAGER,
    "POST /api/inbox/sync-interval": MANAGER,
    "POST /api/inbox/sync-now": MANAGER,
    "GET /inbox": STAFF,
    "GET /inbox/list": STAFF,
    "GET /inbox/metrics": STAFF,
    "GET /inbox/controls": STAFF,
    "GET /inbox/thread/{conversation_id}": STAFF,
    "GET /inbox/thread/{conversation_id}/{part}": STAFF,
    "GET /inbox/drafts/{message_id}": STAFF,
    "POST /inbox/thread/{conversation_id}/read": MANAGER,
    "POST /inbox/thread/{conversation_id}/reply": MANAGER,
    "POST /inbox/thread/{conversation_id}/{action}": MANAGER,
    "POST /inbox/messages/{message_id}/rate": MANAGER,
    "POST /inbox/drafts/{message_id}/decide": MANAGER,
    "POST /inbox/mode": MANAGER,
    "POST /inbox/sync": MANAGER,
    # journeys and leads
    "GET /api/journeys": STAFF,
    "GET /api/journeys/{journey_id}": STAFF,
    "POST /api/journeys/{journey_id}/versions": MANAGER,
    "POST /api/journeys/{journey_id}/activate-version": MANAGER,
    "POST /api/journeys/{journey_id}/activate": MANAGER,
    "POST /api/journeys/{journey_id}/deactivate": MANAGER,
    "POST /api/journeys/{journey_id}/dry-run": STAFF,
    "POST /api/journeys/{journey_id}/enroll": MANAGER,
    "GET /api/journeys/{journey_id}/analytics": STAFF,
    "GET /api/journeys/{journey_id}/builder": MANAGER,
    "POST /api/journeys/{journey_id}/builder/yaml": MANAGER,
    "POST /api/journeys/{journey_id}/builder/publish": MANAGER,
    "POST /api/journeys/{journey_id}/builder/dry-run": MANAGER,
    "PUT /api/journeys/{journey_id}/builder/positions": MANAGER,
    "GET /api/journeys/{journey_id}/charts/{chart}": STAFF,  # the analytics as charts
    "GET /api/pipeline": STAFF,
    "GET /api/leads/{lead_id}": STAFF,
    "POST /api/leads/{lead_id}/retry": MANAGER,  # a journey send that failed for good, run again
    "GET /journeys": STAFF,
    "GET /ui/journeys": STAFF,
    "GET /journeys/{journey_id}": STAFF,
    "GET /journeys/{journey_id}/section/{section}": STAFF,
    "POST /journeys/{journey_id}/activate": MANAGER,
    "POST /journeys/{journey_id}/deactivate": MANAGER,
    "POST /journeys/{journey_id}/rollback": MANAGER,
    "POST /journeys/{journey_id}/publish": MANAGER,
    "POST /journeys/{journey_id}/dry-run": STAFF,
    "GET /journeys/{journey_id}/builder": MANAGER,
    "GET /pipeline": STAFF,
    "GET /ui/pipeline": STAFF,
    "GET /leads/{lead_id}": STAFF,
    "GET /leads/{lead_id}/details": STAFF,
    "POST /leads/{lead_id}/retry": MANAGER,
}

# Live-event topics a CSM may follow: the kill switch banner, and renewals of their own queue (event_visible).
# Everything else (runs, approvals, the inbox, suppression contacts, leads) is manager/operator data;
# unknown topics are staff-only too.
CSM_TOPICS = frozenset({"control", "renewal"})


def visible_topics(role: str, wanted: set[str]) -> set[str] | None:
    """The topics this role receives: None means all of them (staff asking for everything)."""
    if role == "csm":
        return set(CSM_TOPICS) & wanted if wanted else set(CSM_TOPICS)
    return wanted or None


def event_visible(role: str, email: str, event: dict[str, object]) -> bool:
    """Past the topic filter: a CSM sees only the renewal events of their own queue (the owner, or the
    owner before a reassignment), never another CSM's customers."""
    if role != "csm" or event.get("topic") != "renewal":
        return True
    payload = event.get("payload")
    csms = payload.get("csms", []) if isinstance(payload, dict) else []
    return email.lower() in {str(c).lower() for c in csms}


def route_keys(app: FastAPI) -> dict[str, object]:
    """Every route of the app as "METHOD /path" (mounts as GET) → the route object."""
    keys: dict[str, object] = {}
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        for method in sorted(context.methods or {"GET"}):
            if method != "HEAD":
                keys[f"{method} {context.path}"] = route
    return keys


def install(app: FastAPI) -> None:
    """Resolve each APIRoute's declared access once (by route object: what a request matched)."""
    table: dict[tuple[int, str], Access] = {}
    for key, route in route_keys(app).items():
        if key in ROUTE_ROLES and isinstance(route, APIRoute):
            table[(id(route), key.split(" ", 1)[0])] = ROUTE_ROLES[key]
        elif key not in ROUTE_ROLES:
            log.error("route %s declares no roles in api/access.py: everyone gets 403", key)
    app.state.route_access = table


async def authorize(request: Request, db: Annotated[Database, Depends(get_db)]) -> None:
    """App-wide: the caller's role must be one the route declares."""
    route = request.scope.get("route")
    table: dict[tuple[int, str], Access] = request.app.state.route_access
    access = table.get((id(route), request.method))
    if access is None:
        raise Forbidden("this route declares no roles")  # fail closed
    if access.public or access.signed:
        return
    user = await current_user(request, db)
    if user.role not in access.roles:
        allowed = " or ".join(r for r in ROLES if r in access.roles)
        raise Forbidden(f"this needs the {allowed} role; you are {user.role}")


def matrix() -> str:
    """The table as markdown (`python -m api.access`), for the docs and reviews."""
    lines = ["| Route | manager | operator | csm |", "|---|---|---|---|"]
    for key, access in ROUTE_ROLES.items():
        lines.append(f"| `{key}` | " + " | ".join(access.label(role) for role in ROLES) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(matrix())
