"""Dashboard management pages: devices (add, revoke, commands), imports (check, then apply), staff."""

import json
import re
import secrets
from contextlib import contextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from sqlalchemy import insert, select, update

from central import importers, security
from central.api.deps import database
from central.dashboard.auth import Session, check_csrf, page_admin, set_flash
from central.devices import add_device
from central.errors import BadInput, number_field
from central.dashboard.uploads import UPLOADS, upload_folder, write_private
from central.dashboard.web import lang_of, office_list, render, texts, translator
from central.ratings import CLOCK_SHOWN_S, skewed_clocks
from central.staff import add_officer, update_officer
from central.storage.schema import COMMANDS, device_commands, devices, rating_gaps, staff
from central.timeutil import utcnow
from motcua.devicemark import mark_of_hash
from motcua.text import fold_vietnamese

router = APIRouter(prefix="/admin", include_in_schema=False)


def _conn(request: Request):
    return database(request).read()


def _said(request: Request, messages: list[str]) -> list[str]:
    """The importer's problems and summaries in the page's language (the importer writes English)."""
    if lang_of(request) != "vi":
        return messages
    return [importers.in_vietnamese(m) for m in messages]


# ---- devices -------------------------------------------------------------------------------------


def device_rows(conn, silent_minutes: int) -> list[dict]:
    now = utcnow()
    gaps: dict[int, list] = {}
    for g in conn.execute(select(rating_gaps).order_by(rating_gaps.c.from_seq)):
        gaps.setdefault(g.device_id, []).append((g.from_seq, g.to_seq))
    clocks = skewed_clocks(conn)
    out = []
    for r in conn.execute(
        select(devices).order_by(devices.c.office_code, devices.c.kind, devices.c.counter, devices.c.id)
    ):
        silent_s = (now - r.last_seen_at).total_seconds() if r.last_seen_at else None
        out.append(
            {
                "row": r,
                "mark": mark_of_hash(r.token_hash),  # the "Mã thiết bị" the device shows
                "revoked": r.revoked_at is not None,
                "errors": json.loads(r.errors or "[]"),
                "quarantine_items": json.loads(r.quarantine_items or "[]"),
                "gaps": gaps.get(r.id, []),
                "silent_s": silent_s,
                "clock_s": clocks.get(r.id),
                "silent": r.revoked_at is None and (silent_s is None or silent_s > silent_minutes * 60),
            }
        )
    return out


def _device_matches(device: dict, query: str) -> bool:
    """The device search: its mark ("Mã thiết bị", as the device shows it, with or without the name
    before it), its id, or a part of its name or office code; case and accents do not matter."""
    if not query:
        return True
    r = device["row"]
    wanted = fold_vietnamese(query)
    mark = device["mark"]
    return bool(
        (mark and (mark in wanted or (len(wanted) >= 4 and mark.startswith(wanted))))
        or wanted.lstrip("#") == str(r.id)
        or wanted in fold_vietnamese(r.name or "")
        or wanted in fold_vietnamese(r.office_code)
    )


def _silent_minutes(request: Request) -> int:
    return request.app.state.settings.device_silent_minutes


@router.get("/devices")
def devices_page(request: Request, _s: Session = Depends(page_admin)):
    return _devices_view(request)


def _devices_view(request: Request, new_token: str | None = None, notice: str | None = None):
    """The device list; a new token or a problem only from this request's own form, never the address."""
    minutes = _silent_minutes(request)
    query = request.query_params.get("q", "").strip()[:100]
    with _conn(request) as conn:
        rows = [d for d in device_rows(conn, minutes) if _device_matches(d, query)]
        office_rows = office_list(conn)
    return render(
        request,
        "devices.html",
        devices=rows,
        query=query,
        offices=office_rows,
        silent_minutes=minutes,
        clock_minutes=CLOCK_SHOWN_S // 60,
        new_token=new_token,
        notice=notice,
        commands=COMMANDS,
        status=422 if notice else 200,
    )


@router.post("/devices/add")
def device_add(
    request: Request,
    csrf: str = Form(""),
    kind: str = Form(...),
    office: str = Form(...),
    counter: str = Form(""),
    name: str = Form("", max_length=200),
    session: Session = Depends(page_admin),
):
    check_csrf(session, csrf)
    try:
        with database(request).write() as conn:
            _device_id, token = add_device(conn, kind, office, counter, name)
    except BadInput as bad:
        return _devices_view(request, notice=bad.text(translator(lang_of(request))))
    response = _devices_view(request, new_token=token)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/devices/{device_id}/revoke")
