"""Settled verdicts of finished dossiers, stored with the dossier so reports count them in SQL.

`verdict_columns` turns a dossier (its columns and steps, as the importer checked them) into the
stored columns, with `central.rules.settled`: the same rule reports apply at report time to the
dossiers still open. A row whose `verdict_rule` is not `rules.RULE_VERSION` is judged afresh.
"""

from collections import defaultdict

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from central import rules
from central.storage.schema import dossier_steps, dossiers


def _get(thing, name):
    return thing.get(name) if isinstance(thing, dict) else getattr(thing, name)


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
    )


def verdict_columns(values, steps) -> dict:
    """finished_effective_at, on_time, supplement_s and verdict_rule of a dossier to write."""
    verdict = rules.settled(times(values, steps))
    if verdict is None:
        return {
            "finished_effective_at": None,
            "on_time": None,
            "supplement_s": None,
            "verdict_rule": rules.RULE_VERSION,
        }
    due = _get(values, "due_at")
    supplement = (verdict.adjusted_due - due).total_seconds() if verdict.adjusted_due and due else None
    return {
        "finished_effective_at": verdict.finished_at,
        "on_time": verdict.on_time,
        "supplement_s": None if supplement is None else int(supplement),
        "verdict_rule": rules.RULE_VERSION,
    }


def backfill(conn: Connection, batch: int = 2000) -> int:
    """Stores the verdict of every dossier not judged by the current rule; returns how many."""
    done = 0
    columns = [
        dossiers.c[c] for c in ("code", "status", "received_at", "due_at", "finished_at", "returned_at", "status_at")
    ]
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
            ).where(dossier_steps.c.dossier_code.in_(codes), dossier_steps.c.status.in_((3, 5, 8)))
        ):
            steps[s.dossier_code].append(s)
        for r in rows:
            conn.execute(update(dossiers).where(dossiers.c.code == r.code).values(**verdict_columns(r, steps[r.code])))
        done += len(rows)
        last = codes[-1]
