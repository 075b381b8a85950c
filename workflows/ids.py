"""Readable workflow ids, so operators can find things in the Temporal UI."""

from __future__ import annotations

from datetime import date


def intelligence_workflow_id(customer_id: str) -> str:
    return f"customer-intel-{customer_id}"


def renewal_workflow_id(customer_id: str, renewal_date: date) -> str:
    return f"renewal-{customer_id}-{renewal_date.isoformat()}"
