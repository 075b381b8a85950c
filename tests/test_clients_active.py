"""ActiveClient against an httpx.MockTransport emulating Active's REST API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from clients.active import ActiveClient, usage_trend
from clients.errors import AuthError, MalformedResponseError, NotFoundError, RateLimitedError, ServerError

BASE = "http://sandbox.test/active"
ACTIVE_USERS = [80, 82, 81, 79, 80, 78, 80, 82, 64, 62, 60, 58]  # oldest first


def _usage_payload(active_users: list[int] = ACTIVE_USERS) -> dict[str, Any]:
    start = date(2025, 11, 3)
    return {
        "customer_id": "acme",
        "licensed_users": 120,
        "weeks": [
            {"week": (start + timedelta(weeks=i)).isoformat(), "active_users": n, "logins": n * 4}
            for i, n in enumerate(active_users)
        ],
        "feature_adoption": {"dashboards": 0.62, "alerts": 0.12, "api": 0.05},
        "engagement": {
            "last_meeting": "2026-01-05",
            "meeting_frequency": "quarterly",
            "qbr_status": "overdue",
            "engagement_score": 38,
            "nps": -10,
        },
    }


class FakeActive:
    def __init__(self, customers: int = 0) -> None:
        self.requests: list[httpx.Request] = []
        self.customers = [
            {"id": f"cust-{i:03d}", "name": f"Customer {i}", "risk_score": 40, "usage_change_pct": -3.5}
            for i in range(customers)
        ]
        self.usage: dict[str, Any] = _usage_payload()

    def client(self, api_key: str = "active-key") -> ActiveClient:
        return ActiveClient(BASE, api_key, transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.headers.get("Authorization") != "Bearer active-key":
            return httpx.Response(401, json={"error": "unauthorized"})
        path = request.url.path
        if path == "/active/api/v1/customers":
            page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
            chunk = self.customers[(page - 1) * size : page * size]
            more = page * size < len(self.customers)
            return httpx.Response(200, json={"data": chunk, "next_page": page + 1 if more else None})
        if path == "/active/api/v1/customers/acme/usage":
            return httpx.Response(200, json=self.usage)
        return httpx.Response(404, json={"error": "not_found", "message": f"no customer at {path}"})


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ([80, 82, 81, 79, 64, 62, 60, 58], -24.2),  # mean 80.5 -> 61.0
        ([10, 10, 10, 10, 11, 11, 11, 11], 10.0),
        ([5, 5, 5, 5, 5, 5, 5, 5], 0.0),
        ([1, 2, 100, 100, 100, 100, 100, 100, 100, 110], 2.5),  # only the last 8 weeks count
        ([10, 20], 100.0),  # under 8 weeks: compare the halves there are
        ([10, 20, 30], 50.0),  # odd length: the oldest week is left out
        ([42], 0.0),
        ([], 0.0),
        ([0, 0, 0, 0, 3, 3, 3, 3], 100.0),  # growth from nothing is reported as +100%
        ([0, 0, 0, 0, 0, 0, 0, 0], 0.0),
        ([3, 3, 3, 3, 0, 0, 0, 0], -100.0),
        ([30, 30, 30, 30, 29, 29, 29, 30], -2.5),  # rounded to 0.1
    ],
)
def test_usage_trend(series: list[int], expected: float) -> None:
    assert usage_trend(series) == expected


async def test_get_usage_builds_usage_and_engagement() -> None:
    fake = FakeActive()
    async with fake.client() as active:
        bundle = await active.get_usage("acme", weeks=12)

    usage = bundle.usage
    assert (usage.active_users, usage.licensed_users) == (58, 120)
    assert usage.utilization_rate == pytest.approx(58 / 120, abs=1e-4)
    assert usage.trend == -23.8  # last 4 weeks average 61.0, the 4 before 80.0
    assert usage.feature_adoption == {"dashboards": 0.62, "alerts": 0.12, "api": 0.05}
    assert [p.active_users for p in usage.history] == ACTIVE_USERS
    assert usage.history[0].week == date(2025, 11, 3) and usage.history[0].logins == 320

    engagement = bundle.engagement
    assert engagement.last_meeting == date(2026, 1, 5)
    assert (engagement.meeting_frequency, engagement.qbr_status) == ("quarterly", "overdue")
    assert (engagement.engagement_score, engagement.nps) == (38, -10)

    request = fake.requests[0]
    assert request.url.path == "/active/api/v1/customers/acme/usage"
    assert request.url.params["weeks"] == "12"
    assert request.headers["Authorization"] == "Bearer active-key"
    assert request.headers["User-Agent"] == "renubu/0.1"


async def test_weeks_out_of_order_are_sorted_before_computing() -> None:
    fake = FakeActive()
    fake.usage["weeks"] = list(reversed(fake.usage["weeks"]))
    async with fake.client() as active:
        bundle = await active.get_usage("acme")
    assert bundle.usage.active_users == 58 and bundle.usage.trend == -23.8


async def test_customer_id_is_escaped_in_the_path() -> None:
    fake = FakeActive()
    async with fake.client() as active:
        with pytest.raises(NotFoundError, match="no customer"):
            await active.get_usage("../admin?x=1")
    assert fake.requests[0].url.raw_path.decode() == "/active/api/v1/customers/..%2Fadmin%3Fx%3D1/usage?weeks=12"


async def test_unexpected_usage_payload_is_malformed() -> None:
    fake = FakeActive()
    del fake.usage["licensed_users"]
    async with fake.client() as active:
        with pytest.raises(MalformedResponseError, match="licensed_users"):
            await active.get_usage("acme")


async def test_list_customers_follows_next_page() -> None:
    fake = FakeActive(customers=450)
    async with fake.client() as active:
        customers = await active.list_customers()
    assert len(customers) == 450 and customers[-1].id == "cust-449" and customers[0].name == "Customer 0"
    assert (customers[0].risk_score, customers[0].usage_change_pct) == (40, -3.5)
    assert [r.url.params["page"] for r in fake.requests] == ["1", "2", "3"]
    assert {r.url.params["page_size"] for r in fake.requests} == {"200"}


async def test_active_error_bodies_map_to_typed_errors() -> None:
    async with FakeActive().client(api_key="wrong") as active:
        with pytest.raises(AuthError, match="unauthorized"):
            await active.list_customers()

    def limited(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, json={"error": "slow down"}, headers={"Retry-After": "2.5"})

    async with ActiveClient(BASE, "k", transport=httpx.MockTransport(limited)) as active:
        with pytest.raises(RateLimitedError) as caught:
            await active.get_usage("acme")
    assert caught.value.retry_after == 2.5 and caught.value.message == "slow down"

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    async with ActiveClient(BASE, "k", transport=httpx.MockTransport(timeout)) as active:
        with pytest.raises(ServerError, match="ReadTimeout"):
            await active.get_usage("acme")
