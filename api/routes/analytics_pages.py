from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api import trends_view
from api.auth import Viewer
from api.deps import get_db, get_templates
from api.renewal_queue import start_of_today
from db import step_history, users
from db.engine import Database

router = APIRouter(tags=["analytics"])


@router.get("/analytics", include_in_schema=False)
async def analytics_page(request: Request, _user: Viewer, db: Database = Depends(get_db)) -> Response:
    async with db.session() as session:
        data = await step_history.analytics(session, start_of_today())
        names = {u.email: u.name for u in await users.csms(session)}
    context = {"a": data, "names": names, **await trends_view.chart_context(db, trends_view.ANALYTICS)}
    return get_templates(request).TemplateResponse(request, "analytics.html", context)


@router.get("/api/analytics")
async def analytics_json(_user: Viewer, db: Database = Depends(get_db)) -> dict[str, object]:
    async with db.session() as session:
        return await step_history.analytics(session, start_of_today())
