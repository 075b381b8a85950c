"""Child processes of the local stack: started in order, logs prefixed with the
process name, stopped in reverse order on Ctrl-C (SIGTERM, then SIGKILL)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from dataclasses import dataclass, field

COLORS = ["\033[36m", "\033[35m", "\033[33m", "\033[32m", "\033[34m"]
RESET = "\033[0m"


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


async def wait_for_port(host: str, port: int, within_s: float, proc: Child | None = None) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while loop.time() < deadline:
        if proc is not None and proc.exited:
            raise RuntimeError(f"{proc.name} exited with code {proc.process.returncode if proc.process else '?'}")
        try:
            _, writer = await asyncio.open_connection(host, port)
            writer.close()
            await writer.wait_closed()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise TimeoutError(f"nothing listening on {host}:{port} after {within_s:.0f}s")


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    process: asyncio.subprocess.Process | None = None
    color: str = ""
    _pump_task: asyncio.Task[None] | None = None

    @property
    def exited(self) -> bool:
        return self.process is not None and self.process.returncode is not None

    async def start(self) -> None:
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches only the launcher, which stops children in order
        )
        self._pump_task = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        tty = sys.stdout.isatty()
        prefix = f"{self.color}{self.name:>9} |{RESET} " if tty else f"{self.name:>9} | "
        async for raw in self.process.stdout:
            sys.stdout.write(prefix + raw.decode(errors="replace").rstrip() + "\n")
            sys.stdout.flush()

    async def stop(self, grace_s: float = 15.0) -> None:
        if self.process is None or self.exited:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), grace_s)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self._pump_task is not None:
            await self._pump_task  # the rest of its output, up to EOF


class Stack:
    def __init__(self) -> None:
        self.children: list[Child] = []

    async def start(self, child: Child) -> Child:
        child.color = COLORS[len(self.children) % len(COLORS)]
        self.children.append(child)
        await child.start()
        return child

    async def stop(self) -> None:
        for child in reversed(self.children):
            await child.stop()

    async def watch(self) -> Child:
        """Returns the first child that exits on its own."""
        waits = {asyncio.ensure_future(c.process.wait()): c for c in self.children if c.process}
        done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        return waits[next(iter(done))]
