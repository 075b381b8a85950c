"""Anthropic SDK failures as the shared clients.errors types (service "anthropic")."""

from __future__ import annotations

import anthropic

from clients.errors import (
    ExternalServiceError,
    MalformedResponseError,
    RateLimitedError,
    ServerError,
    error_for_status,
)
from clients.http import parse_retry_after

SERVICE = "anthropic"


class MalformedOutputError(MalformedResponseError):
    """The model answered without the requested tool call, or with input that fails the
    schema. Retryable: sampling may do better next time; once Temporal's retries are
    spent the workflow falls back to the offline analyser."""


def map_anthropic_error(exc: anthropic.APIError) -> ExternalServiceError:
    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        message = exc.api_message or exc.message
        retry_after = parse_retry_after(exc.response.headers.get("retry-after"))
        if status == 529:  # "overloaded": Anthropic's own transient status
            return ServerError(SERVICE, status, message, retry_after, code=exc.type)
        if isinstance(exc, anthropic.RateLimitError):
            return RateLimitedError(SERVICE, status, message, retry_after, code=exc.type)
        return error_for_status(SERVICE, status, message, retry_after=retry_after, code=exc.type)
    if isinstance(exc, anthropic.APIResponseValidationError):
        return MalformedResponseError(SERVICE, exc.status_code, exc.message)
    # APITimeoutError, APIConnectionError: nothing came back; assume transient.
    return ServerError(SERVICE, None, f"{type(exc).__name__}: {exc.message}")
