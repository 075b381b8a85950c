"""The manager home: what is at risk and who is overloaded, as charts that open the filtered list
behind each bar. Managers and operators land here; CSMs keep their queue."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Viewer
from api.deps import DbDep, SettingsDep
from api.html import render
from contracts.charts import Chart
from core.settings import Settings
from db import home
from db.engine import Database

router = APIRouter(tags=["home"])
HomeChart = Literal["arr-at-risk", "renewals-due", "csm-load", "completed-weekly", "approvals-waiting"]
# Where a click on a bar goes: the existing list pages and their filters.
LINKS: dict[str, str] = {
    "arr-at-risk": "/queue?csm=all&stage={key}",
    "renewals-due": "/queue?csm=all&view=table&stage={series}&due={key}",  # the table, due within the bar's days
    "csm-load": "/queue?csm={key}",
    "completed-weekly": "/analytics",
    "approvals-waiting": "/approvals?status=pending",
}
# The live topics each chart follows (api/live.py): renewals change the projection, approvals the queue.
TOPICS: dict[str, str] = {"approvals-waiting": "approval"}


def _loaders(settings: Settings) -> dict[str, Callable[[AsyncSession], Awaitable[Chart]]]:
    now = datetime.now(UTC)
    return {
        "arr-at-risk": home.arr_at_risk,
        "renewals-due": lambda s: home.renewals_due(s, now.date()),
        "csm-load": lambda s: home.csm_load(s, settings.club.csm_capacity),
        "completed-weekly": lambda s: home.completed_per_week(s, now.date()),
        "approvals-waiting": lambda s: home.approvals_waiting(s, now),
    }


async def _charts(db: Database, settings: Settings, names: list[str]) -> list[Chart]:
    loaders = _loaders(settings)
    async with db.session() as session:
        return [(await loaders[n](session)).model_copy(update={"link": LINKS[n]}) for n in names]


@router.get("/home", include_in_schema=False)
async def home_page(request: Request, _user: Viewer, db: DbDep, settings: SettingsDep) -> Response:
    charts = await _charts(db, settings, list(LINKS))
    return render(request, "home.html", {"charts": charts, "topics": TOPICS, "source": "/api/home/charts/"})


@router.get("/api/home/charts/{chart}", response_model=Chart)
async def home_chart(chart: HomeChart, _user: Viewer, db: DbDep, settings: SettingsDep) -> Chart:
    """One chart of the manager home, the numbers behind it and where its bars lead."""
    return (await _charts(db, settings, [chart]))[0]
