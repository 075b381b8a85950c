"""The trend charts of the analytics page and the command center: which charts, how each is loaded,
where a click leads and which live topic redraws it. Shared by the pages that draw them and the JSON
route they read from (api/routes/trends_api.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.charts import Chart
from db import control, trends
from db.engine import Database

Trend = Literal[
    "completions-per-day",
    "outcomes-per-type",
    "outcomes-per-csm",
    "runs-per-day",
    "runs-per-agent",
    "cost-per-day",
    "messages-per-channel",
    "duration-per-type",
    "outbox-per-state",
    "approval-waits",
]
ANALYTICS = ["completions-per-day", "duration-per-type", "outcomes-per-type", "outcomes-per-csm"]
COMMAND = [
    "runs-per-day",
    "runs-per-agent",
    "cost-per-day",
    "messages-per-channel",
    "outbox-per-state",
    "approval-waits",
]
SOURCE = "/api/trends/"
# Where a click leads (existing list pages), and the live topic that redraws a chart.
LINKS = {"outcomes-per-csm": "/queue?csm={key}", "runs-per-agent": "/agents?agent={key}"}
TOPICS = {
    "runs-per-day": "run",
    "runs-per-agent": "run",
    "cost-per-day": "run control",
    "messages-per-channel": "outbox",
    "outbox-per-state": "outbox",
    "approval-waits": "approval",
}


async def _cost(session: AsyncSession) -> Chart:
    budget = await control.daily_budget(session)
    return await trends.cost_per_day(session, datetime.now(UTC).date(), budget)


LOADERS: dict[str, Callable[[AsyncSession], Awaitable[Chart]]] = {
    "completions-per-day": lambda s: trends.completions_per_day(s, datetime.now(UTC).date()),
    "outcomes-per-type": trends.outcomes_per_type,
    "outcomes-per-csm": trends.outcomes_per_csm,
    "runs-per-day": lambda s: trends.runs_per_day(s, datetime.now(UTC).date()),
    "runs-per-agent": lambda s: trends.runs_per_agent(s, datetime.now(UTC).date()),
    "cost-per-day": _cost,
    "messages-per-channel": lambda s: trends.messages_per_channel(s, datetime.now(UTC).date()),
    "duration-per-type": lambda s: trends.duration_per_type(s, datetime.now(UTC).date()),
    "outbox-per-state": lambda s: trends.outbox_per_state(s, datetime.now(UTC).date()),
    "approval-waits": lambda s: trends.approval_waits(s, datetime.now(UTC).date()),
}


async def charts(db: Database, names: list[str]) -> list[Chart]:
    async with db.session() as session:
        return [(await LOADERS[n](session)).model_copy(update={"link": LINKS.get(n)}) for n in names]


async def chart_context(db: Database, names: list[str]) -> dict[str, object]:
    """What a page's chart grid needs (partials/chart.html)."""
    return {"charts": await charts(db, names), "chart_source": SOURCE, "chart_topics": TOPICS}
