"""Inbox benchmarks.

    .venv/bin/python -m bench.inbox_freshness [--messages 30] [--burst 1000] [--backlog 1000] [--push-burst 1000]
        [--push-rates 100,0]

1. Freshness: a member's message created in the ClubOS sandbox -> the server-sent
   event that shows it in the open inbox, p50/p95, with push (the fast path) and
   with push off at 1 s and 10 s polling. Messages arrive at random moments, so
   polling shows its real average wait, not a best case.
2. Throughput: a burst of messages written while push is off; messages/s the sync
   stores (each also starts its triage workflow), from the first write (the writes'
   own time included) and from a backlog (all written while the sync waits, then one
   "sync now").
3. Push burst: a burst written with push on, paced (100 messages/s: a class cancelled, every member
   answering within ten seconds) and then as fast as 32 writers get messages into the sandbox; the push
   acknowledgement p50/p99 as the sandbox timed each delivery (timeouts and retries counted) and as the
   API timed its own answers, and freshness p50/p95.

The sandbox, API and worker run as separate processes, as `./dev up` runs them.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from bench.daily_campaigns import ADMIN, login
from bench.sse import sse_events
from bench.stack import dev_server, free_port, process_stack, run_and_exit, sandbox_url
from clients.clubos import ClubOSClient
from contracts import ids, names
from contracts.inbox import SyncStatus
from core.settings import Settings
from inbox.sync_starter import ensure_inbox_sync

Events = asyncio.Queue[tuple[float, dict[str, Any]]]


async def freshness(sandbox: httpx.AsyncClient, events: Events, members: list[str], spread_s: float) -> list[float]:
    """Each member writes once at a random moment within `spread_s`; ms until each one's event."""
    written: dict[str, float] = {}
    arrived: dict[str, float] = {}

    async def write(member_id: str) -> None:
        await asyncio.sleep(random.uniform(0, spread_s))
        at = time.perf_counter()
        reply = await sandbox.post(
            "/_sandbox/clubos/inbound", json={"member_id": member_id, "body": "Is the pool open late today?"}
        )
        reply.raise_for_status()
        written[reply.json()["message"]["conversation_id"]] = at

    async def listen() -> None:
        while len(arrived) < len(members):
            at, event = await events.get()
            if event["payload"].get("direction") == "incoming":
                arrived.setdefault(event["ref"], at)

    listener = asyncio.create_task(listen())
    await asyncio.gather(*(write(m) for m in members))
    await asyncio.wait_for(listener, spread_s + 60)
    return [(arrived[c] - written[c]) * 1000 for c in written]


async def throughput(sandbox: httpx.AsyncClient, events: Events, members: list[str], n: int) -> tuple[float, float]:
    """Messages/s stored from the first write to the last stored, and the seconds the writes took."""
    gate = asyncio.Semaphore(32)

    async def write(i: int) -> None:
        async with gate:
            body = {"member_id": members[i % len(members)], "body": f"Question {i}: can I bring a friend?"}
            (await sandbox.post("/_sandbox/clubos/inbound", json=body)).raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(write(i) for i in range(n)))
    written_s = time.perf_counter() - started
    stored = 0
    while stored < n:
        at, event = await asyncio.wait_for(events.get(), 120)
        stored += event["payload"].get("direction") == "incoming"
    return n / (at - started), written_s


async def idle_sync(client: Client) -> None:
    """Until the sync has stayed idle for 3 s (its poll may queue behind triage's activities)."""
    handle = client.get_workflow_handle(ids.INBOX_SYNC)
    last, quiet_since = -1, time.monotonic()
    while time.monotonic() - quiet_since < 3:
        polls = (await handle.query(names.INBOX_SYNC_STATUS, result_type=SyncStatus)).polls
        if polls != last:
            last, quiet_since = polls, time.monotonic()
        await asyncio.sleep(0.5)


async def triage_settled(client: Client) -> int:
    """Until the number of running triage workflows has not moved for 3 s (those left wait for a manager):
    the push burst is measured on its own, not behind the earlier phases' 2,000 triages. Returns that number."""
    query = f"WorkflowType='{names.MESSAGE_TRIAGE}' AND ExecutionStatus='Running'"
    last, quiet_since = -1, time.monotonic()
    while time.monotonic() - quiet_since < 3:
        running = (await client.count_workflows(query)).count
        if running != last:
            last, quiet_since = running, time.monotonic()
        await asyncio.sleep(0.5)
    return last


