"""Dossiers indexed by their end (finished_effective_at): Biểu 06 and the late list of all offices find the dossiers open at a period's end (NULL, or ended after it) without reading every dossier of the province (issue 15, province scale)

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_dossiers_finished_effective", "dossiers", ["finished_effective_at"])


def downgrade() -> None:
    op.drop_index("ix_dossiers_finished_effective", table_name="dossiers")
