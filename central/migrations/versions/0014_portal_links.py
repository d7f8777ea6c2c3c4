"""Procedures keep the portal's id (issue 16): procedures.portal_id

The national portal's public page of a procedure is `https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{id}`
with the portal's own id (a UUID), not the procedure code: a link built from the code opened an empty
page. The import stores that id (null: none known, then kiosks show no QR and slips print no link), and
`motcua-central sync procedures` asks the portal for a procedure's details by it. Existing rows get
null; importing the portal's JSON again fills it. Items stored before keep their old `portal_url`,
which kiosks ignore.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("portal_id", sa.String(36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.drop_column("portal_id")