async def backlog(
    http: httpx.AsyncClient, client: Client, sandbox: httpx.AsyncClient, events: Events, members: list[str], n: int
) -> None:
    """The sync waits (1 h poll) while `n` messages are written; then one "sync now": messages/s stored."""
    await http.post("/api/inbox/sync-interval", json={"seconds": 3600})
    await idle_sync(client)
    gate = asyncio.Semaphore(32)

    async def write(i: int) -> None:
        async with gate:
            body = {"member_id": members[i % len(members)], "body": f"Backlog {i}: is the sauna open?"}
            (await sandbox.post("/_sandbox/clubos/inbound", json=body)).raise_for_status()

    await asyncio.gather(*(write(i) for i in range(n)))
    while not events.empty():
        events.get_nowait()
    started = time.perf_counter()
    (await http.post("/api/inbox/sync-now")).raise_for_status()
    stored = 0
    while stored < n:
        at, event = await asyncio.wait_for(events.get(), 120)
        stored += event["payload"].get("direction") == "incoming"
    print(f"Sync backlog     {n / (at - started):.0f} messages/s stored ({n} waiting, one sync, push off)")


async def answer_buckets(metrics_url: str) -> dict[float, float]:
    """The API's own clock: cumulative counts of ClubOS pushes answered within each bucket's bound."""
    async with httpx.AsyncClient() as http:
        text = (await http.get(metrics_url)).text
    return {
        float(s.labels["le"]): s.value
        for family in text_string_to_metric_families(text)
        if family.name == "renubu_webhook_duration_seconds"
        for s in family.samples
        if s.name.endswith("_bucket") and s.labels.get("source") == "clubos"
    }


def bucket_quantile(before: dict[float, float], after: dict[float, float], q: float) -> str:
    """The bucket bound the q-quantile falls under, from counts taken before and after."""
    total = after.get(float("inf"), 0) - before.get(float("inf"), 0)
    for bound in sorted(after):
        if after[bound] - before.get(bound, 0) >= q * total:
            return f"≤ {bound * 1000:.0f} ms" if bound != float("inf") else "> 10 s"
    return "n/a"


async def push_burst(
    sandbox: httpx.AsyncClient, events: Events, members: list[str], n: int, rate: float, metrics_url: str
) -> None:
    """`n` messages written `rate` a second (0: as fast as 32 writers get them into the sandbox)."""
    gate = asyncio.Semaphore(32)
    written: dict[str, list[float]] = {}
    begun = time.perf_counter()

    async def write(i: int) -> None:
        member = members[i % len(members)]
        if rate:
            await asyncio.sleep(max(0.0, begun + i / rate - time.perf_counter()))
        async with gate:
            at = time.perf_counter()
            reply = await sandbox.post("/_sandbox/clubos/inbound", json={"member_id": member, "body": f"Burst {i}?"})
            reply.raise_for_status()
        written.setdefault(reply.json()["message"]["conversation_id"], []).append(at)

    arrived: dict[str, list[float]] = {}

    async def listen() -> None:
        seen = 0
        while seen < n:
            at, event = await events.get()
            if event["payload"].get("direction") == "incoming":
                arrived.setdefault(event["ref"], []).append(at)
                seen += 1

    before = await answer_buckets(metrics_url)
    listener = asyncio.create_task(listen())
    await asyncio.gather(*(write(i) for i in range(n)))
    await asyncio.wait_for(listener, 300)
    # Within one conversation the k-th message written is the k-th to arrive.
    fresh = [(a - w) * 1000 for c, ws in written.items() for w, a in zip(sorted(ws), sorted(arrived[c]), strict=False)]
    attempts = (await sandbox.get("/_sandbox/clubos/push", params={"limit": 1000})).json()["attempts"]
    acks = [a["latency_ms"] for a in attempts if a["status_code"] is not None]
    failed = sum(a["outcome"] != "delivered" for a in attempts)
    q = statistics.quantiles(acks, n=100)
    first, last = min(w for ws in written.values() for w in ws), max(w for ws in written.values() for w in ws)
    pace = f"{n / (last - first):.0f} messages/s" + ("" if rate else ", as fast as the sandbox takes them")
    print(f"Push burst       {n} messages written in {last - first:.1f} s ({pace}), push on:")
    print(f"                 acknowledgement as the sandbox timed it: p50 {q[49]:.0f} ms  p99 {q[98]:.0f} ms")
    after = await answer_buckets(metrics_url)
    api_side = f"p50 {bucket_quantile(before, after, 0.5)}  p99 {bucket_quantile(before, after, 0.99)}"
    print(f"                 answered by the API (its own clock, histogram buckets): {api_side}")
    print(f"                 {failed} of {len(attempts)} deliveries not accepted at once (timeouts, errors, retries)")
    report("freshness in burst", fresh)


