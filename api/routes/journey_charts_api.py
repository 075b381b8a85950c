"""A journey's analytics as charts, as JSON declared in OpenAPI for charts.js (api/journey_charts.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api.auth import Viewer
from api.deps import DB_INT_MAX, DbDep
from api.journey_charts import LOADERS, JourneyChart
from contracts.charts import Chart
from db import journey_store

router = APIRouter(tags=["journeys"])


@router.get("/api/journeys/{journey_id}/charts/{chart}", response_model=Chart)
async def journey_chart(
    journey_id: str,
    chart: JourneyChart,
    _user: Viewer,
    db: DbDep,
    version: Annotated[int | None, Query(ge=1, le=DB_INT_MAX, description="one version; none: every version")] = None,
) -> Chart:
    """The funnel per version, drop-off per step, or time in step, for one version of the journey or all."""
    async with db.session() as session:
        if await journey_store.version(session, journey_id, version) is None:
            raise HTTPException(404, f"no journey {journey_id!r}" + (f" version {version}" if version else ""))
        return await LOADERS[chart](session, journey_id, version)
