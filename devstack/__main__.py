"""`./dev up [--workers N]`: the whole system on one machine, kept running.

The Temporal dev server (persisted under data/), the sandbox (Salesforce, Active, ClubOS, mail,
leads; its state in data/sandbox.db), N workers, the API + dashboard, then demo data. A process that
crashes is started again after a pause that doubles each time (0.5 s up to 8 s), with a log line;
the fifth crash of one process within 60 s means it is crash-looping, and the stack stops (see
devstack/processes.py). Ctrl-C stops everything cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path

from bootstrap import bootstrap
from contracts.search_attributes import cli_flags
from core.logs import setup_logging
from core.settings import Settings, get_settings, variable
from core.temporal import connect
from db.engine import Database
from devstack import demo_progress, seed
from devstack.processes import Child, Supervisor, port_free, wait_for_port
from sandbox.settings import SandboxSettings

log = logging.getLogger("renubu.stack")
PY = sys.executable
TEMPORAL = str(Path(PY).parent / "temporal")


# Journeys on a compressed clock so a tester sees a week-long journey in minutes. The cap window
# shrinks with it; wall-clock quiet hours make no sense on it, so they are off (tests cover them).
# Only fields not set in the environment or .env are changed: set any of them to override.
DEMO_CLOCK = {  # journeys.<name>
    "time_scale": 1 / 1440,
    "cap_window_s": 60,
    "quiet_hours_start": 0,
    "quiet_hours_end": 0,
}


def _demo_clock() -> None:
    configured = Settings()  # what the environment or .env sets is in the fields set
    if "env" not in configured.model_fields_set:  # a developer's machine; RENUBU_ENV=production would refuse the demo
        os.environ["RENUBU_ENV"] = "dev"
    for name, value in DEMO_CLOCK.items():
        if name not in configured.journeys.model_fields_set:
            os.environ[variable(f"journeys.{name}")] = str(value)
    get_settings.cache_clear()


def _split(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host or "127.0.0.1", int(port)


def temporal_child(settings: Settings) -> Child:
    host, port = _split(settings.temporal.address)
    return Child(
        "temporal",
        [
            TEMPORAL,
            "server",
            "start-dev",
            "--db-filename",
            str(settings.data_dir / "temporal.db"),
            "--ip",
            host,
            "--port",
            str(port),
            "--ui-port",
            str(_ui_port(settings)),
            "--log-level",
            "warn",
            "--ui-disable-news-fetch",
            *cli_flags(),
        ],
    )


def worker_children(count: int, metrics_port: int = 0) -> list[Child]:
    """Worker n serves its metrics on metrics_port + n - 1 (0: none)."""
    names = ["worker"] if count == 1 else [f"worker-{n}" for n in range(1, count + 1)]
    return [
        Child(name, [PY, "worker.py"], {"RENUBU_WORKER_METRICS_PORT": str(metrics_port + n if metrics_port else 0)})
        for n, name in enumerate(names)
    ]


def api_child(settings: Settings) -> Child:
    return Child(
        "api",
        [
            PY,
            "-m",
            "uvicorn",
            "api.app:create_app",
            "--factory",
            "--host",
            settings.api.host,
            "--port",
            str(settings.api.port),
            "--no-access-log",
        ],
    )


def _ui_port(settings: Settings) -> int:
    return int(settings.temporal.ui_url.rsplit(":", 1)[-1].split("/")[0])


async def run(workers: int) -> int:
    _demo_clock()
    settings = get_settings()
    sandbox_settings = SandboxSettings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    t_host, t_port = _split(settings.temporal.address)
    busy = [
        f"{h}:{p}"
        for h, p in [
            (t_host, t_port),
            (t_host, _ui_port(settings)),
            (settings.api.host, settings.api.port),
            (sandbox_settings.sandbox_host, sandbox_settings.sandbox_port),
        ]
        if not port_free(h, p)
    ]
    if busy:
        log.error("ports already in use: %s (is another Renubu running?)", ", ".join(busy))
        return 1

    supervisor = Supervisor()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        temporal = await supervisor.start(temporal_child(settings))
        await wait_for_port(t_host, t_port, 60, temporal)
        await _wait_for_temporal(settings)
        log.info("Temporal dev server ready (state in %s)", settings.data_dir / "temporal.db")

        await bootstrap(settings)

        # The sandbox keeps its state beside Renubu's (data/sandbox.db), so it survives its own restart.
        sandbox_env = {"RENUBU_DATA_DIR": str(settings.data_dir)}
        sandbox = await supervisor.start(Child("sandbox", [PY, "-m", "sandbox"], sandbox_env))
        await wait_for_port(sandbox_settings.sandbox_host, sandbox_settings.sandbox_port, 30, sandbox)
        for worker in worker_children(workers, settings.observability.worker_metrics_port):
            await supervisor.start(worker)
        api = await supervisor.start(api_child(settings))
        await wait_for_port(settings.api.host, settings.api.port, 30, api)

        db = Database(settings.resolved_database_url)
        try:
            csms = await seed.seed_users(settings, db)
            counts = await seed.seed_signals(settings, f"http://{settings.api.host}:{settings.api.port}")
            log.info("demo data: %d CSMs; signals %s", len(csms), counts)
            await demo_progress.wait_until_shown(db, seed.DEMO_EVENT_PREFIX, counts["accepted"] + counts["duplicate"])
        finally:
            await db.dispose()
        _banner(settings, sandbox_settings, csms, workers)

        crash_loop = asyncio.ensure_future(supervisor.wait_given_up())
        stopping = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({crash_loop, stopping}, return_when=asyncio.FIRST_COMPLETED)
        crash_loop.cancel()
        stopping.cancel()
        if crash_loop in done:
            log.error("%s is crash-looping; stopping the stack", crash_loop.result().name)
            return 1
        return 0
    finally:
        log.info("stopping…")
        await supervisor.stop()
        log.info("stopped cleanly")


async def _wait_for_temporal(settings: Settings) -> None:
    for _ in range(100):
        with contextlib.suppress(Exception):
            client = await connect(settings)
            await client.service_client.check_health()
            return
        await asyncio.sleep(0.3)
    raise TimeoutError("Temporal did not become healthy")


def _banner(s: Settings, sandbox: SandboxSettings, csms: list[str], workers: int) -> None:
    lines = [
        "",
        "Renubu is running.",
        f"  Dashboard      {s.api.public_url}",
        f"  Temporal UI    {s.temporal.ui_url}",
        f"  Sandbox        http://{sandbox.sandbox_host}:{sandbox.sandbox_port}"
        "  (Salesforce, Active, ClubOS, mail, leads, faults)",
        _metrics_line(s, workers),
        "",
        f"  Log in as a CSM:     {csms[0] if csms else '(none)'} / {seed.DEMO_PASSWORD}",
        f"  Log in as manager:   {seed.MANAGER[0]} / {seed.DEMO_PASSWORD}",
        f"  Log in as operator:  {seed.OPERATOR[0]} / {seed.DEMO_PASSWORD}",
        f"  Journeys run on a demo clock: 1 day = {86400 * s.journeys.time_scale:g} s"
        f" (RENUBU_NURTURE_TIME_SCALE=1 for real time).",
        f"  {workers} worker{'' if workers == 1 else 's'}; a process that crashes is restarted.",
        "  Press Ctrl-C to stop.",
        "",
    ]
    print("\n".join(lines), flush=True)


def _metrics_line(s: Settings, workers: int) -> str:
    if not s.observability.api_metrics_port and not s.observability.worker_metrics_port:
        return "  Metrics        off"
    api = f"API :{s.observability.api_metrics_port}" if s.observability.api_metrics_port else "API off"
    if not s.observability.worker_metrics_port:
        return f"  Metrics        {api}, workers off"
    last = s.observability.worker_metrics_port + workers - 1
    ports = f":{s.observability.worker_metrics_port}" + (f"-{last}" if workers > 1 else "")
    return f"  Metrics        {api}, worker{'s' if workers > 1 else ''} {ports}  (Prometheus, /metrics)"


def workers_arg(value: str) -> int:
    count = int(value)
    if not 1 <= count <= 32:
        raise argparse.ArgumentTypeError("--workers must be between 1 and 32")
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="./dev up", description="Run the whole system locally.")
    parser.add_argument("--workers", type=workers_arg, default=1, metavar="N", help="worker processes (default 1)")
    args = parser.parse_args(argv)
    setup_logging("stack")
    sys.exit(asyncio.run(run(args.workers)))


if __name__ == "__main__":
    main()
