"""ClubOSClient against the sandbox's ClubOS (models, paging, idempotency) and a MockTransport (wire, errors)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI

from clients.clubos import ClubOSClient, RecipientOptedOut
from clients.clubos_models import CampaignRecipient
from clients.errors import AuthError, ClientError, MalformedResponseError, NotFoundError, RateLimitedError, ServerError
from sandbox.app import create_app
from sandbox.clubos.people import is_landline
from sandbox.clubos.service import ClubOS
from sandbox.clubos.testing import API_KEY, ManualClock, clubos_settings
from sandbox.testing import ADMIN, WebhookRecorder
from tests.stack import make_settings

BASE = "http://sandbox/clubos"


@pytest.fixture
def app() -> FastAPI:
    return create_app(clubos_settings(), webhook_transport=WebhookRecorder().transport)


@pytest.fixture
def club(app: FastAPI) -> ClubOS:
    club: ClubOS = app.state.sandbox.clubos
    return club


@pytest.fixture
async def clubos(app: FastAPI) -> AsyncIterator[ClubOSClient]:
    async with ClubOSClient(BASE, API_KEY, transport=httpx.ASGITransport(app=app)) as client:
        yield client


def reachable(club: ClubOS) -> str:
    return next(
        m.id for m in club.world.members if m.status == "green" and not m.opt_out_sms and not is_landline(m.phone)
    )


async def test_members_and_filters(clubos: ClubOSClient) -> None:
    everyone = await clubos.list_members()
    assert len(everyone) == 349 and len({m.id for m in everyone}) == 349
    owing = await clubos.list_members(past_due=True)
    assert len(owing) == 35 and sum(m.amount_past_due for m in owing) == Decimal("8165.26")
    assert len(await clubos.list_members(min_days_past_due=10)) == 34
    assert len(await clubos.list_members(status=["green"])) == 294
    late = await clubos.list_members(status=["yellow", "red"], inactive_days=30)
    assert late and all(m.status in ("yellow", "red") and m.last_check_in is not None for m in late)
    assert await clubos.list_members(door_access="locked") == []
    pages = [page async for page in clubos.iter_member_pages()]
    assert [len(page) for page in pages] == [200, 149]

    member = await clubos.get_member(owing[0].id)
    assert member == owing[0] and member.name == f"{member.first_name} {member.last_name}"
    with pytest.raises(NotFoundError) as missing:
        await clubos.get_member("M000000")
    assert (missing.value.status, missing.value.code) == (404, "not_found")


async def test_prospects(clubos: ClubOSClient) -> None:
    prospects = await clubos.list_prospects()
    assert len(prospects) == 3832
    since = datetime.now(UTC) - timedelta(days=7)
    recent = await clubos.list_prospects(created_after=since, status=["new", "contacted"])
    assert recent and all(p.created_at > since and p.status in ("new", "contacted") for p in recent)
    stale = await clubos.list_prospects(not_contacted_days=30)
    assert all(
        p.last_contacted_at is None or p.last_contacted_at <= datetime.now(UTC) - timedelta(days=30) for p in stale
    )


async def test_send_message_is_idempotent(clubos: ClubOSClient, club: ClubOS) -> None:
    club.clock = clock = ManualClock()
    member_id = reachable(club)
    sent = await clubos.send_message("reminder-M1", channel="sms", body="Hi! Quick note", member_id=member_id)
    assert (sent.status, sent.member_id, sent.channel) == ("queued", member_id, "sms")
    again = await clubos.send_message("reminder-M1", channel="sms", body="Hi! Quick note", member_id=member_id)
    assert again.id == sent.id and len(club.messenger.sent) == 1
    clock.advance(1)
    delivered = await clubos.get_message(sent.id)
    assert delivered.status == "delivered" and delivered.delivered_at is not None
    assert [m.id for m in await clubos.list_messages(member_id=member_id)] == [sent.id]

    with pytest.raises(ClientError) as reused:
        await clubos.send_message("reminder-M1", channel="sms", body="Something else", member_id=member_id)
    assert (reused.value.status, reused.value.code) == (409, "idempotency_key_reused")
    assert not isinstance(reused.value, RecipientOptedOut)
    with pytest.raises(ClientError) as too_long:
        await clubos.send_message("long", channel="sms", body="x" * 1601, member_id=member_id)
    assert (too_long.value.status, too_long.value.code) == (422, "body_too_long")
    with pytest.raises(ValueError, match="blank"):
        await clubos.send_message(" ", channel="sms", body="hi", member_id=member_id)


async def test_opted_out_is_its_own_error(clubos: ClubOSClient, club: ClubOS) -> None:
    opted_out = next(m for m in club.world.members if m.opt_out_sms)
    with pytest.raises(RecipientOptedOut) as refused:
        await clubos.send_message("k", channel="sms", body="hi", member_id=opted_out.id)
    assert (refused.value.status, refused.value.code, refused.value.retryable) == (422, "recipient_opted_out", False)


async def test_emails_and_leads(clubos: ClubOSClient) -> None:
    email = await clubos.send_message(
        "lead-1", channel="email", to="new.lead@example.com", subject="Welcome", body="Hi"
    )
    assert (email.to, email.subject, email.member_id) == ("new.lead@example.com", "Welcome", None)


async def test_campaign(clubos: ClubOSClient, club: ClubOS) -> None:
    recipients = [CampaignRecipient(member_id=reachable(club)), CampaignRecipient(prospect_id="P000000")]
    campaign = await clubos.create_campaign(
        "camp-1",
        name="Bring a friend",
        channel="sms",
        body="Hi {first_name}, bring a friend free!",
        recipients=recipients,
    )
    assert campaign.totals.sent == 1 and campaign.totals.failed == 1
    assert [r.status for r in campaign.results] == ["sent", "failed"]
    again = await clubos.create_campaign(
        "camp-1",
        name="Bring a friend",
        channel="sms",
        body="Hi {first_name}, bring a friend free!",
        recipients=recipients,
    )
    assert again == campaign and await clubos.get_campaign(campaign.id) == campaign
    with pytest.raises(ValueError):
        CampaignRecipient(member_id="M1", prospect_id="P1")


async def test_door_access_and_log(clubos: ClubOSClient, club: ClubOS) -> None:
    member = max(club.world.members, key=lambda m: m.days_past_due)
    locked = await clubos.set_door_access("lock-1", member.id, lock=True, reason="60 days past due")
    assert (locked.door_access, locked.previous, locked.changed) == ("locked", "unlocked", True)
    assert await clubos.set_door_access("lock-1", member.id, lock=True, reason="60 days past due") == locked
    unlocked = await clubos.set_door_access("unlock-1", member.id, lock=False, reason="paid")
    assert unlocked.door_access == "unlocked"
    log = await clubos.door_access_log(member.id)
    assert [(e.action, e.id) for e in log] == [("unlock", unlocked.log_id), ("lock", locked.log_id)]


async def test_payment_links(clubos: ClubOSClient, club: ClubOS) -> None:
    member = max(club.world.members, key=lambda m: m.past_due_cents)
    full = await clubos.create_payment_link(member.id)
    assert full.amount == Decimal(member.past_due_cents) / 100 and full.status == "open"
    part = await clubos.create_payment_link(member.id, Decimal("20.10"), idempotency_key="part-1")
    assert part.amount == Decimal("20.10") and full.url != part.url
    assert await clubos.create_payment_link(member.id, Decimal("20.10"), idempotency_key="part-1") == part
    paying = next(m for m in club.world.members if m.status == "green")
    with pytest.raises(ClientError) as nothing:
        await clubos.create_payment_link(paying.id)
    assert nothing.value.code == "nothing_due"


async def test_inbox_sync_and_conversations(clubos: ClubOSClient, app: FastAPI, club: ClubOS) -> None:
    first = await clubos.inbox_page(None, limit=5)
    assert len(first.messages) == 5 and first.has_more
    rest = await clubos.inbox_page(first.next_cursor, limit=500)
    assert not rest.has_more and {m.id for m in first.messages}.isdisjoint(m.id for m in rest.messages)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as admin:
        written = await admin.post(
            "/_sandbox/clubos/inbound", json={"member_id": reachable(club), "body": "Open late?"}, headers=ADMIN
        )
    newer = await clubos.inbox_page(rest.next_cursor)
    assert [m.id for m in newer.messages] == [written.json()["message"]["id"]]
    assert newer.messages[0].direction == "inbound" and newer.messages[0].body == "Open late?"
    idle = await clubos.inbox_page(newer.next_cursor)
    assert idle.messages == [] and idle.next_cursor == newer.next_cursor

    conversations = await clubos.list_conversations(member_id=reachable(club))
    assert len(conversations) == 1 and conversations[0].awaiting_reply
    thread = await clubos.conversation_messages(conversations[0].id)
    assert thread[-1].body == "Open late?"
    assert len(await clubos.list_conversations(awaiting_reply=True)) >= 1
    with pytest.raises(ValueError):
        await clubos.inbox_page(None, limit=501)


async def test_wrong_key_is_an_auth_error(app: FastAPI) -> None:
    async with ClubOSClient(BASE, "wrong", transport=httpx.ASGITransport(app=app)) as clubos:
        with pytest.raises(AuthError) as denied:
            await clubos.list_members()
    assert (denied.value.status, denied.value.code) == (401, "unauthorized")


# -- wire details and error mapping, against a MockTransport ----------------------------------


def mock(handler: Callable[[httpx.Request], httpx.Response]) -> ClubOSClient:
    return ClubOSClient("http://clubos.test/clubos", "key-1", transport=httpx.MockTransport(handler))


def page(data: list[object], next_page: int | None = None) -> httpx.Response:
    return httpx.Response(
        200, json={"data": data, "page": 1, "page_size": 200, "total": len(data), "next_page": next_page}
    )


async def test_requests_carry_the_key_filters_and_idempotency_key() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET":
            return page([])
        return httpx.Response(
            201,
            json={"id": "MSG1", "channel": "sms", "to": "+15550000000", "body": "hi", "status": "queued",
                  "created_at": "2026-01-01T00:00:00Z"},
        )  # fmt: skip

    async with mock(handler) as clubos:
        await clubos.list_members(status=["yellow", "red"], past_due=True, min_days_past_due=10, door_access="unlocked")
        await clubos.send_message("outbox-42", channel="sms", body="hi", member_id="M100001")
    listing, sending = seen
    assert listing.headers["X-Api-Key"] == "key-1" and listing.url.path == "/clubos/api/v1/members"
    assert listing.url.params.get_list("status") == ["yellow", "red"]
    assert (listing.url.params["past_due"], listing.url.params["min_days_past_due"]) == ("true", "10")
    assert (listing.url.params["page"], listing.url.params["page_size"]) == ("1", "200")
    assert sending.headers["Idempotency-Key"] == "outbox-42"
    assert json.loads(sending.content) == {
        "channel": "sms", "body": "hi", "member_id": "M100001", "prospect_id": None, "to": None,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("response", "error", "code"),
    [
        (httpx.Response(429, headers={"Retry-After": "3"}, json={"error": {"code": "rate_limited", "message": "slow"}}),
         RateLimitedError, "rate_limited"),
        (httpx.Response(503, json={"error": {"code": "service_unavailable", "message": "down"}}), ServerError,
         "service_unavailable"),
        (httpx.Response(500, text="<html>oops</html>"), ServerError, None),
        (httpx.Response(409, json={"error": {"code": "idempotency_key_reused", "message": "no"}}), ClientError,
         "idempotency_key_reused"),
        (httpx.Response(422, json={"error": {"code": "recipient_opted_out", "message": "stop"}}), RecipientOptedOut,
         "recipient_opted_out"),
        (httpx.Response(200, json={"id": "MSG1"}), MalformedResponseError, None),
    ],
)  # fmt: skip
async def test_error_mapping(response: httpx.Response, error: type[Exception], code: str | None) -> None:
    async with mock(lambda _: response) as clubos:
        with pytest.raises(error) as raised:
            await clubos.send_message("k", channel="sms", body="hi", member_id="M1")
    assert type(raised.value) is error
    assert getattr(raised.value, "code", None) == code
    if isinstance(raised.value, RateLimitedError):
        assert raised.value.retry_after == 3.0


async def test_transport_failures_are_server_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with mock(handler) as clubos:
        with pytest.raises(ServerError):
            await clubos.get_member("M1")


@pytest.mark.parametrize("reply", [page([], next_page=1), httpx.Response(200, json={"items": []})])
async def test_broken_paging_is_malformed(reply: httpx.Response) -> None:
    async with mock(lambda _: reply) as clubos:
        with pytest.raises(MalformedResponseError):
            await clubos.list_members()


async def test_from_settings() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return page([])

    settings = make_settings(clubos={"base_url": "http://gym.test/clubos", "api_key": "from-settings"})
    async with ClubOSClient.from_settings(settings, transport=httpx.MockTransport(handler)) as clubos:
        await clubos.list_prospects()
    assert str(seen[0].url).startswith("http://gym.test/clubos/api/v1/prospects?")
    assert seen[0].headers["X-Api-Key"] == "from-settings"
