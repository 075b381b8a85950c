"""ClubOS's new-message push: the fast path into the inbox. Signed like Active's
webhooks; storing is idempotent by message id, so a push racing the poll, or a
redelivery, stores one message and starts one triage. Answered once the message is
committed (concurrent pushes share a commit); the inbox sync, poked just after,
starts its triage (inbox/intake.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api import webhook_metrics
from api.deps import PushIntakeDep, SettingsDep, TemporalGetterDep
from api.signatures import check_request
from api.webhook_models import MessagePushAck, parse_body
from clients.clubos_models import InboxMessage as RemoteMessage
from inbox.remote import synced

router = APIRouter(tags=["webhooks"])


class MessageCreated(BaseModel):
    event_id: str
    type: Literal["message.created"]
    occurred_at: datetime
    message: RemoteMessage


@router.post("/webhooks/clubos/messages", status_code=202, response_model=MessagePushAck)
async def clubos_message(
    request: Request, settings: SettingsDep, intake: PushIntakeDep, temporal: TemporalGetterDep
) -> MessagePushAck:
    body = await request.body()
    check_request(
        request,
        body,
        settings.clubos.webhook_secret.get_secret_value(),
        settings.active.signature_tolerance_s,
        prefix="X-ClubOS",
    )
    event = parse_body(MessageCreated, body)
    message_id = await intake.store(synced(event.message))
    if message_id is None:
        webhook_metrics.duplicate("clubos")
    # Every delivery pokes, a redelivery too: one whose first copy was stored while Temporal was down still
    # gets its triage now. Nothing here waits on Temporal, so a 202 never waits on it either.
    intake.hand_off(temporal, settings)
    # "triage_started": handed to triage (the sync starts it just after this answer, or at its next poll).
    return MessagePushAck(status="stored" if message_id else "duplicate", triage_started=int(message_id is not None))
