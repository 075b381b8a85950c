"""ClubOS messaging in the sandbox: single sends with idempotency keys, validation, delivery, campaigns."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.clubos.people import bounces, is_landline
from sandbox.clubos.service import ClubOS
from sandbox.clubos.testing import API, ManualClock, clubos_settings, with_key
from sandbox.testing import ADMIN, sandbox_client

MESSAGES = "/clubos/api/v1/messages"
CAMPAIGNS = "/clubos/api/v1/campaigns"
MEMBER = "<reachable member>"  # replaced by a reachable member's id in parametrised bodies


@pytest.fixture
def app() -> FastAPI:
    return create_app(clubos_settings())


@pytest.fixture
def club(app: FastAPI) -> ClubOS:
    club: ClubOS = app.state.sandbox.clubos
    club.clock = ManualClock()
    return club


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app) as client:
        yield client


def reachable(club: ClubOS, index: int = 0) -> str:
    """A green member who can get both SMS and email."""
    members = [
        m
        for m in club.world.members
        if m.status == "green" and not (m.opt_out_sms or m.opt_out_email or is_landline(m.phone) or bounces(m.email))
    ]
    return members[index].id


async def send(client: httpx.AsyncClient, key: str, **body: Any) -> httpx.Response:
    return await client.post(MESSAGES, json=body, headers=with_key(key))


async def test_send_is_idempotent(client: httpx.AsyncClient, club: ClubOS) -> None:
    member = club.world.member(reachable(club))
    assert member is not None
    body = {"channel": "sms", "member_id": member.id, "body": f"Hi {member.first_name}, see you at 6!"}
    first = await send(client, "reminder-1", **body)
    assert first.status_code == 201, first.text
    sent = first.json()
    assert sent["id"].startswith("MSG") and sent["status"] == "queued"
    assert (sent["to"], sent["member_id"], sent["channel"]) == (member.phone, member.id, "sms")

    again = await send(client, "reminder-1", **body)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == sent["id"]
    listed = (await client.get(MESSAGES, params={"member_id": member.id}, headers=API)).json()
    assert [m["id"] for m in listed["data"]] == [sent["id"]]

    counts = (await client.get("/_sandbox/clubos/counts", headers=ADMIN)).json()
    assert counts["messages"] == {"reminder-1": {"requests": 2, "effects": 1}}
    log = (await client.get("/_sandbox/clubos/sent", headers=ADMIN)).json()
    assert log["total"] == 1 and log["messages"][0]["idempotency_key"] == "reminder-1"


async def test_same_key_with_another_body_is_a_conflict(client: httpx.AsyncClient, club: ClubOS) -> None:
    member_id = reachable(club)
    assert (await send(client, "k", channel="sms", member_id=member_id, body="one")).status_code == 201
    reused = await send(client, "k", channel="sms", member_id=member_id, body="two")
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert len(club.messenger.sent) == 1


async def test_the_key_is_required(client: httpx.AsyncClient, club: ClubOS) -> None:
    body = {"channel": "sms", "member_id": reachable(club), "body": "hi"}
    missing = await client.post(MESSAGES, json=body, headers=API)
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "idempotency_key_required"
    too_long = await client.post(MESSAGES, json=body, headers=with_key("k" * 256))
    assert too_long.status_code == 400 and too_long.json()["error"]["code"] == "invalid_idempotency_key"
    assert club.messenger.sent == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"channel": "sms", "member_id": MEMBER}, "validation_error"),  # no body
        ({"channel": "sms", "member_id": MEMBER, "body": "   "}, "validation_error"),
        ({"channel": "fax", "member_id": MEMBER, "body": "hi"}, "validation_error"),
        ({"channel": "sms", "member_id": MEMBER, "body": "hi", "color": "red"}, "validation_error"),
        ({"channel": "sms", "member_id": MEMBER, "body": "x" * 1601}, "body_too_long"),
        ({"channel": "email", "member_id": MEMBER, "body": "hi"}, "subject_required"),
        ({"channel": "sms", "member_id": MEMBER, "body": "hi", "subject": "Hello"}, "subject_not_allowed"),
        ({"channel": "sms", "body": "hi", "member_id": "M000000"}, "unknown_recipient"),
        ({"channel": "sms", "body": "hi", "prospect_id": "P000000"}, "unknown_recipient"),
        ({"channel": "sms", "body": "hi"}, "invalid_recipient"),
        ({"channel": "sms", "body": "hi", "to": "+15551234567", "member_id": MEMBER}, "invalid_recipient"),
        ({"channel": "sms", "body": "hi", "to": "555-1234"}, "invalid_address"),
        ({"channel": "email", "body": "hi", "subject": "s", "to": "not-an-email"}, "invalid_address"),
    ],
    ids=lambda value: value if isinstance(value, str) else "-".join(sorted(value)),
)
async def test_invalid_sends_are_422(client: httpx.AsyncClient, club: ClubOS, body: dict[str, Any], code: str) -> None:
    body = {name: reachable(club) if value == MEMBER else value for name, value in body.items()}
    response = await send(client, "bad", **body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    assert club.messenger.sent == []
    # Nothing was stored under the key, so the corrected request may reuse it.
    fixed = await send(client, "bad", channel="sms", member_id=reachable(club), body="fixed")
    assert fixed.status_code == 201


async def test_sms_body_limit_is_inclusive(client: httpx.AsyncClient, club: ClubOS) -> None:
    response = await send(client, "long", channel="sms", member_id=reachable(club), body="x" * 1600)
    assert response.status_code == 201


async def test_opted_out_recipients_are_refused(client: httpx.AsyncClient, club: ClubOS) -> None:
    no_sms = next(m for m in club.world.members if m.opt_out_sms)
    refused = await send(client, "a", channel="sms", member_id=no_sms.id, body="hi")
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "recipient_opted_out",
        "message": "The recipient has opted out of sms messages",
    }
    # The opt-out belongs to the number, whichever way it is addressed ...
    by_number = await send(client, "b", channel="sms", to=no_sms.phone, body="hi")
    assert by_number.json()["error"]["code"] == "recipient_opted_out"
    # ... and only to that channel.
    if not no_sms.opt_out_email:
        email = await send(client, "c", channel="email", member_id=no_sms.id, subject="Hi", body="hi")
        assert email.status_code == 201


async def test_delivery_status_settles_within_a_second(client: httpx.AsyncClient, club: ClubOS) -> None:
    assert isinstance(club.clock, ManualClock)
    landline = next(m for m in club.world.members if is_landline(m.phone) and not m.opt_out_sms)
    typo = next(m for m in club.world.members if bounces(m.email) and not m.opt_out_email)
    ok = (await send(client, "ok", channel="sms", member_id=reachable(club), body="hi")).json()
    fails = (await send(client, "land", channel="sms", member_id=landline.id, body="hi")).json()
    bounced = (await send(client, "typo", channel="email", member_id=typo.id, subject="Hi", body="hi")).json()
    mail = (await send(client, "mail", channel="email", member_id=reachable(club, 1), subject="Hi", body="b")).json()
    assert {m["status"] for m in (ok, fails, bounced, mail)} == {"queued"}

    club.clock.advance(1.0)
    states = {}
    for message in (ok, fails, bounced, mail):
        current = (await client.get(f"{MESSAGES}/{message['id']}", headers=API)).json()
        states[message["id"]] = (current["status"], current["error"], current["delivered_at"] is not None)
    assert states[ok["id"]] == ("delivered", None, True)
    assert states[mail["id"]] == ("delivered", None, True)
    assert states[fails["id"]][:2] == ("failed", "undeliverable: the number is a landline and cannot receive SMS")
    assert states[bounced["id"]][0] == "failed" and "bounced" in states[bounced["id"]][1]
    assert (await client.get(f"{MESSAGES}/MSG1", headers=API)).status_code == 404


async def test_sends_to_members_join_their_conversation(client: httpx.AsyncClient, club: ClubOS) -> None:
    member_id = reachable(club)
    sent = (await send(client, "conv", channel="sms", member_id=member_id, body="Your class is booked")).json()
    conversation = sent["conversation_id"]
    thread = (await client.get(f"/clubos/api/v1/conversations/{conversation}/messages", headers=API)).json()
    last = thread["data"][-1]
    assert (last["direction"], last["body"], last["member_id"]) == ("outbound", "Your class is booked", member_id)
    inbox = (await client.get("/clubos/api/v1/inbox/messages", params={"limit": 500}, headers=API)).json()
    assert inbox["data"][-1]["id"] == last["id"]


async def test_sends_to_prospects_and_leads(client: httpx.AsyncClient, club: ClubOS) -> None:
    prospect = next(p for p in club.world.prospects if p.status == "new")
    sent = await send(client, "p", channel="sms", prospect_id=prospect.id, body="Come try a free class!")
    assert sent.status_code == 201 and sent.json()["to"] == prospect.phone
    assert prospect.status == "contacted" and prospect.last_contacted_at == club.now()
    lead = await send(client, "lead", channel="email", to="walkin.guest@example.com", subject="Welcome", body="Hi")
    assert lead.status_code == 201 and lead.json()["member_id"] is None
    by_prospect = (await client.get(MESSAGES, params={"prospect_id": prospect.id}, headers=API)).json()
    assert [m["id"] for m in by_prospect["data"]] == [sent.json()["id"]]
    by_address = (await client.get(MESSAGES, params={"to": "walkin.guest@example.com"}, headers=API)).json()
    assert [m["id"] for m in by_address["data"]] == [lead.json()["id"]]
    everything = (await client.get(MESSAGES, headers=API)).json()
    assert [m["id"] for m in everything["data"]] == [lead.json()["id"], sent.json()["id"]]  # newest first


async def test_campaign_results_per_recipient(client: httpx.AsyncClient, club: ClubOS) -> None:
    ok, other = reachable(club, 0), reachable(club, 1)
    opted_out = next(m for m in club.world.members if m.opt_out_sms)
    prospect = club.world.prospects[0]
    request = {
        "name": "Spring challenge",
        "channel": "sms",
        "body": "Hi {first_name}! Our 6-week spring challenge starts Monday.",
        "recipients": [
            {"member_id": ok},
            {"member_id": opted_out.id},
            {"member_id": "M000000"},
            {"prospect_id": prospect.id},
            {"member_id": ok},
            {"member_id": other},
        ],
    }
    response = await client.post(CAMPAIGNS, json=request, headers=with_key("spring"))
    assert response.status_code == 201, response.text
    campaign = response.json()
    assert campaign["totals"] == {"recipients": 6, "sent": 3, "skipped_opted_out": 1, "failed": 2}
    assert [(r["status"], r["error"]) for r in campaign["results"]] == [
        ("sent", None),
        ("skipped_opted_out", "recipient_opted_out"),
        ("failed", "unknown_recipient"),
        ("sent", None),
        ("failed", "duplicate_recipient"),
        ("sent", None),
    ]
    first = club.messenger.get(campaign["results"][0]["message_id"])
    assert first is not None and first.campaign_id == campaign["id"]
    member = club.world.member(ok)
    assert member is not None and first.body == f"Hi {member.first_name}! Our 6-week spring challenge starts Monday."

    replay = await client.post(CAMPAIGNS, json=request, headers=with_key("spring"))
    assert replay.status_code == 200 and replay.json() == campaign
    assert len(club.messenger.sent) == 3
    changed = await client.post(CAMPAIGNS, json={**request, "name": "Other"}, headers=with_key("spring"))
    assert changed.status_code == 409

    listed = (await client.get(CAMPAIGNS, headers=API)).json()
    assert [c["id"] for c in listed["data"]] == [campaign["id"]] and "results" not in listed["data"][0]
    assert (await client.get(f"{CAMPAIGNS}/{campaign['id']}", headers=API)).json() == campaign
    assert (await client.get(f"{CAMPAIGNS}/CMP0", headers=API)).status_code == 404
    counts = (await client.get("/_sandbox/clubos/counts", headers=ADMIN)).json()
    assert counts["campaigns"] == {"spring": {"requests": 2, "effects": 1}}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"recipients": []}, "validation_error"),
        ({"recipients": [{"member_id": "M1"}] * 1001}, "validation_error"),
        ({"recipients": [{"member_id": "M1", "prospect_id": "P1"}]}, "validation_error"),
        ({"body": "x" * 1601}, "body_too_long"),
        ({"channel": "email"}, "subject_required"),
    ],
    ids=["no-recipients", "too-many", "both-ids", "body-too-long", "email-without-subject"],
)
async def test_invalid_campaigns(client: httpx.AsyncClient, club: ClubOS, change: dict[str, Any], code: str) -> None:
    request = {"name": "n", "channel": "sms", "body": "b", "recipients": [{"member_id": reachable(club)}], **change}
    response = await client.post(CAMPAIGNS, json=request, headers=with_key("c"))
    assert response.status_code == 422 and response.json()["error"]["code"] == code
    assert club.messenger.sent == [] and club.campaigns.campaigns == []


async def test_a_thousand_recipients(client: httpx.AsyncClient, club: ClubOS) -> None:
    recipients = [{"prospect_id": p.id} for p in club.world.prospects[:1000]]
    request = {"name": "Open house", "channel": "sms", "body": "Open house Saturday!", "recipients": recipients}
    response = await client.post(CAMPAIGNS, json=request, headers=with_key("open-house"))
    assert response.status_code == 201 and response.json()["totals"]["sent"] == 1000
