"""Dossier reporting facts (REPORTING.md): channel, submitted at, extended appointment, apology, complaint, the settled early/on-time/late verdict and whether the dossier counts as received; every dossier judged again by the new rule

Revision ID: 0013
Revises: 0012

Old rows get NULL for the new facts (channel unknown: counted with "trực tiếp, bưu chính"; no
extension, apology or complaint) and are judged again by central.rules (RULE_VERSION 2): withdrawals
are now judged, status 1 and refusals at the counter are not received.
"""

from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = (
    "channel",
    "submitted_at",
    "extended_due_at",
    "apology_at",
    "complaint",
    "complaint_at",
    "verdict",
    "accepted",
)


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("channel", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("submitted_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("extended_due_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("apology_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("complaint", sa.Text(), nullable=True))
        batch.add_column(sa.Column("complaint_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("verdict", sa.String(8), nullable=True))
        batch.add_column(sa.Column("accepted", sa.Boolean(), nullable=True))
    op.execute("UPDATE dossiers SET verdict_rule = NULL")
    from central.storage.verdicts import backfill

    backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column)
    op.execute("UPDATE dossiers SET verdict_rule = NULL")
