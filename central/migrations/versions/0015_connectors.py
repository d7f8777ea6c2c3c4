"""Dossier connectors (issue 16): each connector's cursor, lease and last pass, and where a dossier came from

Revision ID: 0015
Revises: 0014

`connectors` holds one row per [connector:NAME] of central.ini: the cursor a pass resumes from, the
lease that lets one server process run it, the last pass's counts, its last error and the source
statuses its status map did not know. Dossiers gain `source` (the connector's name, or `push` for
POST /api/v1/admin/dossiers; NULL: an import), `source_id` (the source's own id, e.g. OpenCPS
dossierId), `source_hash` (a hash of what the source last said: an unchanged dossier is not written
again) and `synced_at` (when it was last read from the source). Old rows get NULL: imported.
"""

from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "connectors",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("cursor", sa.Text()),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_until", sa.Float()),
        sa.Column("last_run_at", sa.DateTime()),
        sa.Column("last_success_at", sa.DateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_error_at", sa.DateTime()),
        sa.Column("added", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("unchanged", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("skipped", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("unknown_statuses", sa.Text()),
    )
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("source", sa.String(64)))
        batch.add_column(sa.Column("source_id", sa.String(128)))
        batch.add_column(sa.Column("source_hash", sa.String(64)))
        batch.add_column(sa.Column("synced_at", sa.DateTime()))


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("synced_at")
        batch.drop_column("source_hash")
        batch.drop_column("source_id")
        batch.drop_column("source")
    op.drop_table("connectors")
