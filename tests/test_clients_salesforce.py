"""SalesforceClient against an httpx.MockTransport that behaves like the Salesforce REST API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, unquote

import httpx
import pytest
from pydantic import SecretStr

from clients.errors import (
    AuthError,
    ClientError,
    MalformedResponseError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from clients.salesforce import SalesforceClient
from clients.soql import soql_literal, strip_attributes
from core.settings import Settings

BASE = "http://sandbox.test/salesforce"
DATA = "/salesforce/services/data/v60.0"


def _attrs(kind: str, record_id: str) -> dict[str, str]:
    return {"type": kind, "url": f"/services/data/v60.0/sobjects/{kind}/{record_id}"}


ACCOUNT: dict[str, Any] = {
    "attributes": _attrs("Account", "001A"),
    "Id": "001A",
    "Name": "Acme Corp",
    "Customer_Key__c": "acme",
    "Website": "https://www.acme.com/about",
    "Industry": "Manufacturing",
    "ARR__c": 180000.0,
    "Renewal_Date__c": "2026-03-01",
    "Account_Plan__c": "expand",
    "OwnerId": "005A",
    "Owner": {"attributes": _attrs("User", "005A"), "Name": "Jordan Lee", "Email": "jordan@renubu.test"},
}
CONTACTS: list[dict[str, Any]] = [
    {
        "attributes": _attrs("Contact", "003A"),
        "Id": "003A",
        "FirstName": "Dana",
        "LastName": "Whitfield",
        "Name": "Dana Whitfield",
        "Email": "dana@acme.test",
        "Title": "VP Operations",
        "Phone": "+1 555 0100",
    },
    {
        "attributes": _attrs("Contact", "003B"),
        "Id": "003B",
        "FirstName": "Sam",
        "LastName": "Ortiz",
        "Name": None,
        "Email": None,
        "Title": None,
        "Phone": None,
    },
]


def _opp(opp_id: str, stage: str, amount: float, close: str, kind: str) -> dict[str, Any]:
    return {
        "attributes": _attrs("Opportunity", opp_id),
        "Id": opp_id,
        "Name": f"Acme {kind} {close[:4]}",
        "StageName": stage,
        "Amount": amount,
        "CloseDate": close,
        "Type": kind,
    }


OPPORTUNITIES = [
    _opp("006A", "Closed Won", 150000.0, "2024-03-01", "Renewal"),
    _opp("006B", "Closed Won", 20000.0, "2024-09-15", "Expansion"),
    _opp("006C", "Closed Won", 170000.0, "2025-03-01", "Renewal"),
    _opp("006D", "Closed Won", 180000.0, "2025-06-01", "Renewal"),  # restated later the same year
    _opp("006E", "Negotiation", 190000.0, "2026-03-01", "Renewal"),
]
CASES: list[dict[str, Any]] = [
    {
        "attributes": _attrs("Case", "500A"),
        "Id": "500A",
        "Subject": "Dashboards time out",
        "Status": "Escalated",
        "Priority": "High",
        "CreatedDate": "2026-01-10T09:00:00.000+0000",
        "ClosedDate": None,
    },
    {
        "attributes": _attrs("Case", "500B"),
        "Id": "500B",
        "Subject": "SSO setup",
        "Status": "Closed",
        "Priority": "Low",
        "CreatedDate": "2025-12-01T09:00:00.000+0000",
        "ClosedDate": "2025-12-02T21:00:00.000+0000",
    },
]
USERS: list[dict[str, Any]] = [
    {
        "attributes": _attrs("User", "005A"),
        "Id": "005A",
        "Name": "Jordan Lee",
        "Email": "jordan@renubu.test",
        "Title": "Customer Success Manager",
        "Experience_Level__c": "senior",
    },
    {
        "attributes": _attrs("User", "005B"),
        "Id": "005B",
        "Name": "Riley Chen",
        "Email": "riley@renubu.test",
        "Title": "Customer Success Manager",
        "Experience_Level__c": None,
    },
]


TASK_DAY = date(2026, 2, 1)


def _sf_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=[{"message": message, "errorCode": code}], headers=headers)


class FakeSalesforce:
    """Token grants, SOQL routed by object name, paging by nextRecordsUrl, Task upserts."""

    def __init__(self, page_size: int = 2000) -> None:
        self.page_size = page_size
        self.grants = 0
        self.valid_tokens: set[str] = set()
        self.requests: list[httpx.Request] = []
        self.cursors: dict[str, list[dict[str, Any]]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.accounts = [ACCOUNT]
        self.override: Callable[[httpx.Request], httpx.Response | None] | None = None

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.override is not None and (response := self.override(request)) is not None:
            return response
        path = request.url.path
        if path == "/salesforce/services/oauth2/token":
            return self._grant(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.valid_tokens:
            return _sf_error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        if path == f"{DATA}/query":
            return self._page(self._select(request.url.params["q"]))
        if path.startswith(f"{DATA}/query/"):
            return self._page(self.cursors.pop(path.rsplit("/", 1)[1]))
        if path.startswith(f"{DATA}/sobjects/Task/Renubu_Key__c/") and request.method == "PATCH":
            key = unquote(request.url.raw_path.decode().rsplit("/", 1)[1])
            if len(key) > 80:  # Renubu_Key__c is Text(80), as in the real org
                message = f"Renubu_Key__c: data value too large: {key} (max length=80)"
                return httpx.Response(400, json=[{"message": message, "errorCode": "STRING_TOO_LONG"}])
            created = key not in self.tasks
            self.tasks[key] = json.loads(request.content)
            return httpx.Response(201 if created else 200, json={"id": "00T" + key[:6], "success": True})
        return _sf_error(404, "NOT_FOUND", f"no route for {path}")

    def _grant(self, request: httpx.Request) -> httpx.Response:
        form = parse_qs(request.content.decode())
        if form.get("client_secret") != ["secret"]:
            return httpx.Response(400, json={"error": "invalid_client", "error_description": "bad secret"})
        assert form["grant_type"] == ["client_credentials"] and form["client_id"] == ["renubu"]
        self.grants += 1
        token = f"tok-{self.grants}"
        self.valid_tokens.add(token)
        return httpx.Response(200, json={"access_token": token, "instance_url": BASE, "token_type": "Bearer"})

    def _select(self, soql: str) -> list[dict[str, Any]]:
        if " FROM Account WHERE Customer_Key__c = " in soql:
            return [a for a in self.accounts if soql_literal(a["Customer_Key__c"]) in soql]
        table = {
            "Account": self.accounts,
            "Contact": CONTACTS,
            "Opportunity": OPPORTUNITIES,
            "Case": CASES,
            "User": USERS,
        }
        sobject = soql.split(" FROM ", 1)[1].split()[0]
        return table[sobject]

    def _page(self, records: list[dict[str, Any]]) -> httpx.Response:
        head, rest = records[: self.page_size], records[self.page_size :]
        body: dict[str, Any] = {"totalSize": len(records), "done": not rest, "records": head}
        if rest:
            cursor = f"01gCURSOR{len(self.cursors)}-{len(head)}"
            self.cursors[cursor] = rest
            body["nextRecordsUrl"] = f"/services/data/v60.0/query/{cursor}"
        return httpx.Response(200, json=body)


def _client(fake: FakeSalesforce, secret: str = "secret") -> SalesforceClient:
    return SalesforceClient(BASE, "v60.0", "renubu", secret, transport=fake.transport())


def _queries(fake: FakeSalesforce) -> list[httpx.Request]:
    return [r for r in fake.requests if "/query" in r.url.path]


async def test_token_is_fetched_once_and_shared_by_concurrent_requests() -> None:
    fake = FakeSalesforce()
    async with _client(fake) as sf:
        await asyncio.gather(*(sf.query("SELECT Id FROM Contact") for _ in range(5)))
        await sf.query("SELECT Id FROM Contact")
    assert fake.grants == 1
    assert {r.headers["Authorization"] for r in _queries(fake)} == {"Bearer tok-1"}
    assert all(r.headers["User-Agent"] == "renubu/0.1" for r in fake.requests)


async def test_query_follows_next_records_url_and_strips_attributes() -> None:
    fake = FakeSalesforce(page_size=2)
    async with _client(fake) as sf:
        records = await sf.query("SELECT Id, Name FROM Opportunity")
    assert [r["Id"] for r in records] == ["006A", "006B", "006C", "006D", "006E"]
    assert all("attributes" not in r for r in records)
    paths = [r.url.path for r in _queries(fake)]
    assert paths[0] == f"{DATA}/query" and paths[1].startswith(f"{DATA}/query/01gCURSOR")
    assert len(paths) == 3


async def test_query_pages_yields_each_page_and_sends_batch_size() -> None:
    fake = FakeSalesforce(page_size=2)
    async with _client(fake) as sf:
        pages = [page async for page in sf.query_pages("SELECT Id FROM Opportunity", batch_size=200)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert {r.headers["Sforce-Query-Options"] for r in _queries(fake)} == {"batchSize=200"}


async def test_absolute_next_records_url_is_refused() -> None:
    fake = FakeSalesforce()
    fake.override = lambda r: (
        httpx.Response(200, json={"done": False, "records": [], "nextRecordsUrl": "https://evil.test/x"})
        if r.url.path.endswith("/query")
        else None
    )
    async with _client(fake) as sf:
        with pytest.raises(MalformedResponseError, match="nextRecordsUrl"):
            await sf.query("SELECT Id FROM Contact")


def test_strip_attributes_recurses_into_relationships_and_subqueries() -> None:
    record = {
        "attributes": {"type": "Account"},
        "Owner": {"attributes": {"type": "User"}, "Name": "Jordan"},
        "Contacts": {"records": [{"attributes": {}, "Id": "003A"}]},
    }
    assert strip_attributes(record) == {
        "Owner": {"Name": "Jordan"},
        "Contacts": {"records": [{"Id": "003A"}]},
    }


async def test_expired_session_is_refreshed_once_and_the_request_replayed() -> None:
    fake = FakeSalesforce()
    async with _client(fake) as sf:
        await sf.query("SELECT Id FROM Contact")
        fake.valid_tokens.clear()  # the session expires server-side
        records = await sf.query("SELECT Id FROM Contact")
    assert len(records) == 2
    assert fake.grants == 2
    assert [r.headers["Authorization"] for r in _queries(fake)] == [
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-2",
    ]


async def test_second_401_after_refresh_is_an_auth_error() -> None:
    fake = FakeSalesforce()
    fake.override = lambda r: (
        _sf_error(401, "INVALID_SESSION_ID", "Session expired or invalid") if "/query" in r.url.path else None
    )
    async with _client(fake) as sf:
        with pytest.raises(AuthError) as caught:
            await sf.query("SELECT Id FROM Contact")
    assert caught.value.status == 401 and caught.value.code == "INVALID_SESSION_ID"
    assert fake.grants == 2 and len(_queries(fake)) == 2


async def test_rejected_client_credentials_are_an_auth_error() -> None:
    fake = FakeSalesforce()
    async with _client(fake, secret="wrong") as sf:
        with pytest.raises(AuthError, match="bad secret"):
            await sf.query("SELECT Id FROM Contact")
    assert not _queries(fake)


async def test_rate_limit_carries_retry_after() -> None:
    fake = FakeSalesforce()
    fake.override = lambda r: (
        _sf_error(429, "REQUEST_LIMIT_EXCEEDED", "Too many requests", {"Retry-After": "7"})
        if "/query" in r.url.path
        else None
    )
    async with _client(fake) as sf:
        with pytest.raises(RateLimitedError) as caught:
            await sf.query("SELECT Id FROM Contact")
    assert caught.value.retry_after == 7.0 and caught.value.service == "salesforce"


async def test_503_and_connection_failures_are_server_errors() -> None:
    fake = FakeSalesforce()
    fake.override = lambda r: httpx.Response(503, text="unavailable") if "/query" in r.url.path else None
    async with _client(fake) as sf:
        with pytest.raises(ServerError) as caught:
            await sf.query("SELECT Id FROM Contact")
    assert caught.value.status == 503

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with SalesforceClient(BASE, "v60.0", "renubu", "secret", transport=httpx.MockTransport(refuse)) as sf:
        with pytest.raises(ServerError, match="ConnectError") as caught:
            await sf.query("SELECT Id FROM Contact")
    assert caught.value.status is None


async def test_malformed_query_is_a_client_error_with_the_error_code() -> None:
    fake = FakeSalesforce()
    fake.override = lambda r: (
        _sf_error(400, "MALFORMED_QUERY", "unexpected token: FORM") if "/query" in r.url.path else None
    )
    async with _client(fake) as sf:
        with pytest.raises(ClientError) as caught:
            await sf.query("SELECT Id FORM Contact")
    assert caught.value.code == "MALFORMED_QUERY"
    assert "MALFORMED_QUERY: unexpected token: FORM" in str(caught.value)


async def test_non_json_success_body_is_malformed() -> None:
    fake = FakeSalesforce()
    fake.override = lambda r: httpx.Response(200, text="<html>maintenance</html>") if "/query" in r.url.path else None
    async with _client(fake) as sf:
        with pytest.raises(MalformedResponseError):
            await sf.query("SELECT Id FROM Contact")


def test_soql_literal_escapes_quote_and_backslash() -> None:
    assert soql_literal("o'brien\\") == "'o\\'brien\\\\'"
    assert soql_literal("a\nb") == "'a\\nb'"
    assert soql_literal("plain") == "'plain'"


async def test_untrusted_customer_key_is_escaped_in_soql() -> None:
    fake = FakeSalesforce()
    async with _client(fake) as sf:
        with pytest.raises(NotFoundError):
            await sf.get_account_bundle("o'brien\\' OR Name != '")
    soql = _queries(fake)[0].url.params["q"]
    assert soql.endswith("WHERE Customer_Key__c = 'o\\'brien\\\\\\' OR Name != \\'' LIMIT 1")


async def test_get_account_bundle_maps_into_customer_context_types() -> None:
    fake = FakeSalesforce(page_size=3)
    async with _client(fake) as sf:
        bundle = await sf.get_account_bundle("acme")

    customer = bundle.customer
    assert (customer.id, customer.name, customer.salesforce_id) == ("acme", "Acme Corp", "001A")
    assert (customer.domain, customer.industry, customer.arr) == ("acme.com", "Manufacturing", 180000.0)
    assert customer.renewal_date == date(2026, 3, 1)
    assert (customer.account_plan, customer.owner, customer.owner_email) == (
        "expand",
        "Jordan Lee",
        "jordan@renubu.test",
    )

    contacts = bundle.salesforce.contacts
    assert [c.name for c in contacts] == ["Dana Whitfield", "Sam Ortiz"]  # Name missing: first + last
    assert (contacts[0].title, contacts[0].email, contacts[0].phone) == (
        "VP Operations",
        "dana@acme.test",
        "+1 555 0100",
    )

    opportunities = bundle.salesforce.opportunities
    assert [o.stage for o in opportunities][:2] == ["Closed Won", "Closed Won"]
    assert opportunities[-1].close_date == date(2026, 3, 1) and opportunities[-1].type == "Renewal"

    escalated, closed = bundle.salesforce.cases
    assert (escalated.subject, escalated.status, escalated.priority) == (
        "Dashboards time out",
        "Escalated",
        "High",
    )
    assert escalated.created == datetime(2026, 1, 10, 9, tzinfo=UTC) and escalated.closed is None
    assert closed.closed == datetime(2025, 12, 2, 21, tzinfo=UTC)

    assert bundle.financials.current_arr == 180000.0
    assert bundle.financials.arr_history == [{"year": 2024, "arr": 150000.0}, {"year": 2025, "arr": 180000.0}]
    assert bundle.model_dump(mode="json")["financials"]["currentARR"] == 180000.0

    by_object = {r.url.params["q"].split(" FROM ")[1].split()[0] for r in _queries(fake) if "q" in r.url.params}
    assert by_object == {"Account", "Contact", "Opportunity", "Case"}
    assert "WHERE AccountId = '001A' ORDER BY CloseDate" in _soql_for(fake, "Opportunity")
    assert "WHERE AccountId = '001A' ORDER BY CreatedDate DESC" in _soql_for(fake, "Case")


def _soql_for(fake: FakeSalesforce, sobject: str) -> str:
    soqls = [str(r.url.params.get("q", "")) for r in _queries(fake)]
    return next(soql for soql in soqls if f" FROM {sobject} " in soql)


async def test_unknown_account_is_not_found() -> None:
    async with _client(FakeSalesforce()) as sf:
        with pytest.raises(NotFoundError, match="nobody"):
            await sf.get_account_bundle("nobody")


async def test_list_csms_maps_users() -> None:
    fake = FakeSalesforce()
    async with _client(fake) as sf:
        csms = await sf.list_csms()
    assert [(c.salesforce_id, c.name, c.email, c.experience) for c in csms] == [
        ("005A", "Jordan Lee", "jordan@renubu.test", "senior"),
        ("005B", "Riley Chen", "riley@renubu.test", "mid"),
    ]
    assert _queries(fake)[0].url.params["q"] == (
        "SELECT Id, Name, Email, Title, Experience_Level__c FROM User"
        " WHERE IsActive = true AND Title = 'Customer Success Manager'"
    )


async def test_list_accounts_pages_through_all_accounts() -> None:
    fake = FakeSalesforce(page_size=1)
    fake.accounts = [
        ACCOUNT,
        {**ACCOUNT, "Id": "001B", "Name": "Beta", "Customer_Key__c": "beta", "Owner": None},
    ]
    async with _client(fake) as sf:
        accounts = await sf.list_accounts()
    assert [(a.id, a.name, a.owner) for a in accounts] == [
        ("acme", "Acme Corp", "Jordan Lee"),
        ("beta", "Beta", None),
    ]


async def test_upsert_task_creates_then_updates_by_external_id() -> None:
    fake = FakeSalesforce()
    async with _client(fake) as sf:
        kwargs: dict[str, Any] = {
            "what_id": "001A",
            "subject": "Renewal call",
            "description": "Agenda attached",
            "activity_date": date(2026, 2, 1),
        }
        first = await sf.upsert_task("wf/acme 1", **kwargs, owner_id="005A")
        second = await sf.upsert_task("wf/acme 1", **kwargs, priority="High")
    assert first.created and not second.created and first.id == second.id
    patch = next(r for r in fake.requests if r.method == "PATCH")
    assert patch.url.raw_path.decode() == f"{DATA}/sobjects/Task/Renubu_Key__c/wf%2Facme%201"
    assert json.loads(patch.content) == {
        "WhatId": "001A",
        "Subject": "Renewal call",
        "Description": "Agenda attached",
        "ActivityDate": "2026-02-01",
        "Priority": "Normal",
        "OwnerId": "005A",
    }
    assert fake.tasks["wf/acme 1"]["Priority"] == "High"


async def test_a_long_key_is_sent_within_the_80_character_limit_and_stays_idempotent() -> None:
    fake = FakeSalesforce()
    key = "renewal-silverline-manufacturing-2026-12-01:emergency-renewal:executive-escalation:scheduleCall:1"
    kwargs: dict[str, Any] = {"what_id": "001A", "subject": "Call", "description": "", "activity_date": TASK_DAY}
    async with _client(fake) as sf:
        first = await sf.upsert_task(key, **kwargs)
        second = await sf.upsert_task(key, **kwargs)
        other = await sf.upsert_task(key[:-1] + "2", **kwargs)
    assert first.created and not second.created and other.created
    assert len(fake.tasks) == 2 and all(len(k) <= 80 for k in fake.tasks)
    assert all(k.startswith("renewal-silverline-manufacturing-2026-12-01:") for k in fake.tasks)


async def test_the_fake_rejects_a_key_longer_than_salesforce_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake enforces Salesforce's limit: the old client, which sent the raw key, fails here."""
    monkeypatch.setattr("clients.salesforce.task_external_key", lambda key: key)
    fake = FakeSalesforce()
    kwargs: dict[str, Any] = {"what_id": "001A", "subject": "Call", "description": "", "activity_date": TASK_DAY}
    async with _client(fake) as sf:
        with pytest.raises(ClientError, match="STRING_TOO_LONG"):
            await sf.upsert_task("k" * 81, **kwargs)
        await sf.upsert_task("k" * 80, **kwargs)
    assert list(fake.tasks) == ["k" * 80]


async def test_from_settings_uses_the_salesforce_settings() -> None:
    fake = FakeSalesforce()
    settings = Settings(
        salesforce={"base_url": BASE, "client_id": "renubu", "client_secret": SecretStr("secret")},
    )
    async with SalesforceClient.from_settings(settings, transport=fake.transport()) as sf:
        records = await sf.query("SELECT Id FROM Contact")
    assert records[0]["Id"] == "003A"
