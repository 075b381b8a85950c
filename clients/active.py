"""Active (customer-intelligence platform) REST client: usage, engagement, customer list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from statistics import fmean
from typing import Self, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, Field

from clients.errors import MalformedResponseError
from clients.http import HttpClient, check_response, make_http_client, parse_model, send
from contracts.intelligence import Engagement, Usage, UsagePoint
from core.settings import Settings

SERVICE = "active"
CUSTOMERS_PAGE_SIZE = 200
TREND_WINDOW_WEEKS = 4

_PayloadT = TypeVar("_PayloadT", bound=BaseModel)


class _Week(BaseModel):
    week: date
    active_users: int = Field(ge=0)
    logins: int = Field(ge=0)


class _Engagement(BaseModel):
    last_meeting: date | None = None
    meeting_frequency: str | None = None
    qbr_status: str | None = None
    engagement_score: int | None = Field(None, ge=0, le=100)
    nps: int | None = None


class _UsagePayload(BaseModel):
    customer_id: str
    licensed_users: int = Field(ge=0)
    weeks: list[_Week]
    feature_adoption: dict[str, float] = Field(default_factory=dict)
    engagement: _Engagement


class ActiveCustomer(BaseModel):
    """A customer as Active lists it. `id` is the customer key shared with Salesforce."""

    id: str
    name: str
    risk_score: int | None = Field(None, ge=0, le=100)
    usage_change_pct: float | None = None


class _CustomersPage(BaseModel):
    data: list[ActiveCustomer]
    next_page: int | None = None


class UsageBundle(BaseModel):
    usage: Usage
    engagement: Engagement


def usage_trend(active_users: Sequence[int], window: int = TREND_WINDOW_WEEKS) -> float:
    """Percent change of the mean of the last `window` weeks vs the `window` before it,
    rounded to 0.1; `active_users` is oldest first. With less history both windows shrink
    to half of what there is. Under two weeks of history, or no users in either window:
    0.0. Growth from zero users is reported as +100.0 rather than infinity.
    """
    span = min(window, len(active_users) // 2)
    if span == 0:
        return 0.0
    recent = fmean(active_users[-span:])
    before = fmean(active_users[-2 * span : -span])
    if before == 0:
        return 100.0 if recent > 0 else 0.0
    return round((recent - before) / before * 100, 1)


def _usage(payload: _UsagePayload) -> Usage:
    weeks = sorted(payload.weeks, key=lambda w: w.week)  # promised oldest first; cheap to be sure
    active = weeks[-1].active_users if weeks else 0
    licensed = payload.licensed_users
    return Usage(
        active_users=active,
        licensed_users=licensed,
        utilization_rate=round(active / licensed, 4) if licensed else 0.0,
        trend=usage_trend([w.active_users for w in weeks]),
        feature_adoption=payload.feature_adoption,
        history=[UsagePoint(week=w.week, active_users=w.active_users, logins=w.logins) for w in weeks],
    )


def _engagement(payload: _Engagement) -> Engagement:
    # support_tickets stays 0 here: open tickets are Salesforce cases, merged by enrichment.
    return Engagement(
        last_meeting=payload.last_meeting,
        meeting_frequency=payload.meeting_frequency,
        qbr_status=payload.qbr_status,
        engagement_score=payload.engagement_score,
        nps=payload.nps,
    )


class ActiveClient(HttpClient):
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._http = make_http_client(
            base_url, timeout=timeout, headers={"Authorization": f"Bearer {api_key}"}, transport=transport
        )

    @classmethod
    def from_settings(cls, settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> Self:
        return cls(
            settings.active.base_url,
            settings.active.api_key.get_secret_value(),
            transport=transport,
            timeout=settings.downstream.http_timeout_s,
        )

    async def get_usage(self, customer_id: str, weeks: int = 12) -> UsageBundle:
        """Usage (weekly history, utilisation, trend) and engagement for one customer."""
        if weeks < 1:
            raise ValueError(f"weeks must be at least 1, got {weeks}")
        path = f"/api/v1/customers/{quote(customer_id, safe='')}/usage"
        payload = await self._get(path, {"weeks": weeks}, _UsagePayload)
        return UsageBundle(usage=_usage(payload), engagement=_engagement(payload.engagement))

    async def list_customers(self) -> list[ActiveCustomer]:
        """Every customer, following next_page until it is null."""
        customers: list[ActiveCustomer] = []
        page: int | None = 1
        while page is not None:
            result = await self._get(
                "/api/v1/customers", {"page": page, "page_size": CUSTOMERS_PAGE_SIZE}, _CustomersPage
            )
            customers.extend(result.data)
            if result.next_page is not None and result.next_page <= page:
                # A page number that does not advance would loop forever.
                raise MalformedResponseError(SERVICE, 200, f"next_page {result.next_page} after page {page}")
            page = result.next_page
        return customers

    async def _get(self, path: str, params: dict[str, int], model: type[_PayloadT]) -> _PayloadT:
        response = check_response(SERVICE, await send(self._http, SERVICE, "GET", path, params=params))
        return parse_model(SERVICE, response, model)
