"""A lease on each month's push upward (issue 15): upward_pushes.lease_owner and lease_until

Revision ID: 0019
Revises: 0018

With several server processes (`serve --workers N`, or two servers behind nginx) each runs the
push upward (central/upward.py); the process that takes a month's lease (central/leases.py: one
atomic UPDATE, or the INSERT of the month's first row) is the one that sends it, and a process that
dies while sending stops holding it once `lease_until` (epoch seconds) has passed. Old rows get
NULL: free.
"""

from alembic import op
import sqlalchemy as sa

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("upward_pushes") as batch:
        batch.add_column(sa.Column("lease_owner", sa.String(64)))
        batch.add_column(sa.Column("lease_until", sa.Float()))


def downgrade() -> None:
    with op.batch_alter_table("upward_pushes") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("lease_owner")
