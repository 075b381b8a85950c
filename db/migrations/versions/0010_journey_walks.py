"""one walk of a journey per lead at a time, keyed in our database; walks numbered

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("journey_enrollments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("walk", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("open_key", sa.String(length=300), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_journey_enrollments_open_key"), ["open_key"])
    # The walks under way claim their lead and journey, so an upgrade never lets a second one start beside them.
    op.execute("UPDATE journey_enrollments SET open_key = journey_id || ':' || lead_id WHERE status = 'active'")


def downgrade() -> None:
    with op.batch_alter_table("journey_enrollments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_journey_enrollments_open_key"), type_="unique")
        batch_op.drop_column("open_key")
        batch_op.drop_column("walk")
