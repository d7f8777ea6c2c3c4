"""Settled verdicts of dossiers that reached their end, stored with the dossier so reports count them in SQL.

`verdict_columns` turns a dossier (its columns and steps, as the importer checked them) into the
stored columns with `central.rules.settled`: the same rules reports apply at report time to the
dossiers still open. A row whose `verdict_rule` is not `rules.RULE_VERSION` is judged afresh
(`backfill`, run by migrations 0004 and 0013 and after a change of the fields whose status 6 pauses
the clock).

Which fields pause the clock during status 6 (nghĩa vụ tài chính) is kept in the database
(server_meta `fee_pause_fields`, a JSON list of field codes; none by default), so every process that
writes or reports dossiers reads the same setting: `motcua-central report fee-pause`.
"""

import json
from collections import defaultdict

from sqlalchemy import inspect, or_, select, update
from sqlalchemy.engine import Connection

from central import rules
from central.storage.schema import dossier_steps, dossiers, procedures, server_meta

FEE_PAUSE_KEY = "fee_pause_fields"
DOSSIER_FIELDS = ("code", "status", "received_at", "due_at", "finished_at", "returned_at", "status_at", "channel")


def _get(thing, name):
    if isinstance(thing, dict):
        return thing.get(name)
    return getattr(thing, name, None)


def times(values, steps) -> rules.DossierTimes:
    """rules.DossierTimes of a dossier given as a dict or row, and its steps (dicts or rows)."""
    return rules.DossierTimes(
        status=_get(values, "status"),
        received_at=_get(values, "received_at"),
        due_at=_get(values, "due_at"),
        finished_at=_get(values, "finished_at"),
        returned_at=_get(values, "returned_at"),
        status_at=_get(values, "status_at"),
        steps=[rules.Step(_get(s, "status"), _get(s, "started_at"), _get(s, "finished_at")) for s in steps],
        channel=_get(values, "channel"),
    )


def fee_pause_fields(conn: Connection) -> frozenset:
    """Field codes whose status 6 pauses the clock (server_meta; none by default)."""
    try:
        value = conn.scalar(select(server_meta.c.value).where(server_meta.c.key == FEE_PAUSE_KEY))
    except Exception:  # a database older than server_meta (migration 0002) has no setting
        return frozenset()
    return frozenset(json.loads(value)) if value else frozenset()


def pausing_procedures(conn: Connection, fields: frozenset | None = None) -> frozenset:
    """Procedure codes of the fields whose status 6 pauses the clock."""
    fields = fee_pause_fields(conn) if fields is None else fields
    if not fields:
        return frozenset()
    return frozenset(conn.scalars(select(procedures.c.code).where(procedures.c.field_code.in_(sorted(fields)))))


def procedure_methods(conn: Connection, codes) -> dict:
    """{procedure code: the catalogue item's methods} (for the maximum time of dossiers without an
    appointment)."""
    codes = sorted({c for c in codes if c})
    out = {}
    for i in range(0, len(codes), 500):
        for code, item in conn.execute(
            select(procedures.c.code, procedures.c.item).where(procedures.c.code.in_(codes[i : i + 500]))
        ):
            try:
                out[code] = json.loads(item).get("methods") or []
            except (ValueError, AttributeError):
                out[code] = []
    return out


def max_time_of(values, methods: dict):
    """The procedure's maximum time for a dossier without an appointment (None with one, or none known)."""
    if _get(values, "due_at") is not None or _get(values, "received_at") is None:
        return None
    return rules.max_time(
        methods.get(_get(values, "procedure_code")), _get(values, "received_at"), _get(values, "channel")
    )


def supplemented():
    """SQL: the dossier is or was in status 5 (or 6, which pauses the clock in some fields): the rules
    move its end, so it is judged in Python with its steps, not counted by its stored columns. The
    step is looked up by a scalar subquery, always probed per dossier through the steps' index:
    PostgreSQL may plan an EXISTS (or an IN) as a hash of every supplement step of the province
    (~190 ms before the first row, even for one office-month)."""
    paused = (rules.SUPPLEMENT_STATUS, rules.FEES_STATUS)
    stepped = (
        select(dossier_steps.c.status)
        .where(dossier_steps.c.dossier_code == dossiers.c.code, dossier_steps.c.status.in_(paused))
        .limit(1)
        .scalar_subquery()
    )
    return or_(dossiers.c.status.in_(paused), stepped.isnot(None))


