"""Dossiers on the server: storing one with its steps, loading with steps, the masked public view,
the secret-gated detail."""

from types import SimpleNamespace

from sqlalchemy import bindparam, delete, insert, inspect, select, update
from sqlalchemy.engine import Connection

from central import rules
from central.storage.schema import dossier_steps, dossiers, offices
from central.storage.verdicts import judged_now, max_time_of, pausing_procedures, procedure_methods, verdict_columns
from central.timeutil import to_wire, utcnow
from motcua.text import mask_name

CHUNK = 500  # codes per IN (...) and rows per multi-row INSERT


def store(conn: Connection, rows, *, replace: bool = True) -> tuple[int, int]:
    """Writes dossiers with their steps, the one way every side does it (imports, the demo seed,
    the benchmarks, the tests): (added, updated).

    `rows`: (dossier columns, steps in order) pairs, as `importers.check_dossier` makes them; a step
    is a dict of name, unit, status, started_at, finished_at, due_at (position: its place when not
    given). The settled verdict is computed here and stored with the dossier (storage.verdicts);
    `updated_at` is now unless given. A code already stored is replaced, steps and all, or kept as
    it is when not `replace` (the demo seed adds only what is missing)."""
    rows, now = list(rows), utcnow()
    codes = [values["code"] for values, _ in rows]
    stored = set()
    for i in range(0, len(codes), CHUNK):
        stored.update(conn.execute(select(dossiers.c.code).where(dossiers.c.code.in_(codes[i : i + CHUNK]))).scalars())
    added, changed, steps_rows = [], [], []
    pausing = pausing_procedures(conn)
    methods = procedure_methods(conn, {v.get("procedure_code") for v, _ in rows if v.get("due_at") is None})
    # the verdict columns this database has (a database not yet upgraded lacks the newer ones)
    present = {c["name"] for c in inspect(conn).get_columns("dossiers")}
    for values, steps in rows:
        code = values["code"]
        if code in stored and not replace:
            continue
        steps = [dict(step, dossier_code=code, position=step.get("position", n)) for n, step in enumerate(steps, 1)]
        pause, limit = values.get("procedure_code") in pausing, max_time_of(values, methods)
        judged = verdict_columns(values, steps, pause, limit)
        values = dict(values, **{k: v for k, v in judged.items() if k in present})
        values.setdefault("updated_at", now)
        (changed if code in stored else added).append(values)
        steps_rows += steps
    replaced = [values["code"] for values in changed]
    for i in range(0, len(replaced), CHUNK):  # an updated dossier's steps are replaced
        conn.execute(delete(dossier_steps).where(dossier_steps.c.dossier_code.in_(replaced[i : i + CHUNK])))
    _update_many(conn, changed)
    _insert_many(conn, dossiers, added)
    _insert_many(conn, dossier_steps, steps_rows)
    return len(added), len(changed)


def _update_many(conn: Connection, rows: list[dict]) -> None:
    """One executemany UPDATE per set of columns: a statement built per row spent most of a sync pass
    of 5,000 changed dossiers in building and caching its SQL (bench/bench_connectors.py)."""
    by_columns: dict[tuple, list] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(k for k in row if k != "code")), []).append(row)
    for columns, group in by_columns.items():
        stmt = (
            update(dossiers)
            .where(dossiers.c.code == bindparam("v_code"))
            .values({c: bindparam("v_" + c) for c in columns})
        )
        for i in range(0, len(group), CHUNK):
            conn.execute(stmt, [{"v_" + k: v for k, v in row.items()} for row in group[i : i + CHUNK]])


def _insert_many(conn: Connection, table, rows: list[dict]) -> None:
    """Multi-row INSERTs of rows with the same columns (rows that give other columns go apart)."""
    by_columns: dict[tuple, list] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(row)), []).append(row)
    for group in by_columns.values():
        for i in range(0, len(group), CHUNK):
            conn.execute(insert(table), group[i : i + CHUNK])


def times_of(row, steps) -> rules.DossierTimes:
    return rules.DossierTimes(
        status=row.status,
        received_at=row.received_at,
        due_at=row.due_at,
        finished_at=row.finished_at,
        returned_at=row.returned_at,
        status_at=row.status_at,
        steps=[rules.Step(s.status, s.started_at, s.finished_at) for s in steps],
        channel=getattr(row, "channel", None),
    )


