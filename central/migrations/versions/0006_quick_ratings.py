"""Quick ratings: each rating says whether it came less than rules.QUICK_SECONDS after its tablet's previous one, indexed for the reports, backfilled

Revision ID: 0006
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ratings") as batch:
        batch.add_column(sa.Column("quick", sa.Boolean(), nullable=False, server_default=sa.text("false")))
    op.create_index("ix_ratings_quick_created", "ratings", ["quick", "created_at", "office_code"])
    # The same computation ingest runs on every batch (central.ratings.mark_quick).
    from central.ratings import backfill_quick

    backfill_quick(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_ratings_quick_created", table_name="ratings")
    with op.batch_alter_table("ratings") as batch:
        batch.drop_column("quick")
