"""Admin accounts: disabled accounts (their tokens and sessions stop at once) and the dashboard's flash message kept in the session row

Token expiry needs no column: a token expires `admin_token_days` (a server setting) after its
created_at, judged at each request; revocation already has admin_tokens.revoked_at.

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("admins") as batch:
        batch.add_column(sa.Column("disabled_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("admin_sessions") as batch:
        batch.add_column(sa.Column("flash", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("admin_sessions") as batch:
        batch.drop_column("flash")
    with op.batch_alter_table("admins") as batch:
        batch.drop_column("disabled_at")
