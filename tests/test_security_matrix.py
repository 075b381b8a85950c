"""One authorization matrix (api/access.py): every route declares its roles, and a role reaches only what
the table gives it: a CSM gets 403 on every manager/operator resource, sees only its topics on the event
stream, and cannot act on another CSM's renewal through any JSON route."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from api.access import ROLES, ROUTE_ROLES, route_keys
from api.app import create_app
from contracts import ids
from db import live, users
from devstack.seed import MANAGER, OPERATOR
from tests.stack import LocalStack, make_settings


def test_every_route_declares_its_roles() -> None:
    served = set(route_keys(create_app(make_settings())))
    assert sorted(served - set(ROUTE_ROLES)) == [], "add these routes to ROUTE_ROLES in api/access.py"
    assert sorted(set(ROUTE_ROLES) - served) == [], "ROUTE_ROLES names routes the app does not serve"


def _url(key: str) -> tuple[str, str]:
    method, path = key.split(" ", 1)
    return method, re.sub(r"\{[^}]+\}", "x", path)


@pytest.fixture(scope="module")
async def keys(stack: LocalStack) -> dict[str, str]:
    """An API key per role (the first CSM's for csm)."""
    emails = {"manager": MANAGER[0], "operator": OPERATOR[0], "csm": stack.sandbox.data.csms[0].email}
    out: dict[str, str] = {}
    async with stack.db.transaction() as session:
        for role, email in emails.items():
            user = await users.by_email(session, email)
            assert user is not None and user.role == role
            out[role] = await users.create_api_key(session, user, f"matrix {role}")
    return out


async def test_no_role_reaches_a_route_the_table_denies(stack: LocalStack, keys: dict[str, str]) -> None:
    """Every (route, role) cell the table denies is a 403, before the route reads anything; every
    route needing a login is a 401 without one."""
    wrong: list[str] = []
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as http:
        for key, access in ROUTE_ROLES.items():
            if access.public or access.signed:
                continue
            method, url = _url(key)
            anonymous = await http.request(method, url, headers={"accept": "application/json"})
            if anonymous.status_code != 401:
                wrong.append(f"{key} without login: {anonymous.status_code}")
            for role in ROLES:
                if role in access.roles:
                    continue
                response = await http.request(method, url, headers={"X-API-Key": keys[role]})
                if response.status_code != 403:
                    wrong.append(f"{key} as {role}: {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/runs",
        "/api/runs/run-1",
        "/api/tool-results/result-1.csv",
        "/api/approvals?status=all",
        "/api/approvals/a-1",
        "/api/notifications",
        "/api/control",
        "/api/metrics",
        "/api/agents",
        "/admin/suppression",
        "/api/inbox/conversations",
        "/api/leads/L1",
    ],
)
async def test_a_csm_key_gets_403_on_staff_resources(stack: LocalStack, keys: dict[str, str], path: str) -> None:
    async with httpx.AsyncClient(base_url=stack.api_url) as http:
        csm = await http.get(path, headers={"X-API-Key": keys["csm"]})
        operator = await http.get(path, headers={"X-API-Key": keys["operator"]})
    assert csm.status_code == 403, csm.text
    assert operator.status_code != 403


async def _received(stack: LocalStack, api_key: str, topics: str, marker: str) -> list[str]:
    """Topics delivered to this key until the `control` event `marker` (published last) arrives."""
    seen: list[str] = []
    ready = asyncio.Event()

    async def listen() -> None:
        http = httpx.AsyncClient(base_url=stack.api_url, headers={"X-API-Key": api_key}, timeout=30)
        async with http, http.stream("GET", f"/events/stream?topics={topics}") as response:
            assert response.status_code == 200
            async for line in response.aiter_lines():
                if line.startswith("event: ready"):
                    ready.set()
                elif line.startswith("data:") and '"topic"' in line:
                    event = json.loads(line[5:])
                    seen.append(str(event["topic"]))
                    if event["ref"] == marker:
                        return

    task = asyncio.create_task(listen())
    await asyncio.wait_for(ready.wait(), 30)
    async with stack.db.transaction() as session:
        live.publish(session, "suppression", "+15550001111", {"channel": "sms", "reason": "test"})
        live.publish(session, "approval", "a-1", {"status": "pending"})
        live.publish(session, "control", marker, {"on": False})
    await asyncio.wait_for(task, 30)
    return seen


