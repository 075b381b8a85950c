"""What keeping the sandbox's state on disk costs.

1. ClubOS sends per second through the sandbox app (in process, over ASGI, one at a time, each with
   its Idempotency-Key), in memory and with a state file (data/sandbox.db, as `./dev up` runs it).
2. A restart: how long the sandbox takes to build itself again from that file.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from sandbox.app import create_app
from sandbox.clubos.people import bounces
from sandbox.clubos.testing import API, clubos_settings
from sandbox.settings import SandboxSettings


async def sends_per_s(settings: SandboxSettings, count: int) -> float:
    app = create_app(settings)
    club = app.state.sandbox.clubos
    members = [m.id for m in club.world.members if not (m.opt_out_email or bounces(m.email))]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        started = time.perf_counter()
        for n in range(count):
            body = {"channel": "email", "member_id": members[n % len(members)], "subject": "Hi", "body": "Hello"}
            response = await client.post(
                "/clubos/api/v1/messages", json=body, headers={**API, "Idempotency-Key": f"k{n}"}
            )
            response.raise_for_status()
        elapsed = time.perf_counter() - started
    app.state.sandbox.store.close()
    return count / elapsed


async def main(args: argparse.Namespace) -> None:
    print(f"ClubOS sends through the sandbox app, {args.sends} one after another (best of {args.rounds} rounds)")
    with tempfile.TemporaryDirectory() as tmp:
        in_memory, on_disk = 0.0, 0.0
        for round_ in range(args.rounds):  # interleaved, so a busy machine slows both alike
            in_memory = max(in_memory, await sends_per_s(clubos_settings(), args.sends))
            on_disk = max(on_disk, await sends_per_s(clubos_settings(data_dir=Path(tmp) / str(round_)), args.sends))
        print(f"  in memory        {in_memory:8.0f} sends/s")
        print(f"  with state file  {on_disk:8.0f} sends/s   ({on_disk / in_memory:.2f}x)")
        data_dir = Path(tmp) / "0"
        size = sum(path.stat().st_size for path in data_dir.glob("sandbox.db*"))
        started = time.perf_counter()
        app = create_app(clubos_settings(data_dir=data_dir))
        loaded = time.perf_counter() - started
        print(
            f"Restart: built again with {len(app.state.sandbox.clubos.messenger.sent)} sent messages"
            f" in {loaded * 1000:.0f} ms (state file {size / 1e6:.1f} MB)"
        )
        app.state.sandbox.store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sends", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args()))
