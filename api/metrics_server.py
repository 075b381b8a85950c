"""The API's Prometheus endpoint, on its own port (RENUBU_API_METRICS_HOST/PORT), not a dashboard route.

Why a port: Prometheus scrapes without a session or an API key, the port can stay on an internal network
(compose does not publish it), and the worker exposes its metrics the same way (the SDK's endpoint), so one
scrape config covers both. It is a small asyncio server on the app's own event loop, so each scrape can
read the database gauges (approvals, outbox) fresh, with the app's engine.
"""

from __future__ import annotations

import asyncio
import logging
import os

import prometheus_client as prom
from prometheus_client import multiprocess

from core import metrics
from core.settings import Settings
from db import ops_metrics
from db.engine import Database

log = logging.getLogger("renubu.metrics")
_MAX_REQUEST = 8192


def _registry() -> prom.CollectorRegistry:
    """This process's metrics; with PROMETHEUS_MULTIPROC_DIR set (uvicorn --workers N, as in compose) every
    API process's, summed from the files they share: whichever process holds the port serves them all."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return prom.REGISTRY
    registry = prom.CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


async def refresh_gauges(db: Database) -> None:
    approvals = await ops_metrics.approvals_pending(db)
    metrics.APPROVALS_PENDING.replace({(kind,): n for kind, (n, _) in approvals.items()})
    metrics.APPROVALS_OLDEST_AGE.replace({(kind,): age for kind, (_, age) in approvals.items()})
    metrics.OUTBOX.replace({key: float(n) for key, n in (await ops_metrics.outbox_by_state(db)).items()})


async def _respond(writer: asyncio.StreamWriter, status: str, body: bytes, content_type: str) -> None:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    writer.write(head.encode() + b"Connection: close\r\n\r\n" + body)
    await writer.drain()


async def _handle(db: Database, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        method, path, *_ = head[:_MAX_REQUEST].decode("latin-1").split(" ", 2)
        if method != "GET" or path.split("?")[0] not in ("/", "/metrics"):
            await _respond(writer, "404 Not Found", b"metrics are at /metrics\n", "text/plain")
            return
        try:
            await asyncio.wait_for(refresh_gauges(db), 5)
        except Exception as exc:  # stale gauges beat no metrics at all
            log.warning("could not refresh the database gauges: %s: %s", type(exc).__name__, str(exc)[:300])
        await _respond(writer, "200 OK", prom.generate_latest(_registry()), prom.CONTENT_TYPE_LATEST)
    except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, ConnectionError):
        pass  # a client that went away or did not speak HTTP
    finally:
        writer.close()


async def start(settings: Settings, db: Database) -> asyncio.Server | None:
    """Serve /metrics when a port is configured; a busy port is logged, and the API runs on without it."""
    host, port = settings.observability.api_metrics_host, settings.observability.api_metrics_port
    if not port:
        return None
    try:
        server = await asyncio.start_server(lambda r, w: _handle(db, r, w), host, port)
    except OSError as exc:
        # With shared multiprocess metrics a sibling API process holding the port serves ours too.
        level = logging.INFO if os.environ.get("PROMETHEUS_MULTIPROC_DIR") else logging.WARNING
        log.log(level, "metrics endpoint not started on %s:%s: %s", host, port, exc)
        return None
    log.info("metrics on http://%s:%s/metrics", host, port)
    return server
