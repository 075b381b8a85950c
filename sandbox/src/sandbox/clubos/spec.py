"""ClubOS's error format, `{"error": {"code": "...", "message": "..."}}`, for every failure under /clubos."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.errors import ApiError, ServiceSpec


def _error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


CLUBOS = ServiceSpec(
    name="clubos",
    prefix="/clubos",
    error_body=_error_body,
    generic_errors={
        400: ("invalid_request", "The request is malformed"),
        401: ("unauthorized", "Missing or invalid X-Api-Key header"),
        404: ("not_found", "No such resource"),
        405: ("method_not_allowed", "Method not allowed"),
        409: ("conflict", "Conflict"),
        422: ("validation_error", "The request is invalid"),
        429: ("rate_limited", "Too many requests; retry later"),
        500: ("internal_error", "Internal server error"),
        503: ("service_unavailable", "Service temporarily unavailable"),
    },
)


def clubos_error(status_code: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> ApiError:
    """An error with a ClubOS-specific code (e.g. recipient_opted_out), rendered by the shared handler."""
    return ApiError(status_code, _error_body(code, message), headers)


class Rejected(ApiError):
    """A request ClubOS refuses as unprocessable (422), with its specific error code. Raised by the
    domain code; the shared handler renders it, and bulk operations catch it per item."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(422, _error_body(code, message))
        self.code = code
        self.message = message
