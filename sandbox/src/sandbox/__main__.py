"""`python -m sandbox`: serve the sandbox on sandbox_host:sandbox_port (see sandbox/settings.py)."""

from __future__ import annotations

import logging
import sys

import uvicorn

from sandbox.app import create_app
from sandbox.settings import get_settings


def setup_logging(level: str) -> None:
    fmt = "%(asctime)s %(levelname)-5s sandbox  %(name)s: %(message)s"
    logging.basicConfig(level=level, format=fmt, datefmt="%H:%M:%S", stream=sys.stdout, force=True)
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main() -> None:
    settings = get_settings()
    setup_logging(settings.log_level.upper())
    uvicorn.run(
        create_app(settings),
        host=settings.sandbox_host,
        port=settings.sandbox_port,
        access_log=False,
        log_level=logging.getLogger().level,
    )


if __name__ == "__main__":
    main()
