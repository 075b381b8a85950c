"""The API's own documentation, behind a login like the rest (the schema lists every route and field).
The schema declares how to authenticate: an `X-API-Key` header, or the browser's session cookie."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

router = APIRouter(tags=["docs"], include_in_schema=False)
SECURITY_SCHEMES = {
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "renubu apikey create <email>"},
    "session": {"type": "apiKey", "in": "cookie", "name": "renubu_session", "description": "after POST /login"},
}


def schema(request: Request) -> dict[str, Any]:
    app = request.app
    if not app.openapi_schema:
        document: dict[str, Any] = app.openapi()
        document.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        document["security"] = [{"apiKey": []}, {"session": []}]
        app.openapi_schema = document
    result: dict[str, Any] = app.openapi_schema
    return result


@router.get("/api/openapi.json")
async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(schema(request))


@router.get("/api/docs")
async def swagger() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/api/openapi.json", title="Renubu API")


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    return get_redoc_html(openapi_url="/api/openapi.json", title="Renubu API")
