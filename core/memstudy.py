"""Where a process's memory goes: with RENUBU_TRACEMALLOC=<file>, tracemalloc follows every allocation
from start-up, and each SIGUSR1 writes the largest live allocation sites to that file (the nurture
benchmark's --tracemalloc asks at the worker's peak). Off by default: tracing costs CPU and memory."""

from __future__ import annotations

import os
import signal
import tracemalloc
from pathlib import Path

ENV = "RENUBU_TRACEMALLOC"
FRAMES = 12  # deep enough to see through the SDK and the sandbox to our code
TOP = 25


def install() -> None:
    """Starts tracing when RENUBU_TRACEMALLOC names a file; SIGUSR1 then writes a report there."""
    path = os.environ.get(ENV)
    if not path:
        return
    tracemalloc.start(FRAMES)
    signal.signal(signal.SIGUSR1, lambda *_: write_report(Path(path)))


def write_report(path: Path) -> None:
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap>")]
    )
    total = sum(stat.size for stat in snapshot.statistics("filename"))
    lines = [f"traced {total / 2**20:.0f} MiB live (peak {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MiB)"]
    lines.append(f"\ntop {TOP} lines:")
    for stat in snapshot.statistics("lineno")[:TOP]:
        frame = stat.traceback[0]
        lines.append(f"{stat.size / 2**20:8.1f} MiB {stat.count:9d} blocks  {frame.filename}:{frame.lineno}")
    lines.append(f"\ntop {TOP // 2} call paths (innermost last):")
    for stat in snapshot.statistics("traceback")[: TOP // 2]:
        lines.append(f"{stat.size / 2**20:8.1f} MiB {stat.count:9d} blocks")
        lines.extend(f"      {f.filename}:{f.lineno}" for f in stat.traceback)
    path.write_text("\n".join(lines) + "\n")