def judged_now(conn: Connection, row, steps, at) -> rules.Verdict:
    """A dossier's verdict at `at` (now, for the kiosk and the API) with the inputs the reports use:
    its field's status-6 setting and, without an appointment, its procedure's maximum time. Biểu 06
    and the late list of a period ending then give the same verdict (central.bieu06.classified)."""
    pause = _get(row, "procedure_code") in pausing_procedures(conn)
    methods = procedure_methods(conn, [_get(row, "procedure_code")]) if _get(row, "due_at") is None else {}
    return rules.judge(times(row, steps), at, pause, max_time_of(row, methods), before=True)


def verdict_columns(values, steps, pause_fees: bool = False, max_time=None) -> dict:
    """finished_effective_at, on_time, verdict, accepted, supplement_s and verdict_rule of a dossier to write."""
    d = times(values, steps)
    verdict = rules.settled(d, pause_fees, max_time)
    out = {"accepted": rules.accepted(d), "verdict_rule": rules.RULE_VERSION}
    if verdict is None:
        return out | {"finished_effective_at": None, "on_time": None, "supplement_s": None, "verdict": None}
    due = _get(values, "due_at")
    supplement = (verdict.adjusted_due - due).total_seconds() if verdict.adjusted_due and due else None
    return out | {
        "finished_effective_at": verdict.finished_at,
        "on_time": verdict.on_time,
        "verdict": verdict.verdict,
        "supplement_s": None if supplement is None else int(supplement),
    }


def backfill(conn: Connection, batch: int = 2000) -> int:
    """Stores the verdict of every dossier not judged by the current rule; returns how many. Writes
    only the columns the database has (migration 0004 runs it before 0013 adds the newer ones)."""
    present = {c["name"] for c in inspect(conn).get_columns("dossiers")}
    columns = [dossiers.c[c] for c in DOSSIER_FIELDS if c in present] + [dossiers.c.procedure_code]
    pausing = pausing_procedures(conn)
    undated = {
        r.procedure_code
        for r in conn.execute(select(dossiers.c.procedure_code).where(dossiers.c.due_at.is_(None)).distinct())
    }
    methods = procedure_methods(conn, undated)
    done = 0
    stale = (dossiers.c.verdict_rule.is_(None)) | (dossiers.c.verdict_rule != rules.RULE_VERSION)
    last = ""
    while True:
        rows = conn.execute(
            select(*columns).where(stale, dossiers.c.code > last).order_by(dossiers.c.code).limit(batch)
        ).all()
        if not rows:
            return done
        codes = [r.code for r in rows]
        steps = defaultdict(list)
        for s in conn.execute(
            select(
                dossier_steps.c.dossier_code,
                dossier_steps.c.status,
                dossier_steps.c.started_at,
                dossier_steps.c.finished_at,
            ).where(dossier_steps.c.dossier_code.in_(codes), dossier_steps.c.status.isnot(None))
        ):
            steps[s.dossier_code].append(s)
        for r in rows:
            values = verdict_columns(r, steps[r.code], r.procedure_code in pausing, max_time_of(r, methods))
            values = {k: v for k, v in values.items() if k in present}
            conn.execute(update(dossiers).where(dossiers.c.code == r.code).values(**values))
        done += len(rows)
        last = codes[-1]


def set_fee_pause_fields(conn: Connection, fields) -> int:
    """Stores the fields whose status 6 pauses the clock and judges every dossier again; returns how many."""
    from sqlalchemy import delete, insert

    conn.execute(delete(server_meta).where(server_meta.c.key == FEE_PAUSE_KEY))
    conn.execute(insert(server_meta).values(key=FEE_PAUSE_KEY, value=json.dumps(sorted(set(fields)))))
    conn.execute(update(dossiers).values(verdict_rule=None))
    return backfill(conn)
