"""ClubOS (gym club management) REST client: members, prospects, messaging, door access, payments, inbox.

Writes with side effects take an idempotency key, sent as Idempotency-Key: ClubOS runs a request
once per key and answers a repeat with the first result, so a Temporal retry of an activity that
died after sending cannot send twice. Nothing here retries; failures are raised typed
(clients.errors) and a refused recipient as RecipientOptedOut, which callers usually record
rather than fail on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Self, TypeVar, Unpack
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from clients.clubos_models import (
    Campaign,
    CampaignRecipient,
    Channel,
    Conversation,
    DoorAccessEntry,
    DoorAccessResult,
    InboxMessage,
    InboxPage,
    Member,
    MemberFilters,
    PaymentLink,
    Prospect,
    ProspectFilters,
    SentMessage,
)
from clients.errors import ClientError, MalformedResponseError
from clients.http import HttpClient, make_http_client, parse_json, parse_model, send, service_error, validate_payload
from core.settings import Settings

SERVICE = "clubos"
PAGE_SIZE = 200  # the API's maximum
MAX_INBOX_LIMIT = 500
OPTED_OUT = "recipient_opted_out"

ModelT = TypeVar("ModelT", bound=BaseModel)
Params = Mapping[str, str | int | list[str]]


class RecipientOptedOut(ClientError):
    """422 recipient_opted_out: the member (or address) has opted out of this channel."""


def _filters(**values: object) -> dict[str, str | int | list[str]]:
    """Query parameters from the filters that were given; booleans the way the API spells them."""
    params: dict[str, str | int | list[str]] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            params[name] = "true" if value else "false"
        elif isinstance(value, datetime):
            params[name] = value.isoformat()
        elif isinstance(value, list | tuple):
            params[name] = [str(item) for item in value]
        elif isinstance(value, int | str):
            params[name] = value
        else:
            raise TypeError(f"unsupported filter {name}={value!r}")
    return params


def _key(idempotency_key: str) -> dict[str, str]:
    if not idempotency_key.strip():
        raise ValueError("idempotency_key must not be blank")
    return {"Idempotency-Key": idempotency_key}


class ClubOSClient(HttpClient):
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._http = make_http_client(base_url, timeout=timeout, headers={"X-Api-Key": api_key}, transport=transport)

    @classmethod
    def from_settings(cls, settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> Self:
        return cls(
            settings.clubos.base_url,
            settings.clubos.api_key.get_secret_value(),
            transport=transport,
            timeout=settings.downstream.http_timeout_s,
        )

    # -- members and prospects -------------------------------------------------------

    def iter_member_pages(self, **filters: Unpack[MemberFilters]) -> AsyncIterator[list[Member]]:
        """Members matching `filters`, one API page at a time, in id order."""
        return self._pages("/api/v1/members", _filters(**filters), Member)

    async def list_members(self, **filters: Unpack[MemberFilters]) -> list[Member]:
        """Every member matching `filters`, e.g. list_members(past_due=True, min_days_past_due=10)."""
        return [member async for page in self.iter_member_pages(**filters) for member in page]

    async def get_member(self, member_id: str) -> Member:
        return await self._get(f"/api/v1/members/{quote(member_id, safe='')}", Member)

    async def list_prospects(self, **filters: Unpack[ProspectFilters]) -> list[Prospect]:
        """Every prospect matching `filters`, oldest first."""
        pages = self._pages("/api/v1/prospects", _filters(**filters), Prospect)
        return [prospect async for page in pages for prospect in page]

    # -- messaging -------------------------------------------------------------------

    async def send_message(
        self,
        idempotency_key: str,
        *,
        channel: Channel,
        body: str,
        member_id: str | None = None,
        prospect_id: str | None = None,
        to: str | None = None,
        subject: str | None = None,
        opt_out_confirmation: bool = False,
    ) -> SentMessage:
        """Send one SMS or email to exactly one of member_id, prospect_id or `to` (a phone or an email).

        Raises RecipientOptedOut when the recipient opted out of `channel`.
        """
        payload = {"channel": channel, "body": body, "member_id": member_id, "prospect_id": prospect_id, "to": to}
        if subject is not None:
            payload["subject"] = subject
        if opt_out_confirmation:  # the one message allowed after STOP
            payload["purpose"] = "opt_out_confirmation"
        return await self._post("/api/v1/messages", payload, SentMessage, headers=_key(idempotency_key))

    async def get_message(self, message_id: str) -> SentMessage:
        """A sent message with its current delivery status."""
        return await self._get(f"/api/v1/messages/{quote(message_id, safe='')}", SentMessage)

    async def list_messages(
        self, *, member_id: str | None = None, prospect_id: str | None = None, to: str | None = None
    ) -> list[SentMessage]:
        """Messages sent through the API, newest first."""
        params = _filters(member_id=member_id, prospect_id=prospect_id, to=to)
        return [message async for page in self._pages("/api/v1/messages", params, SentMessage) for message in page]

    async def create_campaign(
        self,
        idempotency_key: str,
        *,
        name: str,
        channel: Channel,
        body: str,
        recipients: Sequence[CampaignRecipient],
        subject: str | None = None,
    ) -> Campaign:
        """A bulk send (at most 1,000 recipients) with a result per recipient; `{first_name}` is merged."""
        payload: dict[str, Any] = {
            "name": name,
            "channel": channel,
            "body": body,
            "recipients": [recipient.model_dump(exclude_none=True) for recipient in recipients],
        }
        if subject is not None:
            payload["subject"] = subject
        return await self._post("/api/v1/campaigns", payload, Campaign, headers=_key(idempotency_key))

    async def get_campaign(self, campaign_id: str) -> Campaign:
        return await self._get(f"/api/v1/campaigns/{quote(campaign_id, safe='')}", Campaign)

    # -- door access and payments ----------------------------------------------------

    async def set_door_access(
        self, idempotency_key: str, member_id: str, *, lock: bool, reason: str
    ) -> DoorAccessResult:
        path = f"/api/v1/members/{quote(member_id, safe='')}/door-access"
        payload = {"action": "lock" if lock else "unlock", "reason": reason}
        return await self._post(path, payload, DoorAccessResult, headers=_key(idempotency_key))

    async def door_access_log(self, member_id: str | None = None) -> list[DoorAccessEntry]:
        """Newest first."""
        pages = self._pages("/api/v1/door-access/log", _filters(member_id=member_id), DoorAccessEntry)
        return [entry async for page in pages for entry in page]

    async def create_payment_link(
        self, member_id: str, amount: Decimal | None = None, idempotency_key: str | None = None
    ) -> PaymentLink:
        """A link paying `amount` dollars (default: the whole past-due balance)."""
        path = f"/api/v1/members/{quote(member_id, safe='')}/payment-links"
        # A float carries two decimals exactly through JSON; ClubOS reads it back as the same cents.
        payload = {} if amount is None else {"amount": float(amount)}
        headers = _key(idempotency_key) if idempotency_key is not None else {}
        return await self._post(path, payload, PaymentLink, headers=headers)

    # -- inbox -----------------------------------------------------------------------

    async def inbox_page(self, after: str | None, limit: int = 200) -> InboxPage:
        """Messages (both directions) after the cursor `after`, oldest first; None starts at the beginning."""
        if not 1 <= limit <= MAX_INBOX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_INBOX_LIMIT}, got {limit}")
        params = _filters(after=after, limit=limit)
        return await self._get("/api/v1/inbox/messages", InboxPage, params=params)

    async def list_conversations(
        self, *, member_id: str | None = None, awaiting_reply: bool | None = None
    ) -> list[Conversation]:
        """Most recently active first; `awaiting_reply`: the member wrote last."""
        params = _filters(member_id=member_id, awaiting_reply=awaiting_reply)
        pages = self._pages("/api/v1/conversations", params, Conversation)
        return [conversation async for page in pages for conversation in page]

    async def conversation_messages(self, conversation_id: str) -> list[InboxMessage]:
        """The whole conversation, oldest first."""
        path = f"/api/v1/conversations/{quote(conversation_id, safe='')}/messages"
        return [message async for page in self._pages(path, {}, InboxMessage) for message in page]

    # -- plumbing --------------------------------------------------------------------

    async def _pages(self, path: str, params: Params, model: type[ModelT]) -> AsyncIterator[list[ModelT]]:
        page: int | None = 1
        while page is not None:
            body = parse_json(
                SERVICE, await self._request("GET", path, params={**params, "page": page, "page_size": PAGE_SIZE})
            )
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise MalformedResponseError(SERVICE, 200, f"{path}: expected a page with a data list")
            yield [validate_payload(SERVICE, 200, model, item) for item in body["data"]]
            next_page = body.get("next_page")
            if next_page is not None and (not isinstance(next_page, int) or next_page <= page):
                # A page number that does not advance would loop forever.
                raise MalformedResponseError(SERVICE, 200, f"{path}: next_page {next_page!r} after page {page}")
            page = next_page

    async def _get(self, path: str, model: type[ModelT], *, params: Params | None = None) -> ModelT:
        return parse_model(SERVICE, await self._request("GET", path, params=params), model)

    async def _post(
        self, path: str, payload: Mapping[str, Any], model: type[ModelT], *, headers: Mapping[str, str]
    ) -> ModelT:
        return parse_model(SERVICE, await self._request("POST", path, json=payload, headers=headers), model)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        response = await send(self._http, SERVICE, method, path, params=params, json=json, headers=headers)
        if response.is_success:
            return response
        error = service_error(SERVICE, response)
        if isinstance(error, ClientError) and error.code == OPTED_OUT:
            raise RecipientOptedOut(SERVICE, error.status, error.message, code=error.code)
        raise error
