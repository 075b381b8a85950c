"""ClubOS's inbox: cursor paging, conversations, and exactly-once sync under concurrent arrivals."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.app import create_app
from sandbox.clubos.service import ClubOS
from sandbox.clubos.testing import API, clubos_settings, with_key
from sandbox.testing import ADMIN, WebhookRecorder, sandbox_client

INBOX = "/clubos/api/v1/inbox/messages"


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


def writer(club: ClubOS, index: int = 0) -> str:
    return [m.id for m in club.world.members if m.status == "green" and not m.opt_out_sms][index]


async def inbound(client: httpx.AsyncClient, member_id: str, body: str, **extra: Any) -> dict[str, Any]:
    response = await client.post(
        "/_sandbox/clubos/inbound", json={"member_id": member_id, "body": body, **extra}, headers=ADMIN
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_seeded_inbox_pages_in_cursor_order(client: httpx.AsyncClient, club: ClubOS) -> None:
    everything = (await client.get(INBOX, params={"limit": 500}, headers=API)).json()
    messages = everything["data"]
    assert len(messages) >= 10 and everything["has_more"] is False
    assert {m["direction"] for m in messages} == {"inbound", "outbound"}
    assert {"sms", "email", "app"} <= {m["channel"] for m in messages}
    assert [m["sent_at"] for m in messages] == sorted(m["sent_at"] for m in messages)
    assert all(m["id"].startswith("CM") and m["member_name"] for m in messages)

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3} | ({"after": cursor} if cursor else {})
        page = (await client.get(INBOX, params=params, headers=API)).json()
        seen += [m["id"] for m in page["data"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == [m["id"] for m in messages]
    idle = (await client.get(INBOX, params={"after": cursor}, headers=API)).json()
    assert idle == {"data": [], "next_cursor": cursor, "has_more": False}


@pytest.mark.parametrize(
    ("params", "code"),
    [({"after": "not-a-cursor"}, "invalid_cursor"), ({"after": "bWVtYmVyOjE"}, "invalid_cursor"),
     ({"limit": 501}, "invalid_request"), ({"limit": 0}, "invalid_request")],
)  # fmt: skip
async def test_bad_inbox_parameters(client: httpx.AsyncClient, params: dict[str, Any], code: str) -> None:
    response = await client.get(INBOX, params=params, headers=API)
    assert response.status_code == 400 and response.json()["error"]["code"] == code


async def test_conversations(client: httpx.AsyncClient, club: ClubOS) -> None:
    conversations = (await client.get("/clubos/api/v1/conversations", headers=API)).json()["data"]
    assert len(conversations) == 8
    assert conversations[0]["last_message_at"] >= conversations[-1]["last_message_at"]
    waiting = await client.get("/clubos/api/v1/conversations", params={"awaiting_reply": "true"}, headers=API)
    assert 0 < waiting.json()["total"] < 8 and all(c["awaiting_reply"] for c in waiting.json()["data"])

    member_id = writer(club)
    message = (await inbound(client, member_id, "Do you have a sauna?"))["message"]
    mine = (await client.get("/clubos/api/v1/conversations", params={"member_id": member_id}, headers=API)).json()
    assert [c["id"] for c in mine["data"]] == [message["conversation_id"]]
    assert mine["data"][0]["last_message_preview"] == "Do you have a sauna?"
    thread = await client.get(f"/clubos/api/v1/conversations/{message['conversation_id']}/messages", headers=API)
    assert thread.json()["data"] == [message]
    assert (await client.get("/clubos/api/v1/conversations/CV0/messages", headers=API)).status_code == 404


def test_sync_never_misses_or_repeats_under_concurrent_arrivals() -> None:
    """Random interleavings of a poller, members writing in and the club sending, with jittered latency:
    the poller, paging with after=next_cursor, ends up with every message exactly once, in order."""
    Op = tuple[str, int]  # ("poll", limit) | ("inbound", member index) | ("send", member index)
    ops = st.one_of(
        st.tuples(st.just("poll"), st.integers(1, 4)),
        st.tuples(st.just("inbound"), st.integers(0, 5)),
        st.tuples(st.just("send"), st.integers(0, 5)),
    )

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(batches=st.lists(st.lists(ops, min_size=1, max_size=6), min_size=1, max_size=8), seed=st.integers(0, 99))
    def check(batches: list[list[Op]], seed: int) -> None:
        asyncio.run(_interleave(batches, seed))

    check()


@functools.cache
def _shared_app() -> FastAPI:
    """One app for all examples (building one costs more than an example); each example resets it."""
    app = create_app(clubos_settings(), webhook_transport=WebhookRecorder().transport)
    app.state.sandbox.clubos.push.enabled = False
    return app


async def _interleave(batches: list[list[tuple[str, int]]], seed: int) -> None:
    app = _shared_app()
    club: ClubOS = app.state.sandbox.clubos
    club.reset(seed)
    seen: list[str] = []
    cursor: list[str | None] = [None]
    sends = iter(range(10_000))
    async with sandbox_client(app) as client:
        # Jitter reorders requests that run together, so replies come back in any order.
        faults = {"clubos": {"latency_ms": 2, "latency_jitter_ms": 2}}
        await client.put("/_sandbox/faults", json=faults, headers=ADMIN)

        async def poll(limit: int) -> int:
            params = {"limit": limit} | ({"after": cursor[0]} if cursor[0] else {})
            page = (await client.get(INBOX, params=params, headers=API)).json()
            seen.extend(m["id"] for m in page["data"])
            cursor[0] = page["next_cursor"]
            return len(page["data"])

        async def run(op: tuple[str, int]) -> None:
            kind, value = op
            if kind == "inbound":
                await inbound(client, writer(club, value), f"message {value}")
            elif kind == "send":
                body = {"channel": "sms", "member_id": writer(club, value), "body": "Thanks for reaching out!"}
                response = await client.post("/clubos/api/v1/messages", json=body, headers=with_key(f"s{next(sends)}"))
                assert response.status_code == 201

        for batch in batches:
            polls = [op[1] for op in batch if op[0] == "poll"]

            # One poller (a client pages sequentially), racing the other operations of the batch.
            async def poller(limits: list[int] = polls) -> None:
                for limit in limits:
                    await poll(limit)

            await asyncio.gather(poller(), *(run(op) for op in batch if op[0] != "poll"))
        # Catch up; bounded, so a cursor that never advances fails the assertion instead of hanging.
        for _ in range(len(club.inbox.messages)):
            if not await poll(4):
                break
    assert seen == [message.id for message in club.inbox.messages]
