"""Device health: quarantined items on the device row, and the history of an officer's offices

Revision ID: 0011
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("quarantined", sa.Integer()))
        batch.add_column(sa.Column("quarantine_reason", sa.Text()))
        batch.add_column(sa.Column("quarantine_items", sa.Text()))
    op.create_table(
        "staff_offices",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("office_code", sa.String(64), sa.ForeignKey("offices.code"), nullable=False),
        sa.Column("from_at", sa.DateTime()),
        sa.Column("to_at", sa.DateTime()),
    )
    op.create_index("ix_staff_offices_staff", "staff_offices", ["staff_id", "office_code"])


def downgrade() -> None:
    op.drop_index("ix_staff_offices_staff", table_name="staff_offices")
    op.drop_table("staff_offices")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("quarantine_items")
        batch.drop_column("quarantine_reason")
        batch.drop_column("quarantined")
