"""Retry policies and timeouts shared by workflows. Clients raise typed errors;
4xx-type errors (bad data) are listed here as non-retryable so Temporal stops at once.

An outside system that is down, slow, rate-limiting or refusing our credentials comes back (or an operator
fixes it): idempotent calls retry it without an attempt limit, at most RETRY_CAP apart, so no long-lived
workflow fails because of an outage however long. Only where a person waits for the answer (a CSM's button)
is the retry bounded, and the failure is shown with "try again"."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

from clients.errors import NON_RETRYABLE_ERROR_TYPES

# Error types (clients/ and llm/ class names) that retrying cannot fix. ValueError is how activities say "no such
# record" (bad data): with retries unbounded it must end the call, not repeat it every few minutes forever.
NON_RETRYABLE = [*NON_RETRYABLE_ERROR_TYPES, "ValidationError", "ValueError"]

# The longest pause between two tries of a system that is down. Tests swap EXTERNAL for a shorter one.
RETRY_CAP = timedelta(minutes=5)


def external(cap: timedelta = RETRY_CAP) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=cap,
        maximum_attempts=0,
        non_retryable_error_types=NON_RETRYABLE,
    )


EXTERNAL = external()

# A person is waiting for the result (about 90 s of tries); the workflow shows the failure and offers a retry.
INTERACTIVE = RetryPolicy(
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
