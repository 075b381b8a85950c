"""The id of every workflow and schedule, readable so operators can find things in the Temporal UI.

Running workflows, schedules and operators' scripts depend on these exact strings: never change a format
(tests/test_contracts.py pins each one).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

INBOX_SYNC = "inbox-sync"  # the one inbox sync workflow


def intelligence(customer_id: str) -> str:
    return f"customer-intel-{customer_id}"


def renewal(customer_id: str, renewal_date: date) -> str:
    """One renewal per customer per renewal period."""
    return f"renewal-{customer_id}-{renewal_date.isoformat()}"


def renewal_action(workflow_id: str, definition_id: str, step_id: str, action: str, n: int) -> str:
    """Idempotency key of the n-th run of a button's action in a renewal step (the outbox key; Salesforce
    gets it through clients.salesforce.task_external_key, which keeps it within 80 characters)."""
    return f"{workflow_id}:{definition_id}:{step_id}:{action}:{n}"


def agent_schedule(agent_id: str) -> str:
    return f"agent-{agent_id}"


def agent_run(agent_id: str) -> str:
    """A scheduled run (the schedule appends the run's start time)."""
    return f"agent-run-{agent_id}"


def agent_run_manual(agent_id: str, at: datetime, request_id: str | None = None) -> str:
    """A run started from the dashboard ("Run now"); with the request's idempotency id, the same for a repeat."""
    return f"agent-run-{agent_id}-manual-{request_id or format(at, '%Y%m%dT%H%M%S%f')}"


def schedule_change(agent_id: str, at: datetime, request_id: str | None = None) -> str:
    return f"schedule-change-{agent_id}-{request_id or format(at, '%Y%m%dT%H%M%S%f')}"


def triage(clubos_message_id: str) -> str:
    """Exactly one triage per ClubOS message, whether it came by push or by poll."""
    return f"triage-{clubos_message_id}"


def staff_reply() -> str:
    return f"staff-reply-{uuid.uuid4().hex[:12]}"


def journey(journey_id: str, lead_id: str, walk: int = 1) -> str:
    """One workflow per walk of a journey by a lead: the first keeps the plain id, a later walk (re-enrolled
    after the first finished) its number, which every send key (`<workflow id>:<step>`) then carries."""
    return f"journey-{journey_id}-{lead_id}" + (f"-walk{walk}" if walk > 1 else "")


def journey_sweep(journey_id: str) -> str:
    """The schedule of a journey with a schedule trigger, and its runs (the schedule appends their start time)."""
    return f"journey-sweep-{journey_id}"
