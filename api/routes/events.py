"""`GET /events/stream`: server-sent events for live dashboards."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Query, Request
from sse_starlette.sse import EventSourceResponse

from api.access import event_visible, visible_topics
from api.auth import CurrentUser, current_user
from api.live import LiveBroker

router = APIRouter(tags=["live"])


@router.get("/events/stream")
async def stream(
    request: Request, topics: str = Query("", max_length=300), user: CurrentUser = Depends(current_user)
) -> EventSourceResponse:
    wanted = visible_topics(user.role, {t for t in topics.split(",") if t})
    broker: LiveBroker = request.app.state.live

    async def events() -> AsyncIterator[dict[str, str]]:
        async with broker.subscribe() as queue:
            yield {"event": "ready", "data": "{}"}
            while True:
                event = await queue.get()
                if wanted is not None and event["topic"] not in wanted:
                    continue
                if not event_visible(user.role, user.email, event):
                    continue
                yield {"event": event["topic"], "id": str(event["id"]), "data": json.dumps(event)}

    return EventSourceResponse(events(), ping=15)
