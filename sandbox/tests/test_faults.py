"""Fault injection, rate limiting, stats and reset, shared by every simulated service."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from sandbox.app import create_app
from sandbox.ratelimit import RateLimiter
from sandbox.settings import SandboxSettings
from sandbox.testing import ADMIN, active_headers, make_settings, salesforce_headers, sandbox_client

QUERY = "/salesforce/services/data/v60.0/query"
CUSTOMERS = "/active/api/v1/customers"


@pytest.fixture
def settings() -> SandboxSettings:
    return make_settings()


@pytest.fixture
def app(settings: SandboxSettings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app) as client:
        yield client


@pytest.fixture
async def sf(client: httpx.AsyncClient, settings: SandboxSettings) -> dict[str, str]:
    return await salesforce_headers(client, settings)


async def set_faults(client: httpx.AsyncClient, faults: dict[str, dict[str, object]]) -> httpx.Response:
    response = await client.put("/_sandbox/faults", json=faults, headers=ADMIN)
    assert response.status_code == 200, response.text
    return response


async def sf_query(client: httpx.AsyncClient, auth: dict[str, str]) -> httpx.Response:
    return await client.get(QUERY, params={"q": "SELECT Id FROM User"}, headers=auth)


async def test_fail_next_fails_exactly_n_requests(client: httpx.AsyncClient, sf: dict[str, str]) -> None:
    await set_faults(client, {"salesforce": {"fail_next": 3}})
    statuses = [(await sf_query(client, sf)).status_code for _ in range(5)]
    assert statuses == [503, 503, 503, 200, 200]


async def test_faults_use_each_services_error_format(
    client: httpx.AsyncClient, sf: dict[str, str], settings: SandboxSettings
) -> None:
    await set_faults(client, {"salesforce": {"fail_next": 1}, "active": {"fail_next": 1}})
    salesforce = await sf_query(client, sf)
    assert salesforce.json() == [{"message": "Service temporarily unavailable", "errorCode": "SERVER_UNAVAILABLE"}]
    active = await client.get(CUSTOMERS, headers=active_headers(settings))
    assert active.status_code == 503
    assert active.json() == {"error": "service_unavailable", "message": "Service temporarily unavailable"}


async def test_rate_limit_next_with_retry_after(
    client: httpx.AsyncClient, sf: dict[str, str], settings: SandboxSettings
) -> None:
    await set_faults(client, {"active": {"rate_limit_next": 2, "retry_after_s": 7}})
    responses = [await client.get(CUSTOMERS, headers=active_headers(settings)) for _ in range(3)]
    assert [r.status_code for r in responses] == [429, 429, 200]
    assert responses[0].headers["Retry-After"] == "7"
    assert responses[0].json()["error"] == "rate_limited"
    assert (await sf_query(client, sf)).status_code == 200  # other services are unaffected


async def test_probabilistic_faults(client: httpx.AsyncClient, sf: dict[str, str]) -> None:
    await set_faults(client, {"salesforce": {"error_rate": 1.0, "error_status": 500}})
    response = await sf_query(client, sf)
    assert response.status_code == 500 and response.json()[0]["errorCode"] == "UNKNOWN_EXCEPTION"
    await set_faults(client, {"salesforce": {"error_rate": 0.0, "rate_limit_rate": 1.0, "retry_after_s": 3}})
    response = await sf_query(client, sf)
    assert response.status_code == 429 and response.headers["Retry-After"] == "3"
    assert response.json()[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    await set_faults(client, {"salesforce": {"error_rate": 0.5, "rate_limit_rate": 0.0}})
    statuses = {(await sf_query(client, sf)).status_code for _ in range(60)}
    assert statuses == {200, 500}  # error_status is still 500: updates merge


async def test_a_bad_request_fault(client: httpx.AsyncClient, sf: dict[str, str]) -> None:
    """Bad data, not an outage: the service refuses with a 400 that no retry can fix."""
    await set_faults(client, {"salesforce": {"error_rate": 1.0, "error_status": 400}})
    response = await sf_query(client, sf)
    assert response.status_code == 400 and response.headers["X-Sandbox-Fault"] == "injected"
    assert "refused as invalid" in response.text


async def test_latency(client: httpx.AsyncClient, sf: dict[str, str]) -> None:
    await set_faults(client, {"salesforce": {"latency_ms": 150, "latency_jitter_ms": 20}})
    started = time.perf_counter()
    assert (await sf_query(client, sf)).status_code == 200
    assert time.perf_counter() - started >= 0.125


async def test_faults_spare_the_admin_api_and_the_ui(client: httpx.AsyncClient) -> None:
    await set_faults(client, {"salesforce": {"error_rate": 1.0}, "active": {"error_rate": 1.0}})
    assert (await client.get("/_sandbox/stats", headers=ADMIN)).status_code == 200
    assert (await client.get("/")).status_code == 200


async def test_fault_settings_api(client: httpx.AsyncClient) -> None:
    faults = (await client.get("/_sandbox/faults", headers=ADMIN)).json()
    assert set(faults) == {"salesforce", "active", "clubos", "smtp"}
    assert faults["salesforce"] == {
        "error_rate": 0.0,
        "error_status": 503,
        "rate_limit_rate": 0.0,
        "retry_after_s": 1,
        "latency_ms": 0,
        "latency_jitter_ms": 0,
        "fail_next": 0,
        "rate_limit_next": 0,
    }
    merged = (await set_faults(client, {"salesforce": {"latency_ms": 50}})).json()
    merged = (await set_faults(client, {"salesforce": {"fail_next": 2}})).json()
    assert (merged["salesforce"]["latency_ms"], merged["salesforce"]["fail_next"]) == (50, 2)
    reset = (await client.delete("/_sandbox/faults", headers=ADMIN)).json()
    assert reset["salesforce"]["latency_ms"] == 0 and reset["salesforce"]["fail_next"] == 0


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"hubspot": {"fail_next": 1}}, 404),
        ({"salesforce": {"error_rate": 2}}, 422),
        ({"salesforce": {"error_status": 418}}, 422),
        ({"salesforce": {"explode": True}}, 422),
    ],
)
async def test_fault_settings_are_validated_all_or_nothing(
    client: httpx.AsyncClient, body: dict[str, object], status: int
) -> None:
    response = await client.put("/_sandbox/faults", json={"active": {"fail_next": 5}, **body}, headers=ADMIN)
    assert response.status_code == status
    assert (await client.get("/_sandbox/faults", headers=ADMIN)).json()["active"]["fail_next"] == 0


async def test_fault_api_needs_admin(client: httpx.AsyncClient) -> None:
    assert (await client.put("/_sandbox/faults", json={"salesforce": {"fail_next": 1}})).status_code == 401


async def test_rate_limit_per_credential() -> None:
    settings = make_settings(sandbox_rate_limit_per_s=2.0)
    async with sandbox_client(create_app(settings)) as client:
        first = await salesforce_headers(client, settings)
        second = await salesforce_headers(client, settings)
        statuses = [(await sf_query(client, first)).status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 200, 429]  # a burst of twice the rate, then limited
        limited = await sf_query(client, first)
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) >= 1
        assert limited.json()[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
        assert (await sf_query(client, second)).status_code == 200


def test_token_bucket_refills_over_time() -> None:
    now = [0.0]
    limiter = RateLimiter(rate_per_s=4, clock=lambda: now[0])
    assert [limiter.acquire("svc", "key") for _ in range(9)] == [None] * 8 + [1]
    now[0] += 0.25
    assert limiter.acquire("svc", "key") is None
    assert limiter.acquire("svc", "key") == 1
    assert limiter.acquire("other", "key") is None
    now[0] += 10
    assert [limiter.acquire("svc", "key") for _ in range(8)] == [None] * 8


async def test_stats_count_requests_per_service_endpoint_and_status(
    client: httpx.AsyncClient, sf: dict[str, str], settings: SandboxSettings
) -> None:
    await sf_query(client, sf)
    await client.get(QUERY, params={"q": "SELECT Id FROM User"})
    await client.get(CUSTOMERS, headers=active_headers(settings))
    await client.get(f"{CUSTOMERS}/nope", headers=active_headers(settings))
    await client.patch(
        "/salesforce/services/data/v60.0/sobjects/Task/Renubu_Key__c/k1", json={"Subject": "s"}, headers=sf
    )
    stats = (await client.get("/_sandbox/stats", headers=ADMIN)).json()
    requests = stats["requests"]
    assert requests["salesforce"]["GET /salesforce/services/data/{version}/query"] == {"200": 1, "401": 1}
    assert requests["salesforce"]["POST /salesforce/services/oauth2/token"] == {"200": 1}
    assert requests["active"]["GET /active/api/v1/customers"] == {"200": 1}
    assert requests["active"]["GET /active/api/v1/customers/{customer_id}"] == {"404": 1}
    assert stats["tasks_by_key"] == {"k1": {"records": 1, "inserts": 1, "updates": 0}}
    assert set(stats["deliveries"]) >= {"events", "attempts", "delivered", "failed"}


async def test_reset_regenerates_the_data(client: httpx.AsyncClient, sf: dict[str, str]) -> None:
    await client.patch("/_sandbox/salesforce/accounts/acme-corp", json={"name": "Renamed"}, headers=ADMIN)
    await client.post("/salesforce/services/data/v60.0/sobjects/Task", json={"Subject": "s"}, headers=sf)
    response = await client.post("/_sandbox/reset", headers=ADMIN)
    assert response.json() == {"seed": 42, "accounts": 240}
    query = "SELECT Name FROM Account WHERE Customer_Key__c = 'acme-corp'"
    account = (await client.get(QUERY, params={"q": query}, headers=sf)).json()
    assert account["records"][0]["Name"] == "Acme Corp"  # the token survived the reset
    tasks = (await client.get(QUERY, params={"q": "SELECT COUNT() FROM Task"}, headers=sf)).json()
    assert tasks["totalSize"] == 0
    stats = (await client.get("/_sandbox/stats", headers=ADMIN)).json()
    assert stats["tasks_by_key"] == {}
    other_seed = await client.post("/_sandbox/reset", json={"seed": 7}, headers=ADMIN)
    assert other_seed.json()["seed"] == 7