async def test_event_stream_topics_are_filtered_by_role(stack: LocalStack, keys: dict[str, str]) -> None:
    assert await _received(stack, keys["csm"], "suppression,approval,control", "m-csm") == ["control"]
    assert await _received(stack, keys["csm"], "", "m-csm-all") == ["control"]
    staff = await _received(stack, keys["operator"], "suppression,approval,control", "m-op")
    assert staff == ["suppression", "approval", "control"]


async def test_a_csm_cannot_act_on_another_csms_renewal(stack: LocalStack, keys: dict[str, str]) -> None:
    key = stack.healthy_account(9)
    stack.set_account(key, renewal_in_days=20)
    assert (await stack.post_signal(key, risk=30)).status_code == 202
    workflow_id = ids.renewal(key, stack.account(key).renewal_date)
    row = await stack.wait_projection(workflow_id)
    owner, other = row.assigned_to, next(c.email for c in stack.sandbox.data.csms if c.email != row.assigned_to)
    async with stack.db.transaction() as session:
        other_user, owner_user = await users.by_email(session, other), await users.by_email(session, owner)
        assert other_user is not None and owner_user is not None
        other_key = await users.create_api_key(session, other_user, "other csm")
        owner_key = await users.create_api_key(session, owner_user, "owner csm")
    step = row.current_step or "step-1"
    base = f"/api/workflows/{workflow_id}"
    attempts = [
        ("GET", f"{base}/status", None),
        ("GET", f"{base}/context", None),
        ("POST", f"{base}/start", None),
        ("POST", f"{base}/actions/draft", {"step_id": step}),
        ("POST", f"{base}/steps/{step}/complete", {"outcome": "done"}),
        ("POST", f"{base}/complete", {"outcome": "renewed"}),
        ("POST", f"{base}/cancel", {"reason": "no"}),
        ("POST", f"{base}/reassign", {"to_email": other}),
    ]
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as http:
        for method, url, body in attempts:
            response = await http.request(method, url, json=body, headers={"X-API-Key": other_key})
            assert response.status_code == 403, f"{method} {url}: {response.status_code} {response.text}"
            operator = await http.request(method, url, json=body, headers={"X-API-Key": keys["operator"]})
            assert operator.status_code == (200 if method == "GET" else 403), f"operator {method} {url}"
        assert (await stack.projection(workflow_id)).status == row.status  # nothing reached the workflow
        started = await http.post(f"{base}/start", headers={"X-API-Key": owner_key})
    assert started.status_code == 200, started.text
    assert started.json()["status"] != row.status  # the owner's action did reach it


async def test_api_docs_need_a_login_and_declare_how_to_authenticate(stack: LocalStack, keys: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=stack.api_url) as http:
        for path in ("/api/openapi.json", "/api/docs", "/redoc"):
            assert (await http.get(path)).status_code in (401, 303), path
        schema = (await http.get("/api/openapi.json", headers={"X-API-Key": keys["csm"]})).json()
        docs = await http.get("/api/docs", headers={"X-API-Key": keys["csm"]})
    assert schema["components"]["securitySchemes"]["apiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "renubu apikey create <email>",
    }
    assert {"apiKey": []} in schema["security"] and "/api/workflows/queue" in schema["paths"]
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def _own_roles(dependant: Any) -> set[str] | None:
    """The roles a route's own require_role dependencies let through (None: it has none)."""
    allowed: set[str] | None = None
    for dep in dependant.dependencies:
        call = dep.call
        if getattr(call, "__qualname__", "").startswith("require_role") and call.__closure__:
            roles = {
                r for cell in call.__closure__ if isinstance(cell.cell_contents, tuple) for r in cell.cell_contents
            }
            allowed = roles if allowed is None else allowed & roles
        inner = _own_roles(dep)
        if inner is not None:
            allowed = inner if allowed is None else allowed & inner
    return allowed


def test_the_table_says_what_the_routes_do() -> None:
    """A route's own role check is never stricter than its row: the printed matrix is what callers get."""
    stricter, checked = [], 0
    for key, route in route_keys(create_app(make_settings())).items():
        access = ROUTE_ROLES[key]
        own = _own_roles(route.dependant) if isinstance(route, APIRoute) else None
        checked += own is not None
        if own is not None and not access.signed and not access.roles <= own:
            stricter.append(f"{key}: table {sorted(access.roles)}, route {sorted(own)}")
    assert stricter == [] and checked > 80  # (most routes have their own check too)
