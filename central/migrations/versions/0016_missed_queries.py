"""Kiosk searches that found nothing, counted per office and day (issue 17): table missed_searches

Per kiosk, office day and folded query, with the outcome (none: nothing offered; untapped: results
offered, none tapped) and the highest total the kiosk reported (central/missed.py).

Revision ID: 0016
Revises: 0015
"""

from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "missed_searches",
        sa.Column("device_id", sa.Integer(), sa.ForeignKey("devices.id"), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("query", sa.String(80), primary_key=True),
        sa.Column("outcome", sa.String(8), primary_key=True),
        sa.Column("office_code", sa.String(64), sa.ForeignKey("offices.code"), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_missed_searches_office_day", "missed_searches", ["office_code", "day"])


def downgrade() -> None:
    op.drop_index("ix_missed_searches_office_day", table_name="missed_searches")
    op.drop_table("missed_searches")
