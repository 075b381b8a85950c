"""Exit codes, so scripts can tell a refusal from a typo from an outage."""

from __future__ import annotations

OK = 0
FAILED = 1  # the server or the network failed
USAGE = 2  # bad arguments or input the server rejected as invalid (argparse uses 2 too)
UNAUTHENTICATED = 3  # 401: no key, or a wrong or revoked one
FORBIDDEN = 4  # 403: the key's user may not do this (deciding needs a manager)
NOT_FOUND = 5  # 404
CONFLICT = 6  # 409: the workflow refused the decision (already decided, expired, unknown item, ...)

BY_STATUS = {401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT, 422: USAGE}

EPILOG = (
    "exit codes: 0 ok, 1 server or network failure, 2 bad input, 3 not authenticated (401), "
    "4 forbidden (403), 5 not found (404), 6 refused by the workflow (409)"
)


class CliError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
