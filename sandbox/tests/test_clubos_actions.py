"""ClubOS door access and payment links in the sandbox: idempotent locks with a log, pay-off via the link page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.clubos.models import Member
from sandbox.clubos.service import ClubOS
from sandbox.clubos.testing import API, ManualClock, clubos_settings, with_key
from sandbox.testing import ADMIN, sandbox_client

SCRIPT = "<script>alert('x')</script>"


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


def most_overdue(club: ClubOS) -> Member:
    return max(club.world.members, key=lambda m: m.days_past_due)


def door(member_id: str) -> str:
    return f"/clubos/api/v1/members/{member_id}/door-access"


def local_path(url: str) -> str:
    assert url.startswith("http://127.0.0.1:8100/clubos/pay/")
    return url.removeprefix("http://127.0.0.1:8100")


async def test_lock_is_idempotent_and_logged(client: httpx.AsyncClient, club: ClubOS) -> None:
    member = most_overdue(club)
    request = {"action": "lock", "reason": "45 days past due"}
    first = await client.post(door(member.id), json=request, headers=with_key("lock-1"))
    assert first.status_code == 200, first.text
    result = first.json()
    assert (result["door_access"], result["previous"], result["changed"]) == ("locked", "unlocked", True)
    assert member.door_access == "locked"

    replay = await client.post(door(member.id), json=request, headers=with_key("lock-1"))
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == result
    log = (await client.get("/clubos/api/v1/door-access/log", headers=API)).json()
    assert log["total"] == 1 and log["data"][0]["id"] == result["log_id"]
    counts = (await client.get("/_sandbox/clubos/counts", headers=ADMIN)).json()
    assert counts["door_access"] == {"lock-1": {"requests": 2, "effects": 1}}

    # A new key is a new request: logged, although the fob was already locked.
    second = (await client.post(door(member.id), json=request, headers=with_key("lock-2"))).json()
    assert (second["door_access"], second["changed"]) == ("locked", False)
    unlock = {"action": "unlock", "reason": "Paid in full"}
    unlocked = (await client.post(door(member.id), json=unlock, headers=with_key("unlock-1"))).json()
    assert (unlocked["door_access"], unlocked["previous"], unlocked["changed"]) == ("unlocked", "locked", True)

    entries = (await client.get("/clubos/api/v1/door-access/log", params={"member_id": member.id}, headers=API)).json()
    assert [(e["action"], e["changed"]) for e in entries["data"]] == [("unlock", True), ("lock", False), ("lock", True)]
    assert entries["data"][0]["member_name"] == member.name
    other = await client.get("/clubos/api/v1/door-access/log", params={"member_id": "M000000"}, headers=API)
    assert other.json()["total"] == 0


async def test_locked_members_filter(client: httpx.AsyncClient, club: ClubOS) -> None:
    owing = sorted((m for m in club.world.members if m.days_past_due >= 10), key=lambda m: m.id)[:3]
    for member in owing:
        request = {"action": "lock", "reason": "past due"}
        await client.post(door(member.id), json=request, headers=with_key(f"lock-{member.id}"))
    locked = (await client.get("/clubos/api/v1/members", params={"door_access": "locked"}, headers=API)).json()
    assert [m["id"] for m in locked["data"]] == [m.id for m in owing]


@pytest.mark.parametrize(
    ("member_id", "body", "headers", "status", "code"),
    [
        ("M000000", {"action": "lock", "reason": "r"}, with_key("k"), 404, "not_found"),
        (None, {"action": "lock", "reason": "r"}, API, 400, "idempotency_key_required"),
        (None, {"action": "open", "reason": "r"}, with_key("k"), 422, "validation_error"),
        (None, {"action": "lock"}, with_key("k"), 422, "validation_error"),
        (None, {"action": "lock", "reason": " "}, with_key("k"), 422, "validation_error"),
    ],
)
async def test_door_access_rejections(
    client: httpx.AsyncClient,
    club: ClubOS,
    member_id: str | None,
    body: dict[str, str],
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    response = await client.post(door(member_id or most_overdue(club).id), json=body, headers=headers)
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert club.door.log == []


async def test_paying_a_link_clears_the_balance(client: httpx.AsyncClient, club: ClubOS) -> None:
    member = most_overdue(club)
    balance = Decimal(member.past_due_cents) / 100
    created = await client.post(f"/clubos/api/v1/members/{member.id}/payment-links", headers=API)
    assert created.status_code == 201, created.text
    link = created.json()
    assert (Decimal(str(link["amount"])), link["status"], link["member_id"]) == (balance, "open", member.id)

    page = await client.get(local_path(link["url"]))
    assert page.status_code == 200 and f"${balance:.2f}" in page.text and member.first_name in page.text
    paid = await client.post(local_path(link["url"]))
    assert paid.status_code == 303 and paid.headers["location"] == local_path(link["url"])
    receipt = await client.get(local_path(link["url"]))
    assert "Thank you" in receipt.text and f"${balance:.2f}" in receipt.text

    after = (await client.get(f"/clubos/api/v1/members/{member.id}", headers=API)).json()
    assert (after["amount_past_due"], after["days_past_due"], after["status"]) == (0, 0, "green")
    owing = await client.get("/clubos/api/v1/members", params={"past_due": "true", "page_size": 200}, headers=API)
    assert owing.json()["total"] == 34
    assert sum(Decimal(str(m["amount_past_due"])) for m in owing.json()["data"]) == Decimal("8165.26") - balance

    twice = await client.post(local_path(link["url"]))
    assert twice.status_code == 200 and "has been paid" in twice.text
    assert member.past_due_cents == 0


async def test_partial_links_and_rejections(client: httpx.AsyncClient, club: ClubOS) -> None:
    member = most_overdue(club)
    path = f"/clubos/api/v1/members/{member.id}/payment-links"
    before = member.past_due_cents
    partial = (await client.post(path, json={"amount": 20.5}, headers=API)).json()
    assert partial["amount"] == 20.5
    await client.post(local_path(partial["url"]))
    assert member.past_due_cents == before - 2050 and member.status == "red"

    too_much = await client.post(path, json={"amount": 10_000}, headers=API)
    assert too_much.status_code == 422 and too_much.json()["error"]["code"] == "amount_exceeds_balance"
    for amount in (0, -5, 1.005, "lots"):
        bad = await client.post(path, json={"amount": amount}, headers=API)
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    paying = next(m for m in club.world.members if m.status == "green")
    nothing = await client.post(f"/clubos/api/v1/members/{paying.id}/payment-links", headers=API)
    assert nothing.status_code == 422 and nothing.json()["error"]["code"] == "nothing_due"
    unknown = await client.post("/clubos/api/v1/members/M000000/payment-links", headers=API)
    assert unknown.status_code == 404


async def test_payment_link_idempotency_key(client: httpx.AsyncClient, club: ClubOS) -> None:
    path = f"/clubos/api/v1/members/{most_overdue(club).id}/payment-links"
    first = await client.post(path, headers=with_key("link-1"))
    again = await client.post(path, headers=with_key("link-1"))
    assert (first.status_code, again.status_code) == (201, 200) and first.json() == again.json()
    other = await client.post(path, json={"amount": 5}, headers=with_key("link-1"))
    assert other.status_code == 409
    assert (await client.post(path, headers=API)).json()["id"] != first.json()["id"]  # no key: a new link


async def test_expired_and_unknown_links(client: httpx.AsyncClient, club: ClubOS) -> None:
    assert isinstance(club.clock, ManualClock)
    member = most_overdue(club)
    link = (await client.post(f"/clubos/api/v1/members/{member.id}/payment-links", headers=API)).json()
    club.clock.advance(8 * 24 * 3600)
    expired = await client.get(local_path(link["url"]))
    assert expired.status_code == 410 and "expired" in expired.text
    assert (await client.post(local_path(link["url"]))).status_code == 410
    assert member.past_due_cents > 0
    missing = await client.get("/clubos/pay/nope")
    assert missing.status_code == 404 and "does not exist" in missing.text


async def test_payment_page_escapes_the_name(client: httpx.AsyncClient, club: ClubOS) -> None:
    member = most_overdue(club)
    member.first_name = SCRIPT
    link = (await client.post(f"/clubos/api/v1/members/{member.id}/payment-links", headers=API)).json()
    page = (await client.get(local_path(link["url"]))).text
    assert SCRIPT not in page and "&lt;script&gt;" in page
