"""Assembles the sandbox: one FastAPI app, one router per simulated system plus admin and UI.

A new system (e.g. ClubOS) plugs in the same way: a ServiceSpec (name, prefix, error format),
a router guarded by `service_guard(name)`, and `state.register_service(spec)` below.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from sandbox import admin, ui
from sandbox.active import admin as active_admin
from sandbox.active import routes as active_routes
from sandbox.clubos import admin as clubos_admin
from sandbox.clubos import pay as clubos_pay
from sandbox.clubos import routes as clubos_routes
from sandbox.clubos import routes_messages as clubos_messages
from sandbox.clubos.spec import CLUBOS
from sandbox.errors import install_error_handlers
from sandbox.lead_admin import router as lead_admin_router
from sandbox.mail_admin import router as mail_admin_router
from sandbox.salesforce import admin as salesforce_admin
from sandbox.salesforce import routes as salesforce_routes
from sandbox.settings import SandboxSettings, get_settings
from sandbox.state import SandboxState
from sandbox.stats import StatsMiddleware


def create_app(
    settings: SandboxSettings | None = None,
    *,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
    smtp_port: int | None = None,
) -> FastAPI:
    """The sandbox app. Everything but the timers and the SMTP sink works without the lifespan running
    (as under httpx.ASGITransport); `webhook_transport` lets tests receive webhooks without a network;
    `smtp_port` overrides the SMTP sink's port (default: sandbox_port + 25; 0: any free port)."""
    state = SandboxState(settings or get_settings(), webhook_transport=webhook_transport, smtp_port=smtp_port)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await state.startup()
        try:
            yield
        finally:
            await state.shutdown()

    app = FastAPI(
        title="Renubu sandbox",
        lifespan=lifespan,
        docs_url="/_sandbox/docs",
        redoc_url=None,
        openapi_url="/_sandbox/openapi.json",
    )
    app.state.sandbox = state

    for spec in (salesforce_routes.SALESFORCE, active_routes.ACTIVE, CLUBOS):
        state.register_service(spec)
    for router in (
        *salesforce_routes.routers,
        active_routes.router,
        clubos_routes.router,
        clubos_messages.router,
        clubos_pay.router,
        admin.router,
        salesforce_admin.router,
        active_admin.router,
        clubos_admin.router,
        mail_admin_router,
        lead_admin_router,
        *ui.routers,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    install_error_handlers(app, lambda: state.services.values())
    app.add_middleware(StatsMiddleware, stats=state.stats, service_of=state.service_name_for_path)
    return app
