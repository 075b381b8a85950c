"""Child processes of the local stack, supervised: logs prefixed with the process name, a crashed
child started again after a growing pause, everything stopped in reverse order on Ctrl-C.

A child that crashes `max_crashes` times within `window_s` seconds is crash-looping; restarting it
would only hide that, so the supervisor reports it and the stack stops (see RestartPolicy).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

COLORS = ["\033[36m", "\033[35m", "\033[33m", "\033[32m", "\033[34m"]
RESET = "\033[0m"
log = logging.getLogger("renubu.stack")


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


async def wait_for_port(host: str, port: int, within_s: float, child: Child | None = None) -> None:
    """Until something listens on host:port. A supervised child may crash and come back meanwhile;
    one the supervisor gave up on (or an unsupervised one that exited) ends the wait at once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while loop.time() < deadline:
        if child is not None and child.given_up:
            raise RuntimeError(f"{child.name} exited with code {child.returncode}")
        try:
            _, writer = await asyncio.open_connection(host, port)
            writer.close()
            await writer.wait_closed()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise TimeoutError(f"nothing listening on {host}:{port} after {within_s:.0f}s")


@dataclass(frozen=True)
class RestartPolicy:
    """A crashed child waits first_backoff_s, then twice as long after each further crash (up to
    max_backoff_s); the `max_crashes`-th crash within `window_s` seconds stops the stack."""

    max_crashes: int = 5
    window_s: float = 60.0
    first_backoff_s: float = 0.5
    max_backoff_s: float = 8.0

    def backoff_s(self, recent_crashes: int) -> float:
        return min(self.max_backoff_s, self.first_backoff_s * 2 ** (recent_crashes - 1))


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    process: asyncio.subprocess.Process | None = None
    color: str = ""
    starts: int = 0
    given_up: bool = False  # crash-looping, or exited without a supervisor
    crashes: deque[float] = field(default_factory=deque)  # monotonic times of recent crashes
    _pumps: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def exited(self) -> bool:
        return self.process is not None and self.process.returncode is not None

    @property
    def returncode(self) -> int | str:
        return self.process.returncode if self.process and self.process.returncode is not None else "?"

    async def start(self) -> None:
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches only the launcher, which stops children in order
        )
        self.starts += 1
        self._pumps.append(asyncio.create_task(self._pump(self.process)))

    async def _pump(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        tty = sys.stdout.isatty()
        prefix = f"{self.color}{self.name:>9} |{RESET} " if tty else f"{self.name:>9} | "
        async for raw in process.stdout:
            sys.stdout.write(prefix + raw.decode(errors="replace").rstrip() + "\n")
            sys.stdout.flush()

    async def stop(self, grace_s: float = 15.0) -> None:
        if self.process is not None and not self.exited:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace_s)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        await asyncio.gather(*self._pumps)  # the rest of its output, up to EOF
        self._pumps.clear()


NEVER_RESTART = RestartPolicy(max_crashes=1)  # e.g. for benchmarks: a crash is a failed run, not a hiccup


class Supervisor:
    """Starts children and keeps them running, as its RestartPolicy allows."""

    def __init__(self, policy: RestartPolicy | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy or RestartPolicy()
        self.children: list[Child] = []
        self.given_up: Child | None = None  # the first child it stopped restarting
        self._gave_up = asyncio.Event()
        self._clock = clock
        self._stopping = False
        self._watchers: list[asyncio.Task[None]] = []

    async def wait_given_up(self) -> Child:
        """Returns once a child crashes more often than the policy allows."""
        await self._gave_up.wait()
        assert self.given_up is not None
        return self.given_up

    async def start(self, child: Child) -> Child:
        child.color = COLORS[len(self.children) % len(COLORS)]
        self.children.append(child)
        await child.start()
        self._watchers.append(asyncio.create_task(self._watch(child), name=f"supervise {child.name}"))
        return child

    async def _watch(self, child: Child) -> None:
        while True:
            assert child.process is not None
            await child.process.wait()
            if self._stopping:
                return
            now = self._clock()
            child.crashes.append(now)
            while child.crashes[0] < now - self.policy.window_s:
                child.crashes.popleft()
            recent = len(child.crashes)
            if recent >= self.policy.max_crashes:
                child.given_up = True
                log.error(
                    "%s exited (code %s): %d crash%s within %gs, not restarting it",
                    child.name,
                    child.returncode,
                    recent,
                    "" if recent == 1 else "es",
                    self.policy.window_s,
                )
                if self.given_up is None:
                    self.given_up = child
                    self._gave_up.set()
                return
            delay = self.policy.backoff_s(recent)
            log.warning(
                "%s exited unexpectedly (code %s); restarting it in %gs (crash %d of %d allowed within %gs)",
                child.name,
                child.returncode,
                delay,
                recent,
                self.policy.max_crashes - 1,
                self.policy.window_s,
            )
            await asyncio.sleep(delay)
            await child.start()
            assert child.process is not None
            log.warning("%s restarted (pid %d)", child.name, child.process.pid)

    async def stop(self) -> None:
        """Stop supervising, then stop the children, last started first."""
        self._stopping = True
        for watcher in self._watchers:
            watcher.cancel()
        for watcher in self._watchers:
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        for child in reversed(self.children):
            await child.stop()
