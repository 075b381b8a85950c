"""ClubOS in the sandbox: the seeded gym's numbers, auth, paging and every member/prospect filter."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.clubos.seed import generate
from sandbox.clubos.testing import API, clubos_settings, with_key
from sandbox.testing import sandbox_client

MEMBERS = "/clubos/api/v1/members"
PROSPECTS = "/clubos/api/v1/prospects"


@pytest.fixture(scope="module")
def app() -> FastAPI:
    # Every test here only reads, so they share one app.
    return create_app(clubos_settings())


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app) as client:
        yield client


async def all_pages(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page: int | None = 1
    while page is not None:
        response = await client.get(path, params={**params, "page": page, "page_size": 200}, headers=API)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["data"])
        page = body["next_page"]
    return items


async def test_seeded_gym_matches_the_brief(client: httpx.AsyncClient) -> None:
    members = await all_pages(client, MEMBERS)
    statuses = Counter(member["status"] for member in members)
    assert statuses["green"] == 294
    owing = [m for m in members if m["amount_past_due"] > 0]
    assert len(owing) == 35 == statuses["yellow"] + statuses["red"]
    assert sum(Decimal(str(m["amount_past_due"])) for m in owing) == Decimal("8165.26")
    assert sum(1 for m in owing if m["days_past_due"] >= 10) == 34
    assert {248.43, 236.94} <= {m["amount_past_due"] for m in owing}
    assert all(40 <= m["amount_past_due"] <= 450 for m in owing)
    assert len({m["amount_past_due"] for m in owing}) > 30  # a spread, not a few repeated values
    for member in owing:
        assert member["status"] == ("yellow" if member["days_past_due"] <= 30 else "red")
    assert 15 <= statuses["frozen"] + statuses["cancelled"] <= 25
    assert all(m["amount_past_due"] == 0 and m["days_past_due"] == 0 for m in members if m["status"] == "green")
    prospects = (await client.get(PROSPECTS, params={"page_size": 1}, headers=API)).json()
    assert prospects["total"] == 3832


async def test_members_look_real(client: httpx.AsyncClient) -> None:
    members = await all_pages(client, MEMBERS)
    assert all(re.fullmatch(r"M\d{6}", m["id"]) for m in members)
    assert all(re.fullmatch(r"\+1555\d{7}", m["phone"]) for m in members)
    assert len({m["email"] for m in members}) == len({m["phone"] for m in members}) == len(members)
    assert {m["door_access"] for m in members} == {"unlocked"}
    assert {m["home_club"] for m in members} == {"club-riverside"}
    assert {"Monthly 24/7", "Annual", "Student", "Couples"} <= {m["membership_type"] for m in members}
    assert 3 <= sum(m["opt_out_sms"] for m in members) <= 10
    assert 3 <= sum(m["opt_out_email"] for m in members) <= 10
    now = datetime.now(UTC)
    check_ins = [datetime.fromisoformat(m["last_check_in"]) for m in members]
    assert all(at < now for at in check_ins)
    assert sum(now - at > timedelta(days=30) for at in check_ins) > 50  # room for re-engagement


def test_seed_is_deterministic_and_quotas_hold_for_any_seed() -> None:
    today = datetime.now(UTC).date()
    first, again = generate(42, today, "club"), generate(42, today, "club")
    assert [m.as_dict() for m in first.members] == [m.as_dict() for m in again.members]
    assert [p.as_dict() for p in first.prospects[:50]] == [p.as_dict() for p in again.prospects[:50]]
    for seed in (1, 7, 2024):
        world = generate(seed, today, "club")
        owing = [m for m in world.members if m.past_due_cents]
        assert (len(owing), sum(m.past_due_cents for m in owing)) == (35, 816_526)
        assert sum(m.days_past_due >= 10 for m in owing) == 34
        assert sum(m.status == "green" for m in world.members) == 294
        assert len(world.prospects) == 3832
    assert generate(1, today, "club").members[0].name != first.members[0].name


@pytest.mark.parametrize("headers", [{}, {"X-Api-Key": "wrong"}, {"Authorization": "Bearer test-clubos-key"}], ids=str)
async def test_api_key_is_required(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.get(MEMBERS, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthorized", "message": "Missing or invalid X-Api-Key header"}}


async def test_paging(client: httpx.AsyncClient) -> None:
    first = (await client.get(MEMBERS, params={"page_size": 200}, headers=API)).json()
    assert (first["page"], first["page_size"], first["next_page"], len(first["data"])) == (1, 200, 2, 200)
    second = (await client.get(MEMBERS, params={"page": 2, "page_size": 200}, headers=API)).json()
    assert second["next_page"] is None and len(second["data"]) == first["total"] - 200
    ids = [m["id"] for m in first["data"] + second["data"]]
    assert ids == sorted(set(ids))  # id order, nothing twice
    default = (await client.get(MEMBERS, headers=API)).json()
    assert default["page_size"] == 50 and len(default["data"]) == 50
    beyond = (await client.get(MEMBERS, params={"page": 99}, headers=API)).json()
    assert beyond["data"] == [] and beyond["next_page"] is None
    too_big = await client.get(MEMBERS, params={"page_size": 201}, headers=API)
    assert too_big.status_code == 400 and too_big.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"status": "green"}, lambda m: m["status"] == "green", id="green"),
        pytest.param({"status": ["yellow", "red"]}, lambda m: m["status"] in ("yellow", "red"), id="yellow-or-red"),
        pytest.param(
            {"status": ["frozen", "cancelled"]}, lambda m: m["status"] in ("frozen", "cancelled"), id="inactive"
        ),
        pytest.param({"past_due": "true"}, lambda m: m["amount_past_due"] > 0, id="past-due"),
        pytest.param({"past_due": "false"}, lambda m: m["amount_past_due"] == 0, id="not-past-due"),
        pytest.param(
            {"min_days_past_due": 10},
            lambda m: m["amount_past_due"] > 0 and m["days_past_due"] >= 10,
            id="10-days-late",
        ),
        pytest.param({"min_days_past_due": 31}, lambda m: m["status"] == "red", id="31-days-late-is-red"),
        pytest.param({"door_access": "unlocked"}, lambda m: True, id="unlocked"),
        pytest.param({"door_access": "locked"}, lambda m: False, id="locked"),
        pytest.param({"status": "green", "past_due": "true"}, lambda m: False, id="filters-combine"),
    ],
)
async def test_member_filters(client: httpx.AsyncClient, params: dict[str, Any], expected: Any) -> None:
    everyone = await all_pages(client, MEMBERS)
    found = await all_pages(client, MEMBERS, **params)
    assert [m["id"] for m in found] == [m["id"] for m in everyone if expected(m)]


async def test_inactive_days_filter(client: httpx.AsyncClient) -> None:
    found = await all_pages(client, MEMBERS, inactive_days=30)
    cutoff = datetime.now(UTC) - timedelta(days=30)
    assert 50 < len(found) < 349
    assert all(datetime.fromisoformat(m["last_check_in"]) <= cutoff for m in found)
    assert len(await all_pages(client, MEMBERS, inactive_days=30, past_due="true")) < 35


async def test_filter_values_are_validated(client: httpx.AsyncClient) -> None:
    for params in ({"status": "purple"}, {"min_days_past_due": -1}, {"door_access": "ajar"}):
        response = await client.get(MEMBERS, params=params, headers=API)
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_request"


async def test_get_member(client: httpx.AsyncClient) -> None:
    listed = (await client.get(MEMBERS, params={"past_due": "true", "page_size": 1}, headers=API)).json()["data"][0]
    response = await client.get(f"{MEMBERS}/{listed['id']}", headers=API)
    assert response.status_code == 200 and response.json() == listed
    missing = await client.get(f"{MEMBERS}/M000000", headers=API)
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "No member 'M000000'"}}


async def test_prospects_and_their_filters(client: httpx.AsyncClient) -> None:
    prospects = await all_pages(client, PROSPECTS)
    assert len(prospects) == 3832 and all(re.fullmatch(r"P\d{6}", p["id"]) for p in prospects)
    assert {p["source"] for p in prospects} == {"walk-in", "web form", "referral", "Instagram", "guest pass"}
    created = [datetime.fromisoformat(p["created_at"]) for p in prospects]
    now = datetime.now(UTC)
    assert created == sorted(created) and now - created[0] < timedelta(days=91) and max(created) < now
    assert all((p["last_contacted_at"] is None) == (p["status"] == "new") for p in prospects)

    new = await all_pages(client, PROSPECTS, status="new")
    assert len(new) == sum(p["status"] == "new" for p in prospects) > 0
    toured_or_lost = await all_pages(client, PROSPECTS, status=["toured", "lost"])
    assert {p["status"] for p in toured_or_lost} == {"toured", "lost"}

    since = (now - timedelta(days=14)).date().isoformat()
    recent = await all_pages(client, PROSPECTS, created_after=since)
    assert [p["id"] for p in recent] == [p["id"] for p in prospects if p["created_at"][:10] >= since]

    stale = await all_pages(client, PROSPECTS, not_contacted_days=30)
    cutoff = now - timedelta(days=30)
    expected = [
        p["id"]
        for p in prospects
        if p["last_contacted_at"] is None or datetime.fromisoformat(p["last_contacted_at"]) <= cutoff
    ]
    assert [p["id"] for p in stale] == expected and len(new) < len(stale) < len(prospects)


async def test_club(client: httpx.AsyncClient) -> None:
    club = (await client.get("/clubos/api/v1/club", headers=API)).json()
    assert (club["id"], club["name"]) == ("club-riverside", "Anytime Fitness Riverside")


async def test_unknown_paths_answer_in_clubos_format(client: httpx.AsyncClient) -> None:
    response = await client.get("/clubos/api/v1/nope", headers=API)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    wrong_method = await client.delete(MEMBERS, headers=with_key("k"))
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["code"] == "method_not_allowed"
