"""Dossier lookups: misses counted in the database, lookup secrets kept as keyed hashes

- `lookup_misses`: the dossier-miss brake's counter per token, shared by every server process.
- `server_meta.lookup_secret_key`: a random key made here, once per database.
- Every stored `dossiers.secret_hash` (an unkeyed sha256 of the receipt's secret until now) becomes
  HMAC-SHA256(key, that sha256), the form `central.security.secret_hash` makes: the same secrets keep
  working, and no stored hash can be tried offline without the key. Nothing is left unkeyed.

Downgrade drops the counter and the key and clears the secret hashes (a keyed hash cannot be turned
back, and the older code could not check it): steps then show again only after the dossiers are
imported again with their secrets.

Revision ID: 0010
Revises: 0009
"""

from alembic import op
import sqlalchemy as sa

from central.security import LOOKUP_KEY, keyed_secret_hash, new_lookup_key

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_meta = sa.table("server_meta", sa.column("key", sa.String), sa.column("value", sa.Text))
_dossiers = sa.table("dossiers", sa.column("code", sa.String), sa.column("secret_hash", sa.String))
BATCH = 2000


def upgrade() -> None:
    op.create_table(
        "lookup_misses",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.Float(), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    conn = op.get_bind()
    value = new_lookup_key()
    conn.execute(sa.insert(_meta).values(key=LOOKUP_KEY, value=value))
    key = bytes.fromhex(value)
    rows = conn.execute(
        sa.select(_dossiers.c.code, _dossiers.c.secret_hash).where(_dossiers.c.secret_hash.is_not(None))
    ).all()
    update = (
        sa.update(_dossiers)
        .where(_dossiers.c.code == sa.bindparam("b_code"))
        .values(secret_hash=sa.bindparam("b_hash"))
    )
    for start in range(0, len(rows), BATCH):
        conn.execute(
            update,
            [{"b_code": r.code, "b_hash": keyed_secret_hash(key, r.secret_hash)} for r in rows[start : start + BATCH]],
        )


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(sa.update(_dossiers).values(secret_hash=None))
    conn.execute(sa.delete(_meta).where(_meta.c.key == LOOKUP_KEY))
    op.drop_table("lookup_misses")
