"""Procedures keep the portal's id (issue 16): procedures.portal_id

The national portal's public page of a procedure is `https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{id}`
with the portal's own id (a UUID), not the procedure code: a link built from the code opened an empty
page. The import stores that id (null: none known, then kiosks show no QR and slips print no link), and
`motcua-central sync procedures` asks the portal for a procedure's details by it. Existing rows get
null; importing the portal's JSON again fills it. The `portal_url` items stored before carry (built
from the code: an empty page) is removed from them, and those items get a new change number so
kiosks, older ones too, drop the link on their next sync.

Revision ID: 0014
Revises: 0013
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("portal_id", sa.String(36), nullable=True))
    procedures = sa.table(
        "procedures", sa.column("code", sa.String), sa.column("item", sa.Text), sa.column("change_seq", sa.Integer)
    )
    conn = op.get_bind()
    seq = conn.execute(sa.select(sa.func.coalesce(sa.func.max(procedures.c.change_seq), 0))).scalar() + 1
    rows = conn.execute(sa.select(procedures.c.code, procedures.c.item).where(procedures.c.item.like('%"portal_url"%')))
    for code, text in rows.all():
        item = json.loads(text)
        if item.pop("portal_url", None) is None:
            continue
        body = json.dumps(item, ensure_ascii=False, sort_keys=True)
        conn.execute(sa.update(procedures).where(procedures.c.code == code).values(item=body, change_seq=seq))


def downgrade() -> None:
    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.drop_column("portal_id")