def device_revoke(request: Request, device_id: str, csrf: str = Form(""), session: Session = Depends(page_admin)):
    check_csrf(session, csrf)
    device_id = number_field(device_id, "device_id")
    with database(request).write() as conn:
        conn.execute(
            update(devices).where(devices.c.id == device_id, devices.c.revoked_at.is_(None)).values(revoked_at=utcnow())
        )
    set_flash(request.app.state.engine, session, *texts("devices.device_revoked", id=device_id))
    return RedirectResponse("/admin/devices", 303)


@router.post("/devices/{device_id}/command")
def device_command(
    request: Request,
    device_id: str,
    csrf: str = Form(""),
    name: str = Form(...),
    session: Session = Depends(page_admin),
):
    check_csrf(session, csrf)
    device_id = number_field(device_id, "device_id")
    if name not in COMMANDS:
        t = translator(lang_of(request))
        return _devices_view(request, notice=t("devices.no_such_command", name=name))
    with database(request).write() as conn:
        if conn.execute(select(devices.c.id).where(devices.c.id == device_id)).first() is not None:
            conn.execute(insert(device_commands).values(device_id=device_id, name=name, created_at=utcnow()))
    set_flash(request.app.state.engine, session, *texts("devices.command_queued", id=device_id))
    return RedirectResponse("/admin/devices", 303)


# ---- imports -------------------------------------------------------------------------------------


class _CheckOnly:
    """The engine as the CLI's importers see it, except that their write transaction is rolled back:
    the same validation and the same counts, and nothing stays written."""

    def __init__(self, engine):
        self.engine = engine

    def connect(self):
        return self.engine.connect()

    @contextmanager
    def begin(self):
        with self.engine.connect() as conn:
            tx = conn.begin()
            try:
                yield conn
            finally:
                tx.rollback()


def run_import(engine, kind: str, path: Path, office: str | None):
    if kind == "procedures":
        return importers.import_procedures_file(engine, path)
    return importers.import_dossiers_file(engine, path, office=office)


@router.get("/imports")
def imports_page(request: Request, _s: Session = Depends(page_admin)):
    upload_folder()  # removes checked files left over an hour
    with _conn(request) as conn:
        office_rows = office_list(conn)
    return render(request, "imports.html", offices=office_rows, report=None)


def _upload_path(session: Session, upload_id: str, suffix: str) -> Path:
    owner = security.token_hash(session.id)[:16]
    return UPLOADS / f"{owner}-{upload_id}{suffix}"


@router.post("/imports/check")
async def import_check(
    request: Request,
    csrf: str = Form(""),
    kind: str = Form(...),
    office: str = Form(""),
    file: UploadFile = File(...),
    session: Session = Depends(page_admin),
):
    check_csrf(session, csrf)
    t = translator(lang_of(request))
    suffix = Path(file.filename or "").suffix.lower()
    if kind not in ("procedures", "dossiers"):
        problems, summary, upload_id = (
            [t("imports.choose_a_kind")],
            None,
            None,
        )
    elif suffix not in (".csv", ".json"):
        problems, summary, upload_id = (
            [t("imports.must_be_csv_or_json", file=file.filename)],
            None,
            None,
        )
    else:
        upload_id = secrets.token_hex(8)
        upload_folder()
        path = _upload_path(session, upload_id, suffix)
        data = await file.read()
        write_private(path, data)
        named = path.with_name(
            Path(file.filename).name
            if re.fullmatch(r"[\w.\- ]{1,100}", Path(file.filename).name)
            else "upload" + suffix
        )
        kept = False
        try:
            summary, problems = _check(request.app.state.engine, kind, path, named.name, office or None), []
            kept = True  # valid: it waits for "Apply" (at most UPLOAD_KEEP_S)
        except importers.ImportProblems as bad:
            summary, problems = None, bad.problems
            upload_id = None
        finally:
            if not kept:  # a file with problems, or a check that failed: nothing of it stays on disk
                path.unlink(missing_ok=True)
    with _conn(request) as conn:
        office_rows = office_list(conn)
    return render(
        request,
        "imports.html",
        offices=office_rows,
        status=422 if problems else 200,
        report={
            "kind": kind,
            "office": office,
            "file": file.filename,
            "problems": _said(request, problems),
            "summary": summary and _said(request, [summary])[0],
            "upload_id": upload_id,
            "suffix": suffix,
        },
    )


def _check(engine, kind: str, path: Path, shown_name: str, office: str | None) -> str:
    """The importer's own validation and counts, rolled back; problems name the uploaded file."""
    try:
        return run_import(_CheckOnly(engine), kind, path, office)
    except importers.ImportProblems as bad:
        raise importers.ImportProblems([p.replace(path.name, shown_name, 1) for p in bad.problems]) from None


