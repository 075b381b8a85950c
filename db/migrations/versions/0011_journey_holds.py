"""journeys held by the kill switch, signalled when it is lifted

Revision ID: 0011_journey_holds
Revises: 0010
Create Date: 2026-12-04 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0011_journey_holds"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journey_holds",
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("since", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workflow_id", name=op.f("pk_journey_holds")),
    )


def downgrade() -> None:
    op.drop_table("journey_holds")
