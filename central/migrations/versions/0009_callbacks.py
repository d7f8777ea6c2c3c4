"""Call-back list: who called a citizen back (who left a phone number on the tablet), when, with a note

- `callbacks`: one row per rating called back (the rating's id), the admin who did it, when, a note.
- `ix_ratings_callback_created`: the ratings that left a phone number, newest first, without walking
  every rating (partial index: phone is not null).

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callbacks",
        sa.Column("rating_id", sa.String(length=36), sa.ForeignKey("ratings.id"), nullable=False),
        sa.Column("admin_id", sa.Integer(), sa.ForeignKey("admins.id"), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("rating_id"),
    )
    op.create_index(
        "ix_ratings_callback_created",
        "ratings",
        ["created_at", "office_code"],
        sqlite_where=sa.text("phone IS NOT NULL"),
        postgresql_where=sa.text("phone IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_ratings_callback_created", table_name="ratings")
    op.drop_table("callbacks")
