"""What the journey page's analytics section and the charts' JSON share (routes never import routes): the
charts (db/journey_charts.py), where charts.js fetches them, and the flow with its edge counts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from api import journey_flow
from api.journey_view import diagram
from contracts.charts import Chart
from db import journey_charts, journey_store
from db.engine import Database
from journeys.schema import parse_definition

JourneyChart = Literal["funnel", "dropoff", "time-in-step"]
LOADERS: dict[str, Callable[[AsyncSession, str, int | None], Awaitable[Chart]]] = {
    "funnel": journey_charts.funnel,
    "dropoff": journey_charts.dropoff,
    "time-in-step": journey_charts.time_in_step,
}


def source(journey_id: str) -> str:
    """The endpoint prefix the page's figures fetch from; the chart id follows, then the version."""
    return f"/api/journeys/{quote(journey_id, safe='')}/charts/"


async def chart_context(db: Database, journey_id: str, version: int | None) -> dict[str, Any]:
    """The charts and the flow with counts, for one version or every version (the flow: the version chosen,
    else the active one, since edges differ between versions)."""
    async with db.session() as session:
        shown = await journey_store.version(session, journey_id, version)
        if shown is None:
            return {"charts": [], "flow": None}
        charts = [await load(session, journey_id, version) for load in LOADERS.values()]
        counts = await journey_charts.transitions(session, journey_id, shown.version)
    return {
        "charts": charts,
        "chart_source": source(journey_id),
        "chart_query": f"?version={version}" if version else "",
        "flow": journey_flow.flow(diagram(parse_definition(shown.definition)), counts),
        "flow_version": shown.version,
    }
