"""Who is calling: a browser session (cookie) or a script (X-API-Key), and what
their role lets them do. Cookie-authenticated writes also need the CSRF token."""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.deps import get_db
from contracts.actors import Actor
from db import users
from db.engine import Database

SESSION_USER = "uid"
SESSION_CSRF = "csrf"
SESSION_VERSION = "sv"  # the user's session_version at login: bumping it ends the session
SESSION_ISSUED = "iat"  # login time: a session ends 12 hours after it, however often it was re-signed
SESSION_LIFETIME_S = 12 * 3600


class NotAuthenticated(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CurrentUser:
    id: int
    email: str
    name: str
    role: str
    experience: str | None
    via: str  # "session" or "api_key"

    @property
    def actor(self) -> Actor:
        return Actor(email=self.email, role=self.role, name=self.name)  # type: ignore[arg-type]

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return str(token)


async def current_user(request: Request, db: Database = Depends(get_db)) -> CurrentUser:
    known = getattr(request.state, "user", None)
    if isinstance(known, CurrentUser):  # resolved (and CSRF-checked) earlier in this request
        return known
    api_key = request.headers.get("x-api-key")
    async with db.transaction() as session:
        if api_key:
            user = await users.user_for_api_key(session, api_key)
            via = "api_key"
        else:
            uid = request.session.get(SESSION_USER)
            user = await session.get(users.User, uid) if isinstance(uid, int) else None
            via = "session"
            if user is not None and not _session_current(request, user):
                request.session.clear()
                user = None
    if user is None or not user.active:
        raise NotAuthenticated()
    current = CurrentUser(user.id, user.email, user.name, user.role, user.experience, via)
    if via == "session" and request.method not in ("GET", "HEAD", "OPTIONS") and not _read_only_post(request):
        await _check_csrf(request)
    request.state.user = current
    return current


def _read_only_post(request: Request) -> bool:
    """The codec endpoint's POSTs change nothing and answer only the Temporal UI's origin (api/routes/codec_api)."""
    return request.url.path in ("/api/codec/decode", "/api/codec/encode")


def _session_current(request: Request, user: users.User) -> bool:
    """Issued for this user's current session version, and less than the absolute lifetime ago."""
    issued = request.session.get(SESSION_ISSUED)
    fresh = isinstance(issued, int) and 0 <= time.time() - issued < SESSION_LIFETIME_S
    return fresh and request.session.get(SESSION_VERSION) == user.session_version


def start_session(request: Request, user: users.User) -> None:
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_VERSION] = user.session_version
    request.session[SESSION_ISSUED] = int(time.time())
    csrf_token(request)


async def _check_csrf(request: Request) -> None:
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get("csrf_token", ""))
    expected = request.session.get(SESSION_CSRF)
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise Forbidden("missing or invalid CSRF token; reload the page and try again")


def require_role(*roles: str) -> Callable[..., Awaitable[CurrentUser]]:
    async def dependency(user: CurrentUser = Depends(current_user)) -> CurrentUser:
        if user.role not in roles:
            raise Forbidden(f"this needs the {' or '.join(roles)} role; you are {user.role}")
        return user

    return dependency


# The two role checks routes declare, once (the template's `Annotated` habit), instead of
# `viewer = require_role(...)` in every module. Here rather than in api.deps: this module
# imports api.deps (get_db), so api.deps importing these back would be a cycle.
Viewer = Annotated[CurrentUser, Depends(require_role("manager", "operator"))]  # managers decide, operators read
Manager = Annotated[CurrentUser, Depends(require_role("manager"))]
SignedIn = Annotated[CurrentUser, Depends(current_user)]  # any role; the route checks ownership where it matters
