from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.auth import CurrentUser, require_role
from api.deps import get_db, get_templates
from api.routes import trends_api
from api.routes.queue_pages import start_of_today
from db import step_history, users
from db.engine import Database

router = APIRouter(tags=["analytics"])


@router.get("/analytics")
async def analytics_page(
    request: Request,
    _user: CurrentUser = Depends(require_role("manager", "operator")),
    db: Database = Depends(get_db),
) -> Response:
    async with db.session() as session:
        data = await step_history.analytics(session, start_of_today())
        names = {u.email: u.name for u in await users.csms(session)}
    context = {"a": data, "names": names, **await trends_api.chart_context(db, trends_api.ANALYTICS)}
    return get_templates(request).TemplateResponse(request, "analytics.html", context)


@router.get("/api/analytics")
async def analytics_json(
    _user: CurrentUser = Depends(require_role("manager", "operator")), db: Database = Depends(get_db)
) -> dict[str, object]:
    async with db.session() as session:
        return await step_history.analytics(session, start_of_today())
