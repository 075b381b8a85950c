"""ClubOS operations in the sandbox: fault injection, per-key rate limits, admin reset, stats and the UI tabs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.clubos.service import ClubOS
from sandbox.clubos.testing import API, clubos_settings, with_key
from sandbox.testing import ADMIN, WebhookRecorder, sandbox_client

MEMBERS = "/clubos/api/v1/members"
SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"


@pytest.fixture
def app() -> FastAPI:
    return create_app(clubos_settings(), webhook_transport=WebhookRecorder().transport)


@pytest.fixture
def club(app: FastAPI) -> ClubOS:
    club: ClubOS = app.state.sandbox.clubos
    return club


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app) as client:
        yield client


async def test_fail_next(client: httpx.AsyncClient, club: ClubOS) -> None:
    faults = (await client.put("/_sandbox/faults", json={"clubos": {"fail_next": 2}}, headers=ADMIN)).json()
    assert faults["clubos"]["fail_next"] == 2 and faults["active"]["fail_next"] == 0
    for _ in range(2):
        response = await client.get(MEMBERS, headers=API)
        assert response.status_code == 503 and response.headers["X-Sandbox-Fault"] == "injected"
        assert response.json() == {
            "error": {"code": "service_unavailable", "message": "Service temporarily unavailable"}
        }
    assert (await client.get(MEMBERS, headers=API)).status_code == 200
    # An injected failure happens before the request is handled: nothing was sent.
    await client.put("/_sandbox/faults", json={"clubos": {"fail_next": 1}}, headers=ADMIN)
    body = {"channel": "sms", "member_id": club.world.members[0].id, "body": "hi"}
    assert (await client.post("/clubos/api/v1/messages", json=body, headers=with_key("f"))).status_code == 503
    assert club.messenger.sent == []


async def test_rate_limit_next(client: httpx.AsyncClient) -> None:
    faults = {"clubos": {"rate_limit_next": 1, "retry_after_s": 7}}
    await client.put("/_sandbox/faults", json=faults, headers=ADMIN)
    limited = await client.get(MEMBERS, headers=API)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    assert limited.json()["error"]["code"] == "rate_limited"
    assert (await client.get(MEMBERS, headers=API)).status_code == 200


async def test_faults_spare_the_payment_page_and_the_admin(client: httpx.AsyncClient, club: ClubOS) -> None:
    member = max(club.world.members, key=lambda m: m.past_due_cents)
    link = club.payments.create(member)
    await client.put("/_sandbox/faults", json={"clubos": {"fail_next": 5}}, headers=ADMIN)
    assert (await client.get(link.url.removeprefix("http://127.0.0.1:8100"))).status_code == 200
    assert (await client.get("/_sandbox/clubos/counts", headers=ADMIN)).status_code == 200
    assert (await client.get(MEMBERS, headers=API)).status_code == 503


async def test_rate_limit_is_per_api_key() -> None:
    app = create_app(clubos_settings(sandbox_rate_limit_per_s=1.0))  # a burst of 2, then 1 per second
    async with sandbox_client(app) as client:
        statuses = [(await client.get(MEMBERS, headers=API)).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        limited = await client.get(MEMBERS, headers=API)
        assert int(limited.headers["Retry-After"]) >= 1
        # Another key has a bucket of its own (and is then refused for being wrong, not for the limit).
        assert (await client.get(MEMBERS, headers={"X-Api-Key": "other"})).status_code == 401


async def test_stats_count_clubos_requests(client: httpx.AsyncClient) -> None:
    await client.get(MEMBERS, headers=API)
    await client.get(MEMBERS)
    stats = (await client.get("/_sandbox/stats", headers=ADMIN)).json()["requests"]["clubos"]
    assert stats["GET /clubos/api/v1/members"] == {"200": 1, "401": 1}


async def test_reset_restores_the_club(client: httpx.AsyncClient, club: ClubOS) -> None:
    member = next(m for m in club.world.members if m.past_due_cents)
    await client.post(
        f"/clubos/api/v1/members/{member.id}/door-access",
        json={"action": "lock", "reason": "r"},
        headers=with_key("lock"),
    )
    body = {"channel": "sms", "member_id": member.id, "body": "hi"}
    await client.post("/clubos/api/v1/messages", json=body, headers=with_key("m"))
    inbox_size = len(club.inbox.messages)
    assert (await client.post("/_sandbox/clubos/reset", headers=ADMIN)).json() == {
        "seed": 42,
        "members": 349,
        "prospects": 3832,
    }
    assert club.messenger.sent == [] and club.door.log == []
    # The message log carries on: an incremental sync must never see its cursor rewind.
    assert len(club.inbox.messages) == inbox_size
    restored = club.world.member(member.id)
    assert restored is not None and restored.door_access == "unlocked"
    assert (await client.get("/_sandbox/clubos/counts", headers=ADMIN)).json() == {
        "messages": {},
        "campaigns": {},
        "door_access": {},
        "payment_links": {},
    }
    # The key is free again after a reset.
    assert (await client.post("/clubos/api/v1/messages", json=body, headers=with_key("m"))).status_code == 201
    other = (await client.post("/_sandbox/clubos/reset", json={"seed": 7}, headers=ADMIN)).json()
    assert other["seed"] == 7 and club.world.member(member.id) is None
    # The whole sandbox's reset includes ClubOS.
    await client.post("/_sandbox/reset", headers=ADMIN)
    assert club.seed == 42 and club.world.member(member.id) is not None


async def test_admin_needs_the_header(client: httpx.AsyncClient) -> None:
    for method, path in [("GET", "/_sandbox/clubos/counts"), ("GET", "/_sandbox/clubos/sent"),
                         ("PUT", "/_sandbox/clubos/push"), ("POST", "/_sandbox/clubos/reset")]:  # fmt: skip
        assert (await client.request(method, path, json={})).status_code == 401


@pytest.mark.parametrize("tab", ["clubos_members", "clubos_messages", "door_log", "mail"])
async def test_tabs_render(client: httpx.AsyncClient, tab: str) -> None:
    response = await client.get("/", params={"tab": tab})
    assert response.status_code == 200 and 'aria-current="page"' in response.text
    for label in ("ClubOS members", "ClubOS messages", "Door access log", "Mail", "Faults"):
        assert f">{label}</a>" in response.text


async def test_members_tab(client: httpx.AsyncClient, club: ClubOS) -> None:
    html = (await client.get("/", params={"tab": "clubos_members"})).text
    assert "294 green" in html and "35 past due, owing $8,165.26" in html and "Page 1 of 14" in html
    top = max(club.world.members, key=lambda m: m.past_due_cents)
    assert html.index(top.last_name) < html.index("Page 1 of")
    red = (await client.get("/", params={"tab": "clubos_members", "status": "red"})).text
    assert f"{sum(m.status == 'red' for m in club.world.members)} members" in red
    found = (await client.get("/", params={"tab": "clubos_members", "q": top.phone})).text
    assert "1 member," in found and top.first_name in found


async def test_member_names_are_escaped_everywhere(client: httpx.AsyncClient, club: ClubOS) -> None:
    member = max(club.world.members, key=lambda m: m.past_due_cents)
    member.first_name = SCRIPT
    await client.post(
        f"/clubos/api/v1/members/{member.id}/door-access",
        json={"action": "lock", "reason": SCRIPT},
        headers=with_key("x"),
    )
    written = await client.post(
        "/_sandbox/clubos/inbound", json={"member_id": member.id, "body": SCRIPT}, headers=ADMIN
    )
    conversation = written.json()["message"]["conversation_id"]
    pages = [
        (await client.get("/", params={"tab": "clubos_members", "q": "alert"})).text,
        (await client.get("/", params={"tab": "clubos_messages", "conversation": conversation})).text,
        (await client.get("/", params={"tab": "door_log"})).text,
    ]
    for html in pages:
        assert SCRIPT not in html and ESCAPED in html


async def test_write_as_a_member_form(client: httpx.AsyncClient, club: ClubOS) -> None:
    member = club.world.members[0]
    response = await client.post("/ui/clubos/inbound", data={"member_id": member.id, "channel": "app", "body": "Hi!"})
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/?tab=clubos_messages&conversation=CV") and "Received+CM" in location
    last = club.inbox.messages[-1]
    assert (last.member_id, last.channel, last.body, last.direction) == (member.id, "app", "Hi!", "inbound")
    page = (await client.get(location)).text
    assert f"Conversation with {member.name}" in page and "Hi!" in page

    missing = await client.post("/ui/clubos/inbound", data={"member_id": "M0", "body": "x"})
    assert "unknown+member" in missing.headers["location"]
    empty = await client.post("/ui/clubos/inbound", data={"member_id": member.id, "body": ""})
    assert "Not+sent" in empty.headers["location"]
    foreign = await client.post(
        "/ui/clubos/inbound", data={"member_id": member.id, "body": "x"}, headers={"Origin": "http://evil.test"}
    )
    assert foreign.status_code == 403
