"""seed-demo: loads central.demo.sample's offices, staff, catalogue, dossiers and ratings (idempotent)."""

from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select

from central import dossiers, portal
from central.catalogue import upsert_procedures
from central.devices import add_device
from central.importers import ImportProblems, check_dossier
from central.ratings import ingest
from central.security import lookup_key
from central.staff import add_officer
from central.storage.schema import devices, offices, server_meta, staff
from central.timeutil import OFFICE_TZ
from central.demo import reporting, sample

SEEDED_AT = "demo_seeded_at"


def _now_for_demo(conn) -> datetime:
    row = conn.execute(select(server_meta.c.value).where(server_meta.c.key == SEEDED_AT)).first()
    if row:
        return datetime.fromisoformat(row.value)
    now = datetime.now(OFFICE_TZ).replace(second=0, microsecond=0)
    conn.execute(insert(server_meta).values(key=SEEDED_AT, value=now.isoformat()))
    return now


def _seed_staff(conn) -> dict:
    """Adds missing demo officers; returns {key or (office, name): id}."""
    ids = {}
    for person in sample.demo_staff():
        row = conn.execute(
            select(staff.c.id).where(staff.c.office_code == person["office"], staff.c.name == person["name"])
        ).first()
        if row is None:
            path = Path(person["photo"]) if person.get("photo") else None
            if path is not None and not path.exists():
                sample.write_staff_photos()
            row_id = add_officer(
                conn,
                person["office"],
                person["name"],
                title=person.get("title", ""),
                counter=person.get("counter"),
                photo=path.read_bytes() if path is not None and path.exists() else None,
                pin=str(person["pin"]) if person.get("pin") else None,
            )
        else:
            row_id = row.id
        ids[person.get("key") or (person["office"], person["name"])] = row_id
        ids[(person["office"], person["name"])] = row_id
    return ids


def _seed_device(conn, office: str) -> int:
    """A revoked pseudo-tablet per office that owns the demo ratings (its token is discarded)."""
    name = "Dữ liệu mẫu (không phải máy thật)"  # shown on the dashboard's device list
    older = "demo seed (not a real device)"  # its name in demo databases seeded before
    row = conn.execute(
        select(devices.c.id).where(devices.c.office_code == office, devices.c.name.in_((name, older)))
    ).first()
    if row:
        return row.id
    return add_device(conn, "rating", office, 0, name, revoked=True)[0]


def _demo_dossiers(now: datetime, office: dict) -> list[dict]:
    """The sample dossiers with their reporting facts, and the reporting cases the sample lacks."""
    records = reporting.enrich(sample.demo_dossiers(now, office=office["code"]), now, office["code"])
    return records + reporting.extra(now, office["code"], office["unit_code"])


def seed(engine) -> str:
    lines = []
    with engine.begin() as conn:
        now = _now_for_demo(conn)
        for office in sample.demo_offices():
            if conn.execute(select(offices.c.code).where(offices.c.code == office["code"])).first() is None:
                conn.execute(
                    insert(offices).values(code=office["code"], name=office["name"], unit_code=office.get("unit_code"))
                )
        staff_ids = _seed_staff(conn)
        counts = upsert_procedures(conn, [portal.from_portal(p) for p in sample.load_sample_procedures()])
        lines.append(f"procedures: {counts['added']} added, {counts['updated']} updated")
        names = {p["code"]: p["name"] for p in sample.load_sample_procedures()}
        key = lookup_key(conn)
        for office in sample.demo_offices():
            rows = []
            for record in _demo_dossiers(now, office):
                try:
                    values, steps = check_dossier(record, lambda _c, _o, code=office["code"]: code, secret_key=key)
                except Exception as bad:  # sample data is ours: a problem here is a bug there
                    raise ImportProblems([f"sample dossier {record.get('code')}: {bad}"]) from None
                values["procedure_name"] = names.get(values["procedure_code"], "")
                rows.append((values, steps))
            made, _ = dossiers.store(conn, rows, replace=False)
            lines.append(f"{office['code']}: {made} dossiers added")
        if hasattr(sample, "demo_ratings"):
            by_office: dict[str, list] = {}
            for item in sample.demo_ratings(now):
                item = dict(item)
                key = item.pop("staff_key", None) or item.pop("staff", None)
                if key is not None and not isinstance(item.get("staff_id"), int):
                    item["staff_id"] = staff_ids.get(key)
                by_office.setdefault(item["office"], []).append(item)
            for office_code, items in by_office.items():
                result = ingest(conn, _seed_device(conn, office_code), office_code, items)
                accepted = sum(1 for r in result["results"] if r["status"] == "accepted")
                lines.append(f"{office_code}: {accepted} ratings added")
    return "demo data loaded: " + "; ".join(lines)


def hints(engine) -> str:
    """A few demo dossier codes with their receipt secrets, for trying the kiosk."""
    with engine.connect() as conn:
        row = conn.execute(select(server_meta.c.value).where(server_meta.c.key == SEEDED_AT)).first()
    if row is None:
        return "  no demo data here (run: motcua-central seed-demo)"
    now = datetime.fromisoformat(row.value)
    out = ["  dossiers to look up on the kiosk (code, receipt secret, status):"]
    wanted = {4, 5, 9, 10}
    records = _demo_dossiers(now, sample.demo_offices()[0])
    # past its appointment and still open, without and with an apology letter (a new appointment)
    late = [r for r in records if r["status"] == 4 and r.get("due_at") and r["due_at"] < now.isoformat()]
    for record in records:
        if record["status"] in wanted and record not in late:  # each dossier once, a late one below
            wanted.discard(record["status"])
            out.append(f"    {record['code']}  {record['secret']}  status {record['status']}")
    for apology in (False, True):
        record = next((r for r in late if bool(r.get("apology_at")) == apology), None)
        if record:
            what = "late, apology letter and new appointment" if apology else "late"
            out.append(f"    {record['code']}  {record['secret']}  status {record['status']}  {what}")
    return "\n".join(out)
