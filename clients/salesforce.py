"""Salesforce REST client: OAuth2 client credentials, SOQL queries, Task upserts.

One instance is shared by many concurrent activities, so the access token is fetched
lazily under a lock and refreshed at most once per request when Salesforce reports an
expired session. Every other failure is raised typed (clients.errors) for Temporal's
retry policy to handle.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from datetime import date
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict, Field

from clients.errors import AuthError, MalformedResponseError, NotFoundError
from clients.http import (
    HttpClient,
    check_response,
    describe_error_body,
    make_http_client,
    parse_model,
    send,
    validate_payload,
)
from clients.salesforce_records import (
    ACCOUNTS_QUERY,
    CSM_QUERY,
    AccountBundle,
    AccountRecord,
    CaseRecord,
    ContactRecord,
    CsmRecord,
    OpportunityRecord,
    TaskResult,
    UserRecord,
    account_bundle,
    account_by_key_query,
    cases_query,
    contacts_query,
    csm,
    customer_info,
    opportunities_query,
)
from clients.soql import strip_attributes
from contracts.intelligence import CustomerInfo
from core.settings import Settings

SERVICE = "salesforce"
TOKEN_PATH = "/services/oauth2/token"  # noqa: S105 - a URL path, not a secret
EXPIRED_SESSION = "INVALID_SESSION_ID"

RecordT = TypeVar("RecordT", bound=BaseModel)


TASK_KEY_MAX = 80  # Renubu_Key__c is a Text(80) external id: longer values get 400 STRING_TOO_LONG
_DIGEST_CHARS = 32  # 128 bits of SHA-256: no collision among any realistic number of tasks


def task_external_key(key: str) -> str:
    """The Renubu_Key__c for an idempotency key: always the same for the same key, at most 80 characters.

    A key that fits is sent as it is, so tasks created before long keys were hashed keep their key
    (a retry still updates them). A longer key keeps a readable head (the renewal's workflow id,
    so the task is recognisable in Salesforce) and ends in a digest of the whole key, which is
    what makes it unique.
    """
    if len(key) <= TASK_KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:_DIGEST_CHARS]
    return f"{key[: TASK_KEY_MAX - _DIGEST_CHARS - 1]}~{digest}"


class _TokenGrant(BaseModel):
    access_token: str = Field(min_length=1)


class _QueryPage(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    done: bool
    records: list[dict[str, Any]]
    next_records_url: str | None = Field(None, alias="nextRecordsUrl")


class _UpsertReply(BaseModel):
    id: str = Field(min_length=1)


class SalesforceClient(HttpClient):
    def __init__(
        self,
        base_url: str,
        api_version: str,
        client_id: str,
        client_secret: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._http = make_http_client(base_url, timeout=timeout, transport=transport)
        self._data_path = f"/services/data/{api_version}"
        self._client_id = client_id
        self._client_secret = client_secret
        self._token: str | None = None
        self._token_lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> Self:
        return cls(
            settings.salesforce.base_url,
            settings.salesforce.api_version,
            settings.salesforce.client_id,
            settings.salesforce.client_secret.get_secret_value(),
            transport=transport,
            timeout=settings.downstream.http_timeout_s,
        )

    # -- queries -------------------------------------------------------------------

    async def query(self, soql: str) -> list[dict[str, Any]]:
        """All records of a SOQL query, following nextRecordsUrl, without `attributes`."""
        return [record async for page in self.query_pages(soql) for record in page]

    async def query_pages(self, soql: str, batch_size: int | None = None) -> AsyncIterator[list[dict[str, Any]]]:
        """One list of records per result page; `batch_size` is a hint (Salesforce: 200-2000)."""
        headers = {"Sforce-Query-Options": f"batchSize={batch_size}"} if batch_size else {}
        page = await self._query_page(f"{self._data_path}/query", params={"q": soql}, headers=headers)
        yield page.records
        while not page.done:
            next_url = page.next_records_url
            # Only follow paths on our own base URL: an absolute URL would take the
            # bearer token to another host.
            if not next_url or not next_url.startswith("/") or next_url.startswith("//"):
                raise MalformedResponseError(SERVICE, 200, f"query not done but nextRecordsUrl is {next_url!r}")
            page = await self._query_page(next_url, headers=headers)
            yield page.records

    async def get_account_bundle(self, customer_key: str) -> AccountBundle:
        """The Account with Customer_Key__c = customer_key, with contacts, opportunities and cases."""
        accounts = await self._records(AccountRecord, account_by_key_query(customer_key))
        if not accounts:
            raise NotFoundError(SERVICE, None, f"no Account with Customer_Key__c {customer_key!r}")
        account = accounts[0]
        try:
            async with asyncio.TaskGroup() as group:
                contacts = group.create_task(self._records(ContactRecord, contacts_query(account.id)))
                opportunities = group.create_task(self._records(OpportunityRecord, opportunities_query(account.id)))
                cases = group.create_task(self._records(CaseRecord, cases_query(account.id)))
        except ExceptionGroup as failures:
            # The group cancelled the other queries; surface the typed client error itself.
            raise failures.exceptions[0] from None
        return account_bundle(account, contacts.result(), opportunities.result(), cases.result())

    async def list_csms(self) -> list[CsmRecord]:
        return [csm(user) for user in await self._records(UserRecord, CSM_QUERY)]

    async def list_accounts(self) -> list[CustomerInfo]:
        accounts = await self._records(AccountRecord, ACCOUNTS_QUERY)
        return [customer_info(account) for account in accounts]

    # -- writes --------------------------------------------------------------------

    async def upsert_task(
        self,
        key: str,
        *,
        what_id: str,
        subject: str,
        description: str,
        activity_date: date,
        priority: str = "Normal",
        owner_id: str | None = None,
    ) -> TaskResult:
        """Create or update the Task whose Renubu_Key__c is `task_external_key(key)`; safe to repeat."""
        body: dict[str, Any] = {
            "WhatId": what_id,
            "Subject": subject,
            "Description": description,
            "ActivityDate": activity_date.isoformat(),
            "Priority": priority,
        }
        if owner_id is not None:
            body["OwnerId"] = owner_id
        external = task_external_key(key)
        path = f"{self._data_path}/sobjects/Task/Renubu_Key__c/{quote(external, safe='')}"
        response = await self._request("PATCH", path, json=body)
        reply = parse_model(SERVICE, response, _UpsertReply)
        return TaskResult(id=reply.id, created=response.status_code == 201)

    # -- plumbing ------------------------------------------------------------------

    async def _records(self, model: type[RecordT], soql: str) -> list[RecordT]:
        return [validate_payload(SERVICE, 200, model, record) for record in await self.query(soql)]

    async def _query_page(
        self, url: str, *, headers: dict[str, str], params: dict[str, str] | None = None
    ) -> _QueryPage:
        response = await self._request("GET", url, params=params, headers=headers)
        page = parse_model(SERVICE, response, _QueryPage)
        page.records = [strip_attributes(record) for record in page.records]
        return page

    async def _request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        async def attempt(token: str) -> httpx.Response:
            auth = {**(headers or {}), "Authorization": f"Bearer {token}"}
            return await send(self._http, SERVICE, method, url, params=params, json=json, headers=auth)

        token = await self._access_token()
        response = await attempt(token)
        if response.status_code == 401 and describe_error_body(response)[0] == EXPIRED_SESSION:
            # The one replay allowed in client code: the token expired (or was revoked)
            # between requests. Every request we send is safe to repeat (GETs and
            # upserts by external id).
            response = await attempt(await self._refresh_token(stale=token))
        return check_response(SERVICE, response)

    async def _access_token(self) -> str:
        if self._token is None:
            async with self._token_lock:
                if self._token is None:  # another task may have fetched it while we waited
                    self._token = await self._grant()
        return self._token

    async def _refresh_token(self, stale: str) -> str:
        async with self._token_lock:
            # Many requests can see the same expired token; only the first refreshes.
            if self._token is None or self._token == stale:
                self._token = await self._grant()
            return self._token

    async def _grant(self) -> str:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }
        response = await send(self._http, SERVICE, "POST", TOKEN_PATH, data=form)
        # OAuth answers bad credentials with 400 invalid_client / invalid_grant.
        if response.status_code in (400, 401, 403):
            code, detail = describe_error_body(response)
            raise AuthError(SERVICE, response.status_code, f"token request rejected: {detail}", code=code)
        return parse_model(SERVICE, check_response(SERVICE, response), _TokenGrant).access_token
