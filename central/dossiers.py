"""Dossiers on the server: loading with steps, the masked public view, the secret-gated detail."""
from sqlalchemy import select
from sqlalchemy.engine import Connection

from central import rules
from central.storage.schema import dossier_steps, dossiers, offices
from central.timeutil import to_wire, utcnow


def mask_holder(full_name: str) -> str:
    """'Nguyễn Văn An' → 'Nguyễn V. A.': family name plus initials, never the full name."""
    words = full_name.split()
    if not words:
        return ""
    return " ".join([words[0]] + [w[0].upper() + "." for w in words[1:]])


def normalize_code(code: str) -> str:
    """A typed or scanned code: trimmed, upper-cased."""
    return code.strip().upper()


def times_of(row, steps) -> rules.DossierTimes:
    return rules.DossierTimes(
        status=row.status, received_at=row.received_at, due_at=row.due_at,
        finished_at=row.finished_at, returned_at=row.returned_at, status_at=row.status_at,
        steps=[rules.Step(s.status, s.started_at, s.finished_at) for s in steps])


def load(conn: Connection, code: str):
    """(dossier row, office row, step rows) or None."""
    row = conn.execute(select(dossiers).where(dossiers.c.code == code)).first()
    if row is None:
        return None
    office = conn.execute(select(offices).where(offices.c.code == row.office_code)).first()
    steps = conn.execute(select(dossier_steps).where(dossier_steps.c.dossier_code == code)
                         .order_by(dossier_steps.c.position)).all()
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
        "holder": mask_holder(row.holder_name),
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
