"""Login and logout (browser sessions)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.auth import SESSION_CSRF, SESSION_USER, CurrentUser, csrf_token, current_user
from api.deps import get_db, get_templates
from db import users
from db.engine import Database

router = APIRouter(tags=["auth"], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only local paths: `next` must not send anyone to another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login")
async def login_form(request: Request, next: str | None = None) -> Response:
    csrf_token(request)
    return get_templates(request).TemplateResponse(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
async def login(
    request: Request,
    email: str = Form(max_length=200),
    password: str = Form(max_length=200),
    next: str = Form(default="/"),
    csrf: str = Form(alias="csrf_token", default=""),
    db: Database = Depends(get_db),
) -> Response:
    expected = request.session.get(SESSION_CSRF, "")
    if not expected or not hmac.compare_digest(str(expected), csrf):
        error = "Your session expired. Please try again."
        user = None
    else:
        async with db.session() as session:
            user = await users.authenticate(session, email, password)
        error = None if user else "Wrong email or password."
    if user is None:
        return get_templates(request).TemplateResponse(
            request, "login.html", {"next": _safe_next(next), "error": error, "email": email}, status_code=401
        )
    request.session.clear()
    request.session[SESSION_USER] = user.id
    csrf_token(request)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
async def logout(request: Request, _user: CurrentUser = Depends(current_user)) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
