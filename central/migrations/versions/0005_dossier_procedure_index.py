"""Dossiers indexed by procedure and name: the by-procedure report names procedures the catalogue lacks from their dossiers in one index seek

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_dossiers_procedure", "dossiers", ["procedure_code", "procedure_name"])


def downgrade() -> None:
    op.drop_index("ix_dossiers_procedure", table_name="dossiers")
