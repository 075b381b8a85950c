"""inbox risk flags; suggest mode for new clubs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import db.models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("inbox_ai_decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flags", JSON, server_default="[]", nullable=False))

    # A new club now starts in suggest mode. A club whose assistant already ran on the old default (auto-pilot,
    # never stored) keeps it: its setting is written down, so upgrading changes nothing it relies on.
    bind = op.get_bind()
    ran_on_auto = bind.execute(sa.text("SELECT 1 FROM inbox_ai_decisions WHERE mode = 'auto' LIMIT 1")).first()
    stored = bind.execute(sa.text("SELECT 1 FROM control_settings WHERE key = 'inbox_mode'")).first()
    if ran_on_auto and not stored:
        settings = sa.table(
            "control_settings",
            sa.column("key", sa.String),
            sa.column("value", JSON),
            sa.column("updated_by", sa.String),
            sa.column("updated_at", db.models.base.UTCDateTime(timezone=True)),
        )
        op.bulk_insert(
            settings,
            [
                {
                    "key": "inbox_mode",
                    "value": {"mode": "auto"},
                    "updated_by": "upgrade 0005 (kept auto-pilot, the mode this club ran in)",
                    "updated_at": datetime.now(UTC),
                }
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("inbox_ai_decisions", schema=None) as batch_op:
        batch_op.drop_column("flags")
