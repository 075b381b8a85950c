"""`./dev up`'s supervisor, with small real child processes: a killed child comes back after a pause,
a crash-looping one is given up on (which stops the stack), Ctrl-C stops every child, last first."""

from __future__ import annotations

import logging
import os
import signal
import sys

import pytest

from devstack.__main__ import main, worker_children
from devstack.processes import NEVER_RESTART, Child, RestartPolicy, Supervisor
from tests.stack import wait_for

SLEEPER = [sys.executable, "-c", "import time; time.sleep(3600)"]  # runs until it is killed
CRASHER = [sys.executable, "-c", "raise SystemExit(3)"]
FAST = RestartPolicy(first_backoff_s=0.01, max_backoff_s=0.05)


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "renubu.stack"]


async def test_a_killed_child_is_restarted_with_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "renubu.stack")
    supervisor = Supervisor(FAST)
    child = await supervisor.start(Child("sleeper", SLEEPER))
    try:
        assert child.process is not None
        first = child.process.pid
        os.kill(first, signal.SIGKILL)

        async def restarted() -> bool:
            return child.starts == 2 and child.process is not None and child.process.returncode is None

        await wait_for(restarted, what="the sleeper to come back")
        assert child.process.pid != first and not child.given_up and supervisor.given_up is None
        assert messages(caplog)[:2] == [
            "sleeper exited unexpectedly (code -9); restarting it in 0.01s (crash 1 of 4 allowed within 60s)",
            f"sleeper restarted (pid {child.process.pid})",
        ]
    finally:
        await supervisor.stop()
    assert child.exited and child.starts == 2


async def test_a_crash_loop_is_given_up_on(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "renubu.stack")
    supervisor = Supervisor(RestartPolicy(max_crashes=3, first_backoff_s=0.01))
    crasher = await supervisor.start(Child("crasher", CRASHER))
    sleeper = await supervisor.start(Child("sleeper", SLEEPER))
    try:
        assert await supervisor.wait_given_up() is crasher
        assert crasher.starts == 3 and crasher.given_up and crasher.returncode == 3
        assert messages(caplog)[-1] == "crasher exited (code 3): 3 crashes within 60s, not restarting it"
        assert [m for m in messages(caplog) if "restarting it in" in m] == [
            "crasher exited unexpectedly (code 3); restarting it in 0.01s (crash 1 of 2 allowed within 60s)",
            "crasher exited unexpectedly (code 3); restarting it in 0.02s (crash 2 of 2 allowed within 60s)",
        ]
        assert not sleeper.exited  # the others keep running until the stack is stopped
    finally:
        await supervisor.stop()
    assert sleeper.exited


async def test_crashes_outside_the_window_are_forgiven() -> None:
    now = [0.0]

    def clock() -> float:  # every crash comes a minute and more after the one before
        now[0] += 61
        return now[0]

    supervisor = Supervisor(RestartPolicy(max_crashes=2, window_s=60, first_backoff_s=0), clock=clock)
    child = await supervisor.start(Child("crasher", CRASHER))
    try:

        async def many_restarts() -> bool:
            return child.starts >= 5

        await wait_for(many_restarts, what="five starts")
        assert supervisor.given_up is None and not child.given_up and len(child.crashes) == 1
    finally:
        await supervisor.stop()


async def test_without_restarts_an_exit_is_final() -> None:
    supervisor = Supervisor(NEVER_RESTART)
    child = await supervisor.start(Child("crasher", CRASHER))
    try:
        assert await supervisor.wait_given_up() is child and child.starts == 1
    finally:
        await supervisor.stop()


async def test_stop_stops_every_child_last_started_first() -> None:
    stopped: list[str] = []

    class Recorded(Child):
        async def stop(self, grace_s: float = 15.0) -> None:
            stopped.append(self.name)
            await super().stop(grace_s)

    supervisor = Supervisor(FAST)
    children = [await supervisor.start(Recorded(name, SLEEPER)) for name in ("first", "second")]
    await supervisor.stop()
    assert stopped == ["second", "first"]
    assert all(child.exited and child.starts == 1 for child in children)  # stopping is not a crash


@pytest.mark.parametrize(("recent", "pause"), [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (9, 8.0)])
def test_backoff_doubles_up_to_a_ceiling(recent: int, pause: float) -> None:
    assert RestartPolicy().backoff_s(recent) == pause


def test_workers_are_named_by_number() -> None:
    assert [c.name for c in worker_children(1)] == ["worker"]
    assert [c.name for c in worker_children(3)] == ["worker-1", "worker-2", "worker-3"]
    assert all(c.argv[-1] == "worker.py" for c in worker_children(3))


def test_each_worker_serves_metrics_on_its_own_port() -> None:
    ports = [c.env["RENUBU_WORKER_METRICS_PORT"] for c in worker_children(3, metrics_port=9401)]
    assert ports == ["9401", "9402", "9403"]
    assert [c.env["RENUBU_WORKER_METRICS_PORT"] for c in worker_children(2)] == ["0", "0"]  # off stays off


@pytest.mark.parametrize("value", ["0", "33", "two"])
def test_the_workers_option_is_checked(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--workers", value])
    assert exited.value.code == 2 and "--workers" in capsys.readouterr().err
