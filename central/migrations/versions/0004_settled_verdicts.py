"""Settled verdicts stored with each dossier (finish the rule uses, on time, supplement seconds), indexed with the ratings' scores for reports, backfilled

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("finished_effective_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("on_time", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("supplement_s", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("verdict_rule", sa.Integer(), nullable=True))
    op.create_index(
        "ix_dossiers_office_finished",
        "dossiers",
        ["office_code", "finished_effective_at", "on_time", "verdict_rule", "procedure_code", "code"],
    )
    op.create_index("ix_dossiers_verdict_rule", "dossiers", ["verdict_rule"])
    op.create_index("ix_dossier_steps_status", "dossier_steps", ["status", "dossier_code"])
    op.create_index("ix_ratings_office_created_score", "ratings", ["office_code", "created_at", "scale", "score"])
    # The same rule (central.rules.settled) the importer applies to new and updated dossiers.
    from central.storage.verdicts import backfill

    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_ratings_office_created_score", table_name="ratings")
    op.drop_index("ix_dossier_steps_status", table_name="dossier_steps")
    op.drop_index("ix_dossiers_verdict_rule", table_name="dossiers")
    op.drop_index("ix_dossiers_office_finished", table_name="dossiers")
    with op.batch_alter_table("dossiers") as batch:
        for column in ("verdict_rule", "supplement_s", "on_time", "finished_effective_at"):
            batch.drop_column(column)
