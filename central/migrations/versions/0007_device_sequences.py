"""Device sequences: each device row counts the device_seq numbers it sent that another rating already had

Revision ID: 0007
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("seq_clashes", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_seq_clash_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("last_seq_clash_at")
        batch.drop_column("seq_clashes")
