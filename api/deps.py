"""Shared dependencies: the database, the Temporal client, settings, templates."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.templating import Jinja2Templates
from pydantic import BeforeValidator
from temporalio.client import Client
from temporalio.service import RPCError

from api.live import LiveBroker
from api.throttle import LoginThrottle
from core.settings import Settings
from db.engine import Database
from inbox.intake import PushIntake

# PostgreSQL's integer: anything larger overflows the database driver (a 500), so every integer in a
# path or query string is bounded by it and a bigger one is a 422.
DB_INT_MAX = 2**31 - 1
DbId = Annotated[int, Path(ge=1, le=DB_INT_MAX)]


def _not_a_bool(value: object) -> object:
    if isinstance(value, bool):  # lax validation would read `false` as 0 (a $0 budget)
        raise ValueError("a number is needed, not true or false")
    return value


NoBool = BeforeValidator(_not_a_bool)  # Annotated[float, NoBool]: numbers and numeric text, never booleans


class TemporalUnavailable(Exception):
    """Answered 503 with Retry-After (api/app.py): the caller's retry is processed, not dropped."""


@asynccontextmanager
async def temporal_call() -> AsyncIterator[None]:
    """A Temporal RPC that fails (unavailable, overloaded, deadline) means "not now", not "bad request"."""
    try:
        yield
    except RPCError as exc:
        raise TemporalUnavailable(str(exc)) from exc


# What a service takes when it may need Temporal only after a database check: the
# way to get the client, not the client, so a 404 (or a 422) never waits on Temporal.
TemporalGetter = Callable[[], Awaitable[Client]]


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


async def get_temporal(request: Request) -> Client:
    """The shared client; connects lazily so the API starts even if Temporal is late."""
    state: Any = request.app.state
    if state.temporal is None:
        async with state.temporal_lock:
            if state.temporal is None:
                try:
                    state.temporal = await state.temporal_factory()
                except Exception as exc:  # connection refused, DNS, TLS: all mean "not now"
                    raise TemporalUnavailable(str(exc)) from exc
    client: Client = state.temporal
    return client


async def get_temporal_getter(request: Request) -> TemporalGetter:
    return partial(get_temporal, request)


async def get_live(request: Request) -> LiveBroker:
    broker: LiveBroker = request.app.state.live
    return broker


async def get_push_intake(request: Request) -> PushIntake:
    intake: PushIntake = request.app.state.push_intake
    return intake


async def get_login_throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


# What routes declare (the template's `Annotated` habit): a route names what it needs, and passes
# it to a service as an explicit argument. Temporal stays a call (TemporalGetterDep) where a route may
# answer 404 or 422 first, so those answers never wait on a Temporal that is down.
DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
TemporalGetterDep = Annotated[TemporalGetter, Depends(get_temporal_getter)]  # for services that check first
LiveDep = Annotated[LiveBroker, Depends(get_live)]  # the live feed's broker (server-sent events)
PushIntakeDep = Annotated[PushIntake, Depends(get_push_intake)]  # ClubOS pushes: store, then poke the sync
LoginThrottleDep = Annotated[LoginThrottle, Depends(get_login_throttle)]
