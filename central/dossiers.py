"""Dossiers on the server: loading with steps, the masked public view, the secret-gated detail."""
from types import SimpleNamespace

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from central import rules
from central.storage.schema import dossier_steps, dossiers, offices
from central.timeutil import to_wire, utcnow
from motcua.text import mask_name


def times_of(row, steps) -> rules.DossierTimes:
    return rules.DossierTimes(
        status=row.status, received_at=row.received_at, due_at=row.due_at,
        finished_at=row.finished_at, returned_at=row.returned_at, status_at=row.status_at,
        steps=[rules.Step(s.status, s.started_at, s.finished_at) for s in steps])


# The dossier, its office and its steps in one statement (one row per step, or one row without
# steps): one snapshot without a transaction, one round trip. Step columns carry a step_ prefix.
# Only what the view and the on-time rule read: never the phone number, no column parsed for nothing.
_STEP_COLUMNS = ("name", "unit", "status", "started_at", "finished_at", "due_at", "position")
_DOSSIER_COLUMNS = ("code", "procedure_code", "procedure_name", "holder_name", "status", "status_at",
                    "received_at", "due_at", "finished_at", "returned_at", "secret_hash")
_LOOKUP = (select(*[dossiers.c[c] for c in _DOSSIER_COLUMNS],
                  offices.c.name.label("office_name"), offices.c.code.label("office_found"),
                  *[dossier_steps.c[c].label("step_" + c) for c in _STEP_COLUMNS])
           .select_from(dossiers.outerjoin(offices, offices.c.code == dossiers.c.office_code)
                        .outerjoin(dossier_steps, dossier_steps.c.dossier_code == dossiers.c.code))
           .where(dossiers.c.code == bindparam("code"))
           .order_by(dossier_steps.c.position))


def load(conn: Connection, code: str):
    """(dossier row, office or None, steps in order) or None; office and steps have attributes like rows."""
    rows = conn.execute(_LOOKUP, {"code": code}).all()
    if not rows:
        return None
    row = rows[0]
    office = SimpleNamespace(code=row.office_found, name=row.office_name) if row.office_found else None
    steps = [SimpleNamespace(**{c: r._mapping["step_" + c] for c in _STEP_COLUMNS})
             for r in rows if r.step_position is not None]
    return row, office, steps


def public_view(row, office, steps, *, with_steps: bool) -> dict:
    """The lobby-safe view (docs/ARCHITECTURE.md); steps only when the secret was right."""
    now = utcnow()
    verdict = rules.judge(times_of(row, steps), now)
    label, label_en = rules.STATUS_LABELS.get(row.status, ("Không rõ", "Unknown"))
    advice = rules.NEXT_STEP.get(row.status)
    view = {
        "code": row.code,
        "procedure": {"code": row.procedure_code, "name": row.procedure_name},
        "status": {"code": row.status, "label": label, "label_en": label_en},
        "received_at": to_wire(row.received_at), "due_at": to_wire(row.due_at),
        "finished_at": to_wire(row.finished_at), "returned_at": to_wire(row.returned_at),
        "on_time": verdict.on_time, "late": verdict.late,
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
    return {"name": s.name, "unit": s.unit, "status": s.status,
            "started_at": to_wire(s.started_at), "finished_at": to_wire(s.finished_at),
            "due_at": to_wire(s.due_at), "on_time": on_time}
