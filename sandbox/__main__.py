"""`python -m sandbox`: serve the sandbox on settings.sandbox_host:sandbox_port."""

from __future__ import annotations

import logging

import uvicorn

from core.logs import setup_logging
from core.settings import get_settings
from sandbox.app import create_app


def main() -> None:
    settings = get_settings()
    setup_logging("sandbox")
    uvicorn.run(
        create_app(settings),
        host=settings.sandbox_host,
        port=settings.sandbox_port,
        access_log=False,
        log_level=logging.getLogger().level,
    )


if __name__ == "__main__":
    main()
