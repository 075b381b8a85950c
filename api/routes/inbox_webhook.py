"""ClubOS's new-message push: the fast path into the inbox. Signed like Active's
webhooks; storing is idempotent by message id, so a push racing the poll, or a
redelivery, stores one message and starts one triage."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from api.deps import get_db, get_settings_dep, get_temporal, temporal_call
from api.signatures import check_request
from clients.clubos_models import InboxMessage as RemoteMessage
from core.settings import Settings
from db import inbox_store
from db.engine import Database
from inbox.remote import synced
from inbox.starter import start_pending_triage

router = APIRouter(tags=["webhooks"])


class MessageCreated(BaseModel):
    event_id: str
    type: Literal["message.created"]
    occurred_at: datetime
    message: RemoteMessage


@router.post("/webhooks/clubos/messages", status_code=202)
async def clubos_message(
    request: Request, settings: Settings = Depends(get_settings_dep), db: Database = Depends(get_db)
) -> JSONResponse:
    body = await request.body()
    check_request(
        request,
        body,
        settings.clubos_webhook_secret.get_secret_value(),
        settings.active_signature_tolerance_s,
        prefix="X-ClubOS",
    )
    try:
        event = MessageCreated.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc
    m = event.message
    async with db.transaction() as session:
        new = await inbox_store.store_synced(
            session,
            [synced(m)],
        )
    # Also for a redelivery: the first delivery may have stored the message and then failed to start its triage
    # (503); starting is idempotent by message id.
    async with temporal_call():
        started = await start_pending_triage(await get_temporal(request), db, settings)
    return JSONResponse({"status": "stored" if new else "duplicate", "triage_started": started}, status_code=202)
