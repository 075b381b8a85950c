"""ClubOS push: signed message.created webhooks, retries, dropped or disabled pushes, STOP, the simulator."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.clubos.service import ClubOS
from sandbox.clubos.testing import API, WEBHOOK_SECRET, WEBHOOK_URL, clubos_settings, with_key
from sandbox.testing import ADMIN, WebhookRecorder, check_signature, sandbox_client

INBOX = "/clubos/api/v1/inbox/messages"


@pytest.fixture
def receiver(request: pytest.FixtureRequest) -> WebhookRecorder:
    """Answers 200, or follows the script given by indirect parametrisation."""
    return WebhookRecorder(*getattr(request, "param", ()))


@pytest.fixture
def app(receiver: WebhookRecorder) -> FastAPI:
    app = create_app(clubos_settings(), webhook_transport=receiver.transport)
    app.state.sandbox.clubos.push.dispatcher.backoff_scale = 0  # retry at once
    return app


@pytest.fixture
def club(app: FastAPI) -> ClubOS:
    club: ClubOS = app.state.sandbox.clubos
    return club


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app) as client:
        yield client


def writer(club: ClubOS, index: int = 0) -> str:
    return [m.id for m in club.world.members if m.status == "green" and not m.opt_out_sms][index]


async def inbound(client: httpx.AsyncClient, member_id: str, body: str, **extra: Any) -> dict[str, Any]:
    response = await client.post(
        "/_sandbox/clubos/inbound", json={"member_id": member_id, "body": body, **extra}, headers=ADMIN
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_member_messages_are_pushed_signed(
    client: httpx.AsyncClient, club: ClubOS, receiver: WebhookRecorder
) -> None:
    result = await inbound(client, writer(club), "Can I bring a guest on Saturday?", wait=True)
    assert result["push"]["outcome"] == "queued"
    assert [(d["attempt"], d["outcome"]) for d in result["push"]["deliveries"]] == [(1, "delivered")]
    [request] = receiver.requests
    assert str(request.url) == WEBHOOK_URL
    check_signature(request, WEBHOOK_SECRET, "X-ClubOS")
    body = json.loads(request.content)
    assert request.headers["X-ClubOS-Event-Id"] == body["event_id"] == result["push"]["event_id"]
    assert body["type"] == "message.created" and body["event_id"].startswith("evt_")
    latest = (await client.get(INBOX, params={"limit": 500}, headers=API)).json()["data"][-1]
    assert body["message"] == latest == result["message"]
    assert latest["direction"] == "inbound" and latest["body"] == "Can I bring a guest on Saturday?"


async def test_outbound_sends_are_not_pushed(
    client: httpx.AsyncClient, club: ClubOS, receiver: WebhookRecorder
) -> None:
    body = {"channel": "sms", "member_id": writer(club), "body": "See you soon"}
    await client.post("/clubos/api/v1/messages", json=body, headers=with_key("k"))
    await club.push.dispatcher.wait_idle()
    assert receiver.requests == []


@pytest.mark.parametrize("receiver", [(500, 503)], indirect=True)
async def test_failed_pushes_are_retried(client: httpx.AsyncClient, club: ClubOS, receiver: WebhookRecorder) -> None:
    await inbound(client, writer(club), "Hello?")
    await club.push.dispatcher.wait_idle()
    assert len(receiver.requests) == 3
    assert len({r.headers["X-ClubOS-Event-Id"] for r in receiver.requests}) == 1
    status = (await client.get("/_sandbox/clubos/push", headers=ADMIN)).json()
    assert [a["outcome"] for a in status["attempts"]] == ["delivered", "retrying", "retrying"]


async def test_polling_catches_what_push_dropped(
    client: httpx.AsyncClient, club: ClubOS, receiver: WebhookRecorder
) -> None:
    start = (await client.get(INBOX, params={"limit": 500}, headers=API)).json()["next_cursor"]
    settings = (await client.put("/_sandbox/clubos/push", json={"drop_next": 2}, headers=ADMIN)).json()
    assert settings["drop_next"] == 2
    written = [await inbound(client, writer(club, i), f"question {i}") for i in range(4)]
    await club.push.dispatcher.wait_idle()
    assert [w["push"]["outcome"] for w in written] == ["dropped", "dropped", "queued", "queued"]
    pushed = {json.loads(r.content)["message"]["id"] for r in receiver.requests}
    polled = {m["id"] for m in (await client.get(INBOX, params={"after": start}, headers=API)).json()["data"]}
    ids = {w["message"]["id"] for w in written}
    assert pushed < ids and polled == ids  # push missed two; the inbox has all four
    status = (await client.get("/_sandbox/clubos/push", headers=ADMIN)).json()
    assert [p["outcome"] for p in status["pushes"]][:4] == ["queued", "queued", "dropped", "dropped"]


async def test_push_off_and_drop_rate(client: httpx.AsyncClient, club: ClubOS, receiver: WebhookRecorder) -> None:
    await client.put("/_sandbox/clubos/push", json={"enabled": False}, headers=ADMIN)
    assert (await inbound(client, writer(club), "anyone?"))["push"]["outcome"] == "disabled"
    await client.put("/_sandbox/clubos/push", json={"enabled": True, "drop_rate": 0.5}, headers=ADMIN)
    outcomes = [(await inbound(client, writer(club, i % 5), "hi"))["push"]["outcome"] for i in range(30)]
    assert 5 < outcomes.count("dropped") < 25
    await club.push.dispatcher.wait_idle()
    assert len(receiver.requests) == outcomes.count("queued")

    # The same seed drops the same messages.
    twin = create_app(clubos_settings(), webhook_transport=WebhookRecorder().transport)
    async with sandbox_client(twin) as other:
        await other.put("/_sandbox/clubos/push", json={"drop_rate": 0.5}, headers=ADMIN)
        again = [(await inbound(other, writer(club, i % 5), "hi"))["push"]["outcome"] for i in range(30)]
    assert again == outcomes
    bad = await client.put("/_sandbox/clubos/push", json={"drop_rate": 2}, headers=ADMIN)
    assert bad.status_code == 422


async def test_push_url_can_be_redirected(client: httpx.AsyncClient, club: ClubOS, receiver: WebhookRecorder) -> None:
    await client.put("/_sandbox/clubos/push", json={"url": "http://elsewhere.test/hook"}, headers=ADMIN)
    await inbound(client, writer(club), "hi", wait=True)
    assert str(receiver.requests[0].url) == "http://elsewhere.test/hook"


async def test_stop_and_start_keywords(client: httpx.AsyncClient, club: ClubOS) -> None:
    member_id = writer(club)
    body = {"channel": "sms", "member_id": member_id, "body": "Flash sale on PT packs!"}
    await inbound(client, member_id, " stop ")
    refused = await client.post("/clubos/api/v1/messages", json=body, headers=with_key("after-stop"))
    assert refused.json()["error"]["code"] == "recipient_opted_out"
    await inbound(client, member_id, "STOP", channel="app")  # only a text message is a carrier keyword
    await inbound(client, member_id, "START")
    allowed = await client.post("/clubos/api/v1/messages", json=body, headers=with_key("after-start"))
    assert allowed.status_code == 201


async def test_admin_inbound_rejections(client: httpx.AsyncClient) -> None:
    unknown = await client.post("/_sandbox/clubos/inbound", json={"member_id": "M0", "body": "hi"}, headers=ADMIN)
    assert unknown.status_code == 404
    blank = await client.post("/_sandbox/clubos/inbound", json={"member_id": "M0", "body": " "}, headers=ADMIN)
    assert blank.status_code == 422
    no_admin = await client.post("/_sandbox/clubos/inbound", json={"member_id": "M0", "body": "hi"})
    assert no_admin.status_code == 401


async def test_simulated_members_write_in(client: httpx.AsyncClient, club: ClubOS, receiver: WebhookRecorder) -> None:
    messages = [await club.simulate() for _ in range(40)]
    assert all(m.direction == "inbound" and m.body for m in messages)
    assert len({m.body for m in messages}) > 10 and len({m.member_id for m in messages}) > 20
    for message in messages:
        member = club.world.member(message.member_id)
        assert member is not None and member.status != "cancelled"
        if "$" in message.body:  # the billing texts that quote the member's balance
            assert member.past_due_cents > 0 and f"{member.past_due_cents / 100:,.2f}" in message.body
    await club.push.dispatcher.wait_idle()
    assert len(receiver.requests) == 40


async def test_inbound_timer(client: httpx.AsyncClient, club: ClubOS) -> None:
    before = len(club.inbox.messages)
    started = (await client.put("/_sandbox/clubos/timer", json={"interval_s": 0.01}, headers=ADMIN)).json()
    assert started == {"interval_s": 0.01, "running": True}
    for _ in range(200):
        if len(club.inbox.messages) >= before + 3:
            break
        await asyncio.sleep(0.01)
    stopped = (await client.put("/_sandbox/clubos/timer", json={"interval_s": 0}, headers=ADMIN)).json()
    assert stopped == {"interval_s": 0.0, "running": False}
    assert len(club.inbox.messages) >= before + 3
    await club.push.dispatcher.wait_idle()
