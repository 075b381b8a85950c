"""Retry policies and timeouts shared by workflows. Clients raise typed errors;
4xx-type errors are listed here as non-retryable so Temporal stops at once."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

from clients.errors import NON_RETRYABLE_ERROR_TYPES

# Error types (clients/ and llm/ class names) that retrying cannot fix.
NON_RETRYABLE = [*NON_RETRYABLE_ERROR_TYPES, "ValidationError"]

EXTERNAL = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=8,
    non_retryable_error_types=NON_RETRYABLE,
)

# The model gets a few tries; after that the workflow falls back to the offline analyser.
LLM = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=20),
    maximum_attempts=4,
    non_retryable_error_types=NON_RETRYABLE,
)

INTERNAL = RetryPolicy(
    initial_interval=timedelta(milliseconds=200),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=0,  # our own database and Temporal come back; never give up on recording state
)

SHORT = timedelta(seconds=30)
LLM_TIMEOUT = timedelta(seconds=120)