# The dossier, its office and its steps in one statement (one row per step, or one row without
# steps): one snapshot without a transaction, one round trip. Step columns carry a step_ prefix.
# Only what the view and the on-time rule read: never the phone number, no column parsed for nothing.
_STEP_COLUMNS = ("name", "unit", "status", "started_at", "finished_at", "due_at", "position")
_DOSSIER_COLUMNS = (
    "code",
    "procedure_code",
    "procedure_name",
    "holder_name",
    "status",
    "status_at",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "secret_hash",
    "extended_due_at",
    "apology_at",
    "channel",
    "verdict",  # the stored verdict of a dossier that reached its end (fields' status-6 setting, maximum time)
    "verdict_rule",
    "source",  # the connector it came from, when read from a province's system (live lookups)
    "source_id",
    "synced_at",
)
_LOOKUP = (
    select(
        *[dossiers.c[c] for c in _DOSSIER_COLUMNS],
        offices.c.name.label("office_name"),
        offices.c.code.label("office_found"),
        *[dossier_steps.c[c].label("step_" + c) for c in _STEP_COLUMNS],
    )
    .select_from(
        dossiers.outerjoin(offices, offices.c.code == dossiers.c.office_code).outerjoin(
            dossier_steps, dossier_steps.c.dossier_code == dossiers.c.code
        )
    )
    .where(dossiers.c.code == bindparam("code"))
    .order_by(dossier_steps.c.position)
)


def load(conn: Connection, code: str):
    """(dossier row, office or None, steps in order, its verdict now) or None; office and steps have
    attributes like rows. The verdict is the reports' (storage.verdicts.judged_now: the field's
    status-6 setting, the procedure's maximum time when the dossier has no appointment)."""
    rows = conn.execute(_LOOKUP, {"code": code}).all()
    if not rows:
        return None
    row = rows[0]
    office = SimpleNamespace(code=row.office_found, name=row.office_name) if row.office_found else None
    steps = [
        SimpleNamespace(**{c: r._mapping["step_" + c] for c in _STEP_COLUMNS})
        for r in rows
        if r.step_position is not None
    ]
    return row, office, steps, judged_now(conn, row, steps, utcnow())


def public_view(row, office, steps, verdict: rules.Verdict, *, with_steps: bool) -> dict:
    """The lobby-safe view (docs/ARCHITECTURE.md); steps only when the secret was right. `verdict`:
    the dossier judged now as the reports judge it (`load`)."""
    label, label_en = rules.STATUS_LABELS.get(row.status, ("Không rõ", "Unknown"))
    advice = rules.NEXT_STEP.get(row.status)
    if verdict.late and verdict.finished_at is None:
        advice = rules.late_advice(row.status)  # never "come back on the appointment date" once it has passed
    code = verdict.verdict
    stored = getattr(row, "verdict", None)
    if stored and verdict.finished_at is not None and getattr(row, "verdict_rule", None) == rules.RULE_VERSION:
        code = stored  # one verdict per dossier: the one the reports count
    words = rules.VERDICT_LABELS.get(code) if verdict.accepted else None
    extended = getattr(row, "extended_due_at", None)
    view = {
        "code": row.code,
        "procedure": {"code": row.procedure_code, "name": row.procedure_name},
        "status": {"code": row.status, "label": label, "label_en": label_en},
        "received_at": to_wire(row.received_at),
        "due_at": to_wire(row.due_at),
        "finished_at": to_wire(row.finished_at),
        "returned_at": to_wire(row.returned_at),
        "on_time": verdict.on_time,
        "late": verdict.late,
        # REPORTING.md's verdict in Biểu 06's words (None for a dossier not accepted), the current
        # appointment (after an apology letter's new date), and whether that letter was issued
        "verdict": {"code": code, "label": words[0], "label_en": words[1]} if words else None,
        "extended_due_at": to_wire(extended),
        "appointment_at": to_wire(extended or row.due_at),
        # the deadline the verdict used: due_at, else the procedure's maximum time from acceptance
        "deadline_at": to_wire(verdict.due_at),
        "deadline_from_max_time": row.due_at is None and verdict.due_at is not None,
        "apology": getattr(row, "apology_at", None) is not None,
        "holder": mask_name(row.holder_name),
        "office": {"code": office.code, "name": office.name} if office else None,
        "next_step": advice[0] if advice else None,
        "next_step_en": advice[1] if advice else None,
    }
    if with_steps:
        view["steps"] = [step_view(s) for s in steps]
    return view


def step_view(s) -> dict:
    on_time = None
    if s.due_at is not None and s.finished_at is not None:
        on_time = s.finished_at <= s.due_at
    elif s.due_at is not None and utcnow() > s.due_at:
        on_time = False
    return {
        "name": s.name,
        "unit": s.unit,
        "status": s.status,
        "started_at": to_wire(s.started_at),
        "finished_at": to_wire(s.finished_at),
        "due_at": to_wire(s.due_at),
        "on_time": on_time,
    }
