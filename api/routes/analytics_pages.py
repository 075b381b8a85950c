from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api import trends_view
from api.auth import Viewer
from api.deps import DbDep
from api.html import render
from api.renewal_queue import start_of_today
from db import step_history, users

router = APIRouter(tags=["analytics"])


class TypeDurationOut(BaseModel):
    definition_id: str
    count: int
    avg_duration_s: float


class OutcomeCountOut(BaseModel):
    outcome: str
    count: int


class StepDurationOut(BaseModel):
    definition_id: str
    step: str
    count: int
    avg_duration_s: float


class RenewalAnalyticsOut(BaseModel):
    """Completed renewals (today and in all), by workflow type and outcome, per CSM today, and step times."""

    completed_today: int
    completed_total: int
    by_type: list[TypeDurationOut]
    outcomes: list[OutcomeCountOut]
    completed_today_by_csm: dict[str, int] = Field(description="CSM email -> renewals completed today")
    steps: list[StepDurationOut]
    closed: dict[str, int] = Field(description="cancelled / expired -> how many")


@router.get("/analytics", include_in_schema=False)
async def analytics_page(request: Request, _user: Viewer, db: DbDep) -> Response:
    async with db.session() as session:
        data = await step_history.analytics(session, start_of_today())
        names = {u.email: u.name for u in await users.csms(session)}
    context = {"a": data, "names": names, **await trends_view.chart_context(db, trends_view.ANALYTICS)}
    return render(request, "analytics.html", context)


@router.get("/api/analytics", response_model=RenewalAnalyticsOut)
async def analytics_json(_user: Viewer, db: DbDep) -> dict[str, object]:
    async with db.session() as session:
        return await step_history.analytics(session, start_of_today())
