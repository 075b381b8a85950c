"""Typed errors for calls to outside systems, and their translation for Temporal.

Client code never retries (apart from Salesforce's single token refresh): it raises
one of these and the activity's Temporal retry policy decides. Each class says
whether a retry can help; `to_application_error` carries that to Temporal.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import ClassVar

from temporalio.exceptions import ApplicationError

from core import metrics


class ExternalServiceError(Exception):
    """A call to `service` failed. `status` is the HTTP status, None without a response."""

    retryable: ClassVar[bool] = True

    def __init__(
        self,
        service: str,
        status: int | None,
        message: str,
        retry_after: float | None = None,
        *,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.service = service
        self.status = status
        self.message = message
        self.retry_after = retry_after
        self.code = code  # the service's own error code, e.g. MALFORMED_QUERY
        # Every failed outside call passes here (status mapping, transport errors, SMTP, Slack, the LLM).
        metrics.DOWNSTREAM_ERRORS.inc(system=service, status=status if status is not None else "none")

    def __str__(self) -> str:
        status = f" HTTP {self.status}" if self.status is not None else ""
        return f"{self.service}{status}: {self.message}"


class ClientError(ExternalServiceError):
    """4xx: our request is wrong; sending it again will not help."""

    retryable = False


class NotFoundError(ClientError):
    """The thing asked for does not exist (404, or a query that found nothing)."""


class AuthError(ExternalServiceError):
    """401/403 that a token refresh did not fix: credentials or permissions are wrong. Not bad data: the
    operator fixes the credentials and the same call then succeeds, so it is retried (with a capped interval)."""


class RateLimitedError(ExternalServiceError):
    """429: retry after `retry_after` seconds (from Retry-After) when the service said."""


class ServerError(ExternalServiceError):
    """5xx, timeouts and connection failures: transient by assumption."""


class MalformedResponseError(ExternalServiceError):
    """A 2xx whose body is not what the API promises; often a deploy in progress."""


# Temporal matches RetryPolicy.non_retryable_error_types against ApplicationError.type
# by exact name, so subclasses are listed on their own.
# RecipientOptedOut lives in clients.clubos (a ClientError subclass); named here to keep one list.
NON_RETRYABLE_ERROR_TYPES: list[str] = [
    ClientError.__name__,
    NotFoundError.__name__,
    "RecipientOptedOut",
]


def error_for_status(
    service: str,
    status: int,
    message: str,
    *,
    retry_after: float | None = None,
    code: str | None = None,
) -> ExternalServiceError:
    """The error class for a failed HTTP status, shared by every client."""
    cls: type[ExternalServiceError]
    if status in (401, 403):
        cls = AuthError
    elif status == 404:
        cls = NotFoundError
    elif status == 429:
        cls = RateLimitedError
    elif status == 408 or status >= 500:  # 408: the server timed out waiting; transient
        cls = ServerError
    elif status >= 300:
        # Other 4xx, and 3xx: redirects are not followed (they would carry our credentials
        # elsewhere), so one means a wrong URL or, for an upsert, ambiguous matches.
        cls = ClientError
    else:  # a 1xx/2xx passed in as a failure
        cls = MalformedResponseError
    return cls(service, status, message, retry_after, code=code)


def to_application_error(exc: ExternalServiceError) -> ApplicationError:
    """The ApplicationError an activity raises so Temporal retries (or not) correctly.

    A Retry-After the service sent becomes `next_retry_delay`, which overrides the
    retry policy's backoff for that one attempt.
    """
    delay = timedelta(seconds=exc.retry_after) if exc.retryable and exc.retry_after is not None else None
    return ApplicationError(
        str(exc),
        {"service": exc.service, "status": exc.status, "code": exc.code},
        type=type(exc).__name__,
        non_retryable=not exc.retryable,
        next_retry_delay=delay,
    )


@asynccontextmanager
async def activity_errors() -> AsyncIterator[None]:
    """Convert ExternalServiceError to ApplicationError; usable as `async with` or decorator.

    >>> @activity.defn
    ... @activity_errors()
    ... async def fetch_account(key: str) -> AccountBundle: ...
    """
    try:
        yield
    except ExternalServiceError as exc:
        raise to_application_error(exc) from exc
