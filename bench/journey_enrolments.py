"""Nurture benchmark.

    .venv/bin/python -m bench.journey_enrolments [--leads 10000] [--day-s 20]

Enrols N new leads in the welcome series through the signed `POST /webhooks/lead`
(each is its own journey workflow), posts an "opened" event for every other lead
during its first wait, and lets every journey run to its end with a journey day
lasting `--day-s` seconds. Reports enrolments/s, events/s, journeys finished/s,
messages sent, the worker's workflow cache size and the worker process's peak memory (VmHWM).
With --tracemalloc the worker traces its allocations (slower) and reports its largest allocation sites
once every lead is enrolled and its event sent, when every journey is running.

The sandbox, API and worker run as separate processes, as `./dev up` runs them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import func, select

from api.signatures import sign
from bench.stack import dev_server, process_stack, run_and_exit
from core.settings import Settings
from db.engine import Database
from db.models import Enrollment, OutboxEntry
from devstack.processes import NEVER_RESTART, Supervisor
from journeys.setup import seed_prebuilt

SECRET = "bench-intake-secret"


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def post_all(http: httpx.AsyncClient, path: str, payloads: list[dict[str, object]], expect: int) -> list[dict]:
    gate = asyncio.Semaphore(48)

    async def post(payload: dict[str, object]) -> dict:
        body = json.dumps(payload).encode()
        async with gate:  # signed when sent: 10,000 waiting their turn outlive the signature's window
            ts = int(time.time())
            headers = {"content-type": "application/json", "x-renubu-timestamp": str(ts)}
            headers["x-renubu-signature"] = sign(SECRET, ts, body)
            response = await http.post(path, content=body, headers=headers)
        assert response.status_code == expect, response.text
        return dict(response.json())

    return await asyncio.gather(*(post(p) for p in payloads))


async def count(db: Database, *where: object) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Enrollment).where(*where)) or 0)


async def run(settings: Settings, worker_pid: int, args: argparse.Namespace) -> None:
    db = Database(settings.resolved_database_url)
    await seed_prebuilt(db)
    run_id = uuid.uuid4().hex[:6]
    leads = [
        {"email": f"lead-{run_id}-{i}@example.com", "phone": f"+1555{i:07d}", "first_name": f"Lead{i}"}
        for i in range(args.leads)
    ]
    async with httpx.AsyncClient(base_url=settings.api.public_url, timeout=120) as http:
        started = time.perf_counter()
        enrolled = await post_all(http, "/webhooks/lead", leads, 201)
        enrol_s = time.perf_counter() - started
        assert all("welcome-series" in e["enrolled"] for e in enrolled)
        print(f"enrolments       {args.leads / enrol_s:8.0f} /s   ({args.leads} leads in {enrol_s:.1f} s)")

        events = [
            {"event_id": f"evt-{run_id}-{i}", "lead_id": e["lead_id"], "type": "opened", "channel": "email"}
            for i, e in enumerate(enrolled)
            if i % 2 == 0
        ]
        started = time.perf_counter()
        await post_all(http, "/webhooks/events", events, 202)
        events_s = time.perf_counter() - started
        rate = len(events) / events_s
        print(f"events           {rate:8.0f} /s   ({len(events)} 'opened' signals in {events_s:.1f} s)")
        if args.tracemalloc:
            allocation_report(worker_pid, args.tracemalloc)

    begun = time.perf_counter()
    while (done := await count(db, Enrollment.journey_id == "welcome-series", Enrollment.finished_at.is_not(None))) < (
        args.leads
    ):
        if time.perf_counter() - begun > args.timeout_s:
            raise SystemExit(f"only {done} of {args.leads} journeys finished after {args.timeout_s} s")
        await asyncio.sleep(2)
    finish_s = time.perf_counter() - begun + enrol_s + events_s
    async with db.session() as session:
        sent = int(
            await session.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == "sent")) or 0
        )
    await db.dispose()
    print(f"journeys done    {args.leads / finish_s:8.0f} /s   (all finished {finish_s:.0f} s after the first lead;")
    print(f"                            each journey waits 7 journey days = {7 * args.day_s:.0f} s)")
    print(f"messages sent    {sent:8d}      (email + SMS through the outbox)")
    cache = settings.temporal.max_cached_workflows
    print(f"worker peak RSS  {peak_rss_mb(worker_pid):8.0f} MB   (workflow cache {cache})")


def allocation_report(worker_pid: int, path: Path) -> None:
    """Blocks while the worker writes it: nothing else of the benchmark runs meanwhile."""
    path.unlink(missing_ok=True)
    os.kill(worker_pid, signal.SIGUSR1)
    while not path.exists() or not path.read_text().endswith("\n"):
        time.sleep(1)
    print(f"worker allocations now (RSS {rss_mb(worker_pid):.0f} MB):")
    print(path.read_text())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main(args: argparse.Namespace) -> None:
    extra = {
        "RENUBU_INTAKE_WEBHOOK_SECRET": SECRET,
        "RENUBU_NURTURE_TIME_SCALE": str(args.day_s / 86400),
        "RENUBU_NURTURE_CAP": "10",
        "RENUBU_QUIET_HOURS_START": "0",
        "RENUBU_QUIET_HOURS_END": "0",
        **({"RENUBU_TRACEMALLOC": str(args.tracemalloc)} if args.tracemalloc else {}),
        **({"RENUBU_WORKER_MAX_CACHED_WORKFLOWS": str(args.cache)} if args.cache else {}),
    }
    stack = Supervisor(NEVER_RESTART)
    async with dev_server() as env:
        with tempfile.TemporaryDirectory() as tmp:
            async with process_stack(
                env.client.service_client.config.target_host,
                Path(tmp),
                database_url=args.database_url,
                extra_env=extra,
                stack=stack,
            ) as settings:
                worker = next(c for c in stack.children if c.name == "worker")
                assert worker.process is not None
                await run(settings, worker.process.pid, args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--day-s", type=float, default=20.0, help="seconds in a journey day")
    parser.add_argument("--timeout-s", type=float, default=3600)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cache", type=int, default=0, help="the worker's workflow cache (default: the setting's)")
    parser.add_argument("--tracemalloc", type=Path, help="report the worker's largest allocation sites to this file")
    run_and_exit(main(parser.parse_args()))
