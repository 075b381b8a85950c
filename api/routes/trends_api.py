"""The trend charts as JSON (declared in OpenAPI); the pages draw from these endpoints (charts.js)."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import Viewer
from api.deps import DbDep
from api.trends_view import Trend, charts
from contracts.charts import Chart

router = APIRouter(tags=["trends"])


@router.get("/api/trends/{chart}", response_model=Chart)
async def trend_chart(chart: Trend, _user: Viewer, db: DbDep) -> Chart:
    """One trend chart: its numbers, what they say, and where a click on them leads."""
    return (await charts(db, [chart]))[0]