def report(label: str, timings: list[float]) -> None:
    q = statistics.quantiles(timings, n=100)
    print(f"  {label:<22} p50 {q[49]:7.0f} ms   p95 {q[94]:7.0f} ms   ({len(timings)} messages)")


async def run(settings: Settings, env: WorkflowEnvironment, args: argparse.Namespace) -> None:
    async with ClubOSClient.from_settings(settings) as clubos:
        members = [m.id for m in await clubos.list_members(status=["green"])]
    random.shuffle(members)
    http = await login(settings)
    sandbox = httpx.AsyncClient(base_url=sandbox_url(settings), headers=ADMIN, timeout=60)
    try:
        await ensure_inbox_sync(env.client, settings)
        async with sse_events(http, "/events/stream?topics=inbox") as events:
            print("Freshness: message created in the sandbox -> SSE event in the open inbox")
            batches = iter(members[i : i + args.messages] for i in range(0, len(members), args.messages))
            for label, push, interval in (("push (poll 10 s)", True, 10), ("poll every 1 s", False, 1)):
                await sandbox.put("/_sandbox/clubos/push", json={"enabled": push})
                await http.post("/api/inbox/sync-interval", json={"seconds": interval})
                report(label, await freshness(sandbox, events, next(batches), spread_s=args.messages * 0.3))
            await http.post("/api/inbox/sync-interval", json={"seconds": 10})
            report("poll every 10 s", await freshness(sandbox, events, next(batches), spread_s=40))
            await http.post("/api/inbox/sync-interval", json={"seconds": 1})
            await asyncio.sleep(2)
            while not events.empty():
                events.get_nowait()
            rate, written_s = await throughput(sandbox, events, members, args.burst)
            print(
                f"Sync throughput  {rate:.0f} messages/s stored ({args.burst} written at once in {written_s:.1f} s,"
                " push off, 1 s poll)"
            )
            if args.backlog:
                await backlog(http, env.client, sandbox, events, members, args.backlog)
            metrics_url = f"http://127.0.0.1:{settings.observability.api_metrics_port}/metrics"
            for rate in [float(r) for r in args.push_rates.split(",")] if args.push_burst else []:
                waiting = await triage_settled(env.client)
                print(f"Earlier triage settled ({waiting} waiting for a manager)")
                await sandbox.put("/_sandbox/clubos/push", json={"enabled": True})
                await http.post("/api/inbox/sync-interval", json={"seconds": 10})
                while not events.empty():
                    events.get_nowait()
                await push_burst(sandbox, events, members, args.push_burst, rate, metrics_url)
    finally:
        await sandbox.aclose()
        await http.aclose()


async def main(args: argparse.Namespace) -> None:
    async with dev_server() as env:
        with tempfile.TemporaryDirectory() as tmp:
            metrics = {"RENUBU_API_METRICS_PORT": str(free_port())}  # the API's side of the burst
            async with process_stack(
                env.client.service_client.config.target_host,
                Path(tmp),
                database_url=args.database_url,
                extra_env=metrics,
            ) as settings:
                await run(settings, env, args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=30, help="messages per freshness setting")
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--backlog", type=int, default=1000, help="messages in the backlog the sync finds (0: skip)")
    parser.add_argument("--push-burst", type=int, default=1000, help="messages in the push-on burst (0: skip)")
    parser.add_argument(
        "--push-rates", default="100,0", help="one burst at each of these messages/s (0: as fast as they go in)"
    )
    parser.add_argument("--database-url", default="")
    run_and_exit(main(parser.parse_args()))
