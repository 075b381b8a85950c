"""Readable, one-line logs for every process of the stack."""

from __future__ import annotations

import logging
import os
import sys


def setup_logging(component: str, level: str | None = None) -> None:
    level = level or os.environ.get("RENUBU_LOG_LEVEL", "INFO")
    fmt = f"%(asctime)s %(levelname)-5s {component:<8} %(name)s: %(message)s"
    logging.basicConfig(level=level, format=fmt, datefmt="%H:%M:%S", stream=sys.stdout, force=True)
    for noisy in ("httpx", "httpcore", "temporalio.activity", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
