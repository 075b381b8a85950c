"""Active's customer API: API-key auth, paging, usage series consistent with each account's trend."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import date, timedelta
from statistics import fmean

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.settings import SandboxSettings
from sandbox.state import SandboxState
from sandbox.testing import active_headers, make_settings, sandbox_client

API = "/active/api/v1"


@pytest.fixture
def settings() -> SandboxSettings:
    return make_settings()


@pytest.fixture
def app(settings: SandboxSettings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
async def client(app: FastAPI, settings: SandboxSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app) as client:
        client.headers.update(active_headers(settings))
        yield client


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-key", "test-active-key"])
async def test_api_key_required(app: FastAPI, authorization: str | None) -> None:
    async with sandbox_client(app) as client:
        headers = {"Authorization": authorization} if authorization else {}
        response = await client.get(f"{API}/customers", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized"}


async def test_customer_paging(client: httpx.AsyncClient) -> None:
    seen: list[str] = []
    page: int | None = 1
    while page is not None:
        body = (await client.get(f"{API}/customers", params={"page": page, "page_size": 50})).json()
        assert (body["page"], body["page_size"], body["total"]) == (page, 50, 240)
        seen.extend(customer["id"] for customer in body["data"])
        page = body["next_page"]
    assert len(seen) == len(set(seen)) == 240
    first = (await client.get(f"{API}/customers")).json()
    assert first["data"][0] == {
        "id": "acme-corp",
        "name": "Acme Corp",
        "risk_score": 80,
        "usage_change_pct": -23.0,
    }
    assert first["page_size"] == 50 and first["next_page"] == 2
    beyond = (await client.get(f"{API}/customers", params={"page": 99})).json()
    assert beyond["data"] == [] and beyond["next_page"] is None


@pytest.mark.parametrize("params", [{"page_size": 201}, {"page_size": 0}, {"page": 0}, {"page": "two"}])
async def test_bad_paging_parameters(client: httpx.AsyncClient, params: dict[str, object]) -> None:
    response = await client.get(f"{API}/customers", params=params)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_usage_shape(client: httpx.AsyncClient) -> None:
    body = (await client.get(f"{API}/customers/acme-corp/usage", params={"weeks": 12})).json()
    assert body["customer_id"] == "acme-corp"
    assert set(body) == {"customer_id", "licensed_users", "weeks", "feature_adoption", "engagement"}
    weeks = [date.fromisoformat(w["week"]) for w in body["weeks"]]
    assert len(weeks) == 12 and all(w.weekday() == 0 for w in weeks)
    assert all(later - earlier == timedelta(days=7) for earlier, later in itertools.pairwise(weeks))
    assert set(body["feature_adoption"]) == {
        "dashboards",
        "reports",
        "integrations",
        "automations",
        "mobile_app",
    }
    engagement = body["engagement"]
    assert set(engagement) == {"last_meeting", "meeting_frequency", "qbr_status", "engagement_score", "nps"}
    assert engagement["engagement_score"] == 35


async def test_usage_series_follows_each_accounts_trend(client: httpx.AsyncClient, app: FastAPI) -> None:
    state: SandboxState = app.state.sandbox
    for account in state.data.accounts[:60]:
        body = (await client.get(f"{API}/customers/{account.key}/usage", params={"weeks": 8})).json()
        active = [w["active_users"] for w in body["weeks"]]
        assert all(0 <= a <= body["licensed_users"] for a in active)
        change = (fmean(active[4:]) / fmean(active[:4]) - 1) * 100
        assert change == pytest.approx(account.profile.trend_pct, abs=2.5), account.key


async def test_usage_history_is_stable_across_window_sizes(client: httpx.AsyncClient) -> None:
    short = (await client.get(f"{API}/customers/acme-corp/usage", params={"weeks": 4})).json()["weeks"]
    full = (await client.get(f"{API}/customers/acme-corp/usage", params={"weeks": 52})).json()["weeks"]
    assert len(full) == 52 and full[-4:] == short


@pytest.mark.parametrize("weeks", [0, 53])
async def test_usage_window_limits(client: httpx.AsyncClient, weeks: int) -> None:
    response = await client.get(f"{API}/customers/acme-corp/usage", params={"weeks": weeks})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


async def test_unknown_customer(client: httpx.AsyncClient) -> None:
    for path in ("/customers/no-such-co", "/customers/no-such-co/usage"):
        response = await client.get(API + path)
        assert (response.status_code, response.json()) == (404, {"error": "not_found"})
    unknown_route = await client.get(f"{API}/invoices")
    assert (unknown_route.status_code, unknown_route.json()) == (404, {"error": "not_found"})
