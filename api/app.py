"""The FastAPI app: JSON API, webhooks and the HTMX dashboard on one port."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware
from temporalio.client import Client

from api import access, metrics_server, template_helpers
from api.auth import SESSION_LIFETIME_S, Forbidden, NotAuthenticated
from api.deps import TemporalUnavailable
from api.html import render
from api.live import LiveBroker
from api.renewal_service import RenewalNotFound
from api.routes import (
    agent_actions,
    agent_pages,
    agents_api,
    analytics_pages,
    approval_pages,
    approvals_api,
    auth_pages,
    chrome_pages,
    codec_api,
    command_pages,
    control_api,
    customer_charts_api,
    customer_pages,
    docs,
    events,
    health,
    home_pages,
    inbox_actions,
    inbox_api,
    inbox_pages,
    inbox_webhook,
    journey_builder,
    journey_charts_api,
    journey_dry_run,
    journey_pages,
    journey_webhooks,
    journeys_api,
    pipeline_pages,
    queue_pages,
    renewal_api,
    renewal_pages,
    suppression_pages,
    thread_pages,
    trends_api,
    webhooks,
)
from api.security_headers import SecurityHeaders
from api.throttle import LoginThrottle
from api.webhook_metrics import WebhookMetrics
from core.logs import setup_logging
from core.production import refuse_unsafe
from core.settings import ROOT, Settings, get_settings
from core.temporal import connect
from core.tracing import tracer_provider
from db import users
from db.engine import Database
from inbox.intake import PushIntake

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

log = logging.getLogger("renubu.api")
WEBHOOKS = (webhooks, inbox_webhook, journey_webhooks)  # unauthenticated until the signature: a tight body limit


def create_app(
    settings: Settings | None = None,
    *,
    db: Database | None = None,
    temporal_factory: Callable[[], Awaitable[Client]] | None = None,
    tracing: TracerProvider | None = None,
) -> FastAPI:
    """`tracing`: trace requests with this provider (default: one exporting to RENUBU_OTLP_ENDPOINT, if set)."""
    settings = settings or get_settings()
    refuse_unsafe(settings)  # before anything listens: a bare `uvicorn` defaults to production
    tracing = tracing or tracer_provider(settings, "renubu-api")
    if not logging.getLogger().handlers:  # served by uvicorn; tests and embedders set up their own
        setup_logging("api")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.env == "production":
            async with app.state.db.session() as session:
                refuse_unsafe(settings, await users.demo_users(session))
        metrics_endpoint = await metrics_server.start(settings, app.state.db)
        yield
        if metrics_endpoint is not None:
            metrics_endpoint.close()
        await app.state.live.close()
        if app.state.owns_db:
            await app.state.db.dispose()
        if tracing is not None:
            tracing.shutdown()  # sends the spans still batched

    app = FastAPI(
        title="Renubu",
        lifespan=lifespan,
        docs_url=None,  # served by api/routes/docs.py, behind a login
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(access.authorize)],  # the route × role matrix, before every route
        max_body_size=settings.api.max_body_bytes,
    )
    app.state.settings = settings
    app.state.owns_db = db is None
    app.state.db = db or Database(settings.resolved_database_url)
    app.state.live = LiveBroker(app.state.db)
    app.state.push_intake = PushIntake(app.state.db)
    app.state.temporal = None
    app.state.temporal_lock = asyncio.Lock()
    app.state.temporal_factory = temporal_factory or (lambda: connect(settings, tracer_provider=tracing))
    if tracing is not None:
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        # Not the static files, the health probe or the live-event streams (hours-long spans).
        excluded = "/static/,/healthz,/events/stream"
        FastAPIInstrumentor.instrument_app(app, tracer_provider=tracing, excluded_urls=excluded)
    templates = Jinja2Templates(directory=ROOT / "web" / "templates")
    template_helpers.install(templates.env, settings)
    app.state.templates = templates
    app.state.login_throttle = LoginThrottle(app.state.db)

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.api.session_secret.get_secret_value(),
        session_cookie="renubu_session",
        max_age=SESSION_LIFETIME_S,  # the cookie's; the absolute limit is checked in api/auth.py
        same_site="lax",
        https_only=settings.api.secure_cookies,
    )
    app.add_middleware(WebhookMetrics)
    app.mount("/static", StaticFiles(directory=ROOT / "web" / "static"), name="static")
    for module in (
        health,
        docs,
        auth_pages,
        webhooks,
        queue_pages,
        home_pages,
        renewal_pages,
        renewal_api,
        analytics_pages,
        trends_api,
        customer_pages,
        customer_charts_api,
        agents_api,
        approvals_api,
        control_api,
        events,
        inbox_webhook,
        inbox_api,
        journey_webhooks,
        journeys_api,
        journey_builder,
        journey_charts_api,
        agent_pages,
        agent_actions,
        thread_pages,
        approval_pages,
        command_pages,
        chrome_pages,
        suppression_pages,
        inbox_pages,
        inbox_actions,
        journey_pages,
        journey_dry_run,
        pipeline_pages,
        codec_api,
    ):
        limit = settings.api.webhook_max_body_bytes if module in WEBHOOKS else None
        app.include_router(module.router, max_body_size=limit)
    access.install(app)
    _errors(app)

    app.add_middleware(SecurityHeaders, hsts=settings.api.secure_cookies)

    @app.middleware("http")
    async def server_timing(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """`Server-Timing: app;dur=<ms>` on every response, for browsers' devtools and bench/."""
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response

    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/webhooks/")) or "application/json" in request.headers.get(
        "accept", ""
    )


def _errors(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def _unauthenticated(request: Request, _exc: NotAuthenticated) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "authentication required"}, status_code=401)
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.message}, status_code=403)
        return render(request, "error.html", {"title": "Not allowed", "message": exc.message}, 403)

    @app.exception_handler(RenewalNotFound)
    async def _not_found(request: Request, exc: RenewalNotFound) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": f"renewal {exc} not found"}, status_code=404)
        return render(request, "error.html", {"title": "Not found", "message": f"No renewal {exc}."}, 404)

    @app.exception_handler(TemporalUnavailable)
    async def _temporal_down(request: Request, exc: TemporalUnavailable) -> Response:
        log.error("Temporal unavailable: %s", exc)
        return JSONResponse(
            {"detail": "workflow service unavailable, retry shortly"},
            status_code=503,
            headers={"Retry-After": "5"},
        )
