"""downstream waits: activities waiting for an outside system that is down

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "downstream_waits",
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("activity_id", sa.String(length=100), nullable=False),
        sa.Column("system", sa.String(length=40), nullable=False),
        sa.Column("activity_type", sa.String(length=100), nullable=False),
        sa.Column("since", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("next_try", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workflow_id", "activity_id", name=op.f("pk_downstream_waits")),
    )
    op.create_index(op.f("ix_downstream_waits_system"), "downstream_waits", ["system"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_downstream_waits_system"), table_name="downstream_waits")
    op.drop_table("downstream_waits")
