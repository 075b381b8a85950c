"""Login and logout (browser sessions)."""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.auth import SESSION_CSRF, SignedIn, csrf_token, start_session
from api.deps import DbDep, LoginThrottleDep
from api.html import render
from api.throttle import LoginThrottle
from db import users

router = APIRouter(tags=["auth"], include_in_schema=False)
log = logging.getLogger("renubu.auth")


def _safe_next(target: str | None) -> str:
    """Only local paths: `next` must not send anyone to another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login")
async def login_form(request: Request, next: str | None = None) -> Response:
    csrf_token(request)
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
async def login(
    request: Request,
    db: DbDep,
    throttle: LoginThrottleDep,
    email: str = Form(max_length=200),
    password: str = Form(max_length=200),
    next: str = Form(default="/"),
    csrf: str = Form(alias="csrf_token", default=""),
) -> Response:
    address = request.client.host if request.client else "unknown"
    account, source = LoginThrottle.keys(email, address)
    wait = await throttle.retry_after(account, source)
    expected = request.session.get(SESSION_CSRF, "")
    if wait:  # checked before the password, so a locked-out guesser learns nothing
        error = f"Too many failed logins. Try again in {wait} seconds."
        user = None
    elif not expected or not hmac.compare_digest(str(expected), csrf):
        error = "Your session expired. Please try again."
        user = None
    else:
        async with db.session() as session:
            user = await users.authenticate(session, email, password)
        error = None if user else "Wrong email or password."
        if user is None:
            await throttle.failed(account, source)
            log.warning("failed login for %r from %s", email[:200], address)
    if user is None:
        context = {"next": _safe_next(next), "error": error, "email": email}
        response = render(request, "login.html", context, 429 if wait else 401)
        if wait:
            response.headers["Retry-After"] = str(wait)
        return response
    await throttle.succeeded(account)
    start_session(request, user)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
async def logout(request: Request, _user: SignedIn) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/logout/everywhere")
async def logout_everywhere(request: Request, user: SignedIn, db: DbDep) -> Response:
    """Ends every session of this user (a lost laptop, a copied cookie), this one included."""
    async with db.transaction() as session:
        row = await session.get(users.User, user.id)
        if row is not None:
            await users.end_sessions(session, row)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
