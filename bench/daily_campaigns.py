"""Campaign benchmarks.

    .venv/bin/python -m bench.daily_campaigns [--approvals 30]

1. The seed's daily-campaign workload end to end with the offline planner: analyse
   the 294 members in good standing and 3,832 prospects, send 20 campaigns;
   wall time from "Run Now" to the finished run, against the seed's 604 s.
2. Approval round trip: a manager approves a lock request; p50/p95 from sending
   the decision POST to the server-sent event that shows the run continuing.

The sandbox, API and worker run as separate processes, as `./dev up` runs them.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from agent.schedules import seed_agents
from bench.sse import sse_events
from bench.stack import dev_server, process_stack, run_and_exit, sandbox_url
from core.settings import Settings
from db.engine import Database
from devstack.seed import DEMO_PASSWORD, MANAGER

SEED_DAILY_RUN_S = 604.35
ADMIN = {"X-Sandbox-Admin": "sandbox-admin"}


async def login(settings: Settings) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=settings.api.public_url, timeout=120)
    page = await http.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token
    await http.post(
        "/login", data={"email": MANAGER[0], "password": DEMO_PASSWORD, "next": "/", "csrf_token": token.group(1)}
    )
    page = await http.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token
    http.headers["X-CSRF-Token"] = token.group(1)
    return http


async def wait_run(
    http: httpx.AsyncClient, run_id: str, done: tuple[str, ...] = ("succeeded", "failed")
) -> dict[str, Any]:
    while True:
        response = await http.get(f"/api/runs/{run_id}")
        if response.status_code == 200 and response.json()["status"] in done:
            return dict(response.json())
        await asyncio.sleep(0.1)


async def daily_campaigns(http: httpx.AsyncClient) -> None:
    started = time.perf_counter()
    run_id = (await http.post("/api/agents/daily_campaigns/run", json={})).json()["run_id"]
    run = await wait_run(http, run_id)
    elapsed = time.perf_counter() - started
    titles = [e["title"] for e in run["events"] if e["kind"] == "tool_result"]
    analysed = [t for t in titles if t.startswith("Analysed")]
    sent = sum(1 for e in run["events"] if e["kind"] == "tool_result" and e["title"].startswith("Sent "))
    print(f"  {'; '.join(analysed)}")
    print(f"  {sent} campaigns sent; run {run['status']}: {run['summary']}")
    print(
        f"daily campaigns  {elapsed:7.2f} s end to end   (seed: {SEED_DAILY_RUN_S:.0f} s, "
        f"{SEED_DAILY_RUN_S / elapsed:.0f}x faster)"
    )


async def approval_round_trips(settings: Settings, http: httpx.AsyncClient, rounds: int) -> list[float]:
    timings: list[float] = []
    async with (
        httpx.AsyncClient(base_url=sandbox_url(settings)) as sandbox,
        sse_events(http, "/events/stream?topics=approval,run_event") as events,
    ):
        for _ in range(rounds):
            await sandbox.post("/_sandbox/clubos/reset", headers=ADMIN)
            run_id = (await http.post("/api/agents/past_due_monitor/run", json={})).json()["run_id"]
            approval_id = await _next_approval(events, run_id, http)
            sent = time.perf_counter()
            response = await http.post(f"/api/approvals/{approval_id}/decide", json={"approve": True})
            response.raise_for_status()
            while True:
                at, event = await events.get()
                if (
                    event["topic"] == "run_event"
                    and event["ref"] == run_id
                    and event["payload"]["kind"] in ("approval_decision", "tool_result")
                ):
                    timings.append((at - sent) * 1000)
                    break
            await wait_run(http, run_id)
    return timings


async def _next_approval(
    events: asyncio.Queue[tuple[float, dict[str, Any]]], run_id: str, http: httpx.AsyncClient
) -> str:
    while True:
        _, event = await events.get()
        if (
            event["topic"] == "approval"
            and event["payload"].get("status") == "pending"
            and event["payload"].get("workflow_id") == run_id
        ):
            return str(event["ref"])


async def main(args: argparse.Namespace) -> None:
    async with dev_server() as env:
        with tempfile.TemporaryDirectory() as tmp:
            async with process_stack(
                env.client.service_client.config.target_host, Path(tmp), database_url=args.database_url
            ) as settings:
                db = Database(settings.resolved_database_url)
                await seed_agents(db)
                await db.dispose()
                http = await login(settings)
                try:
                    print("Daily campaigns (offline planner)")
                    await daily_campaigns(http)
                    print(f"Approval round trip, {args.approvals} decisions")
                    timings = await approval_round_trips(settings, http, args.approvals)
                finally:
                    await http.aclose()
    q = statistics.quantiles(timings, n=100)
    print(f"approval round trip  p50 {q[49]:.0f} ms   p95 {q[94]:.0f} ms   (decision POST -> SSE 'run continues')")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--approvals", type=int, default=30)
    parser.add_argument("--database-url", default="")
    run_and_exit(main(parser.parse_args()))
