"""`GET /events/stream`: server-sent events for live dashboards."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Query
from sse_starlette.sse import EventSourceResponse

from api.access import event_visible, visible_topics
from api.auth import SignedIn
from api.deps import LiveDep

router = APIRouter(tags=["live"])


@router.get(
    "/events/stream",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "`ready`, then one event per change"}},
)
async def stream(user: SignedIn, broker: LiveDep, topics: str = Query("", max_length=300)) -> EventSourceResponse:
    wanted = visible_topics(user.role, {t for t in topics.split(",") if t})

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
