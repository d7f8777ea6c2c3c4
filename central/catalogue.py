"""The procedure catalogue on the server: versioned upserts and deletes, change-cursor reads."""

import json

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from central.storage.schema import procedures
from central.timeutil import parse_time, to_db, utcnow
from motcua.text import sort_key


def catalogue_version(conn: Connection) -> int:
    """The change counter: grows on every upsert or delete; also the sync cursor."""
    return conn.execute(select(func.coalesce(func.max(procedures.c.change_seq), 0))).scalar()


def upsert_procedures(conn: Connection, items: list[dict]) -> dict:
    """Stores API-shape items; unchanged ones keep their change_seq. Returns counts."""
    seq = catalogue_version(conn)
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for item in items:
        body = json.dumps(item, ensure_ascii=False, sort_keys=True)
        row = conn.execute(
            select(procedures.c.item, procedures.c.deleted).where(procedures.c.code == item["code"])
        ).first()
        if row is not None and row.item == body and not row.deleted:
            counts["unchanged"] += 1
            continue
        seq += 1
        values = {
            "name": item["name"],
            "field_code": item["field"]["code"],
            "field_name": item["field"]["name"],
            "item": body,
            "change_seq": seq,
            "deleted": False,
            "updated_at": to_db(parse_time(item["updated_at"])) if item.get("updated_at") else utcnow(),
            "portal_id": item.get("portal_id") or None,
        }
        if row is None:
            conn.execute(insert(procedures).values(code=item["code"], **values))
            counts["added"] += 1
        else:
            conn.execute(update(procedures).where(procedures.c.code == item["code"]).values(**values))
            counts["updated"] += 1
    return counts


def portal_ids(conn: Connection) -> dict[str, dict]:
    """{code: {"portal_id", "updated_at" (ISO, as imported)}} of the procedures not deleted."""
    rows = conn.execute(
        select(procedures.c.code, procedures.c.portal_id, procedures.c.item).where(procedures.c.deleted.is_(False))
    )
    return {r.code: {"portal_id": r.portal_id, "updated_at": json.loads(r.item).get("updated_at")} for r in rows}


def delete_procedures(conn: Connection, codes: list[str]) -> int:
    """Marks procedures deleted (kiosks learn it through `deleted` on their next sync)."""
    seq, done = catalogue_version(conn), 0
    for code in codes:
        seq += 1
        done += conn.execute(
            update(procedures)
            .where(procedures.c.code == code, procedures.c.deleted.is_(False))
            .values(deleted=True, change_seq=seq, updated_at=utcnow())
        ).rowcount
    return done


def changes_since(conn: Connection, since: int | None) -> dict:
    """The whole catalogue (since=None) or what changed after the cursor."""
    query = select(procedures.c.code, procedures.c.item, procedures.c.deleted).order_by(procedures.c.code)
    if since is None:
        query = query.where(procedures.c.deleted.is_(False))
    else:
        query = query.where(procedures.c.change_seq > since)
    items, deleted = [], []
    for row in conn.execute(query):
        if row.deleted:
            deleted.append(row.code)
        else:
            items.append(json.loads(row.item))
    return {"items": items, "deleted": deleted, "complete": since is None}


def field_counts(conn: Connection) -> list[dict]:
    rows = conn.execute(
        select(procedures.c.field_code, procedures.c.field_name, func.count())
        .where(procedures.c.deleted.is_(False))
        .group_by(procedures.c.field_code, procedures.c.field_name)
    ).all()
    return sorted(({"code": r[0], "name": r[1], "count": r[2]} for r in rows), key=lambda f: sort_key(f["name"]))
