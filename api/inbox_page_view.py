"""The inbox page's parts as template contexts (the list, a thread, the metrics
strip, the assistant's controls), shared by inbox_pages (reads) and inbox_actions
(an action answers with the part it changed). Explicit arguments, no Request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import HTTPException
from temporalio.client import Client

from api import inbox_view
from contracts import ids, names
from contracts.inbox import SyncStatus
from core.settings import Settings
from db import control
from db.engine import Database
from db.models import InboxMessage

VIEWS = {
    "all": "All",
    "unread": "Unread",
    "requires_response": "Needs reply",
    "escalated": "Escalated",
    "ai": "AI handling",
    "staff": "Staff handling",
}


@dataclass(frozen=True)
class Filters:
    view: str
    tag: str
    q: str

    def query(self, c: str = "") -> str:
        """The page's address for these filters (and an open conversation), shareable."""
        params = {"view": self.view if self.view != "all" else "", "tag": self.tag, "q": self.q, "c": c}
        query = urlencode({k: v for k, v in params.items() if v})
        return f"/inbox?{query}" if query else "/inbox"


NO_FILTERS = Filters("all", "", "")


async def list_context(db: Database, f: Filters, selected: str = "") -> dict[str, Any]:
    async with db.session() as session:
        rows = await inbox_view.rows(session, view=f.view, tag=f.tag or None, search=f.q)
        tags = await inbox_view.tags(session)
    return {"rows": rows, "f": f, "tags": tags, "selected": selected, "views": VIEWS}


async def thread_context(db: Database, conversation_id: str, f: Filters) -> dict[str, Any]:
    async with db.session() as session:
        t = await inbox_view.thread(session, conversation_id)
    if t is None:
        raise HTTPException(404, f"no conversation {conversation_id!r}")
    return {"t": t, "f": f}


async def metrics_context(db: Database, tz: ZoneInfo) -> dict[str, Any]:
    async with db.session() as session:
        return {"m": await inbox_view.metrics(session, tz)}


async def sync_status(temporal: Callable[[], Awaitable[Client]]) -> SyncStatus | None:
    """The sync workflow's own figures (poll interval); None when it is not running.
    Takes a way to get the client, not the client: Temporal being down is one of those cases."""
    try:
        handle = (await temporal()).get_workflow_handle(ids.INBOX_SYNC)
        return await handle.query(names.INBOX_SYNC_STATUS, result_type=SyncStatus, rpc_timeout=timedelta(seconds=3))
    except Exception:  # not started, no worker, Temporal down: the page still works
        return None


async def controls_context(
    db: Database, settings: Settings, temporal: Callable[[], Awaitable[Client]]
) -> dict[str, Any]:
    async with db.session() as session:
        mode = await control.inbox_mode(session)
        ev = await inbox_view.assistant_evaluation(session, settings)
    return {"mode": mode, "sync": await sync_status(temporal), "ev": ev}


async def message_view(db: Database, message_id: int) -> inbox_view.MessageView:
    async with db.session() as session:
        message = await session.get(InboxMessage, message_id)
        t = await inbox_view.thread(session, message.conversation_id) if message else None
    found = next((v for v in t.messages if v.m.id == message_id), None) if t else None
    if found is None:
        raise HTTPException(404, f"no message {message_id}")
    return found
