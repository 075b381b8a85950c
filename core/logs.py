"""Readable, one-line logs for every process of the stack."""

from __future__ import annotations

import logging
import os
import sys


def setup_logging(component: str, level: str | None = None) -> None:
    level = level or os.environ.get("RENUBU_LOG_LEVEL", "INFO")
    fmt = f"%(asctime)s %(levelname)-5s {component:<8} %(name)s: %(message)s"
    logging.basicConfig(level=level, format=fmt, datefmt="%H:%M:%S", stream=sys.stdout, force=True)
    # temporalio.activity stays at the level asked for: activities' info lines are how operators follow them.
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
