"""Dashboard pages for the figures an office reports upward (REPORTING.md): Biểu số 06/VPCP/KSTT laid
out like the form, the late-dossier list, and the complaints (phản ánh, kiến nghị) admins record per
dossier. Every figure comes from central.bieu06 (the one classification of central.rules), exports
in the form's layout with numbers as numbers."""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select, update

from central import bieu06, exports
from central.api.deps import database
from central.dashboard.auth import Session, check_csrf, page_admin, set_flash
from central.dashboard.web import lang_of, office_list, render, texts, translator
from central.storage.schema import dossiers
from central.storage.verdicts import fee_pause_fields
from central.timeutil import to_wire, utcnow
from motcua import dossier_code
from motcua.officetime import OFFSET

router = APIRouter(prefix="/admin", include_in_schema=False)
KIND_NAMES = {
    "month": "official.kind_month",
    "quarter": "official.kind_quarter",
    "half": "official.kind_half",
    "year": "official.kind_year",
    "custom": "official.kind_custom",
}
COMPLAINT_MAX = 2000
COMPLAINTS_SHOWN = 200


def _period(request: Request) -> tuple[bieu06.ReportPeriod, dict]:
    q = request.query_params
    kind = q.get("kind") or "month"
    if kind == "custom" or (q.get("from") and q.get("to") and not q.get("kind")):
        period = bieu06.period_of(day_from=q.get("from"), day_to=q.get("to"))
        kind = "custom"
    else:
        period = bieu06.period_of(kind, q.get("year"), q.get("n"))
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}.get(kind, 1)
    chosen = {
        "kind": kind,
        "year": period.first.year,
        "n": (period.first.month - 1) // months + 1,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "office": q.get("office") or "",
    }
    return period, chosen


def _download(body: bytes | str, name: str, fmt: str) -> Response:
    media = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@router.get("/bieu06")
def bieu06_page(request: Request, _s: Session = Depends(page_admin)):
    period, chosen = _period(request)
    office = chosen["office"] or None
    fmt = request.query_params.get("format")
    recipient = (request.query_params.get("recipient") or "")[:200]
    with database(request).read() as conn:
        name = bieu06.office_name(conn, office)
        data = bieu06.report(conn, office, period)
        offices = office_list(conn)
        pausing = sorted(fee_pause_fields(conn))
    label = name or translator("vi")("common.all_offices")
    stem = f"bieu06-{office or 'tat-ca'}-{period.first}-{period.last}"
    if fmt == "csv":
        return _download(bieu06.to_csv(data, label, recipient), stem, "csv")
    if fmt == "xlsx":
        return _download(bieu06.to_xlsx(data, label, recipient), stem, "xlsx")
    return render(
        request,
        "bieu06.html",
        data=data,
        columns=bieu06.COLUMNS,
        groups=bieu06.GROUPS,
        title=bieu06.TITLE,
        rate_labels=bieu06.RATE_LABELS,
        office_label=label,
        recipient=recipient,
        chosen=chosen,
        kind_names=KIND_NAMES,
        offices=offices,
        office=chosen["office"],
        period_label=period.label(lang_of(request)),
        period_vi=period.label("vi"),
        pausing=pausing,
        years=list(range(utcnow().year, utcnow().year - 6, -1)),
    )


LATE_SHOWN = 500  # rows on the late page (a province-year has hundreds of thousands)


@router.get("/late")
def late_page(request: Request, _s: Session = Depends(page_admin)):
    return _late_view(request)


def _late_view(request: Request, notice: str | None = None, status: int = 200):
    period, chosen = _period(request)
    office = chosen["office"] or None
    fmt = request.query_params.get("format")
    with database(request).read() as conn:
        bieu06.office_name(conn, office)
        # the page shows the most days late; the exports list every late dossier
        total, items = bieu06.late_top(conn, office, period, None if fmt in ("csv", "xlsx") else LATE_SHOWN)
        offices = office_list(conn)
    if fmt in ("csv", "xlsx"):
        rows = bieu06.late_rows(items)
        stem = f"ho-so-qua-han-{office or 'tat-ca'}-{period.first}-{period.last}"
        if fmt == "csv":
            out = __import__("io").StringIO()
            exports.write_csv(out, rows, lineterminator="\r\n")
            return _download("\ufeff" + out.getvalue(), stem, "csv")
        book = exports.xlsx_bytes(rows, "Hồ sơ quá hạn", widths={"A": 28, "B": 48, "C": 24, "D": 14, "E": 14})
        return _download(book, stem, "xlsx")
    return render(
        request,
        "late.html",
        status=status,
        notice=notice,
        today=(utcnow() + OFFSET).date().isoformat(),
        back=request.url.query,
        rows=items,
        total=total,
        chosen=chosen,
        kind_names=KIND_NAMES,
        offices=offices,
        office=chosen["office"],
        period_label=period.label(lang_of(request)),
        years=list(range(utcnow().year, utcnow().year - 6, -1)),
    )