@router.post("/imports/apply")
def import_apply(
    request: Request,
    csrf: str = Form(""),
    kind: str = Form(...),
    office: str = Form(""),
    upload_id: str = Form(..., pattern=r"^[0-9a-f]{16}$"),
    suffix: str = Form(..., pattern=r"^\.(csv|json)$"),
    session: Session = Depends(page_admin),
):
    check_csrf(session, csrf)
    t = translator(lang_of(request))
    upload_folder()  # an hour-old check is gone: apply what was checked, recently
    path = _upload_path(session, upload_id, suffix)
    if not path.is_file():
        report = {
            "kind": kind,
            "problems": [t("imports.checked_file_gone")],
        }
    else:
        try:
            applied = run_import(request.app.state.engine, kind, path, office or None)
            report = {"kind": kind, "problems": [], "applied": _said(request, [applied])[0]}
        except importers.ImportProblems as bad:  # the data changed since the check
            report = {"kind": kind, "problems": _said(request, bad.problems)}
        finally:
            path.unlink(missing_ok=True)
    with _conn(request) as conn:
        office_rows = office_list(conn)
    return render(
        request, "imports.html", offices=office_rows, report=report, status=422 if report["problems"] else 200
    )


# ---- staff ---------------------------------------------------------------------------------------


@router.get("/staff")
def staff_page(request: Request, _s: Session = Depends(page_admin), edit: str | None = None):
    return _staff_view(request, edit=edit)


def _staff_view(request: Request, notice: str | None = None, edit: str | None = None):
    """The staff list and form; a problem only from this request's own form, never the address."""
    edit = number_field(edit, "edit", required=False)
    with _conn(request) as conn:
        rows = conn.execute(
            select(
                staff.c.id,
                staff.c.office_code,
                staff.c.name,
                staff.c.title,
                staff.c.counter,
                staff.c.active,
                staff.c.photo.isnot(None).label("has_photo"),
            ).order_by(staff.c.office_code, staff.c.counter, staff.c.id)
        ).all()
        office_rows = office_list(conn)
    editing = next((r for r in rows if r.id == edit), None) if edit else None
    return render(
        request,
        "staff.html",
        staff=rows,
        offices=office_rows,
        notice=notice,
        editing=editing,
        status=422 if notice else 200,
    )


@router.post("/staff/save")
async def staff_save(
    request: Request,
    csrf: str = Form(""),
    staff_id: str = Form(""),
    office: str = Form(...),
    name: str = Form(..., max_length=200),
    title: str = Form("", max_length=200),
    counter: str = Form(""),
    active: str = Form(""),
    pin: str = Form("", max_length=64),
    photo: UploadFile | None = File(None),
    session: Session = Depends(page_admin),
):
    """Adds an officer, or changes one (staff_id): a move to another office is recorded, an empty
    photo or PIN keeps hers (central.staff)."""
    check_csrf(session, csrf)
    fields = {
        "office": office,
        "name": name,
        "title": title,
        "counter": counter,
        "active": bool(active),
        "photo": await photo.read() if photo is not None and photo.filename else None,
        "pin": pin.strip() or None,
    }
    staff_no = None
    try:
        staff_no = number_field(staff_id, "staff_id", required=False)
        await run_in_threadpool(_save_officer, request.app.state.engine, staff_no, fields)  # a PIN hash takes ~0.1 s
    except BadInput as bad:
        notice = bad.text(translator(lang_of(request)))
        return _staff_view(request, notice=notice, edit=str(staff_no) if staff_no else None)
    set_flash(request.app.state.engine, session, *texts("staff.saved"))
    return RedirectResponse("/admin/staff", 303)


def _save_officer(engine, staff_no: int | None, fields: dict) -> None:
    with engine.begin() as conn:
        if staff_no is None:
            add_officer(conn, **fields)
        else:
            update_officer(conn, staff_no, **fields)


@router.get("/staff/{staff_id}/photo")
def staff_photo(request: Request, staff_id: str, _s: Session = Depends(page_admin)):
    staff_id = number_field(staff_id, "staff_id")
    with _conn(request) as conn:
        row = conn.execute(select(staff.c.photo, staff.c.photo_type).where(staff.c.id == staff_id)).first()
    if row is None or row.photo is None:
        return Response(status_code=404)
    return Response(
        row.photo, media_type=row.photo_type or "image/jpeg", headers={"Cache-Control": "private, max-age=300"}
    )
