"""one renewal per customer per renewal period, keyed in our database

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-04 14:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_STATUSES = ("pending", "in_progress")


def upgrade() -> None:
    periods = op.create_table(
        "renewal_periods",
        sa.Column("customer_id", sa.String(length=100), nullable=False),
        sa.Column("renewal_date", sa.Date(), nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("claimed_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("customer_id", "renewal_date", name=op.f("pk_renewal_periods")),
        sa.UniqueConstraint("workflow_id", name=op.f("uq_renewal_periods_workflow_id")),
    )
    # The renewals that already exist claim their periods, so an upgrade never lets a closed one start again.
    # Where a period has more than one (never the case for renewals started by intelligence), an open one wins.
    rows = op.get_bind().execute(
        sa.text("SELECT id, customer_id, renewal_date, status, created_at, completed_at FROM workflow_instances")
    )
    claimed: dict[tuple[str, object], dict[str, object]] = {}
    for wf_id, customer_id, renewal_date, status, created_at, completed_at in rows:
        is_open = status in OPEN_STATUSES
        key = (customer_id, _date(renewal_date))
        if key in claimed and (claimed[key]["status"] == "open" or not is_open):
            continue
        claimed[key] = {
            "customer_id": customer_id,
            "renewal_date": key[1],
            "workflow_id": wf_id,
            "status": "open" if is_open else status,
            "claimed_at": _utc(created_at) or datetime.now(UTC),
            "closed_at": None if is_open else _utc(completed_at) or datetime.now(UTC),
        }
    if claimed:
        op.bulk_insert(periods, list(claimed.values()))


def _date(value: object) -> object:
    """SQLite hands dates back as text in a raw query."""
    return datetime.strptime(value, "%Y-%m-%d").date() if isinstance(value, str) else value


def _utc(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def downgrade() -> None:
    op.drop_table("renewal_periods")
