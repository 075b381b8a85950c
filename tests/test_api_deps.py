"""Every route's endpoint and dependencies are coroutines. FastAPI runs a plain `def` in its thread pool: a
thread hop per dependency per request, and under a burst of webhooks a queue for the pool's 40 threads that
made acknowledgements wait longer than storing the message did."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.app import create_app
from tests.stack import make_settings


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        router = getattr(route, "original_router", None)  # an included router, kept as it was included
        if router is not None:
            yield from api_routes(router.routes)


def is_async(call: Any) -> bool:
    """A coroutine or async generator function, or an instance whose __call__ is one (security schemes); a
    class is not (FastAPI calls it in the pool)."""
    fn = call if inspect.isfunction(call) or inspect.ismethod(call) or inspect.isclass(call) else call.__call__
    return inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn)


def blocking(dependant: Dependant) -> Iterator[str]:
    for sub in dependant.dependencies:
        if sub.call is not None and not is_async(sub.call):
            yield getattr(sub.call, "__qualname__", repr(sub.call))
        yield from blocking(sub)


def test_no_route_waits_for_the_thread_pool() -> None:
    routes = list(api_routes(create_app(make_settings()).routes))
    assert len(routes) > 100
    found = {f"{sorted(r.methods)[0]} {r.path}: {name}" for r in routes for name in blocking(r.dependant)}
    found |= {f"{sorted(r.methods)[0]} {r.path}: endpoint" for r in routes if not is_async(r.endpoint)}
    assert sorted(found) == []
