"""renewal priority weight: the score before the workload term, so queues re-score with the load now

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-04 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("workflow_instances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority_weight", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index("ix_workflow_instances_open", ["status", "assigned_to", "stage", "renewal_date"])

    # Existing rows: their score had the workload term of their assignment subtracted (never clamped), so
    # the weight is that score plus the stored penalty.
    bind = op.get_bind()
    rows = sa.table(
        "workflow_instances",
        sa.column("id", sa.String),
        sa.column("priority_score", sa.Integer),
        sa.column("priority_factors", JSON),
        sa.column("priority_weight", sa.Integer),
    )
    for row_id, score, factors in bind.execute(sa.select(rows.c.id, rows.c.priority_score, rows.c.priority_factors)):
        factors = factors or {}
        weight = int(factors.get("weight", score + int(factors.get("workload_penalty", 0))))
        bind.execute(sa.update(rows).where(rows.c.id == row_id).values(priority_weight=weight))


def downgrade() -> None:
    with op.batch_alter_table("workflow_instances", schema=None) as batch_op:
        batch_op.drop_index("ix_workflow_instances_open")
        batch_op.drop_column("priority_weight")
