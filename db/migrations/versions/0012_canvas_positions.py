"""the builder's canvas positions per journey (layout only: no walk reads them)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 16:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import db.models.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journey_canvas",
        sa.Column("journey_id", sa.String(length=60), nullable=False),
        sa.Column(
            "positions", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["journey_id"], ["journeys.id"], name=op.f("fk_journey_canvas_journey_id_journeys")),
        sa.PrimaryKeyConstraint("journey_id", name=op.f("pk_journey_canvas")),
    )


def downgrade() -> None:
    op.drop_table("journey_canvas")
