"""Rating aggregates sent to the province's exchange platform (issue 15): table upward_pushes

One row per month and office ("" for all offices): the /Vote/UpdateVote body built, attempts, when
it was accepted, the next try after a failure and the last error (central/upward.py).

Revision ID: 0017
Revises: 0016
"""

from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "upward_pushes",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("office_code", sa.String(64), primary_key=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_attempt_at", sa.DateTime()),
        sa.Column("sent_at", sa.DateTime()),
        sa.Column("next_try_at", sa.DateTime()),
        sa.Column("last_error", sa.Text()),
    )


def downgrade() -> None:
    op.drop_table("upward_pushes")
