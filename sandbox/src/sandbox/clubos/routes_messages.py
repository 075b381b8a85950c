"""ClubOS's messaging API: single sends, campaigns, the sent log, the inbox feed and conversations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.responses import JSONResponse

from sandbox.clubos.api import Club, Page, PageSize, RequiredKey, api_router, json_body, paged, written
from sandbox.clubos.campaigns import Campaign
from sandbox.clubos.idempotency import fingerprint
from sandbox.clubos.inbox import InboxMessage, InvalidCursorError, decode_cursor, encode_cursor
from sandbox.clubos.messaging import SentMessage
from sandbox.clubos.schemas import CampaignRequest, SendMessageRequest
from sandbox.clubos.spec import CLUBOS, clubos_error

MAX_INBOX_LIMIT = 500
router = api_router()


@router.post("/messages")
async def send_message(
    club: Club, key: RequiredKey, body: Annotated[SendMessageRequest, Depends(json_body(SendMessageRequest))]
) -> JSONResponse:
    def send() -> SentMessage:
        return club.messenger.send(
            body.channel,
            body.body,
            subject=body.subject,
            member_id=body.member_id,
            prospect_id=body.prospect_id,
            to=body.to,
            idempotency_key=key,
            opt_out_confirmation=body.purpose == "opt_out_confirmation",
        )

    message, replayed = club.idempotency.run("messages", key, fingerprint(body.model_dump()), send)
    return written(message.as_dict(club.now()), replayed=replayed)


@router.get("/messages")
async def list_messages(
    club: Club,
    page: Page = 1,
    page_size: PageSize = 50,
    member_id: str | None = None,
    prospect_id: str | None = None,
    to: str | None = None,
) -> dict[str, Any]:
    """Messages sent through the API (single and campaign), newest first."""
    now = club.now()
    found = club.messenger.find(member_id=member_id, prospect_id=prospect_id, to=to)
    return paged(found, page, page_size, lambda message: message.as_dict(now))


@router.get("/messages/{message_id}")
async def get_message(club: Club, message_id: str) -> dict[str, Any]:
    message = club.messenger.get(message_id)
    if message is None:
        raise CLUBOS.error(404, f"No message {message_id!r}")
    return message.as_dict(club.now())


@router.post("/campaigns")
async def create_campaign(
    club: Club, key: RequiredKey, body: Annotated[CampaignRequest, Depends(json_body(CampaignRequest))]
) -> JSONResponse:
    def create() -> Campaign:
        return club.campaigns.create(
            body.name,
            body.channel,
            body.body,
            [(recipient.member_id, recipient.prospect_id) for recipient in body.recipients],
            subject=body.subject,
            idempotency_key=key,
        )

    campaign, replayed = club.idempotency.run("campaigns", key, fingerprint(body.model_dump()), create)
    return written(campaign.as_dict(), replayed=replayed)


@router.get("/campaigns")
async def list_campaigns(club: Club, page: Page = 1, page_size: PageSize = 50) -> dict[str, Any]:
    """Newest first, with totals but without per-recipient results."""
    campaigns = club.campaigns.campaigns[::-1]
    return paged(campaigns, page, page_size, lambda campaign: campaign.as_dict(with_results=False))


@router.get("/campaigns/{campaign_id}")
async def get_campaign(club: Club, campaign_id: str) -> dict[str, Any]:
    campaign = club.campaigns.get(campaign_id)
    if campaign is None:
        raise CLUBOS.error(404, f"No campaign {campaign_id!r}")
    return campaign.as_dict()


@router.get("/inbox/messages")
async def inbox_messages(
    club: Club, after: str | None = None, limit: Annotated[int, Query(ge=1, le=MAX_INBOX_LIMIT)] = 100
) -> dict[str, Any]:
    """Every message, inbound and outbound, in arrival order after the cursor `after` (from the start
    without one). Poll with the returned next_cursor to get each message exactly once."""
    try:
        seq = 0 if after is None else decode_cursor(after)
    except InvalidCursorError:
        raise clubos_error(400, "invalid_cursor", "'after' is not a cursor this API returned") from None
    messages, has_more = club.inbox.after(seq, limit)
    return {
        "data": [message.as_dict() for message in messages],
        # With nothing new, hand back the same position, so a poller never has to special-case it.
        "next_cursor": messages[-1].cursor if messages else encode_cursor(seq),
        "has_more": has_more,
    }


@router.get("/conversations")
async def list_conversations(
    club: Club,
    page: Page = 1,
    page_size: PageSize = 50,
    member_id: str | None = None,
    awaiting_reply: bool | None = None,
) -> dict[str, Any]:
    """Most recently active first; `awaiting_reply`: the member wrote last."""
    found = [
        conversation
        for conversation in club.inbox.conversations(member_id)
        if awaiting_reply is None or (conversation.messages[-1].direction == "inbound") == awaiting_reply
    ]
    return paged(found, page, page_size, lambda conversation: conversation.as_dict())


@router.get("/conversations/{conversation_id}/messages")
async def conversation_messages(
    club: Club, conversation_id: str, page: Page = 1, page_size: PageSize = 50
) -> dict[str, Any]:
    """Oldest first."""
    conversation = club.inbox.conversation(conversation_id)
    if conversation is None:
        raise CLUBOS.error(404, f"No conversation {conversation_id!r}")
    return paged(conversation.messages, page, page_size, InboxMessage.as_dict)
