"""The worker's allocation report (RENUBU_TRACEMALLOC): what the nurture benchmark prints at its peak."""

from __future__ import annotations

import os
import signal
import tracemalloc
from pathlib import Path

import pytest

from core import memstudy


def test_sigusr1_writes_the_largest_allocation_sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "alloc.txt"
    monkeypatch.setenv(memstudy.ENV, str(report))
    previous = signal.getsignal(signal.SIGUSR1)
    memstudy.install()
    try:
        held = [bytearray(64 * 1024) for _ in range(64)]  # 4 MiB from one line of this file
        os.kill(os.getpid(), signal.SIGUSR1)
        text = report.read_text()
    finally:
        tracemalloc.stop()
        signal.signal(signal.SIGUSR1, previous)
    assert len(held) == 64 and text.startswith("traced ")
    top = text.split("top 25 lines:\n")[1].splitlines()[0]
    assert "test_memstudy.py" in top and float(top.split()[0]) >= 4.0


def test_off_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(memstudy.ENV, raising=False)
    memstudy.install()
    assert not tracemalloc.is_tracing()
