"""Admin-only API: devices (the reports are central/api/reports.py)."""

import json

from fastapi import APIRouter, Depends
from sqlalchemy import select

from central.api.auth import Caller, admin_caller
from central.api.deps import Db
from central.api.errors import ERROR_RESPONSES
from central.storage.schema import devices, rating_gaps
from central.timeutil import to_wire

router = APIRouter(prefix="/api/v1", tags=["admin"], responses=ERROR_RESPONSES)


@router.get("/admin/devices", summary="Registered devices with their last heartbeat and seq gaps")
def admin_devices(db: Db, _admin: Caller = Depends(admin_caller)):
    with db.read() as conn:
        rows = conn.execute(select(devices).order_by(devices.c.id)).all()
        gaps: dict[int, list] = {}
        for g in conn.execute(select(rating_gaps).order_by(rating_gaps.c.from_seq)):
            gaps.setdefault(g.device_id, []).append([g.from_seq, g.to_seq])
    return {
        "items": [
            {
                "id": r.id,
                "kind": r.kind,
                "office": r.office_code,
                "counter": r.counter,
                "name": r.name,
                "revoked": r.revoked_at is not None,
                "last_seen_at": to_wire(r.last_seen_at),
                "version": r.version,
                "pending": r.pending,
                "oldest_pending_age_s": r.oldest_pending_age_s,
                "catalogue_version": r.catalogue_version,
                "errors": json.loads(r.errors or "[]"),
                "max_seq": r.max_seq,
                "gaps": gaps.get(r.id, []),
                "seq_clashes": r.seq_clashes,
                "quarantined": r.quarantined,
                "quarantine_reason": r.quarantine_reason,
                "quarantined_items": json.loads(r.quarantine_items or "[]"),
            }
            for r in rows
        ]
    }
