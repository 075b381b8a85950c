"""journeys held by the kill switch (signalled when it is lifted); risk signals that failed for good (retried by a
manager)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import db.models.base

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journey_holds",
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("since", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workflow_id", name=op.f("pk_journey_holds")),
    )
    op.create_table(
        "failed_signals",
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.String(length=100), nullable=False),
        sa.Column(
            "signal", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("failed_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("retried_by", sa.String(length=200), nullable=True),
        sa.Column("resolved_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_failed_signals")),
    )
    op.create_index(op.f("ix_failed_signals_resolved_at"), "failed_signals", ["resolved_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_failed_signals_resolved_at"), table_name="failed_signals")
    op.drop_table("failed_signals")
    op.drop_table("journey_holds")