def _complaints(conn, office: str | None) -> list:
    query = (
        select(
            dossiers.c.code,
            dossiers.c.office_code,
            dossiers.c.procedure_name,
            dossiers.c.complaint,
            dossiers.c.complaint_at,
        )
        .where(dossiers.c.complaint.isnot(None))
        .order_by(dossiers.c.complaint_at.desc(), dossiers.c.code)
        .limit(COMPLAINTS_SHOWN)
    )
    if office:
        query = query.where(dossiers.c.office_code == office)
    return [dict(r._mapping, complaint_at=to_wire(r.complaint_at)) for r in conn.execute(query)]


def _complaints_view(request: Request, notice: str | None = None, status: int = 200, code: str = "", text: str = ""):
    office = request.query_params.get("office") or None
    with database(request).read() as conn:
        items = _complaints(conn, office)
        offices = office_list(conn)
    return render(
        request,
        "complaints.html",
        rows=items,
        offices=offices,
        office=office or "",
        notice=notice,
        status=status,
        complaint_max=COMPLAINT_MAX,
        code=code,
        text=text,
        shown=COMPLAINTS_SHOWN,
    )


@router.get("/complaints")
def complaints_page(request: Request, _s: Session = Depends(page_admin)):
    return _complaints_view(request)


@router.post("/complaints")
def record_complaint(
    request: Request,
    csrf: str = Form(""),
    code: str = Form("", max_length=200),
    text: str = Form("", max_length=10000),
    session: Session = Depends(page_admin),
):
    """Records (or, with an empty text, clears) the complaint of a dossier: it counts in chỉ tiêu 5.4."""
    check_csrf(session, csrf)
    t = translator(lang_of(request))
    normal = dossier_code.normalise(code.strip()) if code.strip() else ""
    complaint = text.strip()
    if not normal:
        return _complaints_view(request, t("official.complaint_no_code"), 400, code, text)
    if len(complaint) > COMPLAINT_MAX:
        return _complaints_view(request, t("official.complaint_too_long", n=COMPLAINT_MAX), 400, code, text)
    with request.app.state.engine.begin() as conn:
        done = conn.execute(
            update(dossiers)
            .where(dossiers.c.code == normal)
            .values(complaint=complaint or None, complaint_at=utcnow() if complaint else None)
        ).rowcount
    if not done:
        return _complaints_view(request, t("official.complaint_no_dossier", code=normal), 404, code, text)
    set_flash(
        request.app.state.engine,
        session,
        *texts("official.complaint_recorded" if complaint else "official.complaint_cleared", code=normal),
    )
    office = request.query_params.get("office")
    return RedirectResponse("/admin/complaints" + (f"?{urlencode({'office': office})}" if office else ""), 303)


@router.post("/late/apology")
def record_apology(
    request: Request,
    csrf: str = Form(""),
    code: str = Form("", max_length=200),
    new_day: str = Form("", max_length=20),
    back: str = Form("", max_length=500),
    session: Session = Depends(page_admin),
):
    """Records that the letter of apology (Mẫu 04) was sent now, with its new appointment (office day,
    17:00): the dossier stays judged against the appointment on its receipt."""
    check_csrf(session, csrf)
    t = translator(lang_of(request))
    normal = dossier_code.normalise(code.strip()) if code.strip() else ""
    try:
        day = date.fromisoformat(new_day.strip())
    except ValueError:
        return _late_view(request, t("official.apology_bad_day", day=new_day), 422)
    today = (utcnow() + OFFSET).date()
    if not today <= day <= today + timedelta(days=366):
        return _late_view(request, t("official.apology_bad_day", day=new_day), 422)
    new_due = datetime.combine(day, time(17, 0)) - OFFSET
    with request.app.state.engine.begin() as conn:
        done = conn.execute(
            update(dossiers).where(dossiers.c.code == normal).values(apology_at=utcnow(), extended_due_at=new_due)
        ).rowcount
    if not done:
        return _late_view(request, t("official.complaint_no_dossier", code=normal), 404)
    set_flash(
        request.app.state.engine, session, *texts("official.apology_recorded", code=normal, day=f"{day:%d/%m/%Y}")
    )
    query = back if back and "\n" not in back and "//" not in back else ""
    return RedirectResponse("/admin/late" + (f"?{query}" if query else ""), 303)
